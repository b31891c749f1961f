import Foundation
import JWTKit
import OpenMTPModels
import Store
import TestSupport
import Testing

@testable import Identity

@Suite("Client credentials: claims and responses")
struct TokenServiceTests {
    let clock = fixedClock()

    func service(_ fixture: DirectoryFixture) async throws -> (TokenService, SigningKeys) {
        try await tokenService(over: fixture.store, clock: clock)
    }

    func request(_ fixture: DirectoryFixture, _ version: TokenEndpointVersion, _ extra: [String: String] = [:]) -> TokenRequest {
        var parameters = ["grant_type": "client_credentials", "client_id": fixture.app.clientId, "client_secret": fixture.secret]
        if version == .v1 {
            parameters["resource"] = "https://api.security.microsoft.com"
        } else {
            parameters["scope"] = "https://api.security.microsoft.com/.default"
        }
        parameters.merge(extra) { $1 }
        return TokenRequest(tenant: fixture.tenant.id, version: version, parameters: parameters, authorizationHeader: nil)
    }

    @Test("an application token carries the v1 claims of spec §2.5")
    func claims() async throws {
        let fixture = try await DirectoryFixture.make(permissions: ["Incident.Read.All", "AdvancedHunting.Read.All"], clock: clock)
        let (tokens, keys) = try await service(fixture)
        guard case .v2(let response) = try await tokens.token(for: request(fixture, .v2)) else {
            Issue.record("the v2 endpoint must answer in the v2 shape")
            return
        }
        let claims = try await keys.collection.verify(response.accessToken, as: AccessTokenClaims.self)
        let application = try #require(try await fixture.store.application(tenantId: fixture.tenant.id, appId: fixture.app.clientId))
        let now = clock.now().unixSeconds
        #expect(claims.aud == "https://api.security.microsoft.com")
        #expect(claims.iss == "https://sts.windows.net/\(fixture.tenant.id)/")
        #expect(claims.idp == claims.iss)
        #expect(claims.tid == fixture.tenant.id)
        #expect(claims.appid == fixture.app.clientId)
        #expect(claims.appidacr == "1")
        #expect(claims.idtyp == "app")
        #expect(claims.oid == application.servicePrincipalId)
        #expect(claims.sub == application.servicePrincipalId)
        #expect(claims.roles.map(Set.init) == ["Incident.Read.All", "AdvancedHunting.Read.All"])
        #expect(claims.scp == nil)
        #expect(claims.ver == "1.0")
        #expect(claims.iat == now - 301)
        #expect(claims.nbf == now - 301)
        #expect(claims.exp == now + 3599)
        #expect(claims.appDisplayName == "daemon")

        let header =
            try JSONSerialization.jsonObject(with: Data(Base64URL.decode(String(response.accessToken.split(separator: ".")[0]))!))
            as? [String: String]
        #expect(header?["alg"] == "RS256")
        #expect(header?["typ"] == "JWT")
        #expect(header?["kid"] == keys.active.keyId)
        #expect(header?["x5t"] == keys.active.keyId)
    }

    @Test("v1 answers with numbers as strings; v2 with integers and no resource")
    func responseShapes() async throws {
        let fixture = try await DirectoryFixture.make(permissions: ["Incident.Read.All"], clock: clock)
        let (tokens, _) = try await service(fixture)
        guard case .v1(let v1) = try await tokens.token(for: request(fixture, .v1)) else {
            Issue.record("the v1 endpoint must answer in the v1 shape")
            return
        }
        let now = clock.now().unixSeconds
        #expect(v1.expiresIn == "3599")
        #expect(v1.extExpiresIn == "3599")
        #expect(v1.expiresOn == String(now + 3599))
        #expect(v1.notBefore == String(now - 301))
        #expect(v1.resource == "https://api.security.microsoft.com")
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(v1)) as? [String: Any]
        #expect(encoded?["expires_in"] is String)

        guard case .v2(let v2) = try await tokens.token(for: request(fixture, .v2)) else {
            Issue.record("the v2 endpoint must answer in the v2 shape")
            return
        }
        let v2JSON = try JSONSerialization.jsonObject(with: JSONEncoder().encode(v2)) as? [String: Any]
        #expect(v2JSON?["expires_in"] as? Int == 3599)
        #expect(Set(v2JSON?.keys.map { $0 } ?? []) == ["token_type", "expires_in", "ext_expires_in", "access_token"])
    }

    @Test("resource aliases and the app id name the same resource; the token's audience is the one asked for")
    func resourceAliases() async throws {
        let fixture = try await DirectoryFixture.make(permissions: ["Incident.Read.All"], clock: clock)
        let (tokens, keys) = try await service(fixture)
        for (resource, audience) in [
            ("https://api.security.microsoft.com/", "https://api.security.microsoft.com"),
            ("https://security.microsoft.com/mtp", "https://security.microsoft.com/mtp"),
            (ThreatProtectionResource.appId, "https://api.security.microsoft.com"),
        ] {
            guard case .v1(let response) = try await tokens.token(for: request(fixture, .v1, ["resource": resource])) else {
                Issue.record("v1 shape expected")
                return
            }
            #expect(response.resource == audience)
            #expect(try await keys.collection.verify(response.accessToken, as: AccessTokenClaims.self).aud == audience)
        }
    }

    @Test("an app without granted permissions still gets a token, without a roles claim")
    func noRoles() async throws {
        let fixture = try await DirectoryFixture.make(permissions: [], clock: clock)
        let (tokens, keys) = try await service(fixture)
        guard case .v2(let response) = try await tokens.token(for: request(fixture, .v2)) else { return }
        #expect(try await keys.collection.verify(response.accessToken, as: AccessTokenClaims.self).roles == nil)
    }

    @Test("the secret is kept only as a salted hash")
    func secretHashed() async throws {
        let fixture = try await DirectoryFixture.make(permissions: [], clock: clock)
        let records = try await fixture.store.clientSecrets(appId: fixture.app.clientId)
        let record = try #require(records.first)
        #expect(record.hash != Array(fixture.secret.utf8))
        #expect(!String(decoding: record.hash, as: UTF8.self).contains(fixture.secret))
        #expect(try await SecretVerifier().matches(fixture.secret, record))
        #expect(try await !SecretVerifier().matches(fixture.secret + "x", record))
        #expect(record.hint == String(fixture.secret.prefix(3)))
    }
}
