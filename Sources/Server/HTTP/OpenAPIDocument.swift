import Foundation
import Hummingbird

/// The hand-written OpenAPI 3.1 document of every route (`Sources/Server/Resources/openapi.json`), served as is at
/// `/openapi.json`; a test checks that it lists exactly the routes the server has.
struct OpenAPIDocument: Sendable {
    let bytes: ByteBuffer

    static func load() throws -> OpenAPIDocument {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "openapi.json is missing from the Server bundle"])
        }
        return OpenAPIDocument(bytes: ByteBuffer(bytes: try Data(contentsOf: url)))
    }

    var response: Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: bytes))
    }
}
