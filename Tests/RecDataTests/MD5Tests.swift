import Foundation
import RecData
import Testing

@Suite struct MD5Tests {
    /// The test suite of RFC 1321, appendix A.5.
    @Test(
        "digests match RFC 1321's test suite",
        arguments: [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            (
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                "d174ab98d277d9f5a5611c2c9f419d9f"
            ),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a"
            ),
        ])
    func rfcVectors(message: String, digest: String) {
        var md5 = MD5()
        md5.update(Array(message.utf8))
        #expect(md5.hexDigest() == digest)
    }

    @Test(
        "feeding the message in pieces of any size gives the same digest", arguments: [1, 3, 63, 64, 65, 200])
    func streaming(piece: Int) {
        let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var whole = MD5()
        whole.update(message)
        var pieces = MD5()
        var start = 0
        while start < message.count {
            pieces.update(message[start..<min(start + piece, message.count)])
            start += piece
        }
        #expect(pieces.hexDigest() == whole.hexDigest())
    }

    @Test(
        "padding boundaries: messages of 55, 56, 57 and 64 bytes",
        arguments: [
            (55, "ef1772b6dff9a122358552954ad0df65"),
            (56, "3b0c8ac703f828b04c6c197006d17218"),
            (57, "652b906d60af96844ebd21b674f35e93"),
            (64, "014842d480b571495a4a0363793f7367"),
        ])
    func padding(count: Int, digest: String) {
        var md5 = MD5()
        md5.update(Array(repeating: UInt8(ascii: "a"), count: count))
        #expect(md5.hexDigest() == digest)
    }

    @Test("a file's digest equals the digest of its bytes")
    func file() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("f.bin")
        try Data("abc".utf8).write(to: url)
        #expect(try MD5.hexDigest(ofFile: url) == "900150983cd24fb0d6963f7d28e17f72")
    }
}
