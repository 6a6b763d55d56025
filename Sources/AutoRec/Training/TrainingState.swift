import Foundation
import RecMath

/// Everything a training run carries from one epoch to the next: enough to stop and resume
/// and still get bit-identical weights.
struct TrainingState {
    var params: AutoRecParameters
    var gradients: [Matrix]
    var rng: SplitMix64
    var order: [Int32]
    var lbfgs: LBFGSOptimizer
    var stepper: any Optimizer
    var lbfgsLoss: Double?
    var epoch = 0
    var history: [EpochRecord] = []
    var best: (rmse: Double, epoch: Int, params: AutoRecParameters)?
    /// The raw tensors (kernel vectors included) at the best epoch, kept only when the trainer is
    /// asked to (``Trainer/keepsRawBest``: GLocal-K fine-tunes from them).
    var bestRaw: AutoRecParameters?
    /// GLocal-K's fine-tuning: the global kernel gk at the best epoch.
    var bestGlobalKernel: [Float]?
    /// GLocal-K's fine-tuning: pre-training's epoch records and kept epoch (nil in pre-training);
    /// a checkpoint with them resumes fine-tuning, its tensors followed by C (items × 9).
    var pretraining: (history: [EpochRecord], bestEpoch: Int)?

    init(params: AutoRecParameters, gradients: [Matrix], rng: SplitMix64, order: [Int32], lbfgs: LBFGSOptimizer,
         stepper: any Optimizer) {
        self.params = params
        self.gradients = gradients
        self.rng = rng
        self.order = order
        self.lbfgs = lbfgs
        self.stepper = stepper
    }

    /// The scalars and the epoch records, stored as JSON in the checkpoint's metadata.
    struct Header: Codable {
        var configuration: AutoRecConfiguration
        var epoch: Int
        var rngState: UInt64
        var lbfgsLoss: Double?
        var lbfgsRho: [Double]
        /// The step α of each pair: the stored `lbfgs.s` tensor is the direction d, and s = α d
        /// (nil in checkpoints of older builds, which stored s itself: α = 1).
        var lbfgsScales: [Double]?
        var bestRMSE: Double?
        var bestEpoch: Int?
        var history: [EpochRecord]
        /// GLocal-K's fine-tuning: pre-training's records and kept epoch, gk at the best epoch
        /// (nil in other checkpoints).
        var pretraining: [EpochRecord]?
        var pretrainingBestEpoch: Int?
        var bestGlobalKernel: [Float]?
    }

    /// Writes the state atomically to `path` (a safetensors file).
    func write(to path: String, configuration: AutoRecConfiguration) throws {
        typealias T = SafeTensorsFile.Tensor
        var tensors = [String: T]()
        for (t, m) in params.tensors.enumerated() { tensors["params.\(t)"] = T(m) }
        for (t, m) in gradients.enumerated() { tensors["gradients.\(t)"] = T(m) }
        if let b = best { for (t, m) in b.params.tensors.enumerated() { tensors["best.\(t)"] = T(m) } }
        if let r = bestRaw { for (t, m) in r.tensors.enumerated() { tensors["bestraw.\(t)"] = T(m) } }
        for (name, m) in stepper.state { tensors["optimizer.\(name)"] = T(m) }
        let pairs = lbfgs.savedPairs
        for (k, pair) in pairs.enumerated() {
            for (t, m) in pair.d.enumerated() { tensors["lbfgs.s.\(k).\(t)"] = T(m) }
            for (t, m) in pair.y.enumerated() { tensors["lbfgs.y.\(k).\(t)"] = T(m) }
        }
        tensors["order"] = T(shape: [order.count], elements: .int32(order))
        let header = Header(configuration: configuration, epoch: epoch, rngState: rng.state, lbfgsLoss: lbfgsLoss,
                            lbfgsRho: pairs.map(\.rho), lbfgsScales: pairs.map(\.scale), bestRMSE: best?.rmse, bestEpoch: best?.epoch,
                            history: history, pretraining: pretraining?.history,
                            pretrainingBestEpoch: pretraining?.bestEpoch, bestGlobalKernel: bestGlobalKernel)
        let json = String(decoding: try JSONEncoder().encode(header), as: UTF8.self)
        try SafeTensorsFile(tensors: tensors, metadata: ["autorec.training-state": json]).write(to: path)
    }

