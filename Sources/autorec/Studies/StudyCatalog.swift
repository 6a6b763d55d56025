import AutoRec

extension SplitOptions.Method: Codable {}

/// The studies `autorec study` knows, each with its source's protocol.
enum StudyCatalog {
    /// Every study, in the order `--list` shows them.
    static let all: [Study] = [autoRecPaper, d2l] + deepStudies + [accuracyRecord, accuracyRecordU1]

    /// The study called `name`, if any.
    static func study(named name: String) -> Study? { all.first { $0.name == name } }

    /// `base` with `extra`'s settings added or replaced.
    static func merged(_ base: [String: JSONValue], _ extra: [String: JSONValue]) -> [String: JSONValue] {
        base.merging(extra) { _, new in new }
    }

    // MARK: The AutoRec paper (Sedhain et al. 2015)

    /// ML-1M, random 90/10, I-AutoRec's defaults (500 sigmoid units, identity output, λ = 100, L-BFGS).
    static let autoRecPaper: Study = {
        let i: [String: JSONValue] = ["model": .string("i-autorec")]
        // Table 1(b): f is the output (decoder), g the hidden (encoder) activation.
        let activations: [(decoder: String, encoder: String, rmse: Double)] = [
            ("identity", "identity", 0.872), ("sigmoid", "identity", 0.852),
            ("sigmoid", "sigmoid", 0.836),
        ]
        var configurations = [
            Study.Configuration("I-AutoRec (decoder identity, encoder sigmoid, 500 units)", i, published: 0.831),
            Study.Configuration("U-AutoRec", ["model": .string("u-autorec")], published: 0.874),
        ]
        for a in activations {
            configurations.append(Study.Configuration(
                "I-AutoRec decoder \(a.decoder), encoder \(a.encoder)",
                merged(i, ["decoder": .string(a.decoder), "encoder": .string(a.encoder)]), published: a.rmse))
        }
        for k in [10, 20, 40, 80, 100, 200, 300, 400] {
            configurations.append(Study.Configuration("I-AutoRec \(k) units", merged(i, ["hidden-units": .integer(k)])))
        }
        return Study(
            name: "autorec-paper",
            source: "Sedhain et al. 2015, AutoRec: Autoencoders Meet Collaborative Filtering (ML-1M, Table 1, Figure 2)",
            varies: "I- against U-AutoRec; I-AutoRec's decoder/encoder activation (identity or sigmoid); "
                + "hidden units 10 to 500 (Figure 2 gives no figures to copy)",
            split: .init(split: .random, testFraction: 0.1, validationFraction: 0.1, refit: true),
            configurations: configurations)
    }()

    // MARK: Dive into Deep Learning, chapter 21.4

    /// ML-100K, random 90/10, the textbook's I-AutoRec recipe against biased MF.
    static let d2l = Study(
        name: "d2l",
        source: "Dive into Deep Learning, 21.4 AutoRec (ML-100K, random 90/10); biased MF with baseline's Surprise defaults",
        varies: "I-AutoRec (500 sigmoid units, code dropout 0.05, Adam 0.002, 25 epochs, batches of 256; lambda "
            + "is the preset's: the book's weight decay 1e-5 has no exact counterpart in the summed objective) "
            + "against biased MF (100 factors, 20 epochs of SGD)",
        split: .init(split: .random, testFraction: 0.1, validationFraction: 0, refit: false),
        configurations: [
            Study.Configuration("I-AutoRec, the book's recipe", [
                "model": .string("i-autorec"), "hidden-units": .integer(500), "encoder": .string("sigmoid"),
                "code-dropout": .number(0.05), "optimizer": .string("adam"), "learning-rate": .number(0.002),
                "epochs": .integer(25), "batch-size": .integer(256),
            ]),
            Study.Configuration("biased MF", [
                "model": .string("biased-mf"), "factors": .integer(100), "epochs": .integer(20),
                "learning-rate": .number(0.005), "regularization": .number(0.02),
            ]),
        ])

    // MARK: The accuracy record: kernel autoencoders against the AutoRec line

