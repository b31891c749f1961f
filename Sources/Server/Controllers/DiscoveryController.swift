import Foundation
import Hummingbird
import Identity
import OpenMTPModels
import Store

/// OpenID discovery documents and signing keys, v1 and v2, in Entra's URL layout (spec §2.6).
///
/// URLs in the documents use the scheme-and-host the client called, so a client that reached the server as
/// `localhost:8443` is sent back there.
struct DiscoveryController {
    let directory: any DirectoryStore
    let keys: SigningKeys

    private static let multiTenant: Set<String> = ["common", "organizations", "consumers"]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(":tenant/v2.0/.well-known/openid-configuration") { request, context in
            try await self.configuration(request, context, version: .v2)
        }
        router.get(":tenant/.well-known/openid-configuration") { request, context in
            try await self.configuration(request, context, version: .v1)
        }
        router.get(":tenant/discovery/v2.0/keys") { request, context in try await self.keySet(request, context, version: .v2) }
        router.get(":tenant/discovery/keys") { request, context in try await self.keySet(request, context, version: .v1) }
    }

    /// The tenant id to write into URLs, or the `{tenantid}` template for the multi-tenant names; nil if unknown.
    private func tenantSegment(_ name: String) async throws -> String? {
        if Self.multiTenant.contains(name.lowercased()) { return name.lowercased() }
        return try await directory.tenant(idOrDomain: name)?.id
    }

    private func configuration(_ request: Request, _ context: AppRequestContext, version: TokenEndpointVersion) async throws -> Response {
        let name = try context.parameters.require("tenant")
        guard let tenant = try await tenantSegment(name) else { return Self.unknownTenant(name) }
        let base = request.publicBaseURL
        let issuerTenant = Self.multiTenant.contains(tenant) ? "{tenantid}" : tenant
        let document: JSONValue
        switch version {
        case .v2:
            document = .object([
                ("token_endpoint", .string("\(base)/\(tenant)/oauth2/v2.0/token")),
                ("token_endpoint_auth_methods_supported", Self.strings(["client_secret_post", "private_key_jwt", "client_secret_basic"])),
                ("jwks_uri", .string("\(base)/\(tenant)/discovery/v2.0/keys")),
                ("response_modes_supported", Self.strings(["query", "fragment", "form_post"])),
                ("subject_types_supported", Self.strings(["pairwise"])),
                ("id_token_signing_alg_values_supported", Self.strings(["RS256"])),
                ("response_types_supported", Self.strings(["code", "id_token", "code id_token", "id_token token"])),
                ("scopes_supported", Self.strings(["openid", "profile", "email", "offline_access"])),
                ("issuer", .string("\(base)/\(issuerTenant)/v2.0")),
                ("request_uri_parameter_supported", .bool(false)),
                ("authorization_endpoint", .string("\(base)/\(tenant)/oauth2/v2.0/authorize")),
                ("device_authorization_endpoint", .string("\(base)/\(tenant)/oauth2/v2.0/devicecode")),
                ("end_session_endpoint", .string("\(base)/\(tenant)/oauth2/v2.0/logout")),
                (
                    "claims_supported",
                    Self.strings([
                        "sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "email",
                    ])
                ),
                ("tenant_region_scope", .string("WW")),
                ("cloud_instance_name", .string("microsoftonline.com")),
            ])
        case .v1:
            document = .object([
                ("authorization_endpoint", .string("\(base)/\(tenant)/oauth2/authorize")),
                ("token_endpoint", .string("\(base)/\(tenant)/oauth2/token")),
                ("token_endpoint_auth_methods_supported", Self.strings(["client_secret_post", "private_key_jwt", "client_secret_basic"])),
                ("jwks_uri", .string("\(base)/common/discovery/keys")),
                ("response_modes_supported", Self.strings(["query", "fragment", "form_post"])),
                ("subject_types_supported", Self.strings(["pairwise"])),
                ("id_token_signing_alg_values_supported", Self.strings(["RS256"])),
                ("response_types_supported", Self.strings(["code", "id_token", "code id_token", "token id_token", "token"])),
                ("scopes_supported", Self.strings(["openid"])),
                ("issuer", .string(TokenSettings.v1Issuer(tenantId: issuerTenant))),
                ("end_session_endpoint", .string("\(base)/\(tenant)/oauth2/logout")),
                (
                    "claims_supported",
                    Self.strings(["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "amr", "nonce", "email", "given_name", "family_name"])
                ),
                ("tenant_region_scope", .string("WW")),
                ("cloud_instance_name", .string("microsoftonline.com")),
            ])
        }
        return JSONResponses.discovery(document.serialized)
    }

    private func keySet(_ request: Request, _ context: AppRequestContext, version: TokenEndpointVersion) async throws -> Response {
        let name = try context.parameters.require("tenant")
        guard try await tenantSegment(name) != nil else { return Self.unknownTenant(name) }
        let issuer = version == .v2 ? "\(request.publicBaseURL)/{tenantid}/v2.0" : nil
        return JSONResponses.discovery(String(decoding: try JSONResponses.encode(keys.keySet(issuer: issuer)), as: UTF8.self))
    }

    private static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }

    /// Entra answers discovery for an unknown tenant with 400 `invalid_tenant` / AADSTS90002.
    private static func unknownTenant(_ name: String) -> Response {
        let message =
            "AADSTS90002: Tenant '\(name)' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
        let body: JSONValue = .object([
            ("error", .string("invalid_tenant")), ("error_description", .string(message)), ("error_codes", .array([.int(90002)])),
            ("error_uri", .string("https://login.microsoftonline.com/error?code=90002")),
        ])
        return JSONResponses.discovery(body.serialized, status: .badRequest)
    }
}
