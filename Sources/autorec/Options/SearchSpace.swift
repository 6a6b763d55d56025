import ArgumentParser
import AutoRec

/// `tune --search 'l2=10,30,100 hidden-units=200,500'`: model options and the values to try.
///
/// Dimensions are separated by spaces, values by commas; a layer list writes its widths with `/`
/// (`layers=512/256/512,128/64/128`). Only the numeric and choice options in ``keys`` can be
/// searched; each value is checked on its own against the base options before anything trains.
struct SearchSpace {
    /// One searched option.
    struct Dimension: Equatable {
        var key: String
        var values: [String]
    }

    /// One point of the space: a value for each dimension, in dimension order.
    typealias Point = [(key: String, value: String)]

    /// The options that can be searched.
    static let keys = [
        "l2", "hidden-units", "layers", "learning-rate", "code-dropout", "input-dropout", "encoder", "decoder", "fill",
        "batch-size", "optimizer", "initialization", "masking-noise", "gaussian-noise", "momentum", "initial-scale",
        "epochs", "layer-dropout", "schedule", "kernel-dimension", "kernel-penalty", "finetune-epochs", "dot-scale",
    ]

    /// More points than this is surely a typo (and would take days).
    static let maximumPoints = 100_000

    var dimensions: [Dimension]

    /// Reads and checks `text` against the base options.
    ///
    /// - Throws: `ValidationError` naming the unknown key, the repeated key, or the value and why
    ///   the option refuses it.
    init(_ text: String, base: ModelOptions) throws {
        var dims = [Dimension]()
        for part in text.split(whereSeparator: \.isWhitespace) {
            guard let eq = part.firstIndex(of: "=") else {
                throw ValidationError("--search: '\(part)' is not KEY=V1,V2,... (e.g. l2=10,30,100)")
            }
            let key = String(part[..<eq])
            guard Self.keys.contains(key) else {
                throw ValidationError("--search: unknown key '\(key)' (searchable: \(Self.keys.joined(separator: ", ")))")
            }
            guard !dims.contains(where: { $0.key == key }) else {
                throw ValidationError("--search: '\(key)' is given twice")
            }
            let values = part[part.index(after: eq)...].split(separator: ",", omittingEmptySubsequences: false)
                .map { String($0) }
            for v in values {
                guard !v.isEmpty else { throw ValidationError("--search: \(key) has an empty value in '\(part)'") }
                var o = base
                do {
                    try o.set(key, v)
                    _ = try o.configuration(seed: 0)
                } catch {
                    throw ValidationError("--search: \(key)=\(v): \(ModelOptions.message(for: error))")
                }
            }
            dims.append(Dimension(key: key, values: values))
        }
        guard !dims.isEmpty else { throw ValidationError("--search is empty: give KEY=V1,V2,... (e.g. l2=10,30,100)") }
        var total = 1
        for d in dims {
            let (p, overflow) = total.multipliedReportingOverflow(by: d.values.count)
            guard !overflow && p <= Self.maximumPoints else {
                throw ValidationError("--search has more than \(Self.maximumPoints) combinations; use fewer values")
            }
            total = p
        }
        dimensions = dims
    }

    /// The number of combinations.
    var count: Int { dimensions.reduce(1) { $0 * $1.values.count } }

    /// Combination `index` (0-based, the last dimension varying fastest).
    func point(_ index: Int) -> Point {
        var rest = index
        var out = Point()
        for d in dimensions.reversed() {
            out.append((d.key, d.values[rest % d.values.count]))
            rest /= d.values.count
        }
        return out.reversed()
    }

    /// `l2=30 hidden-units=200`.
    static func text(_ point: Point) -> String { point.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
}

extension ModelOptions {
    /// Sets the searchable option `key` from its command-line text (`layers` writes `/` for `,`).
    ///
    /// - Throws: `ValidationError` when the text is not a value of the option.
    mutating func set(_ key: String, _ text: String) throws {
        func value<T: ExpressibleByArgument>(_: T.Type = T.self) throws -> T {
            guard let v = T(argument: text) else { throw ValidationError("'\(text)' is not a valid --\(key)") }
            return v
        }
        switch key {
        case "l2": l2 = .value(try value(Float.self))
        case "hidden-units": hiddenUnits = try value()
        case "layers": layers = text.replacingOccurrences(of: "/", with: ",")
        case "layer-dropout": layerDropout = text.replacingOccurrences(of: "/", with: ",")
        case "learning-rate": learningRate = try value(Float.self)
        case "code-dropout": codeDropout = try value(Float.self)
        case "input-dropout": inputDropout = try value()
        case "encoder": encoder = try value(Activation.self)
        case "decoder": decoder = try value()
        case "fill": fill = try value()
        case "batch-size": batchSize = try value()
        case "optimizer": optimizer = try value(OptimizerConfiguration.Kind.self)
        case "initialization": initialization = try value(AutoRecConfiguration.Initialization.self)
        case "masking-noise": maskingNoise = try value(Float.self)
        case "gaussian-noise": gaussianNoise = try value(Float.self)
        case "momentum": momentum = try value()
        case "initial-scale": initialScale = try value()
        case "epochs": epochs = try value()
        case "schedule": schedule = try value()
        case "kernel-dimension": kernelDimension = try value()
        case "kernel-penalty": kernelPenalty = try value(Float.self)
        case "finetune-epochs": finetuneEpochs = try value()
        case "dot-scale": dotScale = try value(Float.self)
        default: throw ValidationError("'\(key)' cannot be searched")
        }
    }
}