    /// I-AutoRec, the item-based deep model, Sparse FC and GLocal-K, each trained on the training
    /// part less a validation part that picks every epoch count (both stages' for GLocal-K).
    /// `u1`: the GLocal-K authors' ML-100K recipe for both kernelized models (λ₂ = 20, λ_s = 0.006,
    /// 150 pre-training and up to 300 fine-tuning iterations, dot scale 1); ML-1M: the presets.
    static func recordConfigurations(u1: Bool) -> [Study.Configuration] {
        let small: [String: JSONValue] = u1 ? ["l2": .integer(20), "kernel-penalty": .number(0.006), "epochs": .integer(150)] : [:]
        return [
            Study.Configuration("I-AutoRec (500 sigmoid units, λ = 100)", ["model": .string("i-autorec")],
                                published: u1 ? nil : 0.831),
            Study.Configuration("deep I-AutoRec (500/500 sigmoid, L-BFGS)",
                                ["model": .string("i-autorec"), "layers": .array([.integer(500), .integer(500)])]),
            Study.Configuration("Sparse FC (kernelized 500/500, d = 5)", merged(["model": .string("sparse-fc")], small),
                                published: u1 ? nil : 0.824),
            Study.Configuration("GLocal-K (Sparse FC, then the 3x3 global kernel)",
                                merged(["model": .string("glocal-k")],
                                       u1 ? merged(small, ["finetune-epochs": .integer(300), "dot-scale": .number(1)]) : [:]),
                                published: u1 ? 0.8889 : 0.8227),
        ]
    }
    static let recordSource = "AutoRec (Sedhain et al. 2015: 0.831, mean over 5 random 90/10 splits, λ tuned on "
        + "the 90%'s cross-validation), Sparse FC (Muller et al. 2018: 0.824, the last of 1,000 L-BFGS iterations "
        + "on a GPU, trained on all 90%), GLocal-K (Han et al. 2021: ML-1M 0.8227 after 1,000 pre-training and up "
        + "to 300 fine-tuning iterations, ML-100K u1 0.8889 after 150 and up to 300, on a GPU; each the best test "
        + "RMSE over fine-tuning epochs, i.e. chosen on the test set). Ours: every epoch count chosen on "
        + "validation; the test part is read once"

    /// ML-1M, random 90/10 with 10% of training for validation; no refit (the kernelized models would
    /// refit both stages from fresh weights, doubling runs of a quarter of an hour).
    static let accuracyRecord = Study(
        name: "accuracy-record", source: recordSource,
        varies: "the most accurate models of the AutoRec line on ML-1M: I-AutoRec, deep item-based, Sparse FC, GLocal-K",
        split: .init(split: .random, testFraction: 0.1, validationFraction: 0.1, refit: false),
        configurations: recordConfigurations(u1: false))

    /// ML-100K's u1.base/u1.test, 10% of u1.base for validation, then refit on all of u1.base.
    static let accuracyRecordU1 = Study(
        name: "accuracy-record-u1", source: recordSource,
        varies: "the same models on ML-100K's given split u1, refit on all of u1.base (run it with --data ml-100k)",
        split: .init(split: .given, testFraction: 0.1, validationFraction: 0.1, refit: true, given: "u1"),
        configurations: recordConfigurations(u1: true))

    // MARK: The deep-autoencoder study on ML-1M

    /// Its protocol: per-user stratified 90/10, 10% of training for validation, no refit.
    static let deepProtocol = Study.Procedure(split: .perUser, testFraction: 0.1, validationFraction: 0.1, refit: false)
    static let deepSource = "the deep-autoencoder study on ML-1M (Keras; BENCHMARKS.md, deep model accuracy)"

    /// The shallow U-AutoRec recipe: Adam from 1e-3 on a cosine schedule over at most 100 epochs,
    /// Glorot init, batches of 256 users, U-AutoRec's preset λ = 200 (no `l2` is set here; the
    /// source's Keras L2 of 1e-3 per matrix has no exact counterpart). The source trains at a constant
    /// 1e-4 for up to 500 epochs; on ML-1M seed 1 that reaches validation RMSE 0.8755 after 443 epochs, this recipe 0.8756 after 91 (BENCHMARKS.md),
    /// so the studies use it and take a fifth of the time.
    static let shallow: [String: JSONValue] = [
        "model": .string("u-autorec"), "optimizer": .string("adam"), "learning-rate": .number(0.001),
        "schedule": .string("cosine"), "batch-size": .integer(256), "initialization": .string("glorot"),
        "epochs": .integer(100), "patience": .integer(30),
    ]
    /// The deep preset ([512,256,512] SELU, dropout 0.8) at Adam 1e-3, up to 150 epochs.
    static let deep: [String: JSONValue] = [
        "model": .string("deep-autorec"), "learning-rate": .number(0.001), "epochs": .integer(150),
        "patience": .integer(20),
    ]
    /// Encoder and decoder of the `activations` study, with the study's figure where it gives one.
    static let activationPairs: [(encoder: String, decoder: String, published: Double?)] = [
        ("sigmoid", "identity", 0.916), ("elu", "elu", nil), ("selu", "selu", nil), ("relu", "identity", nil),
        ("tanh", "identity", nil), ("sigmoid", "sigmoid", nil), ("identity", "identity", nil),
    ]
    static let elu: [String: JSONValue] = ["encoder": .string("elu"), "decoder": .string("elu")]

