import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// What an SVG document holds, read with Foundation's `XMLParser` (a document that is not
/// well-formed XML fails to parse).
public struct SVGInspector {
    /// The root element's attributes (`width`, `height`, `viewBox`, `xmlns`).
    public var rootAttributes: [String: String] = [:]
    /// The content of the `<title>` element.
    public var title = ""
    /// The content of every `<text>` element, in document order.
    public var texts: [String] = []
    /// How many of each element there are, by name.
    public var elementCounts: [String: Int] = [:]
    /// Every element's name and attributes, in document order.
    public var elements: [(name: String, attributes: [String: String])] = []

    /// Parses `svg`.
    ///
    /// - Throws: ``ParseFailure`` with the parser's error and position when it is not well-formed.
    public init(_ svg: String) throws {
        let delegate = Delegate()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = delegate
        guard parser.parse() else {
            throw ParseFailure(
                reason: "\(parser.parserError.map { "\($0)" } ?? "unknown error") at line \(parser.lineNumber)")
        }
        rootAttributes = delegate.root
        title = delegate.title
        texts = delegate.texts
        elementCounts = delegate.counts
        elements = delegate.elements
    }

    /// An SVG that is not well-formed XML.
    public struct ParseFailure: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { "not well-formed XML: \(reason)" }
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        var root: [String: String] = [:]
        var title = ""
        var texts: [String] = []
        var counts: [String: Int] = [:]
        var elements: [(name: String, attributes: [String: String])] = []
        var open: [String] = []
        var current = ""

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            if open.isEmpty { root = attributes }
            counts[name, default: 0] += 1
            elements.append((name, attributes))
            open.append(name)
            current = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?,
                    qualifiedName: String?) {
            if name == "text" { texts.append(current) }
            if name == "title" { title = current }
            _ = open.popLast()
            current = ""
        }
    }
}
