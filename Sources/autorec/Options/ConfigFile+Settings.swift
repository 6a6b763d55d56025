import AutoRec
import Foundation

extension ConfigFile {
    /// The configuration file that stands for `config`: `model`, `seed`, and every setting that
    /// differs from the model's preset, under its option name. `train --config` on it builds
    /// `config` again.
    ///
    /// - Parameters:
    ///   - config: The model's configuration.
    ///   - model: The preset it started from.
    ///   - sideInformation: Whether `--side-information` was on.
    static func settings(of config: AutoRecConfiguration, model: ModelOptions.Kind, sideInformation: Bool)
        -> [String: JSONValue]
    {
        let p = model.preset
        var s: [String: JSONValue] = ["model": .string(model.rawValue), "seed": Int(exactly: config.seed).map { .integer($0) } ?? .string("\(config.seed)")]
        /// A Float as the number it prints as (0.001, not 0.0010000000474974513).
        func number(_ f: Float) -> JSONValue { .number(Double("\(f)") ?? Double(f)) }
        func set<T: Equatable>(_ key: String, _ value: T, _ preset: T, _ json: (T) -> JSONValue) {
            if value != preset { s[key] = json(value) }
        }
        set("hidden-units", config.hiddenUnits, p.hiddenUnits) { .integer($0) }
        set("layers", config.layers, p.layers) { $0.map { .array($0.map { .integer($0) }) } ?? .null }
        set("layer-dropout", config.layerDropout, p.layerDropout) { $0.map { .array($0.map(number)) } ?? .null }
        set("encoder", config.encoder, p.encoder) { .string($0.rawValue) }
        set("decoder", config.decoder, p.decoder) { .string($0.rawValue) }
        set("l2", config.l2, p.l2, number)
        set("code-dropout", config.codeDropout, p.codeDropout, number)
        set("input-dropout", config.inputDropout, p.inputDropout, number)
        set("fill", config.fill, p.fill) { .string($0.text) }
        set("initialization", config.initialization, p.initialization) { $0.map { .string($0.rawValue) } ?? .null }
        set("masking-noise", config.maskingNoise, p.maskingNoise) { $0.map(number) ?? .null }
        set("masked-weight", config.maskedWeight, p.maskedWeight) { $0.map(number) ?? .null }
        set("visible-weight", config.visibleWeight, p.visibleWeight) { $0.map(number) ?? .null }
        set("gaussian-noise", config.gaussianNoise, p.gaussianNoise) { $0.map(number) ?? .null }
        set("refeed-steps", config.refeedSteps, p.refeedSteps) { $0.map { .integer($0) } ?? .null }
        set("tied-weights", config.tiedWeights == true, p.tiedWeights == true) { .bool($0) }
        set("side-every-layer", config.sideEveryLayer == true, p.sideEveryLayer == true) { .bool($0) }
        set("kernel-dimension", config.kernel?.dimension, p.kernel?.dimension) { $0.map { .integer($0) } ?? .null }
        set("kernel-penalty", config.kernel?.penalty, p.kernel?.penalty) { $0.map(number) ?? .null }
        set("finetune-epochs", config.globalKernel?.fineTuneEpochs, p.globalKernel?.fineTuneEpochs) {
            $0.map { .integer($0) } ?? .null
        }
        set("dot-scale", config.globalKernel?.dotScale, p.globalKernel?.dotScale) { $0.map(number) ?? .null }
        if sideInformation { s["side-information"] = .bool(true) }
        set("optimizer", config.optimizer.kind, p.optimizer.kind) { .string($0.rawValue) }
        set("learning-rate", config.optimizer.learningRate, p.optimizer.learningRate, number)
        set("momentum", config.optimizer.momentum, p.optimizer.momentum, number)
        set("schedule", config.optimizer.schedule, p.optimizer.schedule) { .string($0.text) }
        set("epochs", config.epochs, p.epochs) { .integer($0) }
        set("batch-size", config.batchSize, p.batchSize) { .integer($0) }
        set("patience", config.patience, p.patience) { .integer($0) }
        set("refit", config.refit, p.refit) { .bool($0) }
        set("refit-fraction", config.refitEpochFraction, p.refitEpochFraction) { $0.map(number) ?? .null }
        set("initial-scale", config.initialScale, p.initialScale, number)
        // A preset's optional setting cleared back to nil has no option that says so.
        return s.filter { $0.value != .null }
    }
}
