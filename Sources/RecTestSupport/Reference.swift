import RecMath

/// Plain `Double` reference implementations that the kernels are tested against.
public enum Reference {
    /// y = A x for a row-major matrix.
    public static func gemv(_ a: Matrix, _ x: [Float]) -> [Double] {
        (0..<a.rows).map { r in
            var s = 0.0
            for c in 0..<a.cols { s += Double(a[r, c]) * Double(x[c]) }
            return s
        }
    }
}
