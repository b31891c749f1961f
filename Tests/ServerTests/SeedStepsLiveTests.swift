import Foundation
import Identity
import OpenMTPModels
import Server
import Store
import StoreSQLite
import TestSupport
import Testing

/// The seed's three steps over real HTTPS against a server on port 0: create an app, get a token, call the API;
/// and the 401/403 and tenant-isolation cases.
@Suite("Seed steps, live")
struct SeedStepsLiveTests {
    @Test("step 1 to 3: an app registered on the data folder gets tokens from both endpoints and reads incidents and hunting data")
    func threeSteps() async throws {
        try await withDemoServer { server, demo in
            // Step 1, as `mtp apps create` does it: a second store on the same database file, while the server runs.
            let directory = DirectoryService(store: try SQLiteStore(path: server.dataDirectory.appendingPathComponent("openmtp.sqlite").path))
            let app = try await directory.registerApplication(
                in: directory.tenant("contoso.test"),
                name: "SOAR connector",
                applicationPermissions: ["Incident.ReadWrite.All", "AdvancedHunting.Read.All"]
            )

            // Step 2, v1 exactly as the PowerShell and Python samples send it.
            let v1 = try await server.postForm(
                "/\(demo.tenantId)/oauth2/token",
                [
                    ("resource", "https://api.security.microsoft.com"), ("client_id", app.clientId), ("client_secret", app.clientSecret ?? ""),
                    ("grant_type", "client_credentials"),
                ]
            )
            #expect(v1.status == 200)
            let v1Body = try v1.json()
            #expect(v1Body["token_type"] as? String == "Bearer")
            #expect(v1Body["expires_in"] as? String == "3599")
            #expect(v1Body["resource"] as? String == "https://api.security.microsoft.com")
            let expiresOn = try #require((v1Body["expires_on"] as? String).flatMap { Int($0) })
            let notBefore = try #require((v1Body["not_before"] as? String).flatMap { Int($0) })
            #expect(expiresOn - notBefore == 3900)
            #expect(v1.header("Cache-Control") == "no-store, no-cache")

            // Step 2, v2 as the curl sample sends it.
            let v2 = try await server.postForm(
                "/\(demo.tenantId)/oauth2/v2.0/token",
                [
                    ("grant_type", "client_credentials"), ("client_id", app.clientId), ("scope", "https://api.security.microsoft.com/.default"),
                    ("client_secret", app.clientSecret ?? ""),
                ]
            )
            #expect(v2.status == 200)
            let v2Body = try v2.json()
            #expect(v2Body["expires_in"] as? Int == 3599)
            #expect(v2Body["ext_expires_in"] as? Int == 3599)
            #expect(Set(v2Body.keys) == ["token_type", "expires_in", "ext_expires_in", "access_token"])
            let token = try #require(v2Body["access_token"] as? String)

            // Step 3.
            let list = try await server.get("/api/incidents", bearer: token)
            #expect(list.status == 200)
            let incidents = try #require(try list.json()["value"] as? [[String: Any]])
            #expect(incidents.count == 4)
            let firstId = try #require(incidents.first?["incidentId"] as? Int)
            let one = try await server.get("/api/incidents/\(firstId)", bearer: token)
            #expect(one.status == 200)
            #expect(try one.json()["incidentId"] as? Int == firstId)

            let hunt = try await server.postJSON(
                "/api/advancedhunting/run",
                #"{"Query":"DeviceProcessEvents | where FileName =~ 'MIMIKATZ.EXE' or ProcessCommandLine has 'whoami.exe' | project Timestamp, DeviceName, FileName | take 10"}"#,
                bearer: token
            )
            #expect(hunt.status == 200)
            let result = try hunt.json()
            let schema = try #require(result["Schema"] as? [[String: String]])
            #expect(
                schema == [
                    ["Name": "Timestamp", "Type": "DateTime"], ["Name": "DeviceName", "Type": "String"], ["Name": "FileName", "Type": "String"],
                ]
            )
            let rows = try #require(result["Results"] as? [[String: Any]])
            #expect(Set(rows.compactMap { $0["FileName"] as? String }) == ["mimikatz.exe", "whoami.exe"])
            #expect(result["Stats"] is [String: Any])
            // Results keep schema order in each row.
            #expect(hunt.text.contains(#"{"Timestamp":""#))
        }
    }

    @Test("no, malformed or foreign tokens get 401 in the API's error shape")
    func unauthorized() async throws {
        try await withDemoServer { server, _ in
            let missing = try await server.get("/api/incidents")
            #expect(missing.status == 401)
            let error = try #require(try missing.json()["error"] as? [String: String])
            #expect(error["code"] == "Unauthorized")
            #expect(UUID(uuidString: error["target"] ?? "") != nil)
            #expect(missing.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)

            #expect(try await server.get("/api/incidents", bearer: "not-a-jwt").status == 401)

            // A real token whose signature was tampered with.
            var parts = try await server.demoToken().split(separator: ".").map(String.init)
            parts[2] = String(parts[2].reversed())
            #expect(try await server.get("/api/incidents", bearer: parts.joined(separator: ".")).status == 401)
        }
    }

    @Test("a valid token without the needed permission gets 403 naming the permissions")
    func forbidden() async throws {
        try await withDemoServer { server, demo in
            let readOnly = try await server.demoToken(\.incidentsReadOnly)
            #expect(try await server.get("/api/incidents", bearer: readOnly).status == 200)
            let hunt = try await server.postJSON("/api/advancedhunting/run", #"{"Query":"DeviceProcessEvents | take 1"}"#, bearer: readOnly)
            #expect(hunt.status == 403)
            let error = try #require(try hunt.json()["error"] as? [String: String])
            #expect(error["code"] == "Forbidden")
            #expect(error["message"]?.contains("AdvancedHunting.Read.All") == true)

            let huntingOnly = try await server.demoToken(\.huntingOnly)
            let incidents = try await server.get("/api/incidents", bearer: huntingOnly)
            #expect(incidents.status == 403)
            #expect(try (incidents.json()["error"] as? [String: String])?["message"]?.contains("Incident.Read.All") == true)
            #expect(
                try await server.postJSON("/api/advancedhunting/run", #"{"Query":"DeviceProcessEvents | count"}"#, bearer: huntingOnly).status
                    == 200
            )
        }
    }

    @Test("a token of another tenant sees none of the demo tenant's incidents or events")
    func tenantIsolation() async throws {
        try await withDemoServer { server, demo in
            let directory = DirectoryService(store: try SQLiteStore(path: server.dataDirectory.appendingPathComponent("openmtp.sqlite").path))
            let other = try await directory.createTenant(domain: "fabrikam.test", displayName: "Fabrikam")
            let app = try await directory.registerApplication(
                in: other,
                name: "fabrikam app",
                applicationPermissions: ["Incident.Read.All", "AdvancedHunting.Read.All"]
            )
            let token = try await server.token(tenant: "fabrikam.test", clientId: app.clientId, secret: app.clientSecret ?? "")

            let list = try await server.get("/api/incidents", bearer: token)
            #expect(list.status == 200)
            #expect((try list.json()["value"] as? [Any])?.isEmpty == true)

            let demoToken = try await server.demoToken()
            let demoList = try await server.get("/api/incidents", bearer: demoToken)
            let demoId = try #require((try demoList.json()["value"] as? [[String: Any]])?.first?["incidentId"] as? Int)
            #expect(try await server.get("/api/incidents/\(demoId)", bearer: token).status == 404)

            let count = try await server.postJSON("/api/advancedhunting/run", #"{"Query":"DeviceProcessEvents | count"}"#, bearer: token)
            let rows = try #require(try count.json()["Results"] as? [[String: Int]])
            #expect(rows == [["Count": 0]])

            // The other tenant's app cannot get a token from the demo tenant.
            let crossed = try await server.postForm(
                "/\(demo.tenantId)/oauth2/v2.0/token",
                [
                    ("grant_type", "client_credentials"), ("client_id", app.clientId), ("client_secret", app.clientSecret ?? ""),
                    ("scope", "https://api.security.microsoft.com/.default"),
                ]
            )
            #expect(crossed.status == 400)
            #expect(try crossed.json()["error_codes"] as? [Int] == [700016])
        }
    }

    @Test("token endpoint errors are Entra bodies with the AADSTS code and status")
    func tokenErrors() async throws {
        try await withDemoServer { server, demo in
            let wrongSecret = try await server.postForm(
                "/\(demo.tenantId)/oauth2/v2.0/token",
                [
                    ("grant_type", "client_credentials"), ("client_id", demo.apps.full.clientId), ("client_secret", "wrong"),
                    ("scope", "https://api.security.microsoft.com/.default"),
                ]
            )
            #expect(wrongSecret.status == 401)
            let body = try wrongSecret.json()
            #expect(body["error"] as? String == "invalid_client")
            #expect(body["error_codes"] as? [Int] == [7_000_215])
            let description = try #require(body["error_description"] as? String)
            #expect(description.hasPrefix("AADSTS7000215: "))
            #expect(description.contains("\r\nTrace ID: \(try #require(body["trace_id"] as? String))\r\nCorrelation ID: "))

            let unknownTenant = try await server.postForm("/nowhere.test/oauth2/token", [("grant_type", "client_credentials")])
            #expect(unknownTenant.status == 400)
            #expect(try unknownTenant.json()["error_codes"] as? [Int] == [90002])

            let noGrant = try await server.postForm("/\(demo.tenantId)/oauth2/token", [("client_id", demo.apps.full.clientId)])
            #expect(noGrant.status == 400)
            #expect((try noGrant.json()["error_description"] as? String)?.contains("'grant_type'") == true)

            // Client secret in HTTP Basic, form body without a Content-Type (as msticpy sends it).
            let basic = Data("\(demo.apps.full.clientId):\(demo.apps.full.clientSecret ?? "")".utf8).base64EncodedString()
            let viaBasic = try await server.send(
                "POST",
                "/\(demo.tenantId)/oauth2/token",
                body: Data("grant_type=client_credentials&resource=https%3A%2F%2Fapi.security.microsoft.com%2F".utf8),
                headers: [("Authorization", "Basic \(basic)")]
            )
            #expect(viaBasic.status == 200)
        }
    }
}
