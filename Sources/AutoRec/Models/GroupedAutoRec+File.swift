import Foundation
import RecData

/// What `model.json` holds for a group model: the grouping and the groups; the models themselves
/// are ordinary AutoRec model folders inside the folder.
///
/// ```
/// model/
///   model.json            {"formatVersion": 1, "model": "Grouped AutoRec", "grouping": "kmeans:3",
///                          "minimumGroupSize": 50, "groups": [{"users": 812, "folder": "group-0"},
///                          {"users": 12}, ...], "dataPath": ...}
///   weights.safetensors   group_of_user: I32 [users], each user's group (−1: none)
///   report.json           optional: how the model was trained and how it scored
///   everyone/             the model trained on everyone (an AutoRec model folder)
///   group-0/ ...          one AutoRec model folder per group with a model of its own
/// ```
///
/// A group without `folder` was below `minimumGroupSize`; its users, and users of no group, are
/// served by `everyone/`. Every sub-folder holds the same raw user and item ids as `everyone/`.
public struct GroupedAutoRecDescription: ModelDescription, Codable, Sendable, Equatable {
    /// The value of `model` in a group model's `model.json`.
    public static let kind = "Grouped AutoRec"
    /// The sub-folder holding the model trained on everyone.
    public static let everyoneFolder = "everyone"
    /// The tensor of `weights.safetensors` holding each user's group.
    public static let groupTensor = "group_of_user"

    /// One group of users.
    public struct Group: Codable, Sendable, Equatable {
        /// How many users the group has.
        public var users: Int
        /// The sub-folder of the group's model, `group-G`; absent for a group served by `everyone/`.
        public var folder: String?
    }

    /// Version of this layout; loading refuses newer versions.
    public var formatVersion: Int
    /// Always ``kind``.
    public var model: String
    /// How users were grouped: `gender-age` or `kmeans:K`.
    public var grouping: String
    /// Groups with fewer users than this were given no model of their own.
    public var minimumGroupSize: Int
    /// The groups, by group number.
    public var groups: [Group]
    /// Where the training data was read from (to find titles for recommendations), if known.
    public var dataPath: String?

    /// The sub-folder name of group `g`'s model.
    public static func folder(ofGroup g: Int) -> String { "group-\(g)" }

    /// ``GroupedAutoRec/formatVersion``.
    public static var supportedFormatVersion: Int { GroupedAutoRec.formatVersion }

    /// Checks what decoding cannot: `model` is ``kind``, the grouping reads as
    /// ``GroupedAutoRec/Grouping/init(text:)``, `minimumGroupSize >= 1`, and each group has a
    /// user count >= 0 and either no folder or `group-G` (so no path leads outside the folder).
    ///
    /// - Parameter path: The file, named in errors.
    /// - Throws: ``ModelFileError/invalidField(path:field:problem:)`` for the first field at fault.
    public func validate(path: String) throws(ModelFileError) {
        func bad(_ field: String, _ problem: String) -> ModelFileError {
            .invalidField(path: path, field: field, problem: problem)
        }
        guard model == Self.kind else {
            throw bad("model", "must be \(Self.kind), found \(String(reflecting: model))")
        }
        guard GroupedAutoRec.Grouping(text: grouping) != nil else {
            throw bad("grouping",
                      "must be gender-age or kmeans:K with K >= 1, found \(String(reflecting: grouping))")
        }
        guard minimumGroupSize >= 1 else {
            throw bad("minimumGroupSize", "must be >= 1, found \(minimumGroupSize)")
        }
        for (g, group) in groups.enumerated() {
            guard group.users >= 0 else { throw bad("groups[\(g)].users", "must be >= 0, found \(group.users)") }
            if let folder = group.folder, folder != Self.folder(ofGroup: g) {
                throw bad("groups[\(g)].folder", "must be \(Self.folder(ofGroup: g)) or absent, found "
                          + String(reflecting: folder))
            }
        }
    }
}

extension GroupedAutoRec {
    /// The newest group-model `model.json` layout this build writes and reads.
    public static let formatVersion = 1

