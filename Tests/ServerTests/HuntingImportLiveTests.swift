import Foundation
import Server
import TestSupport
import Testing

@Suite("Hunting import API, live")
struct HuntingImportLiveTests {
    @Test("an app with AdvancedHunting.Import.All imports Streaming API records that queries then see; others get 403; bad rows 400")
    func importThenQuery() async throws {
        try await withDemoServer { server, _ in
            let importer = try await server.demoToken(\.full)
            let hunterOnly = try await server.demoToken(\.huntingOnly)
            let body =
                #"{"records":[{"time":"2026-11-24T10:00:00Z","tenantId":"t","category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"2026-11-24T09:59:00Z","DeviceName":"imported-pc","FileName":"imported.exe"}}]}"#
            let path = "/api/advancedhunting/import?format=streaming"
            let denied = try await server.send("POST", path, body: Data(body.utf8), headers: [("Authorization", "Bearer \(hunterOnly)")])
            #expect(denied.status == 403)

            let imported = try await server.send("POST", path, body: Data(body.utf8), headers: [("Authorization", "Bearer \(importer)")])
            #expect(imported.status == 200, "\(imported.text)")
            #expect(try imported.json()["ImportedRows"] as? Int == 1)

            let query = try await server.postJSON(
                "/api/advancedhunting/run",
                #"{"Query":"DeviceProcessEvents | where DeviceName == 'imported-pc' | project FileName"}"#,
                bearer: importer
            )
            #expect((try query.json()["Results"] as? [[String: Any]])?.first?["FileName"] as? String == "imported.exe")

            let bad = body.replacingOccurrences(of: "\"FileName\"", with: "\"NoSuchColumn\"")
            let refused = try await server.send("POST", path, body: Data(bad.utf8), headers: [("Authorization", "Bearer \(importer)")])
            #expect(refused.status == 400)
            let message = (try refused.json()["error"] as? [String: Any])?["message"] as? String
            #expect(message?.contains("'NoSuchColumn'") == true)
            let noFormat = try await server.send(
                "POST",
                "/api/advancedhunting/import",
                body: Data(body.utf8),
                headers: [("Authorization", "Bearer \(importer)")]
            )
            #expect(noFormat.status == 400)
        }
    }
}
