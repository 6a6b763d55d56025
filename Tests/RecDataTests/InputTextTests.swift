import Testing

@testable import RecData

@Suite struct InputTextTests {
    @Test(
        "control characters are written out, printable text is kept",
        arguments: [
            ("\u{1B}[2Jgone", "\\x1b[2Jgone"),
            ("a\tb\r\nc", "a\\tb\\r\\nc"),
            ("bell\u{07} del\u{7F} csi\u{9B}", "bell\\x07 del\\x7f csi\\x9b"),
            ("abc\u{202E}fdp.exe", "abc\\u{202E}fdp.exe"),
            ("Pokémon, 東京 'quoted' \\ back", "Pokémon, 東京 'quoted' \\ back"),
            ("", ""),
        ])
    func escaped(raw: String, shown: String) {
        #expect(InputText.escaped(raw) == shown)
    }

    @Test(
        "invalid UTF-8 bytes are shown as \\xNN, valid text around them is kept",
        arguments: [
            ([0x66, 0xFF, 0x6F] as [UInt8], "f\\xffo"),
            ([0xC3, 0xA9, 0xC3], "é\\xc3"),
            ([0xE2, 0x82, 0x41], "\\xe2\\x82A"),
            ([0x31, 0x1B, 0x32], "1\u{1B}2"),
            ([], ""),
        ])
    func decoded(bytes: [UInt8], text: String) {
        #expect(InputText.decode(bytes) == text)
    }
}
