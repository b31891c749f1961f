import Foundation
import OpenMTPModels
import Store
import TestSupport
import Testing

@testable import Identity

@Suite("Token endpoint errors: AADSTS codes, statuses and bodies")
struct TokenErrorTests {
    let clock = fixedClock()

    func refusal(
        _ parameters: [String: String],
        tenant: String? = nil,
        version: TokenEndpointVersion = .v2,
        basic: String? = nil
    ) async throws
        -> IdentityError
    {
        let fixture = try await DirectoryFixture.make(permissions: ["Incident.Read.All"], clock: clock)
        let (tokens, _) = try await tokenService(over: fixture.store, clock: clock)
        var fields = ["grant_type": "client_credentials", "client_id": fixture.app.clientId, "client_secret": fixture.secret]
        fields[version == .v1 ? "resource" : "scope"] =
            version == .v1 ? "https://api.security.microsoft.com" : "https://api.security.microsoft.com/.default"
        for (key, value) in parameters { fields[key] = value.isEmpty ? nil : value }
        let request = TokenRequest(tenant: tenant ?? fixture.tenant.id, version: version, parameters: fields, authorizationHeader: basic)
        do {
            _ = try await tokens.token(for: request)
        } catch let error as IdentityError {
            return error
        }
        throw TestSupportError("the request was not refused")
    }

    @Test(
        "each refusal has Entra's error, code and status",
        arguments: [
            (["client_secret": "wrong"], "invalid_client", 7_000_215, 401),
            (["client_secret": ""], "invalid_client", 7_000_218, 401),
            (["client_id": "00000000-0000-0000-0000-000000000000"], "unauthorized_client", 700016, 400),
            (["grant_type": ""], "invalid_request", 900144, 400),
            (["grant_type": "urn:ietf:params:oauth:grant-type:saml1_1-bearer"], "unsupported_grant_type", 70003, 400),
            (["scope": "https://api.security.microsoft.com/Incident.Read.All"], "invalid_scope", 1_002_012, 400),
            (["scope": "https://api.security.microsoft.com/.default https://graph.microsoft.com/.default"], "invalid_scope", 700022, 400),
            (["scope": "https://outlook.office365.com/.default"], "invalid_resource", 500011, 400),
            (["scope": "offline_access"], "invalid_scope", 70011, 400),
        ] as [([String: String], String, Int, Int)]
    )
    func refusals(parameters: [String: String], error: String, code: Int, status: Int) async throws {
        let refused = try await refusal(parameters)
        #expect(refused.error == error)
        #expect(refused.code == code)
        #expect(refused.httpStatus == status)
    }

    @Test("unknown and multi-tenant authorities are refused for client credentials")
    func tenants() async throws {
        #expect(try await refusal([:], tenant: "nowhere.test").code == 90002)
        #expect(try await refusal([:], tenant: "common").code == 50059)
        #expect(try await refusal([:], tenant: "organizations").code == 50059)
    }

    @Test("v1 needs a resource")
    func v1Resource() async throws {
        let refused = try await refusal(["resource": ""], version: .v1)
        #expect(refused.code == 900144)
        #expect(refused.message.contains("'resource'"))
    }

    @Test("a wrong secret in HTTP Basic is refused like one in the body")
    func basic() async throws {
        let fixture = try await DirectoryFixture.make(permissions: [], clock: clock)
        let (tokens, _) = try await tokenService(over: fixture.store, clock: clock)
        let header = "Basic " + Data("\(fixture.app.clientId):nope".utf8).base64EncodedString()
        let request = TokenRequest(
            tenant: fixture.tenant.id,
            version: .v2,
            parameters: ["grant_type": "client_credentials", "scope": "https://api.security.microsoft.com/.default"],
            authorizationHeader: header
        )
        await #expect(throws: IdentityError.invalidClientSecret(appId: fixture.app.clientId)) { try await tokens.token(for: request) }
    }

    @Test("the body carries the AADSTS prefix, the trace trailer and the lookup URL")
    func body() {
        let error = IdentityError.invalidClientSecret(appId: "app")
        let body = error.body(traceId: "t-1", correlationId: "c-1", at: Timestamp(iso8601: "2026-03-01T12:00:00.1234567Z")!)
        #expect(body.error == "invalid_client")
        #expect(body.errorCodes == [7_000_215])
        #expect(body.timestamp == "2026-03-01 12:00:00Z")
        #expect(body.errorDescription.hasPrefix("AADSTS7000215: Invalid client secret provided."))
        #expect(body.errorDescription.hasSuffix("\r\nTrace ID: t-1\r\nCorrelation ID: c-1\r\nTimestamp: 2026-03-01 12:00:00Z"))
        #expect(body.errorURI == "https://login.microsoftonline.com/error?code=7000215")
        let json = String(decoding: try! JSONEncoder().encode(body), as: UTF8.self)
        #expect(json.contains("\"error_codes\":[7000215]"))
        #expect(json.contains("\"trace_id\":\"t-1\""))
    }
}
