import Crypto
import Foundation
import OpenMTPModels
import Store
import TestSupport
import Testing

@testable import Identity

/// Each grant's rules, driven through ``TokenService`` over in-memory stores with a clock the test moves.
@Suite("Grant rules")
struct GrantRulesTests {
    let time = ManualClock()

    func tokens(_ fixture: UserContextFixture) async throws -> TokenService {
        try await tokenService(over: fixture.store, clock: time.clock).0
    }

    func request(_ fixture: UserContextFixture, _ parameters: [String: String]) -> TokenRequest {
        TokenRequest(tenant: fixture.tenant.id, version: .v2, parameters: parameters, authorizationHeader: nil, issuerBase: "https://localhost:8443")
    }

    /// Runs the authorize step for the public client with PKCE and returns the code.
    func code(_ fixture: UserContextFixture, verifier: String = "verifier-0123456789-0123456789-0123456789") async throws -> String {
        let service = AuthorizationService(directory: fixture.store, grants: fixture.store, clock: time.clock)
        let challenge = Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8))))
        let authorize = try await service.begin(
            tenantName: "contoso.test",
            version: .v2,
            parameters: [
                "client_id": fixture.publicClient.clientId, "response_type": "code", "redirect_uri": UserContextFixture.redirectURI,
                "scope": "https://api.security.microsoft.com/Incident.Read openid offline_access", "code_challenge": challenge,
                "code_challenge_method": "S256", "state": "s1", "nonce": "n1",
            ]
        )
        let response = try await service.complete(authorize, user: fixture.user)
        return try #require(response.parameters.first { $0.0 == "code" }?.1)
    }

    func redeem(_ fixture: UserContextFixture, code: String, _ changes: [String: String] = [:]) -> TokenRequest {
        var parameters = [
            "grant_type": "authorization_code", "client_id": fixture.publicClient.clientId, "code": code,
            "redirect_uri": UserContextFixture.redirectURI, "code_verifier": "verifier-0123456789-0123456789-0123456789",
        ]
        parameters.merge(changes) { $1 }
        return request(fixture, parameters)
    }

    func refusal(_ body: () async throws -> TokenEndpointResponse) async -> IdentityError? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error as? IdentityError
        }
    }

    @Test("an authorization code is redeemed once, by its client, at its redirect URI, with its verifier, within ten minutes")
    func authorizationCode() async throws {
        let fixture = try await UserContextFixture.make(clock: time.clock)
        let service = try await tokens(fixture)
        let first = try await code(fixture)
        guard case .v2(let response) = try await service.token(for: redeem(fixture, code: first)) else {
            Issue.record("v2 shape expected")
            return
        }
        #expect(response.idToken != nil)
        #expect(response.refreshToken != nil)
        #expect(await refusal { try await service.token(for: redeem(fixture, code: first)) }?.code == 54005)

        #expect(
            await refusal { try await service.token(for: redeem(fixture, code: try await code(fixture), ["code_verifier": "wrong"])) }?.code == 501481
        )
        #expect(await refusal { try await service.token(for: redeem(fixture, code: try await code(fixture), ["code_verifier": ""])) }?.code == 501481)
        #expect(
            await refusal { try await service.token(for: redeem(fixture, code: try await code(fixture), ["redirect_uri": "http://localhost:1/x"])) }?
                .code
                == 50011
        )
        #expect(
            await refusal {
                try await service.token(for: redeem(fixture, code: try await code(fixture), ["client_id": fixture.confidential.clientId]))
            }?
            .code == 70000
        )
        #expect(await refusal { try await service.token(for: redeem(fixture, code: "1.Anot-a-code")) }?.code == 70000)
        let late = try await code(fixture)
        time.advance(seconds: 601)
        #expect(await refusal { try await service.token(for: redeem(fixture, code: late)) }?.code == 70008)
    }

    @Test("the ID token echoes the nonce and names the user; client_info names user and tenant")
    func idToken() async throws {
        let fixture = try await UserContextFixture.make(clock: time.clock)
        let service = try await tokens(fixture)
        var parameters = redeem(fixture, code: try await code(fixture)).parameters
        parameters["client_info"] = "1"
        guard case .v2(let response) = try await service.token(for: request(fixture, parameters)) else { return }
        let payload = try #require(response.idToken?.split(separator: ".").dropFirst().first.flatMap { Base64URL.decode(String($0)) })
        let claims = try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
        #expect(claims["nonce"] as? String == "n1")
        #expect(claims["aud"] as? String == fixture.publicClient.clientId)
        #expect(claims["preferred_username"] as? String == "alex@contoso.test")
        #expect(claims["iss"] as? String == "https://localhost:8443/\(fixture.tenant.id)/v2.0")
        let info = try #require(response.clientInfo.flatMap { Base64URL.decode($0) })
        #expect(try JSONSerialization.jsonObject(with: Data(info)) as? [String: String] == ["uid": fixture.user.objectId, "utid": fixture.tenant.id])
        #expect(response.scope == "https://api.security.microsoft.com/Incident.Read openid offline_access")
    }

    func ropc(
        _ fixture: UserContextFixture,
        scope: String = "https://api.security.microsoft.com/Incident.Read offline_access",
        password: String? = nil
    ) -> TokenRequest {
        request(
            fixture,
            [
                "grant_type": "password", "client_id": fixture.publicClient.clientId, "username": "alex@contoso.test",
                "password": password ?? fixture.password, "scope": scope,
            ]
        )
    }

    func refreshToken(_ response: TokenEndpointResponse) -> String? {
        if case .v2(let body) = response { return body.refreshToken }
        return nil
    }

    func refresh(_ fixture: UserContextFixture, _ token: String) -> TokenRequest {
        request(fixture, ["grant_type": "refresh_token", "client_id": fixture.publicClient.clientId, "refresh_token": token])
    }

    @Test("refresh tokens rotate; replaying a replaced one revokes the sign-in; revocation and disabling end it too")
    func refreshRotation() async throws {
        let fixture = try await UserContextFixture.make(clock: time.clock)
        let service = try await tokens(fixture)
        let first = try #require(refreshToken(try await service.token(for: ropc(fixture))))
        let second = try #require(refreshToken(try await service.token(for: refresh(fixture, first))))
        #expect(second != first)
        #expect(await refusal { try await service.token(for: refresh(fixture, first)) }?.code == 70008)
        #expect(await refusal { try await service.token(for: refresh(fixture, second)) }?.code == 70008)

        let fresh = try #require(refreshToken(try await service.token(for: ropc(fixture))))
        #expect(try await fixture.store.revokeRefreshTokens(tenantId: fixture.tenant.id, userObjectId: fixture.user.objectId) == 1)
        #expect(await refusal { try await service.token(for: refresh(fixture, fresh)) }?.code == 70008)

        let beforeDisable = try #require(refreshToken(try await service.token(for: ropc(fixture))))
        _ = try await fixture.directory.setEnabled(false, fixture.user)
        #expect(await refusal { try await service.token(for: refresh(fixture, beforeDisable)) }?.code == 50057)
        #expect(await refusal { try await service.token(for: ropc(fixture)) }?.code == 50057)
    }

    @Test("password grant refusals: wrong password, unknown user, unconsented scope, /common")
    func passwordRefusals() async throws {
        let fixture = try await UserContextFixture.make(clock: time.clock)
        let service = try await tokens(fixture)
        #expect(await refusal { try await service.token(for: ropc(fixture, password: "nope")) }?.code == 50126)
        var unknown = ropc(fixture).parameters
        unknown["username"] = "nobody@contoso.test"
        #expect(await refusal { try await service.token(for: request(fixture, unknown)) }?.code == 50034)
        let consent = await refusal { try await service.token(for: ropc(fixture, scope: "https://api.security.microsoft.com/Incident.ReadWrite")) }
        #expect(consent?.code == 65001)
        #expect(consent?.suberror == "consent_required")
        let common = TokenRequest(tenant: "common", version: .v2, parameters: ropc(fixture).parameters, authorizationHeader: nil)
        #expect(await refusal { try await service.token(for: common) }?.code == 9_001_023)
    }

    @Test("an expired client secret is refused with AADSTS7000222 while a current one works")
    func expiredSecret() async throws {
        let fixture = try await UserContextFixture.make(clock: time.clock)
        let service = try await tokens(fixture)
        let application = try await fixture.directory.application(fixture.confidential.clientId, in: fixture.tenant)
        let shortLived = try await fixture.directory.addSecret(to: application, lifetimeDays: 1)
        func clientCredentials(_ secret: String) -> TokenRequest {
            request(
                fixture,
                [
                    "grant_type": "client_credentials", "client_id": application.appId, "client_secret": secret,
                    "scope": "https://api.security.microsoft.com/.default",
                ]
            )
        }
        _ = try await service.token(for: clientCredentials(shortLived))
        time.advance(seconds: 86_401)
        #expect(await refusal { try await service.token(for: clientCredentials(shortLived)) }?.code == 7_000_222)
        _ = try await service.token(for: clientCredentials(fixture.confidential.clientSecret ?? ""))
    }

    @Test("device code: pending until approved, redeemed once, expired after fifteen minutes")
    func deviceCode() async throws {
        let fixture = try await UserContextFixture.make(clock: time.clock)
        let service = try await tokens(fixture)
        let devices = DeviceAuthorizationService(directory: fixture.store, grants: fixture.store, clock: time.clock)
        func start() async throws -> DeviceCodeResponse {
            try await devices.start(
                tenantName: "organizations",
                version: .v2,
                parameters: [
                    "client_id": fixture.publicClient.clientId, "scope": "https://api.security.microsoft.com/Incident.Read offline_access openid",
                ],
                verificationURI: "https://localhost:8443/devicelogin"
            )
        }
        func poll(_ code: String) -> TokenRequest {
            request(fixture, ["grant_type": TokenService.deviceCodeGrant, "client_id": fixture.publicClient.clientId, "device_code": code])
        }
        let started = try await start()
        #expect(started.interval == 5)
        #expect(started.message.contains(started.userCode))
        #expect(await refusal { try await service.token(for: poll(started.deviceCode)) }?.error == "authorization_pending")
        let pending = try await devices.pending(userCode: started.userCode.lowercased())
        #expect(try await devices.approve(pending, user: fixture.user).isEmpty)
        _ = try await service.token(for: poll(started.deviceCode))
        #expect(await refusal { try await service.token(for: poll(started.deviceCode)) }?.code == 54005)
        #expect(await refusal { try await service.token(for: poll("not-a-device-code")) }?.error == "bad_verification_code")

        let late = try await start()
        time.advance(seconds: 901)
        #expect(await refusal { try await service.token(for: poll(late.deviceCode)) }?.error == "expired_token")
    }

    @Test("authorize refuses unknown clients and unregistered redirect URIs on a page, never by redirecting")
    func authorizeRefusals() async throws {
        let fixture = try await UserContextFixture.make(clock: time.clock)
        let service = AuthorizationService(directory: fixture.store, grants: fixture.store, clock: time.clock)
        func failure(_ parameters: [String: String], tenant: String = "contoso.test") async -> AuthorizationFailure? {
            do {
                _ = try await service.begin(tenantName: tenant, version: .v2, parameters: parameters)
                return nil
            } catch {
                return error as? AuthorizationFailure
            }
        }
        let base = [
            "client_id": fixture.publicClient.clientId, "response_type": "code", "redirect_uri": UserContextFixture.redirectURI, "scope": "openid",
        ]
        var evil = base
        evil["redirect_uri"] = "https://evil.example/steal"
        let redirect = await failure(evil)
        #expect(redirect?.error.code == 50011)
        #expect(redirect?.response == nil)
        var unknown = base
        unknown["client_id"] = UUID().uuidString.lowercased()
        #expect(await failure(unknown)?.error.code == 700016)
        #expect(await failure(base, tenant: "nowhere.test")?.error.code == 90002)
        var token = base
        token["response_type"] = "token"
        let unsupported = await failure(token)
        #expect(unsupported?.error.error == "unsupported_response_type")
        #expect(unsupported?.response?.location.hasPrefix(UserContextFixture.redirectURI + "?error=unsupported_response_type") == true)
    }
}
