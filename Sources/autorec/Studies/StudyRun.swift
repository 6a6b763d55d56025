import ArgumentParser
import AutoRec
import Foundation
import RecData

/// One configuration trained and tested on one seed's split: what `runs/<key>-seed<S>.json` holds.
struct StudyRun: Codable, Equatable {
    /// The configuration's key (``StudyRun/key(settings:protocol:epochCap:)``).
    var key: String
    var label: String
    var seed: UInt64
    /// Fingerprint of the data files (``StudyRun/fingerprint(of:)``): a changed file retrains.
    var data: String
    /// The settings the run was trained with (the study's, with the protocol's refit and the --epochs cap).
    var configuration: [String: JSONValue]
    /// The model's whole configuration (every field, defaults included), as the evaluation report gives it.
    var model: JSONValue
    var testRMSE: Double
    var testMAE: Double
    /// RMSE of the kept weights on the training part.
    var trainRMSE: Double
    /// The epoch whose weights were kept (0 for biased MF, which has no early stopping).
    var bestEpoch: Int
    /// Training and validation RMSE per epoch (empty for biased MF).
    var epochs: [EpochRecord]
    /// Wall-clock seconds of training and testing.
    var seconds: Double

    /// The file name of a run: `<key>-seed<S>.json`.
    static func fileName(key: String, seed: UInt64) -> String { "\(key)-seed\(seed).json" }

    /// Raised whenever the same settings start to train a different model, so runs stored before
    /// are trained again (2: bounded decoders predict on the rating scale; 3: keys digest the
    /// configuration as trained rather than the settings' spelling).
    static let revision = 3

    /// A short digest of the configuration as trained (``StudyTrainer/Trained``: every field with
    /// its default, so two studies' spellings of one model share runs), the protocol, the epoch
    /// cap and ``revision``: equal keys mean the same training (the seed is in the file name, the
    /// data in the run).
    static func key(settings: [String: JSONValue], protocol p: Study.Procedure, epochCap: Int?) throws -> String {
        struct Keyed: Encodable {
            var trained: StudyTrainer.Trained
            var split: Study.Procedure
            var epochCap: Int?
            var revision: Int
        }
        let trained = try StudyTrainer.resolve(settings, label: "key", seed: 0)
        var md5 = MD5()
        md5.update(try ReportJSON.encode(Keyed(trained: trained, split: p, epochCap: epochCap, revision: revision)))
        return String(md5.hexDigest().prefix(16))
    }

    /// A digest of the data's files' names, sizes and modification times (a folder: its regular
    /// files; a file: itself), so editing or replacing the data invalidates its runs.
    static func fingerprint(of path: String) throws -> String {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ValidationError("\(path): no such file or folder")
        }
        let files = isFolder.boolValue
            ? try fm.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 } : [path]
        var text = ""
        for file in files {
            let a = try fm.attributesOfItem(atPath: file)
            guard a[.type] as? FileAttributeType == .typeRegular else { continue }
            let size = (a[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            text += "\(URL(fileURLWithPath: file).lastPathComponent)\t\(size)\t\(modified)\n"
        }
        var md5 = MD5()
        md5.update(Array(text.utf8))
        return md5.hexDigest()
    }

    /// Reads what ``ReportJSON`` writes (NaN and infinities as strings).
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                  nan: "nan")
        return d
    }()

    /// The stored run at `path`, if it is one of this key, seed and data (else nil: train again).
    static func reusable(at path: String, key: String, seed: UInt64, data: String) -> StudyRun? {
        guard let bytes = FileManager.default.contents(atPath: path),
              let run = try? decoder.decode(StudyRun.self, from: bytes)
        else { return nil }
        return run.key == key && run.seed == seed && run.data == data ? run : nil
    }
}

/// Trains one study configuration on one seed's parts.
struct StudyTrainer {
    var data: DataOptions
    var evaluator = Evaluator(coldStart: .baseline, clip: true)

    /// The settings as trained: the protocol's refit, no early stopping without validation, and
    /// at most `epochCap` epochs.
    static func effectiveSettings(_ settings: [String: JSONValue], protocol p: Study.Procedure, epochCap: Int?)
        -> [String: JSONValue]
    {
        var s = settings
        if s["model"] != .string("biased-mf") {
            s["refit"] = .bool(p.refit)
            if p.validationFraction == 0 { s["patience"] = .integer(0) }
        }
        if let cap = epochCap {
            let epochs: Int
            if case let .integer(e)? = s["epochs"] { epochs = e } else if s["model"] == .string("biased-mf") {
                epochs = 20
            } else if case let .string(m)? = s["model"], let kind = ModelOptions.Kind(rawValue: m) {
                epochs = kind.preset.epochs
            } else {
                epochs = ModelOptions.Kind.iAutoRec.preset.epochs
            }
            s["epochs"] = .integer(min(epochs, cap))
        }
        return s
    }

