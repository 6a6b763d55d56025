@testable import AutoRec
import Foundation
import RecData
import RecMath
import RecTestSupport
import Testing

@Suite struct GroupedAutoRecFileTests {
    static let table = GroupedAutoRecTests.table

    /// Women 25-34 (users 0-19) get a model of their own; men 25-34 (20-27) are below the minimum
    /// and users 28-29 have no attributes: both served by the model on everyone.
    static func trained(_ o: AutoRecConfiguration.Orientation = .user) throws -> GroupedAutoRec {
        var c = smallConfig(o)
        c.epochs = 4
        var m = GroupedAutoRec(configuration: c, grouping: .genderAge, users: GroupedAutoRecTests.users)
        m.minimumGroupSize = 10
        try m.fit(table, validation: nil)
        return m
    }

    static let women = SideFeatures.ageGroups.firstIndex { $0.1 == "25-34" } ?? -1

    /// A trained model saved to `folder/model`; returns the model folder.
    static func saved(in folder: TemporaryFolder, _ o: AutoRecConfiguration.Orientation = .user) throws
        -> (GroupedAutoRec, String)
    {
        let m = try trained(o)
        let dir = folder.file("model")
        try m.save(to: dir, userIDs: table.userIDs, itemIDs: table.itemIDs)
        return (m, dir)
    }