    /// Saves the model folder atomically (layout in ``GroupedAutoRecDescription``): the grouping in
    /// `model.json`, each user's group in `weights.safetensors`, the model trained on everyone and
    /// each group's model as AutoRec model folders inside it, and `report.json` if given. The whole
    /// folder is written to a temporary folder and renamed into place.
    ///
    /// - Parameters:
    ///   - path: The folder to create or replace.
    ///   - userIDs: The raw user ids of the training data (as many as users grouped).
    ///   - itemIDs: The raw item ids of the training data.
    ///   - dataPath: Where the training data was read from, if known.
    ///   - report: The value for `report.json`, or `nil`.
    /// - Throws: ``ModelFileError`` when the model is not trained or a file cannot be written
    ///   (nothing half-written remains).
    public func save(
        to path: String, userIDs: IDMap, itemIDs: IDMap, dataPath: String? = nil, report: (any Encodable)? = nil
    ) throws(ModelFileError) {
        guard let everyone, everyone.parameters != nil else {
            throw .notAModelDirectory(path: path, reason: "the model is not trained, so there is nothing to save")
        }
        precondition(groupOfUser.count == userIDs.count,
                     "groupOfUser has \(groupOfUser.count) users, userIDs \(userIDs.count)")
        var sizes = [Int](repeating: 0, count: groups.count)
        for g in groupOfUser where g >= 0 { sizes[g] += 1 }
        typealias D = GroupedAutoRecDescription
        let description = D(
            formatVersion: Self.formatVersion, model: D.kind, grouping: grouping.description,
            minimumGroupSize: minimumGroupSize,
            groups: groups.indices.map { g in
                .init(users: sizes[g], folder: groups[g].map { _ in D.folder(ofGroup: g) })
            },
            dataPath: dataPath)
        // Group numbers are below groups.count, a few dozen at most, so Int32 holds them.
        let assignment = SafeTensorsFile.Tensor(
            shape: [groupOfUser.count], elements: .int32(groupOfUser.map { Int32($0) }))
        let weights = SafeTensorsFile(
            tensors: [D.groupTensor: assignment],
            metadata: ["model": D.kind, "format": "autorec-swift grouped \(Self.formatVersion)"])
        try ModelDirectory(path).save(weights: weights, model: description, report: report) {
            temp throws(ModelFileError) in
            try everyone.save(to: "\(temp)/\(D.everyoneFolder)", userIDs: userIDs, itemIDs: itemIDs,
                              dataPath: dataPath)
            for (g, model) in groups.enumerated() {
                try model?.save(to: "\(temp)/\(D.folder(ofGroup: g))", userIDs: userIDs, itemIDs: itemIDs,
                                dataPath: dataPath)
            }
        }
    }

    /// Loads a folder written by ``save(to:userIDs:itemIDs:dataPath:report:)``; the loaded model
    /// routes every prediction as the saved one did.
    ///
    /// Checked before use: `model.json` by ``GroupedAutoRecDescription/decode(_:path:)``; each
    /// sub-folder by ``AutoRecModel/load(from:)``, with the same raw user and item ids as
    /// `everyone/`; `group_of_user` an I32 tensor with one entry per user of `everyone/`, each from
    /// −1 to the number of groups − 1, and the users per group matching `model.json`.
    ///
    /// - Returns: The model and the training ratings of the model trained on everyone (with the
    ///   id maps), which decide the known users and items.
    /// - Throws: ``ModelFileError`` naming the file and what is wrong (a missing sub-folder, a
    ///   group out of range, a user count that does not match).
    public static func load(from path: String) throws(ModelFileError)
        -> (model: GroupedAutoRec, training: RatingTable)
    {
        typealias D = GroupedAutoRecDescription
        let dir = ModelDirectory(path)
        let d = try D.decode(try dir.loadModelJSON(), path: dir.modelPath)
        guard let grouping = Grouping(text: d.grouping) else {
            throw .invalidField(path: dir.modelPath, field: "grouping", problem: "cannot be read")
        }
        let w = try dir.loadWeights()
        let (everyone, training) = try AutoRecModel.load(from: "\(dir.path)/\(D.everyoneFolder)")
        let t = try w.tensor(D.groupTensor)
        guard case let .int32(assignment) = t.elements else {
            throw .wrongDType(path: dir.weightsPath, tensor: D.groupTensor,
                              expected: SafeTensorsFile.DType.int32.rawValue, found: t.dtype.rawValue)
        }
        guard t.shape == [training.userCount] else {
            throw .wrongShape(path: dir.weightsPath, tensor: D.groupTensor, expected: [training.userCount],
                              found: t.shape)
        }
        if let k = assignment.firstIndex(where: { $0 < -1 || Int($0) >= d.groups.count }) {
            throw .valueOutOfRange(
                path: dir.weightsPath, tensor: D.groupTensor, index: [k], value: "\(assignment[k])",
                allowed: "-1 (no group) to \(d.groups.count - 1) (\(dir.modelPath) lists \(d.groups.count) groups)")
        }
        var sizes = [Int](repeating: 0, count: d.groups.count)
        for g in assignment where g >= 0 { sizes[Int(g)] += 1 }
        var models = [AutoRecModel?]()
        for (g, group) in d.groups.enumerated() {
            guard group.users == sizes[g] else {
                throw .invalidField(path: dir.modelPath, field: "groups[\(g)].users", problem:
                    "is \(group.users), but \(D.groupTensor) in \(dir.weightsPath) puts \(sizes[g]) users in group \(g)")
            }
            guard let folder = group.folder else {
                models.append(nil)
                continue
            }
            let sub = ModelDirectory("\(dir.path)/\(folder)")
            let (model, own) = try AutoRecModel.load(from: sub.path)
            let same = [("users", own.userIDs == training.userIDs), ("items", own.itemIDs == training.itemIDs)]
            for (name, equal) in same where !equal {
                throw .invalidField(path: sub.modelPath, field: name, problem:
                    "differ from those of \(dir.path)/\(D.everyoneFolder) (the group models must share its ids)")
            }
            models.append(model)
        }
        let model = GroupedAutoRec(grouping: grouping, minimumGroupSize: d.minimumGroupSize, everyone: everyone,
                                   groups: models, groupOfUser: assignment.map { Int($0) })
        return (model, training)
    }
}