    /// Trains `settings` (already effective) on `parts` with `seed`, tests it, and times it.
    func run(label: String, settings: [String: JSONValue], key: String, seed: UInt64, fingerprint: String,
             parts p: Parts) throws -> StudyRun {
        let clock = ContinuousClock()
        let start = clock.now
        let report: EvaluationReport
        let trainRMSE: Double
        var history = [EpochRecord](), best = 0
        if settings["model"] == .string("biased-mf") {
            let c = try Self.biasedMF(settings, seed: seed)
            var m = BiasedMF(configuration: c, logger: Console.logger)
            report = try evaluator.fitAndEvaluate(&m, name: "BiasedMF", configuration: c, train: p.train,
                                                  validation: p.validation, test: p.test)
            trainRMSE = try evaluator.evaluate(m, train: p.train, test: p.train).rmse
            best = c.epochs  // SGD for a fixed number of epochs, no early stopping
        } else {
            let t = try Self.resolve(settings, label: label, seed: seed)
            guard var config = t.model else { throw ValidationError("study configuration '\(label)': no model") }
            if p.validation == nil { config.patience = 0 }
            if let grouping = t.groups {
                let users = try data.groupUsers(for: grouping, parts: p)
                var m = GroupedAutoRec(configuration: config, grouping: grouping, users: users)
                report = try evaluator.fitAndEvaluate(&m, name: m.modelName, configuration: config, train: p.train,
                                                      validation: p.validation, test: p.test)
                trainRMSE = try evaluator.evaluate(m, train: p.train, test: p.train).rmse
                history = m.everyone?.history ?? []
                best = m.everyone?.bestEpoch ?? 0
            } else {
                var m = AutoRecModel(configuration: config)
                if t.sideFeatures {
                    m.sideFeatures = try data.sideFeatures(for: config.orientation, train: p.train)
                }
                m.validationColdStart = evaluator.coldStart
                report = try evaluator.fitAndEvaluate(&m, name: m.modelName, configuration: config, train: p.train,
                                                      validation: p.validation, test: p.test)
                trainRMSE = try evaluator.evaluate(m, train: p.train, test: p.train).rmse
                history = m.history
                best = m.bestEpoch
            }
        }
        let d = clock.now - start
        return StudyRun(key: key, label: label, seed: seed, data: fingerprint, configuration: settings,
                        model: report.configuration, testRMSE: report.test.rmse, testMAE: report.test.mae, trainRMSE: trainRMSE, bestEpoch: best,
                        epochs: history,
                        seconds: Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }

    /// A configuration as it will be trained: every field resolved, whatever the settings spelled.
    struct Trained: Encodable {
        /// The AutoRec model's configuration (nil for biased MF).
        var model: AutoRecConfiguration?
        /// Whether side features are appended (`side-information` or `side-every-layer`).
        var sideFeatures = false
        var groups: GroupedAutoRec.Grouping?
        /// Biased MF's configuration (nil for an AutoRec model).
        var biasedMF: BiasedMF.Configuration?
    }

    /// Parses `settings` (already effective) into the configuration trained on `seed`.
    ///
    /// - Throws: A setting `train` (or `baseline`) would refuse, named with `label`.
    static func resolve(_ settings: [String: JSONValue], label: String, seed: UInt64) throws -> Trained {
        if settings["model"] == .string("biased-mf") { return Trained(biasedMF: try biasedMF(settings, seed: seed)) }
        var model = settings
        let grouping = try grouping(model.removeValue(forKey: "groups"))
        var args = try ConfigFile.arguments(for: model, path: "study configuration '\(label)'") { _ in 1 }
        args.removeAll { $0.hasPrefix("--seed=") }
        let options = try ModelOptions.parse(args)
        return Trained(model: try options.configuration(seed: seed),
                       sideFeatures: options.sideInformation || options.sideEveryLayer, groups: grouping)
    }

    /// `groups` of a study configuration, checked.
    static func grouping(_ value: JSONValue?) throws -> GroupedAutoRec.Grouping? {
        guard let value else { return nil }
        guard case let .string(text) = value, let g = GroupedAutoRec.Grouping(text: text) else {
            throw ValidationError("study configuration: groups must be gender-age or kmeans:K, got \(value)")
        }
        return g
    }

    /// The biased MF configuration of a study's `"model": "biased-mf"` settings.
    static func biasedMF(_ settings: [String: JSONValue], seed: UInt64) throws -> BiasedMF.Configuration {
        func number(_ key: String) -> Double? {
            switch settings[key] {
            case let .integer(i)?: Double(i)
            case let .number(d)?: d
            default: nil
            }
        }
        var c = BiasedMF.Configuration(seed: seed)
        if let f = number("factors") { c.factors = Int(exactly: f) ?? c.factors }
        if let e = number("epochs") { c.epochs = Int(exactly: e) ?? c.epochs }
        if let r = number("learning-rate") { c.learningRate = Float(r) }
        if let r = number("regularization") { c.regularization = Float(r) }
        try c.validate()
        return c
    }
}

extension DataOptions {
    /// The users' catalogue that `--groups gender-age` groups by (nil for k-means, which needs none).
    ///
    /// - Throws: When the data has no user file.
    func groupUsers(for grouping: GroupedAutoRec.Grouping, parts p: Parts) throws -> UserCatalog? {
        guard grouping == .genderAge else { return nil }
        let set = try dataset()
        guard let users = try set.loadSideInformation(userIDs: p.train.userIDs, itemIDs: p.train.itemIDs).users else {
            throw ValidationError("--groups gender-age: \(set.path) has no user file (u.user or users.dat)")
        }
        return users
    }
}