    @Test("save then load gives bit-identical predictions through the group's model and the fallback",
          arguments: AutoRecConfiguration.Orientation.allCases)
    func roundTrip(o: AutoRecConfiguration.Orientation) throws {
        let folder = try TemporaryFolder()
        let (m, dir) = try Self.saved(in: folder, o)
        #expect(m.groups.count { $0 != nil } == 1 && m.groups[Self.women] != nil, "one group model and the fallback")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(names == ["everyone", "group-\(Self.women)", "model.json", "weights.safetensors"])
        let (loaded, training) = try GroupedAutoRec.load(from: dir)
        #expect(training.userIDs == Self.table.userIDs && training.itemIDs == Self.table.itemIDs)
        #expect(loaded.groupOfUser == m.groupOfUser && loaded.grouping == m.grouping)
        #expect(loaded.minimumGroupSize == 10 && loaded.configuration == m.configuration)
        #expect(loaded.groups.map { $0 == nil } == m.groups.map { $0 == nil })
        var s = [Float](repeating: 0, count: 24), t = s
        for u in 0..<30 as Range<Int32> {
            for i in 0..<24 as Range<Int32> {
                #expect(loaded.predict(user: u, item: i).bitPattern == m.predict(user: u, item: i).bitPattern,
                        "user \(u) item \(i)")
            }
            loaded.scores(forUser: u, into: &s)
            m.scores(forUser: u, into: &t)
            #expect(s.map(\.bitPattern) == t.map(\.bitPattern), "user \(u)")
        }
    }

    @Test("saving over a group model folder replaces all of it: no group folder of the old model remains")
    func replaces() throws {
        let folder = try TemporaryFolder()
        let (_, dir) = try Self.saved(in: folder)
        var c = smallConfig(.user)
        c.epochs = 2
        var none = GroupedAutoRec(configuration: c, grouping: .genderAge, users: GroupedAutoRecTests.users)
        none.minimumGroupSize = 100
        try none.fit(Self.table, validation: nil)
        try none.save(to: dir, userIDs: Self.table.userIDs, itemIDs: Self.table.itemIDs)
        #expect(try folder.contents() == ["model"], "a temporary or set-aside folder was left behind")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(names == ["everyone", "model.json", "weights.safetensors"])
        let (loaded, _) = try GroupedAutoRec.load(from: dir)
        #expect(loaded.groups.allSatisfy { $0 == nil } && loaded.predict(user: 0, item: 1) == none.predict(user: 0, item: 1))
    }

    @Test("an untrained group model is not saved")
    func untrained() throws {
        let folder = try TemporaryFolder()
        let m = GroupedAutoRec(configuration: smallConfig(.user), grouping: .kMeans(2))
        let dir = folder.file("m")
        #expect(throws: ModelFileError.notAModelDirectory(
            path: dir, reason: "the model is not trained, so there is nothing to save")) {
            try m.save(to: dir, userIDs: Self.table.userIDs, itemIDs: Self.table.itemIDs)
        }
        #expect(!FileManager.default.fileExists(atPath: dir))
    }

    /// Rewrites `dir/model.json` with `change` applied to its top-level object.
    static func editJSON(_ dir: String, _ change: (inout [String: Any]) -> Void) throws {
        let path = "\(dir)/model.json"
        var json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        change(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
    }

    /// Rewrites `dir/weights.safetensors` with these groups.
    static func writeGroups(_ dir: String, _ groups: [Int32]) throws {
        let t = SafeTensorsFile.Tensor(shape: [groups.count], elements: .int32(groups))
        try SafeTensorsFile(tensors: ["group_of_user": t]).write(to: "\(dir)/weights.safetensors")
    }

    enum Damage: String, CaseIterable {
        case missingGroupFolder, missingEveryone, groupOutOfRange, groupBelowMinusOne, tooFewUsers,
             wrongUserCount, folderOutside, badGrouping, otherIDs
    }

    @Test("a damaged group model folder is refused with the file and the fault named", arguments: Damage.allCases)
    func damaged(damage: Damage) throws {
        let folder = try TemporaryFolder()
        let (m, dir) = try Self.saved(in: folder)
        let g = Self.women, groupCount = m.groups.count
        let expected: ModelFileError
        switch damage {
        case .missingGroupFolder:
            try FileManager.default.removeItem(atPath: "\(dir)/group-\(g)")
            expected = .notAModelDirectory(path: "\(dir)/group-\(g)", reason: "no such folder")
        case .missingEveryone:
            try FileManager.default.removeItem(atPath: "\(dir)/everyone")
            expected = .notAModelDirectory(path: "\(dir)/everyone", reason: "no such folder")
        case .groupOutOfRange, .groupBelowMinusOne:
            var groups = m.groupOfUser.map { Int32($0) }
            groups[7] = damage == .groupOutOfRange ? Int32(groupCount) : -2
            try Self.writeGroups(dir, groups)
            expected = .valueOutOfRange(
                path: "\(dir)/weights.safetensors", tensor: "group_of_user", index: [7], value: "\(groups[7])",
                allowed: "-1 (no group) to \(groupCount - 1) (\(dir)/model.json lists \(groupCount) groups)")
        case .tooFewUsers:
            try Self.writeGroups(dir, m.groupOfUser.dropLast().map { Int32($0) })
            expected = .wrongShape(path: "\(dir)/weights.safetensors", tensor: "group_of_user", expected: [30],
                                   found: [29])
        case .wrongUserCount:
            try Self.editJSON(dir) { json in
                var groups = json["groups"] as? [[String: Any]] ?? []
                groups[g]["users"] = 19
                json["groups"] = groups
            }
            expected = .invalidField(
                path: "\(dir)/model.json", field: "groups[\(g)].users",
                problem: "is 19, but group_of_user in \(dir)/weights.safetensors puts 20 users in group \(g)")
        case .folderOutside:
            try Self.editJSON(dir) { json in
                var groups = json["groups"] as? [[String: Any]] ?? []
                groups[g]["folder"] = "../elsewhere"
                json["groups"] = groups
            }
            expected = .invalidField(path: "\(dir)/model.json", field: "groups[\(g)].folder",
                                     problem: "must be group-\(g) or absent, found \"../elsewhere\"")
        case .badGrouping:
            try Self.editJSON(dir) { $0["grouping"] = "kmeans:0" }
            expected = .invalidField(path: "\(dir)/model.json", field: "grouping",
                                     problem: "must be gender-age or kmeans:K with K >= 1, found \"kmeans:0\"")
        case .otherIDs:
            // A model trained on other users put in the group's place.
            let other = lowRankTable(users: 31, items: 24, density: 0.5, seed: 3)
            var stranger = AutoRecModel(configuration: m.configuration)
            try stranger.fit(other, validation: nil)
            try stranger.save(to: "\(dir)/group-\(g)", userIDs: other.userIDs, itemIDs: other.itemIDs)
            expected = .invalidField(
                path: "\(dir)/group-\(g)/model.json", field: "users",
                problem: "differ from those of \(dir)/everyone (the group models must share its ids)")
        }
        #expect(throws: expected) { try GroupedAutoRec.load(from: dir) }
    }
}
