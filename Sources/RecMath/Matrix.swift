/// A dense row-major matrix of `Float`.
///
/// Element `(r, c)` sits at `storage[r * cols + c]`. Kernels take the storage's buffer pointer
/// once and work on raw memory; this type only carries the shape.
public struct Matrix: Sendable, Equatable, Codable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let cols: Int
    /// The elements, row after row.
    public var storage: [Float]

    /// A `rows x cols` matrix filled with `value`.
    public init(rows: Int, cols: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && cols >= 0, "Matrix: negative shape \(rows)x\(cols)")
        self.rows = rows
        self.cols = cols
        storage = [Float](repeating: value, count: rows * cols)
    }

    /// A matrix over existing row-major storage.
    public init(rows: Int, cols: Int, storage: [Float]) {
        precondition(storage.count == rows * cols,
                     "Matrix: \(rows)x\(cols) needs \(rows * cols) elements, got \(storage.count)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// A matrix with entries drawn from 𝒩(0, standardDeviation²).
    public init(rows: Int, cols: Int, gaussianStandardDeviation sd: Float, using rng: inout SplitMix64) {
        self.init(rows: rows, cols: cols)
        for i in 0..<storage.count { storage[i] = Float(rng.nextGaussian()) * sd }
    }

    /// Element at row `r`, column `c`.
    @inlinable
    public subscript(r: Int, c: Int) -> Float {
        get { storage[r * cols + c] }
        set { storage[r * cols + c] = newValue }
    }

    /// A copy of row `r`.
    public func row(_ r: Int) -> [Float] {
        Array(storage[(r * cols)..<((r + 1) * cols)])
    }
}