    static func deepStudy(_ name: String, varies: String, _ configurations: [Study.Configuration]) -> Study {
        Study(name: name, source: deepSource, varies: varies, split: deepProtocol, configurations: configurations)
    }

    static let deepStudies: [Study] = [
        deepStudy("activations", varies: "U-AutoRec's encoder/decoder activations, zero fill", activationPairs.map { a in
            Study.Configuration("encoder \(a.encoder), decoder \(a.decoder)",
                                merged(shallow, ["encoder": .string(a.encoder), "decoder": .string(a.decoder)]),
                                published: a.published)
        }),
        deepStudy("default-rating", varies: "the value of unrated inputs (ELU/ELU U-AutoRec): 0, 1 to 5, the user's mean",
                  ["zero", "1", "2", "3", "4", "5", "user-mean"].map { fill in
            Study.Configuration("fill \(fill)", merged(merged(shallow, elu), ["fill": .string(fill)]),
                                published: fill == "user-mean" ? 0.877 : nil)
        }),
        deepStudy("architecture", varies: "deep preset's layers: big-small-big and small-big-small, depth 3 and 5, "
                    + "zero and user-mean fill", [[512, 256, 512], [256, 512, 256], [512, 256, 128, 256, 512],
                                                  [128, 256, 512, 256, 128]].flatMap { layers in
            ["zero", "user-mean"].map { fill in
                Study.Configuration("layers \(layers.map(String.init).joined(separator: "/")), fill \(fill)",
                                    merged(deep, ["layers": .array(layers.map { .integer($0) }), "fill": .string(fill)]),
                                    published: layers == [512, 256, 512] && fill == "zero" ? 0.856 : nil)
            }
        }),
        deepStudy("gaussian-noise", varies: "Gaussian noise sigma on the visible inputs of U-AutoRec (0 = off)",
                  [0, 0.1, 0.2, 0.5, 1].map { sigma in
            Study.Configuration(sigma == 0 ? "no noise" : "gaussian noise \(sigma)",
                                sigma == 0 ? shallow : merged(shallow, ["gaussian-noise": .number(sigma)]))
        }),
        deepStudy("dropout-noise", varies: "masking (dropout) noise on U-AutoRec's inputs, hidden ratings kept in the loss",
                  [0, 0.1, 0.25, 0.5].map { p in
            Study.Configuration(p == 0 ? "no noise" : "masking noise \(p)",
                                p == 0 ? shallow : merged(shallow, ["masking-noise": .number(p)]))
        }),
        deepStudy("side-information", varies: "users' gender, age and occupation: off, appended to the input, at every layer", [
            Study.Configuration("off", shallow),
            Study.Configuration("input", merged(shallow, ["side-information": .bool(true)])),
            Study.Configuration("every layer", merged(shallow, ["side-every-layer": .bool(true)])),
        ]),
        deepStudy("groups", varies: "one model on everyone, or one per group of users (gender-age, k-means on ratings)", [
            Study.Configuration("everyone", shallow),
            Study.Configuration("gender-age groups", merged(shallow, ["groups": .string("gender-age")])),
            Study.Configuration("k-means 4 groups", merged(shallow, ["groups": .string("kmeans:4")])),
        ]),
        deepStudy("refeeding", varies: "dense re-feeding of the deep preset: off or one step after each batch", [
            Study.Configuration("off", deep),
            Study.Configuration("on (1 step)", merged(deep, ["refeed-steps": .integer(1)])),
        ]),
    ]
}
