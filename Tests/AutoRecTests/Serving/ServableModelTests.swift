import AutoRec
import Foundation
import RecData
import RecTestSupport
import Testing

@Suite struct ServableModelTests {
    @Test(
        "a model folder, one-layer or deep, loads through the serving seam with its kind, scale and a version tag",
        arguments: [AutoRecConfiguration.Orientation.item, .user], [nil, [4, 2, 4]] as [[Int]?])
    func load(orientation: AutoRecConfiguration.Orientation, layers: [Int]?) throws {
        let dir = try TemporaryFolder()
        var c = smallConfig(orientation)
        c.layers = layers
        c.epochs = 3
        var m = AutoRecModel(configuration: c)
        let table = lowRankTable(users: 8, items: 6, density: 0.7, seed: 2)
        try m.fit(table, validation: nil)
        try m.save(to: dir.file("m"), userIDs: table.userIDs, itemIDs: table.itemIDs)
        let loaded = try ServableModelLoader.load(folder: dir.file("m"))
        #expect(loaded.model.kind == m.modelName && loaded.model.scale == table.scale)
        #expect(loaded.model.itemCount == 6 && loaded.model.userCount == 8 && loaded.model.knowsItem("i2"))
        #expect((loaded.model.foldInRefusal == nil) == (orientation == .user))
        #expect(loaded.version.count == 16)
    }

    @Test("a group model folder loads through the serving seam and answers as the group model does")
    func loadGrouped() throws {
        let dir = try TemporaryFolder()
        let m = try GroupedAutoRecFileTests.trained(.user)
        let table = GroupedAutoRecFileTests.table
        try m.save(to: dir.file("g"), userIDs: table.userIDs, itemIDs: table.itemIDs)
        let loaded = try ServableModelLoader.load(folder: dir.file("g"))
        let direct = try Recommender(grouped: m, training: table)
        #expect(loaded.model.kind == "grouped U-AutoRec" && loaded.model.foldInRefusal == nil)
        for user in ["u0", "u19", "u25", "u29"] {
            #expect(loaded.model.predict(user: user, item: "i3") == direct.predict(user: user, item: "i3"))
            #expect(try loaded.model.recommend(user: user, count: 4, candidates: nil, includeRated: false, excluding: []).items
                    == direct.recommend(user: user, count: 4).items)
        }
        // The version covers the group models in the sub-folders too.
        var other = try GroupedAutoRecFileTests.trained(.user)
        other.configuration.seed += 1
        try other.fit(table, validation: nil)
        try other.save(to: dir.file("g"), userIDs: table.userIDs, itemIDs: table.itemIDs)
        #expect(try ServableModelLoader.load(folder: dir.file("g")).version != loaded.version)
    }

    @Test("each prediction source has a distinct stable code")
    func codes() {
        let all: [Recommender.Source] = [.model, .newUser, .newItem, .newUserAndItem, .foldIn]
        #expect(Set(all.map(\.code)).count == all.count)
        #expect(all.map(\.code) == ["model", "new-user", "new-item", "new-user-and-item", "fold-in"])
    }
}

@Suite struct ServableTopNModelTests {
    @Test(
        "a top-N folder loads through the serving seam and answers as the model it was saved from",
        arguments: TopNModelDescription.Kind.allCases)
    func loadTopN(kind: TopNModelDescription.Kind) throws {
        let dir = try TemporaryFolder()
        let saved = try TopNFixtures.fitted(kind)
        try saved.save(to: dir.file("m"))
        let loaded = try ServableModelLoader.load(folder: dir.file("m"))
        let direct = TopNRecommender(saved)
        #expect(loaded.model.kind == kind.rawValue && loaded.model.foldInRefusal == nil)
        #expect(loaded.model.userCount == TopNFixtures.users && loaded.model.scale == .stars)
        for user in ["u0", "u5", "u11", "nobody"] {
            #expect(
                try loaded.model.recommend(user: user, count: 4, candidates: nil, includeRated: false, excluding: [])
                    .items == direct.recommend(user: user, count: 4).items)
        }
        #expect(
            try loaded.model.recommend(foldingIn: [("i2", 5), ("i3", 4)], count: 4, candidates: nil).items
                == direct.recommend(foldingIn: [("i2", 5), ("i3", 4)], count: 4).items)
    }
}
