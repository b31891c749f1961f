import Foundation
import Server
import TestSupport
import Testing

@Suite("Admin API, live")
struct AdminAPILiveTests {
    /// A request to the admin API with the data folder's key (or the given bearer).
    func admin(
        _ server: LiveServer,
        _ method: String,
        _ path: String,
        _ json: String? = nil,
        bearer: String? = nil
    ) async throws
        -> LiveServer.Reply
    {
        let key = try String(contentsOf: server.dataDirectory.appendingPathComponent("admin.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var headers = [("Authorization", "Bearer \(bearer ?? key)")]
        if json != nil { headers.append(("Content-Type", "application/json")) }
        return try await server.send(method, "/admin/v1" + path, body: json.map { Data($0.utf8) }, headers: headers)
    }

    func array(_ reply: LiveServer.Reply) throws -> [[String: any Sendable]] {
        try #require(try JSONSerialization.jsonObject(with: reply.body) as? [[String: any Sendable]])
    }

    @Test("only the admin key opens the admin API: no key, a wrong key and an Entra token are 401")
    func authentication() async throws {
        try await withDemoServer { server, _ in
            let none = try await server.get("/admin/v1/tenants")
            #expect(none.status == 401)
            #expect((try none.json()["error"] as? [String: any Sendable])?["code"] as? String == "Unauthorized")
            #expect(try await admin(server, "GET", "/tenants", bearer: "not-the-key").status == 401)
            #expect(try await admin(server, "GET", "/tenants", bearer: try await server.demoToken()).status == 401)
            #expect(try await admin(server, "GET", "/tenants").status == 200)
            let mode = try FileManager.default.attributesOfItem(atPath: server.dataDirectory.appendingPathComponent("admin.key").path)[
                .posixPermissions
            ]
            #expect(mode as? Int == 0o600)
        }
    }

    @Test("a tenant, an app and a user made over the API work at the token endpoint; errors are 400, 404 and 409")
    func lifecycle() async throws {
        try await withDemoServer { server, demo in
            #expect(try array(try await admin(server, "GET", "/roles")).count == 4)

            let created = try await admin(server, "POST", "/tenants", #"{"domain":"Fabrikam.test","displayName":"Fabrikam"}"#)
            #expect(created.status == 201)
            let tenantId = try #require(try created.json()["tenantId"] as? String)
            #expect(try created.json()["domain"] as? String == "fabrikam.test")
            #expect(try await admin(server, "POST", "/tenants", #"{"domain":"fabrikam.test"}"#).status == 409)
            #expect(
                try array(try await admin(server, "GET", "/tenants")).compactMap { $0["domain"] as? String }.sorted() == [
                    "contoso.test", "fabrikam.test",
                ]
            )

            let app = try await admin(
                server,
                "POST",
                "/tenants/fabrikam.test/applications",
                #"{"displayName":"SOAR","permissions":["Incident.Read.All"]}"#
            )
            #expect(app.status == 201)
            let clientId = try #require(try app.json()["clientId"] as? String)
            let secret = try #require(try app.json()["clientSecret"] as? String)
            let token = try await server.token(tenant: tenantId, clientId: clientId, secret: secret)
            let incidents = try await server.get("/api/incidents", bearer: token)
            #expect(incidents.status == 200)
            #expect((try incidents.json()["value"] as? [Any])?.isEmpty == true)

            let second = try await admin(server, "POST", "/tenants/fabrikam.test/applications/\(clientId)/secrets")
            #expect(second.status == 201)
            _ = try await server.token(tenant: tenantId, clientId: clientId, secret: try #require(try second.json()["clientSecret"] as? String))

            let granted = try await admin(
                server,
                "POST",
                "/tenants/fabrikam.test/applications/\(clientId)/permissions",
                #"{"permissions":["AdvancedHunting.Read.All"]}"#
            )
            #expect(try granted.json()["permissions"] as? [String] == ["Incident.Read.All", "AdvancedHunting.Read.All"])
            let unknown = try await admin(
                server,
                "POST",
                "/tenants/fabrikam.test/applications/\(clientId)/permissions",
                #"{"permissions":["Nope.All"]}"#
            )
            #expect(unknown.status == 400)
            #expect(((try unknown.json()["error"] as? [String: any Sendable])?["message"] as? String)?.contains("Nope.All") == true)
            #expect(try await admin(server, "GET", "/tenants/fabrikam.test/applications/\(demo.apps.full.clientId)").status == 404)
            #expect(try await admin(server, "GET", "/tenants/nowhere.test/applications").status == 404)
            #expect(try await admin(server, "POST", "/tenants/fabrikam.test/applications", #"{"permissions":[]}"#).status == 400)
            #expect(try await admin(server, "POST", "/tenants/fabrikam.test/applications", "not json").status == 400)

            let user = try await admin(server, "POST", "/tenants/fabrikam.test/users", #"{"name":"alex","roles":["Security Reader"]}"#)
            #expect(user.status == 201)
            #expect(try user.json()["username"] as? String == "alex@fabrikam.test")
            #expect((try user.json()["password"] as? String)?.isEmpty == false)
            let roles = try await admin(server, "PUT", "/tenants/fabrikam.test/users/alex@fabrikam.test/roles", #"{"roles":["Security Operator"]}"#)
            #expect(try roles.json()["roles"] as? [String] == ["Security Operator"])
            #expect(try await admin(server, "PUT", "/tenants/fabrikam.test/users/alex@fabrikam.test/roles", #"{"roles":["Root"]}"#).status == 400)
            let disabled = try await admin(server, "POST", "/tenants/fabrikam.test/users/alex@fabrikam.test/disable")
            #expect((try disabled.json()["user"] as? [String: any Sendable])?["enabled"] as? Bool == false)
            #expect(try array(try await admin(server, "GET", "/tenants/fabrikam.test/users")).count == 1)
            // The demo tenant is untouched by all of this.
            #expect(try array(try await admin(server, "GET", "/tenants/contoso.test/users")).count == 3)
        }
    }
}
