import ArgumentParser
import RecData
import RecMath

/// How to divide the ratings into training, validation and test parts.
struct SplitOptions: ParsableArguments {
    enum Method: String, ExpressibleByArgument, CaseIterable {
        case random, perUser = "per-user", temporal, temporalPerUser = "temporal-per-user", latest, kfold, given
    }

    @Option(name: .customLong("split"), help: ArgumentHelp(
        "random, per-user, temporal, temporal-per-user, latest, kfold or given (default: random; given "
            + "when --given or --test is set).", valueName: "method"))
    var requestedSplit: Method?

    /// The split in force: the one asked for, else `given` when a given split or test file is
    /// named (a test file never goes unused), else `random`.
    var split: Method {
        requestedSplit ?? (given != nil || test != nil ? .given : .random)
    }

    @Option(help: "Fraction of the ratings held out for testing (random, per-user, temporal splits).")
    var testFraction: Double = 0.1

    @Option(help: "Fraction of the training part held out for validation (0: none; train uses 0.1 unless --patience 0).")
    var validationFraction: Double = 0

    @Option(help: "Ratings per user held out by --split latest.")
    var latestCount: Int = 1

    @Option(name: .customLong("folds"), help: ArgumentHelp(
        "Number of folds of --split kfold (default: 5); tune: score on this many folds of the training part.",
        valueName: "k"))
    var requestedFolds: Int?

    /// The folds of `--split kfold`: as given, else 5.
    var folds: Int { requestedFolds ?? 5 }

    @Option(help: ArgumentHelp("A given split of the data set (e.g. u1 .. u5, ua, ub for MovieLens 100K).",
                               valueName: "name"))
    var given: String?

    @Option(help: ArgumentHelp("A test file to pair with --data as the training file (same layout).",
                               valueName: "path"))
    var test: String?

    func validate() throws {
        guard testFraction > 0 && testFraction < 1 else {
            throw ValidationError("--test-fraction must be between 0 and 1, got \(testFraction)")
        }
        guard validationFraction >= 0 && validationFraction < 1 else {
            throw ValidationError("--validation-fraction must be in [0, 1), got \(validationFraction)")
        }
        if (split == .kfold || requestedFolds != nil) && folds < 2 { throw ValidationError("--folds must be at least 2, got \(folds)") }
        if split == .given && given == nil && test == nil {
            throw ValidationError("--split given needs --given NAME or --test FILE")
        }
        if split != .given, let named = test.map({ "--test \($0)" }) ?? given.map({ "--given \($0)" }) {
            throw ValidationError(
                "\(named) names the test part, but --split \(split.rawValue) would draw its own from --data; "
                    + "use --split given (or leave --split out)")
        }
    }

    /// The held-out method for one train/test cut (not for k-fold or given splits).
    var method: SplitMethod {
        switch split {
        case .perUser: .perUser(fraction: testFraction)
        case .temporal: .temporal(fraction: testFraction)
        case .temporalPerUser: .temporalPerUser(fraction: testFraction)
        case .latest: .latestPerUser(count: latestCount)
        case .random, .kfold, .given: .random(fraction: testFraction)
        }
    }

    /// The method used to carve validation out of a training part (the test method's kind).
    var validationMethod: SplitMethod? {
        guard validationFraction > 0 else { return nil }
        switch split {
        case .perUser: return .perUser(fraction: validationFraction)
        case .temporal: return .temporal(fraction: validationFraction)
        case .temporalPerUser, .latest: return .temporalPerUser(fraction: validationFraction)
        case .random, .kfold, .given: return .random(fraction: validationFraction)
        }
    }
}

/// One experiment's parts, sharing one index space.
struct Parts {
    var train: RatingTable
    var validation: RatingTable?
    var test: RatingTable
}

extension SplitOptions {
    /// Reads the data and makes the parts: one `Parts` per fold for k-fold, else one.
    func makeParts(_ data: DataOptions, seed: UInt64) throws -> (parts: [Parts], description: String) {
        var rng = SplitMix64(seed: seed)
        func withValidation(_ train: RatingTable, _ test: RatingTable) throws -> Parts {
            guard let v = validationMethod else { return Parts(train: train, validation: nil, test: test) }
            let inner = try RatingSplit(train, method: v, using: &rng)
            return Parts(train: inner.train, validation: inner.test, test: test)
        }
        let validationNote = validationFraction > 0 ? ", \(percentText(validationFraction)) of training for validation" : ""
        switch split {
        case .given:
            let set = try data.dataset()
            if let name = given {
                log("reading \(set.description), given split \(name)")
                let (train, test) = try set.loadGivenSplit(named: name, options: ReadOptions(duplicates: data.duplicates))
                return ([try withValidation(train, test)], "given split \(name)" + validationNote)
            }
            let testPath = test ?? ""
            log("reading train \(set.ratingsPath) and test \(testPath)")
            let (train, testTable) = try Dataset.readTrainTest(trainPath: set.ratingsPath, testPath: testPath,
                                                               layout: set.layout,
                                                               options: data.readOptions(for: set))
            data.logScale(train.scale, of: set)
            return ([try withValidation(train, testTable)], "given files" + validationNote)
        case .kfold:
            let table = try data.load().ratings
            let kf = try KFold(table, folds: folds, using: &rng)
            var parts = [Parts]()
            for f in 0..<folds {
                let s = kf.split(table, fold: f)
                parts.append(try withValidation(s.train, s.test))
            }
            return (parts, "\(folds)-fold cross-validation" + validationNote)
        default:
            let table = try data.load().ratings
            let s = try RatingSplit(table, method: method, using: &rng)
            return ([try withValidation(s.train, s.test)], method.description + validationNote)
        }
    }
}

func percentText(_ f: Double) -> String {
    let p = f * 100
    return p == p.rounded() ? "\(Int(p))%" : String(format: "%.1f%%", p)
}
