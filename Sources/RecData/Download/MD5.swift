import Foundation

/// The MD5 message digest (RFC 1321), computed incrementally.
///
/// Used only to check downloaded archives against their published checksums; MD5 is not a
/// security measure here, just a guard against truncated or corrupted files.
///
/// ```swift
/// var md5 = MD5()
/// md5.update(Array("abc".utf8))
/// md5.hexDigest()   // "900150983cd24fb0d6963f7d28e17f72"
/// ```
public struct MD5: Sendable {
    /// The four 32-bit state words A, B, C, D.
    private var a: UInt32 = 0x6745_2301
    private var b: UInt32 = 0xefcd_ab89
    private var c: UInt32 = 0x98ba_dcfe
    private var d: UInt32 = 0x1032_5476
    /// Bytes of an incomplete 64-byte block.
    private var pending: [UInt8] = []
    /// Total message length in bytes.
    private var length: UInt64 = 0

    /// `T[i] = floor(2^32 * |sin(i + 1)|)`, RFC 1321 section 3.4.
    private static let t: [UInt32] = [
        0xd76a_a478, 0xe8c7_b756, 0x2420_70db, 0xc1bd_ceee,
        0xf57c_0faf, 0x4787_c62a, 0xa830_4613, 0xfd46_9501,
        0x6980_98d8, 0x8b44_f7af, 0xffff_5bb1, 0x895c_d7be,
        0x6b90_1122, 0xfd98_7193, 0xa679_438e, 0x49b4_0821,
        0xf61e_2562, 0xc040_b340, 0x265e_5a51, 0xe9b6_c7aa,
        0xd62f_105d, 0x0244_1453, 0xd8a1_e681, 0xe7d3_fbc8,
        0x21e1_cde6, 0xc337_07d6, 0xf4d5_0d87, 0x455a_14ed,
        0xa9e3_e905, 0xfcef_a3f8, 0x676f_02d9, 0x8d2a_4c8a,
        0xfffa_3942, 0x8771_f681, 0x6d9d_6122, 0xfde5_380c,
        0xa4be_ea44, 0x4bde_cfa9, 0xf6bb_4b60, 0xbebf_bc70,
        0x289b_7ec6, 0xeaa1_27fa, 0xd4ef_3085, 0x0488_1d05,
        0xd9d4_d039, 0xe6db_99e5, 0x1fa2_7cf8, 0xc4ac_5665,
        0xf429_2244, 0x432a_ff97, 0xab94_23a7, 0xfc93_a039,
        0x655b_59c3, 0x8f0c_cc92, 0xffef_f47d, 0x8584_5dd1,
        0x6fa8_7e4f, 0xfe2c_e6e0, 0xa301_4314, 0x4e08_11a1,
        0xf753_7e82, 0xbd3a_f235, 0x2ad7_d2bb, 0xeb86_d391,
    ]

    /// Per-step left-rotation amounts, four per round (RFC 1321 section 3.4).
    private static let shifts: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]

    /// A digest of the empty message, ready for ``update(_:)``.
    public init() {}

    /// Feeds more bytes of the message.
    ///
    /// - Parameter bytes: the next part of the message, of any length.
    /// - Complexity: O(bytes).
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        length &+= UInt64(bytes.count)
        var offset = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<take])
            offset = take
            if pending.count == 64 {
                let block = pending
                block.withUnsafeBytes { compress($0) }
                pending.removeAll(keepingCapacity: true)
            }
        }
        while bytes.count - offset >= 64 {
            compress(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + 64)]))
            offset += 64
        }
        if offset < bytes.count { pending.append(contentsOf: bytes[offset...]) }
    }

    /// Feeds more bytes of the message.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            update(UnsafeRawBufferPointer(buffer))
        }
        if done == nil { Array(bytes).withUnsafeBytes { update($0) } }
    }

    /// Pads the message and returns the 16-byte digest; the value is spent afterwards.
    public mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        var tail: [UInt8] = [0x80]
        // Pad with zeros until the length is 56 mod 64, then the bit length as 64-bit little endian.
        let used = (pending.count + 1) % 64
        tail.append(contentsOf: repeatElement(0, count: (56 - used + 64) % 64))
        for k in 0..<8 { tail.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(k)))) }
        let savedLength = length
        tail.withUnsafeBytes { update($0) }
        length = savedLength
        var out: [UInt8] = []
        for word in [a, b, c, d] {
            for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: word >> (8 * UInt32(k)))) }
        }
        return out
    }

    /// The digest as 32 lowercase hexadecimal digits.
    public mutating func hexDigest() -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in finalize() {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The hex digest of a file, read in 1 MiB chunks.
    ///
    /// - Throws: Foundation's error when the file cannot be read.
    /// - Complexity: O(file size) time, O(1) memory.
    public static func hexDigest(ofFile url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var md5 = MD5()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { md5.update($0) }
        }
        return md5.hexDigest()
    }

    /// Processes one 64-byte block (RFC 1321 section 3.4).
    private mutating func compress(_ block: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { x in
            for k in 0..<16 {
                x[k] = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self))
            }
            compress(words: UnsafeBufferPointer(x))
        }
    }

    private mutating func compress(words x: UnsafeBufferPointer<UInt32>) {
        var aa = a, bb = b, cc = c, dd = d
        for i in 0..<64 {
            let f: UInt32
            let g: Int
            switch i >> 4 {
            case 0:
                f = (bb & cc) | (~bb & dd)
                g = i
            case 1:
                f = (bb & dd) | (cc & ~dd)
                g = (5 &* i &+ 1) & 15
            case 2:
                f = bb ^ cc ^ dd
                g = (3 &* i &+ 5) & 15
            default:
                f = cc ^ (bb | ~dd)
                g = (7 &* i) & 15
            }
            let s = Self.shifts[(i >> 4) << 2 | (i & 3)]
            let sum = aa &+ f &+ Self.t[i] &+ x[g]
            let rotated = (sum << s) | (sum >> (32 - s))
            aa = dd
            dd = cc
            cc = bb
            bb = bb &+ rotated
        }
        a &+= aa
        b &+= bb
        c &+= cc
        d &+= dd
    }
}
