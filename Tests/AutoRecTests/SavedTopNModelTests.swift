import Foundation
import RecData
import RecMath
import RecTestSupport
import Testing

@testable import AutoRec

/// Tiny fitted top-N models of every kind, on 12 users and 10 items.
enum TopNFixtures {
    static let users = 12, items = 10
    /// User u has the items (u + 3j) mod 10, j < 4, in that (unsorted) order; the last user has none.
    static let training: [[Int32]] = (0..<users).map { u in
        u == users - 1 ? [] : (0..<4).map { Int32((u + 3 * $0) % items) }
    }
    static let userIDs = IDMap(rawIDs: (0..<users).map { "u\($0)" }) ?? IDMap()
    static let itemIDs = IDMap(rawIDs: (0..<items).map { "i\($0)" }) ?? IDMap()

    /// A model of `kind` fitted for a few epochs (milliseconds), wrapped with ids and training items;
    /// ratings >= 4 count as interactions.
    static func fitted(_ kind: TopNModelDescription.Kind, newUser: CDAE.NewUserVector = .zeros) throws
        -> SavedTopNModel
    {
        let options = ImplicitTrainingOptions(epochs: 1, batchSize: 4, learningRate: 0.01)
        let model: any TopNModel
        switch kind {
        case .multVAE, .multDAE:
            var m = try MultAutoencoder(
                itemCount: items,
                configuration: .init(variant: kind == .multVAE ? .vae : .dae, hidden: [6, 3], seed: 3))
            for _ in 0..<3 { _ = m.trainEpoch(training, options: options) }
            model = m
        case .cdae:
            var m = try CDAE(
                userCount: users, itemCount: items,
                configuration: .init(hidden: 4, negativeRatio: 2, newUser: newUser, seed: 3))
            for _ in 0..<3 { _ = m.trainEpoch(training, options: options) }
            model = m
        case .ease: model = try EASE(training: training, itemCount: items, lambda: 5)
        case .itemKNN: model = ItemKNN(training: training, itemCount: items, neighbours: 3)
        case .popularity: model = Popularity(training: training, itemCount: items)
        }
        return try SavedTopNModel(
            model: model, training: training, userIDs: userIDs, itemIDs: itemIDs, scale: .stars, positive: 4,
            rankingProtocol: .named(.recbole), seed: 7, setting: "l2=0")
    }

    /// Every item's score for each user, from the user's training items.
    static func allScores(_ saved: SavedTopNModel) -> [[Float]] {
        saved.training.enumerated().map { u, items in
            var s = [Float](repeating: 0, count: saved.itemIDs.count)
            saved.model.scores(user: Int32(u), items: items, into: &s)
            return s
        }
    }
}

@Suite struct SavedTopNModelTests {
    @Test(
        "save then load gives the same kind, description, training items and scores, bit for bit",
        arguments: TopNModelDescription.Kind.allCases)
    func roundTrip(kind: TopNModelDescription.Kind) throws {
        let dir = try TemporaryFolder()
        let saved = try TopNFixtures.fitted(kind)
        try saved.save(to: dir.file("m"))
        let loaded = try SavedTopNModel.load(from: dir.file("m"))
        #expect(loaded.description == saved.description && loaded.description.model == kind)
        #expect(loaded.training == TopNFixtures.training && loaded.userIDs == saved.userIDs)
        #expect(TopNFixtures.allScores(loaded) == TopNFixtures.allScores(saved))
        // A new user's list too (CDAE's new-user vector, Mult's encoder of an unseen list).
        var a = [Float](repeating: 0, count: TopNFixtures.items), b = a
        saved.model.scores(user: nil, items: [1, 2, 8], into: &a)
        loaded.model.scores(user: nil, items: [1, 2, 8], into: &b)
        #expect(a == b)
    }

