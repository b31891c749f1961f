import Foundation
import JWTKit
import OpenMTPModels
import Store
import TestSupport
import Testing

@testable import Identity

@Suite("Bearer token validation")
struct TokenValidatorTests {
    let clock = fixedClock()

    func issued(_ fixture: DirectoryFixture, keys: SigningKeys) async throws -> String {
        let (tokens, _) = try await tokenService(over: fixture.store, keys: keys, clock: clock)
        let request = TokenRequest(
            tenant: fixture.tenant.id,
            version: .v1,
            parameters: [
                "grant_type": "client_credentials", "client_id": fixture.app.clientId, "client_secret": fixture.secret,
                "resource": "https://api.security.microsoft.com",
            ],
            authorizationHeader: nil
        )
        guard case .v1(let response) = try await tokens.token(for: request) else { throw TestSupportError("v1 shape expected") }
        return response.accessToken
    }

    /// A token signed by the ring with chosen claims.
    func forged(_ keys: SigningKeys, _ change: (inout AccessTokenClaims) -> Void, base: String) async throws -> String {
        var claims = try await keys.collection.verify(base, as: AccessTokenClaims.self)
        change(&claims)
        return try keys.sign(claims)
    }

    @Test("a valid token yields the caller with tenant, app and roles")
    func valid() async throws {
        let fixture = try await DirectoryFixture.make(permissions: ["Incident.Read.All"], clock: clock)
        let keys = try await SigningKeys.load(from: fixture.store, clock: clock)
        let caller = try await TokenValidator(keys: keys, directory: fixture.store, clock: clock).validate(try await issued(fixture, keys: keys))
        #expect(caller.tenantId == fixture.tenant.id)
        #expect(caller.appId == fixture.app.clientId)
        #expect(caller.roles == ["Incident.Read.All"])
        #expect(caller.isApplication)
        #expect(caller.holdsAny(of: ["Incident.ReadWrite.All", "Incident.Read.All"]))
        #expect(!caller.holdsAny(of: ["AdvancedHunting.Read.All"]))
    }

    @Test("expiry, not-before, audience, issuer, version, unknown tenant and foreign keys are each refused")
    func refusals() async throws {
        let fixture = try await DirectoryFixture.make(permissions: ["Incident.Read.All"], clock: clock)
        let keys = try await SigningKeys.load(from: fixture.store, clock: clock)
        let token = try await issued(fixture, keys: keys)
        let validator = TokenValidator(keys: keys, directory: fixture.store, clock: clock)

        let later = TokenValidator(keys: keys, directory: fixture.store, clock: fixedClock("2026-03-01T13:06:00Z"))
        await #expect(throws: TokenRejection.self) { try await later.validate(token) }
        let withinSkew = TokenValidator(keys: keys, directory: fixture.store, clock: fixedClock("2026-03-01T13:03:00Z"))
        _ = try await withinSkew.validate(token)
        let earlier = TokenValidator(keys: keys, directory: fixture.store, clock: fixedClock("2026-03-01T11:49:00Z"))
        await #expect(throws: TokenRejection.self) { try await earlier.validate(token) }

        for change: (inout AccessTokenClaims) -> Void in [
            { $0.aud = "https://graph.microsoft.com" },
            { $0.iss = "https://sts.windows.net/00000000-0000-0000-0000-000000000000/" },
            { $0.ver = "2.0" },
            {
                $0.tid = "00000000-0000-0000-0000-000000000000"
                $0.iss = "https://sts.windows.net/00000000-0000-0000-0000-000000000000/"
            },
        ] {
            let bad = try await forged(keys, change, base: token)
            await #expect(throws: TokenRejection.self) { try await validator.validate(bad) }
        }

        // Signed by a key this server does not have, under an unknown kid and under this server's kid.
        let claims = try await keys.collection.verify(token, as: AccessTokenClaims.self)
        let foreignKey = try JWTKit.Insecure.RSA.PrivateKey(pem: try SigningKeys.makeRecord(now: clock.now()).privateKeyPEM)
        for kid in ["someone-else", keys.active.keyId] {
            let foreign = try await JWTKeyCollection().add(rsa: foreignKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid)).sign(claims)
            await #expect(throws: TokenRejection.self) { try await validator.validate(foreign) }
        }
    }

    @Test("signing keys persist: a reloaded ring verifies tokens of the first and publishes the same kid")
    func keysPersist() async throws {
        let fixture = try await DirectoryFixture.make(permissions: [], clock: clock)
        let first = try await SigningKeys.load(from: fixture.store, clock: clock)
        let second = try await SigningKeys.load(from: fixture.store, clock: clock)
        #expect(first.active.keyId == second.active.keyId)
        let token = try await issued(fixture, keys: first)
        _ = try await TokenValidator(keys: second, directory: fixture.store, clock: clock).validate(token)
        let set = try second.keySet(issuer: nil)
        #expect(set.keys.map(\.kid) == [second.active.keyId])
        #expect(set.keys.first?.e == "AQAB")
    }
}
