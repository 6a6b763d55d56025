import Foundation
import Hummingbird

/// `GET /` (the try-it page) and `GET /openapi.yaml`, both read once from the module's resources.
func addPageRoutes(to router: Router<BasicRequestContext>, _ service: ServerState) throws {
    let page = try resource("index", "html")
    let openAPI = try resource("openapi", "yaml")
    router.get("/") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: page))
    }
    router.get("/openapi.yaml") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
            body: .init(byteBuffer: openAPI))
    }
}

/// Why the server cannot start: a file of its own is missing from the build.
public struct ServerResourceError: Error, CustomStringConvertible {
    public var name: String
    public var description: String {
        "\(name): missing from the AutoRecServer resources (help: rebuild with 'swift build')"
    }
}

private func resource(_ name: String, _ ext: String) throws -> ByteBuffer {
    guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Resources"),
        let data = try? Data(contentsOf: url)
    else { throw ServerResourceError(name: "\(name).\(ext)") }
    return ByteBuffer(bytes: data)
}
