import Foundation
import Server
import TestSupport
import Testing

/// `/openapi.json` is the repository's hand-checked document; every route the server has must be in it, and
/// nothing else.
@Suite("OpenAPI document, live")
struct OpenAPILiveTests {
    @Test("every route is documented under its path and method, and every documented operation is routed")
    func everyRoute() async throws {
        try await withDemoServer { server, demo in
            let reply = try await server.get("/openapi.json")
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true)
            let document = try reply.json()
            #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let methods: Set = ["get", "post", "patch", "put", "delete"]
            let documented = Set(paths.flatMap { path, item in item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" } })
            let routed = Set(server.routes)
            #expect(!routed.isEmpty)
            let undocumented = routed.subtracting(documented).sorted()
            let unrouted = documented.subtracting(routed).sorted()
            #expect(undocumented.isEmpty, "routes missing from Sources/Server/Resources/openapi.json: \(undocumented)")
            #expect(unrouted.isEmpty, "documented operations the server does not route: \(unrouted)")
        }
    }
}
