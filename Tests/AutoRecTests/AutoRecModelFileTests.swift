@testable import AutoRec
import Foundation
import RecData
import RecMath
import Testing

@Suite struct AutoRecModelFileTests {
    static let table = lowRankTable(users: 20, items: 15, density: 0.5, seed: 21)

    func folder(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("autorec-file-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        return dir.path
    }

    @Test("save then load gives identical predictions", arguments: [
        AutoRecConfiguration.Fill.zero, .userMean,
    ], AutoRecConfiguration.Orientation.allCases)
    func roundTrip(fill: AutoRecConfiguration.Fill, o: AutoRecConfiguration.Orientation) throws {
        var c = smallConfig(o)
        c.fill = fill
        c.epochs = 8
        var m = AutoRecModel(configuration: c)
        try m.fit(Self.table, validation: nil)
        let dir = folder("\(o)-\(fill)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try m.save(to: dir, userIDs: Self.table.userIDs, itemIDs: Self.table.itemIDs)
        let (loaded, training) = try AutoRecModel.load(from: dir)
        #expect(loaded.configuration == c)
        #expect(training.userIDs == Self.table.userIDs && training.itemIDs == Self.table.itemIDs)
        for u in 0..<20 as Range<Int32> {
            for i in 0..<15 as Range<Int32> { #expect(loaded.predict(user: u, item: i) == m.predict(user: u, item: i)) }
        }
    }

    @Test("a corrupt or mismatched model folder is refused with a clear error")
    func corrupt() throws {
        var m = AutoRecModel(configuration: smallConfig())
        try m.fit(Self.table, validation: nil)
        let dir = folder("corrupt")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try m.save(to: dir, userIDs: Self.table.userIDs, itemIDs: Self.table.itemIDs)
        let weights = dir + "/weights.safetensors"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: weights))
        try bytes.prefix(bytes.count - 3).write(to: URL(fileURLWithPath: weights))
        #expect(throws: ModelFileError.self) { try AutoRecModel.load(from: dir) }
        // A model.json whose hidden size does not match the weights.
        try m.save(to: dir, userIDs: Self.table.userIDs, itemIDs: Self.table.itemIDs)
        let json = dir + "/model.json"
        let text = try String(contentsOfFile: json, encoding: .utf8)
            .replacingOccurrences(of: "\"hiddenUnits\" : 6", with: "\"hiddenUnits\" : 7")
        try text.write(toFile: json, atomically: true, encoding: .utf8)
        do {
            _ = try AutoRecModel.load(from: dir)
            Issue.record("a mismatched model loaded")
        } catch {
            #expect("\(error)".contains("encoder.weight"))
        }
    }
}