    @Test("a CDAE's user vectors are saved: users with the same items keep different scores")
    func cdaeUserVectors() throws {
        let dir = try TemporaryFolder()
        let saved = try TopNFixtures.fitted(.cdae)
        try saved.save(to: dir.file("m"))
        let loaded = try SavedTopNModel.load(from: dir.file("m"))
        let cdae = try #require(loaded.model as? CDAE)
        #expect(cdae.parameters[2] == (saved.model as? CDAE)?.parameters[2])
        #expect(cdae.trained == TopNFixtures.training.map { !$0.isEmpty })
        var a = [Float](repeating: 0, count: TopNFixtures.items), b = a
        cdae.scores(user: 0, items: [1, 2], into: &a)
        cdae.scores(user: 1, items: [1, 2], into: &b)
        #expect(a != b)
    }

    @Test("a truncated weights file is refused with an error naming weights.safetensors")
    func truncatedWeights() throws {
        let dir = try TemporaryFolder()
        try TopNFixtures.fitted(.multDAE).save(to: dir.file("m"))
        let path = ModelDirectory(dir.file("m")).weightsPath
        let bytes = try #require(FileManager.default.contents(atPath: path))
        try bytes.prefix(bytes.count - 16).write(to: URL(fileURLWithPath: path))
        #expect {
            try SavedTopNModel.load(from: dir.file("m"))
        } throws: { error in
            (error as? ModelFileError)?.description.hasPrefix(path + ":") == true
        }
    }

    @Test("a weight tensor of the wrong shape is refused naming the file and the tensor")
    func wrongShape() throws {
        let dir = try TemporaryFolder()
        let saved = try TopNFixtures.fitted(.cdae)
        var w = saved.weightsFile()
        w.tensors["user.weight"] = .init(shape: [3, 4], values: [Float](repeating: 0, count: 12))
        try ModelDirectory(dir.file("m")).save(weights: w, model: saved.description)
        let path = ModelDirectory(dir.file("m")).weightsPath
        #expect(throws: ModelFileError.wrongShape(path: path, tensor: "user.weight", expected: [12, 4], found: [3, 4])) {
            try SavedTopNModel.load(from: dir.file("m"))
        }
    }

    @Test(
        "a model.json whose model section is missing or mismatched is refused naming the file and field",
        arguments: [
            ("cdae", "is missing (CDAE needs it)"), ("multAutoencoder", "must be absent for CDAE"),
        ])
    func badDescription(field: String, problem: String) throws {
        let dir = try TemporaryFolder()
        let saved = try TopNFixtures.fitted(.cdae)
        var d = saved.description
        if field == "cdae" { d.cdae = nil } else { d.multAutoencoder = .init(variant: .dae) }
        try ModelDirectory(dir.file("m")).save(weights: saved.weightsFile(), model: d)
        let path = ModelDirectory(dir.file("m")).modelPath
        #expect(throws: ModelFileError.invalidField(path: path, field: field, problem: problem)) {
            try SavedTopNModel.load(from: dir.file("m"))
        }
    }

    @Test("a configuration the model refuses is reported as an invalid field of model.json")
    func badConfiguration() throws {
        let dir = try TemporaryFolder()
        let saved = try TopNFixtures.fitted(.multVAE)
        var d = saved.description
        d.multAutoencoder?.hidden = [6, 0]
        try ModelDirectory(dir.file("m")).save(weights: saved.weightsFile(), model: d)
        #expect {
            try SavedTopNModel.load(from: dir.file("m"))
        } throws: { error in
            guard case let .invalidField(path, field, _) = error as? ModelFileError else { return false }
            return path == ModelDirectory(dir.file("m")).modelPath && field == "multAutoencoder"
        }
    }

    @Test("a ranking part is carried over to the model's indices by raw id; unknown users and items leave")
    func partMapping() throws {
        let saved = try TopNFixtures.fitted(.popularity)
        // The data lists the ids in another order and knows one more user and item.
        let data = InteractionSet(
            users: [], items: [], userIDs: IDMap(rawIDs: ["u3", "x", "u0"]) ?? IDMap(),
            itemIDs: IDMap(rawIDs: ["i9", "y", "i1"]) ?? IDMap())
        let part = RankingPart(users: [0, 1, 2], input: [[0, 1], [0], [2]], excluded: [[0], [], [2, 1]],
                               relevant: [[2], [2], [0]])
        let mapped = saved.part(part, of: data)
        #expect(mapped == RankingPart(users: [3, 0], input: [[9], [1]], excluded: [[9], [1]], relevant: [[1], [9]]))
    }
}
