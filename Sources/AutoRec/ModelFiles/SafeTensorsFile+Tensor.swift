import RecMath

extension SafeTensorsFile {
    /// The element types this reader and writer handle, named as the safetensors header names them.
    public enum DType: String, Sendable, CaseIterable {
        /// 32-bit IEEE 754 float: every model parameter.
        case float32 = "F32"
        /// 64-bit IEEE 754 float.
        case float64 = "F64"
        /// 32-bit signed integer (two's complement).
        case int32 = "I32"
        /// 64-bit signed integer (two's complement).
        case int64 = "I64"

        /// Bytes per element.
        public var byteWidth: Int {
            switch self {
            case .float32, .int32: 4
            case .float64, .int64: 8
            }
        }
    }

    /// One named array: its shape and its elements in row-major (C) order.
    ///
    /// The shape `[]` is a scalar with one element; any dimension may be 0. The element count
    /// always equals the product of the shape.
    public struct Tensor: Sendable, Equatable {
        /// The elements of a tensor, in one of the supported dtypes.
        ///
        /// Equality compares values, so a tensor holding NaN is not equal to itself; compare
        /// `bitPattern`s for bit-exact checks.
        public enum Elements: Sendable, Equatable {
            /// `F32` elements.
            case float32([Float])
            /// `F64` elements.
            case float64([Double])
            /// `I32` elements.
            case int32([Int32])
            /// `I64` elements.
            case int64([Int64])

            /// The number of elements.
            public var count: Int {
                switch self {
                case let .float32(v): v.count
                case let .float64(v): v.count
                case let .int32(v): v.count
                case let .int64(v): v.count
                }
            }

            /// The dtype of the elements.
            public var dtype: DType {
                switch self {
                case .float32: .float32
                case .float64: .float64
                case .int32: .int32
                case .int64: .int64
                }
            }

            /// Calls `body` with the elements' bytes in host order (no copy).
            func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws(ModelFileError) -> R)
                throws(ModelFileError) -> R
            {
                switch self {
                case let .float32(v): try withBytes(of: v, body)
                case let .float64(v): try withBytes(of: v, body)
                case let .int32(v): try withBytes(of: v, body)
                case let .int64(v): try withBytes(of: v, body)
                }
            }
        }

        /// The size of each dimension, outermost first.
        public let shape: [Int]
        /// The elements, row-major.
        public let elements: Elements

        /// A tensor over existing elements.
        ///
        /// - Parameters:
        ///   - shape: Dimensions, outermost first; each at least 0.
        ///   - elements: Exactly as many elements as the product of `shape` (a precondition).
        public init(shape: [Int], elements: Elements) {
            precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
            precondition(
                checkedByteCount(shape) == elements.count,
                "Tensor: shape \(shape) does not match \(elements.count) elements")
            self.shape = shape
            self.elements = elements
        }

        /// An `F32` tensor.
        ///
        /// - Parameters:
        ///   - shape: Dimensions, outermost first.
        ///   - values: Exactly as many values as the product of `shape` (a precondition).
        public init(shape: [Int], values: [Float]) {
            self.init(shape: shape, elements: .float32(values))
        }

        /// A 1-D `F32` tensor (a bias vector), shape `[values.count]`.
        public init(_ values: [Float]) {
            self.init(shape: [values.count], elements: .float32(values))
        }

        /// A 2-D `F32` tensor of shape `[rows, cols]` sharing the matrix's row-major storage (no copy
        /// until one side is mutated).
        public init(_ matrix: Matrix) {
            self.init(shape: [matrix.rows, matrix.cols], elements: .float32(matrix.storage))
        }

        /// The dtype of the elements.
        public var dtype: DType { elements.dtype }

        /// The `F32` values, or `nil` when the tensor holds another dtype.
        public var floatValues: [Float]? {
            if case let .float32(v) = elements { return v }
            return nil
        }
    }
}