    /// Reads a state written by ``write(to:configuration:)``, checking it belongs to this run.
    static func read(from path: String, configuration: AutoRecConfiguration, data: AutoRecData) throws -> TrainingState {
        let file = try SafeTensorsFile(contentsOf: path)
        guard let json = file.metadata["autorec.training-state"],
              let header = try? JSONDecoder().decode(Header.self, from: Data(json.utf8))
        else {
            throw ModelFileError.notAModelDirectory(path: path, reason: "this is not an autorec training checkpoint")
        }
        var expected = configuration
        expected.epochs = header.configuration.epochs
        expected.patience = header.configuration.patience
        expected.globalKernel?.fineTuneEpochs = header.configuration.globalKernel?.fineTuneEpochs ?? 0
        guard header.configuration == expected else {
            throw ModelFileError.invalidJSON(
                path: path, detail: "the checkpoint was made with another configuration (only --epochs and "
                    + "--patience may change when resuming)")
        }
        let network = AutoRecParameters.shapes(inputs: data.inputs, layers: configuration.hiddenLayers,
                                               sideWidth: data.sideWidth,
                                               sideEveryLayer: configuration.sideEveryLayer == true)
        // Kernelized weights: a rows' and a columns' vector set per weight after the network's tensors.
        var shapes = network
        if let d = configuration.kernel?.dimension {
            for t in AutoRecNetwork.kernelWeightIndices(networkTensors: network.count) {
                shapes += [(network[t].rows, d), (network[t].cols, d)]
            }
        }
        // GLocal-K's fine-tuning: C last.
        let tuning = header.pretraining != nil
        if tuning { shapes.append((data.rows, GlobalKernel.taps)) }
        func tensors(_ prefix: String, _ shapes: [(rows: Int, cols: Int)]? = nil) throws -> [Matrix] {
            try (shapes ?? network).enumerated().map { t, s in try file.matrix("\(prefix).\(t)", rows: s.0, cols: s.1) }
        }
        var stepper = Trainer.makeStepper(configuration)
        var optimizerState = [String: Matrix]()
        for (name, tensor) in file.tensors where name.hasPrefix("optimizer.") {
            let shape = tensor.shape.count == 2 ? tensor.shape : [1, tensor.shape.first ?? 1]
            optimizerState[String(name.dropFirst("optimizer.".count))] =
                Matrix(rows: shape[0], cols: shape[1], storage: tensor.floatValues ?? [])
        }
        stepper.state = optimizerState
        var lbfgs = LBFGSOptimizer(history: configuration.optimizer.history)
        lbfgs.restore(pairs: try header.lbfgsRho.enumerated().map { pair, rho in
            (try tensors("lbfgs.s.\(pair)", shapes), try tensors("lbfgs.y.\(pair)", shapes),
             header.lbfgsScales?.indices.contains(pair) == true ? header.lbfgsScales?[pair] ?? 1 : 1, rho)
        })
        guard case let .int32(order)? = file.tensors["order"]?.elements,
              order.allSatisfy({ $0 >= 0 && Int($0) < data.rows })
        else {
            throw ModelFileError.malformedEntry(path: path, tensor: "order", problem: "does not fit this data")
        }
        var state = TrainingState(params: AutoRecParameters(tensors: try tensors("params", shapes)),
                                  gradients: try tensors("gradients", shapes), rng: SplitMix64(seed: 0), order: order,
                                  lbfgs: lbfgs, stepper: stepper)
        state.rng.state = header.rngState
        state.lbfgsLoss = header.lbfgsLoss
        state.epoch = header.epoch
        state.history = header.history
        if let r = header.bestRMSE, let e = header.bestEpoch {
            state.best = (r, e, AutoRecParameters(tensors: try tensors("best")))
        }
        if file.tensors["bestraw.0"] != nil {
            state.bestRaw = AutoRecParameters(tensors: try tensors("bestraw", shapes))
        }
        if tuning {
            guard let gk = header.bestGlobalKernel ?? (header.bestRMSE == nil ? [] : nil),
                  gk.isEmpty || gk.count == GlobalKernel.taps, let pre = header.pretraining
            else {
                throw ModelFileError.invalidJSON(
                    path: path, detail: "the fine-tuning checkpoint's global kernel is malformed")
            }
            state.pretraining = (pre, header.pretrainingBestEpoch ?? pre.count)
            state.bestGlobalKernel = gk.isEmpty ? nil : gk
        }
        return state
    }
}
