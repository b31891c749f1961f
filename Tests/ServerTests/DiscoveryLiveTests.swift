import Foundation
import JWTKit
import OpenMTPModels
import Server
import TestSupport
import Testing

@Suite("Discovery and keys, live")
struct DiscoveryLiveTests {
    @Test("v1 and v2 discovery documents point at this server and the v1 issuer tokens carry")
    func discovery() async throws {
        try await withDemoServer { server, demo in
            let v2 = try await server.get("/contoso.test/v2.0/.well-known/openid-configuration").json()
            #expect(v2["token_endpoint"] as? String == "\(server.baseURL)/\(demo.tenantId)/oauth2/v2.0/token")
            #expect(v2["issuer"] as? String == "\(server.baseURL)/\(demo.tenantId)/v2.0")
            #expect(v2["authorization_endpoint"] as? String == "\(server.baseURL)/\(demo.tenantId)/oauth2/v2.0/authorize")
            let v1 = try await server.get("/\(demo.tenantId)/.well-known/openid-configuration").json()
            #expect(v1["issuer"] as? String == "https://sts.windows.net/\(demo.tenantId)/")
            #expect(v1["jwks_uri"] as? String == "\(server.baseURL)/common/discovery/keys")
            let common = try await server.get("/common/v2.0/.well-known/openid-configuration").json()
            #expect(common["issuer"] as? String == "\(server.baseURL)/{tenantid}/v2.0")
            let unknown = try await server.get("/nowhere.test/v2.0/.well-known/openid-configuration")
            #expect(unknown.status == 400)
            #expect(try unknown.json()["error"] as? String == "invalid_tenant")
        }
    }

    @Test("a token verifies with a key collection built from the published JWKS alone")
    func keysVerifyTokens() async throws {
        try await withDemoServer { server, demo in
            let token = try await server.demoToken()
            for path in ["/\(demo.tenantId)/discovery/v2.0/keys", "/common/discovery/keys"] {
                let reply = try await server.get(path)
                #expect(reply.status == 200)
                let set = try JSONDecoder().decode(JSONWebKeySet.self, from: reply.body)
                let key = try #require(set.keys.first)
                #expect(key.kid == key.x5t)
                #expect(key.x5c.count == 1)
                let keys = try await JWTKeyCollection().add(jwksJSON: reply.text)
                let payload = try await keys.verify(token, as: ClaimsProbe.self)
                #expect(payload.tid == demo.tenantId)
            }
        }
    }
}

/// The claims a test reads back from a verified token.
struct ClaimsProbe: JWTPayload {
    let tid: String
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

@Suite("Entra extras, live")
struct EntraExtrasLiveTests {
    @Test("logout returns only to registered redirect URIs; userrealm says Managed; instance discovery names the tenant")
    func extras() async throws {
        try await withDemoServer { server, demo in
            let registered = try await server.get(
                "/\(demo.tenantId)/oauth2/v2.0/logout?post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A53123%2Fcallback"
            )
            #expect(registered.status == 302)
            #expect(registered.header("Location") == "http://localhost:53123/callback")
            let foreign = try await server.get("/\(demo.tenantId)/oauth2/v2.0/logout?post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F")
            #expect(foreign.status == 200)
            #expect(foreign.header("Location") == nil)
            let realm = try await server.get("/common/userrealm/analyst@contoso.test?api-version=1.0").json()
            #expect(realm["account_type"] as? String == "Managed")
            let instance = try await server.get(
                "/common/discovery/instance?api-version=1.1&authorization_endpoint=\(server.baseURL)/\(demo.tenantId)/oauth2/v2.0/authorize"
            ).json()
            #expect(instance["tenant_discovery_endpoint"] as? String == "\(server.baseURL)/\(demo.tenantId)/v2.0/.well-known/openid-configuration")
        }
    }
}
