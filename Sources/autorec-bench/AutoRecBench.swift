import ArgumentParser
import Foundation
import AutoRec
import Dispatch
import RecData
import RecMath

#if canImport(Glibc)
import Glibc
#endif

/// Trains I- or U-AutoRec on a data set and prints seconds per epoch, ratings per second,
/// GFLOP/s, peak RSS and the test RMSE.
struct AutoRecBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autorec", abstract: "Time AutoRec training epochs on a data folder or file.")

    @Option(help: "Data folder or rating file.") var data: String?
    @Option(help: "Instead of --data, generate a synthetic set in memory: ml-100k, ml-1m, ml-10m, netflix.")
    var synth: String?
    @Flag(help: "Skip the validation part and the test evaluation (pure training speed and memory).")
    var noEvaluation = false
    @Option(help: "item (I-AutoRec) or user (U-AutoRec).") var orientation = "item"
    @Option(help: "Hidden units.") var hidden = 500
    @Option(help: "Epochs to run.") var epochs = 5
    @Option(help: "Optimizer: lbfgs, rprop, adam, sgd.") var optimizer = "lbfgs"
    @Option(help: "L2 penalty lambda.") var l2: Float = 100
    @Option(help: "Learning rate (adam, sgd).") var learningRate: Float = 0.001
    @Option(help: "Batch size (adam, sgd).") var batchSize = 256
    @Option(help: "Threads (0: all cores).") var threads = 0
    @Option(help: "Seed of the split and of the model.") var seed: UInt64 = 1
    @Option(help: "Patience for early stopping (0: off).") var patience = 0
    @Flag(help: "Print every epoch.") var verbose = false
    @Flag(help: "Retrain on train+validation after early stopping.") var refit = false
    @Option(help: "Share of the kept epochs the refit runs (below 1: from the early-stopped weights).")
    var refitFraction: Float?
    @Option(help: "L-BFGS history (default: the library's).") var history: Int?
    @Option(help: "Fill: zero, user-mean, item-mean.") var fill = "zero"
    @Option(help: "Code dropout.") var codeDropout: Float = 0
    @Option(help: "Hidden layers of a deep model, e.g. 512,256,512 (default: one layer of --hidden units).")
    var layers: String?
    @Option(help: "Hidden activation (default: the model's, sigmoid).") var encoder: String?
    @Option(help: "Initialization: fixed, lecun, glorot, he (default: fixed).") var initialization: String?
    @Flag(help: ArgumentHelp("Also time this build's dense GEMM (1024 x 1024 x 1024, same threads) after training "
                             + "and print the training's useful GFLOP/s as a share of it."))
    var gemm = false
    @Option(help: "A GEMM figure measured elsewhere (e.g. ../shared/tools/sgemm-gflops.py) to print the share of.")
    var referenceGflops: Double?
    @Option(help: "Dense re-feeding steps after each mini-batch step (adam, sgd; 0: none).") var refeedSteps = 0

    func run() throws {
        Parallelism.defaultThreads = threads
        let t0 = now()
        let table: RatingTable
        if let preset = synth {
            guard let p = SyntheticPreset(rawValue: preset) else { throw ValidationError("unknown preset \(preset)") }
            var g = SplitMix64(seed: seed)
            table = try SyntheticDataset.generate(SyntheticConfiguration(preset: p), using: &g)
        } else {
            guard let data else { throw ValidationError("give --data or --synth") }
            table = try Dataset.detect(at: data).load(sideInformation: false).ratings
        }
        var rng = SplitMix64(seed: seed)
        let outer = try RatingSplit(table, method: .random(fraction: 0.1), using: &rng)
        let inner = noEvaluation
            ? try RatingSplit(outer.train, method: .random(fraction: 1e-9), using: &rng)
            : try RatingSplit(outer.train, method: .random(fraction: 0.1), using: &rng)
        print("data: \(table.count) ratings, \(table.userCount) users, \(table.itemCount) items; "
              + "train \(inner.train.count), validation \(inner.test.count), test \(outer.test.count); "
              + String(format: "load+split %.2f s", now() - t0))
        var config = orientation == "user" ? AutoRecConfiguration.uAutoRec : .iAutoRec
        config.hiddenUnits = hidden
        config.epochs = epochs
        config.l2 = l2
        config.patience = patience
        config.batchSize = batchSize
        config.refit = refit
        config.refitEpochFraction = refitFraction
        if let history { config.optimizer.history = history }
        config.seed = seed
        config.codeDropout = codeDropout
        config.refeedSteps = refeedSteps > 0 ? refeedSteps : nil
        config.fill = fill == "user-mean" ? .userMean : fill == "item-mean" ? .itemMean : .zero
        guard let kind = OptimizerConfiguration.Kind(rawValue: optimizer) else {
            throw ValidationError("unknown optimizer \(optimizer)")
        }
        config.optimizer.kind = kind
        config.optimizer.learningRate = learningRate
        if let layers {
            let widths = layers.split(separator: ",").compactMap { Int($0) }
            guard widths.count == layers.split(separator: ",").count, !widths.isEmpty else {
                throw ValidationError("--layers \(layers): expected widths such as 512,256,512")
            }
            config.layers = widths
        }
        if let encoder {
            guard let g = Activation(rawValue: encoder) else { throw ValidationError("unknown activation \(encoder)") }
            config.encoder = g
        }
        if let initialization {
            guard let i = AutoRecConfiguration.Initialization(rawValue: initialization) else {
                throw ValidationError("unknown initialization \(initialization)")
            }
            config.initialization = i
        }
        try config.validate()
        var model = AutoRecModel(configuration: config)
        let verbose = self.verbose
        model.onEpoch = { r in
            if verbose {
                print(String(format: "epoch %3d  loss %.1f  train %.4f  valid %.4f  %.3f s", r.epoch, r.loss,
                             r.trainRMSE, r.validationRMSE ?? .nan, r.seconds))
            }
        }
        let t1 = now()
        try model.fit(inner.train, validation: noEvaluation ? nil : inner.test)
        let total = now() - t1
        let secs = (model.history + model.refitHistory).map(\.seconds).sorted()
        let median = secs[secs.count / 2]
        let nnz = Double(inner.train.count)
        // Per rating: the input layer's two passes (forward, ∂V) of k₀ multiply-adds and the output
        // layer's three (forward, ∂W, ∂H) of k_last; per encoded row, three GEMMs per further layer.
        // One hidden layer: 5 · 2 · ratings · k.
        let widths = config.hiddenLayers
        let rows = Double(orientation == "user" ? inner.train.userCount : inner.train.itemCount)
        var flop = 2 * nnz * Double(2 * widths[0] + 3 * widths[widths.count - 1])
        for l in widths.indices.dropFirst() { flop += 6 * rows * Double(widths[l - 1] * widths[l]) }
        let gflops = flop / median / 1e9
        var testSq = 0.0
        for k in 0..<(noEvaluation ? 0 : outer.test.count) {
            let p = table.scale.clip(model.predict(user: outer.test.users[k], item: outer.test.items[k]))
            let d = Double(p - outer.test.ratings[k])
            testSq += d * d
        }
        let best = model.history.compactMap(\.validationRMSE).min() ?? .nan
        print(String(format: "%@-AutoRec k=%@ %@: %d epochs, median %.3f s/epoch (min %.3f), %.2f M ratings/s, "
                     + "%.1f GFLOP/s useful, total %.1f s", orientation == "user" ? "U" : "I", config.layerText, optimizer,
                     model.history.count, median, secs[0], nnz / median / 1e6, gflops, total))
        print(String(format: "best validation RMSE %.4f at epoch %d; test RMSE %.4f", best, model.bestEpoch,
                     (testSq / Double(outer.test.count)).squareRoot()))
        print("threads \(Parallelism.threads), peak RSS \(peakRSSMegabytes()) MB")
        if gemm {
            let machine = GemmBench.gflops(m: 1024, k: 1024, n: 1024, repeats: 5)
            print(String(format: "GEMM (this build, 1024^3, %d threads): %.1f GFLOP/s; training useful / GEMM = %.0f%%",
                         Parallelism.threads, machine, 100 * gflops / machine))
        }
        if let r = referenceGflops {
            print(String(format: "reference GEMM %.1f GFLOP/s; training useful / reference = %.0f%%", r, 100 * gflops / r))
        }
    }
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// Peak resident set size of this process in MiB (from getrusage, KiB on Linux).
func peakRSSMegabytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) / 1024
}
