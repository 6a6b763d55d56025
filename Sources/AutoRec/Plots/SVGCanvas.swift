import Foundation
import RecData

/// A small SVG drawing: shapes and text in pixel coordinates, written as a stand-alone document.
///
/// The document has `width`, `height` and a `viewBox`, a white background, and every text
/// escaped, so it opens in browsers and image viewers alike. Coordinates are written with two
/// decimals; y grows downwards as in SVG.
struct SVGCanvas {
    var width: Double
    var height: Double
    private var elements: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// `&`, `<`, `>`, `"` and `'` as entities, and control characters other than tab and newline
    /// dropped (XML 1.0 forbids them even as references).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// A coordinate or length as SVG text (two decimals, no exponent).
    static func number(_ v: Double) -> String { String(format: "%.2f", v.isFinite ? v : 0) }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "#000",
                       width: Double = 1, dash: String? = nil) {
        let n = Self.number
        elements.append(
            "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" "
                + "stroke-width=\"\(n(width))\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>")
    }

    mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 2,
                           dash: String? = nil) {
        let text = points.map { "\(Self.number($0.x)),\(Self.number($0.y))" }.joined(separator: " ")
        elements.append(
            "<polyline points=\"\(text)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\""
                + "\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") stroke-linejoin=\"round\"/>")
    }

    mutating func circle(_ x: Double, _ y: Double, radius: Double, fill: String) {
        let n = Self.number
        elements.append("<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(radius))\" fill=\"\(fill)\"/>")
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil) {
        let n = Self.number
        elements.append(
            "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(h))\" fill=\"\(fill)\""
                + "\(stroke.map { " stroke=\"\($0)\"" } ?? "")/>")
    }

    enum Anchor: String { case start, middle, end }

    /// Text with its baseline at `y`; `rotate` turns it about (x, y) in degrees.
    mutating func text(_ content: String, _ x: Double, _ y: Double, size: Double = 12, anchor: Anchor = .start,
                       bold: Bool = false, rotate: Double? = nil) {
        let n = Self.number
        let turn = rotate.map { " transform=\"rotate(\(n($0)) \(n(x)) \(n(y)))\"" } ?? ""
        elements.append(
            "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor.rawValue)\""
                + "\(bold ? " font-weight=\"bold\"" : "")\(turn)>\(Self.escape(content))</text>")
    }

    /// The whole document; `title` becomes its `<title>` (shown as the tab or window name).
    func document(title: String) -> String {
        let w = Self.number(width), h = Self.number(height)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" "
            + "viewBox=\"0 0 \(w) \(h)\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        out += "<title>\(Self.escape(title))</title>\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>\n"
        for e in elements { out += e + "\n" }
        out += "</svg>\n"
        return out
    }

    /// Eight colours that stay apart for colour-blind readers (Okabe and Ito 2008), then repeated.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
}

/// Writes an SVG document through RecData's ``AtomicWriter`` (temporary file, then rename).
func writeSVG(_ text: String, to path: String) throws(FileWriteError) {
    try AtomicWriter.write(Data(text.utf8), to: path)
}
