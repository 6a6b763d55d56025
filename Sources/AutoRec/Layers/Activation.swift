import RealModule
import RecMath

/// An element-wise activation and its derivative.
///
/// Every derivative is written as a function of the activation's *output* `y = a(z)`, so a layer
/// keeps only its output for the backward pass:
///
/// | name | a(z) | a'(z) from y |
/// |---|---|---|
/// | identity | z | 1 |
/// | sigmoid | 1 / (1 + e^-z) | y (1 - y) |
/// | tanh | tanh z | 1 - y² |
/// | relu | max(z, 0) | 1 if y > 0 else 0 |
/// | leakyRelu | z if z > 0 else 0.01 z | 1 if y > 0 else 0.01 |
/// | elu | z if z > 0 else e^z - 1 | 1 if y > 0 else y + 1 |
/// | selu | λ z if z > 0 else λ α (e^z - 1) | λ if y > 0 else y + λ α |
///
/// SELU constants from Klambauer et al. 2017: λ = 1.0507009873554805, α = 1.6732632423543772.
public enum Activation: String, Sendable, Hashable, Codable, CaseIterable {
    case identity, sigmoid, tanh, relu, leakyRelu = "leaky-relu", elu, selu

    @usableFromInline static let seluLambda: Float = 1.050_700_987_355_480_5
    @usableFromInline static let seluAlpha: Float = 1.673_263_242_354_377_2
    @usableFromInline static let leakySlope: Float = 0.01

    /// a(z).
    @inlinable
    public func apply(_ z: Float) -> Float {
        switch self {
        case .identity: z
        case .sigmoid: 1 / (1 + Float.exp(-z))
        case .tanh: Float.tanh(z)
        case .relu: max(z, 0)
        case .leakyRelu: z > 0 ? z : Activation.leakySlope * z
        case .elu: z > 0 ? z : Float.expMinusOne(z)
        case .selu: z > 0 ? Activation.seluLambda * z : Activation.seluLambda * Activation.seluAlpha * Float.expMinusOne(z)
        }
    }

    /// a'(z) written in terms of the output y = a(z).
    @inlinable
    public func derivative(output y: Float) -> Float {
        switch self {
        case .identity: 1
        case .sigmoid: y * (1 - y)
        case .tanh: 1 - y * y
        case .relu: y > 0 ? 1 : 0
        case .leakyRelu: y > 0 ? 1 : Activation.leakySlope
        case .elu: y > 0 ? 1 : y + 1
        case .selu: y > 0 ? Activation.seluLambda : y + Activation.seluLambda * Activation.seluAlpha
        }
    }

    /// The open interval its outputs lie in when it is bounded (sigmoid, tanh); nil otherwise.
    public var outputBounds: (lower: Float, upper: Float)? {
        switch self {
        case .sigmoid: (0, 1)
        case .tanh: (-1, 1)
        default: nil
        }
    }

    /// Applies the activation to every element of `values` in place.
    public func apply(_ values: inout [Float]) {
        if self == .identity { return }
        values.withUnsafeMutableBufferPointer { p in applyInPlace(p) }
    }

    /// Applies the activation in place over a buffer, split over threads for large buffers.
    public func applyInPlace(_ p: UnsafeMutableBufferPointer<Float>) {
        if self == .identity { return }
        nonisolated(unsafe) let p = p  // chunks write disjoint ranges
        let act = self
        parallelFor(p.count, minimumChunk: 16_384) { range, _ in
            for i in range { p[i] = act.apply(p[i]) }
        }
    }
}
