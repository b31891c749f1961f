import Foundation
import OpenMTPModels
public import Store

/// A validated request to the authorize endpoint.
public struct AuthorizationRequest: Sendable {
    public let tenant: TenantRecord
    public let application: ApplicationRecord
    public let version: TokenEndpointVersion
    public let redirectURI: String
    public let scopes: ScopeRequest
    public let state: String?
    public let nonce: String?
    public let codeChallenge: String?
    public let codeChallengeMethod: String?
    /// `query` (default), `fragment` or `form_post`.
    public let responseMode: String
    public let prompt: String?
    public let loginHint: String?
}

/// Where and how the browser goes back to the client: parameters for `redirect_uri` in the response mode.
public struct AuthorizationResponse: Sendable, Equatable {
    public let redirectURI: String
    public let responseMode: String
    public let parameters: [(String, String)]

    public static func == (a: Self, b: Self) -> Bool {
        a.redirectURI == b.redirectURI && a.responseMode == b.responseMode && a.parameters.map(\.0) == b.parameters.map(\.0)
            && a.parameters.map(\.1) == b.parameters.map(\.1)
    }

    /// The `Location` for `query` and `fragment` modes.
    public var location: String {
        let encoded = parameters.map { "\($0.0)=\($0.1.formURLEncoded)" }.joined(separator: "&")
        if responseMode == "fragment" { return redirectURI + "#" + encoded }
        return redirectURI + (redirectURI.contains("?") ? "&" : "?") + encoded
    }

}

/// A failed authorize request: shown on a page when the client or redirect URI cannot be trusted, otherwise sent
/// back to the client.
public struct AuthorizationFailure: Error, Sendable {
    public let error: IdentityError
    public let response: AuthorizationResponse?
}

/// The authorize endpoint's logic (authorization code flow with PKCE): validate the request, sign the user in,
/// record consent, issue the code.
public struct AuthorizationService: Sendable {
    let directory: any DirectoryStore
    let grants: any GrantStore
    let clock: IdentityClock
    /// Codes live about ten minutes, as Entra's.
    let codeLifetime: Int64 = 600

    public init(directory: any DirectoryStore, grants: any GrantStore, clock: IdentityClock = .system) {
        self.directory = directory
        self.grants = grants
        self.clock = clock
    }

    public func begin(tenantName: String, version: TokenEndpointVersion, parameters: [String: String]) async throws -> AuthorizationRequest {
        func value(_ name: String) -> String? { parameters[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard let clientId = value("client_id") else { throw AuthorizationFailure(error: .missingParameter("client_id"), response: nil) }
        let tenant: TenantRecord
        if TenantName.isMultiTenant(tenantName) {
            throw AuthorizationFailure(error: .ropcOnMultiTenant(), response: nil)
        }
        guard let found = try await directory.tenant(idOrDomain: tenantName) else {
            throw AuthorizationFailure(error: .tenantNotFound(tenantName), response: nil)
        }
        tenant = found
        guard let application = try await directory.application(tenantId: tenant.id, appId: clientId) else {
            throw AuthorizationFailure(error: .applicationNotFound(clientId, tenant: tenant.id), response: nil)
        }
        let redirectURI = value("redirect_uri") ?? (application.redirectURIs.count == 1 ? application.redirectURIs[0] : "")
        guard application.redirectURIs.contains(redirectURI) else {
            throw AuthorizationFailure(error: .redirectMismatch(redirectURI, appId: clientId), response: nil)
        }
        let mode = value("response_mode") ?? "query"
        let state = value("state")
        func fail(_ error: IdentityError) -> AuthorizationFailure {
            AuthorizationFailure(error: error, response: Self.errorResponse(error, redirectURI: redirectURI, mode: mode, state: state))
        }
        guard ["query", "fragment", "form_post"].contains(mode) else {
            throw fail(IdentityError("invalid_request", 90011, "The response_mode '\(mode)' is not supported."))
        }
        guard value("response_type")?.split(separator: " ").contains("code") == true else {
            throw fail(IdentityError("unsupported_response_type", 700054, "The response_type must include 'code'."))
        }
        let method = value("code_challenge_method") ?? (value("code_challenge") == nil ? nil : "plain")
        if let method, !["S256", "plain"].contains(method) {
            throw fail(IdentityError("invalid_request", 501491, "Invalid code_challenge_method '\(method)'; use S256 or plain."))
        }
        let scopes: ScopeRequest
        do {
            scopes =
                version == .v1
                ? try ScopeRequest.v1(resource: value("resource") ?? GraphResource.resource.primaryIdentifier)
                : try ScopeRequest.v2(value("scope") ?? "")
        } catch {
            throw fail(error)
        }
        if value("prompt") == "none" {
            throw fail(IdentityError("login_required", 50058, "A silent sign-in request was sent but no user is signed in."))
        }
        return AuthorizationRequest(
            tenant: tenant,
            application: application,
            version: version,
            redirectURI: redirectURI,
            scopes: scopes,
            state: state,
            nonce: value("nonce"),
            codeChallenge: value("code_challenge"),
            codeChallengeMethod: method,
            responseMode: mode,
            prompt: value("prompt"),
            loginHint: value("login_hint")
        )
    }

    /// The requested scopes the user has not consented to yet (nor an administrator for everyone).
    public func missingConsent(_ request: AuthorizationRequest, user: UserRecord) async throws -> [String] {
        guard !request.scopes.isDefault else { return [] }
        return try await DelegatedConsent(directory: directory).evaluate(
            request.scopes,
            tenantId: request.tenant.id,
            clientAppId: request.application.appId,
            userObjectId: user.objectId
        ).missing
    }

    /// Records the user's own consent to the requested scopes.
    public func consent(_ request: AuthorizationRequest, user: UserRecord) async throws {
        try await directory.saveDelegatedGrant(
            DelegatedGrantRecord(
                tenantId: request.tenant.id,
                clientAppId: request.application.appId,
                resourceAppId: request.scopes.resource.appId,
                principalId: user.objectId,
                scopes: request.scopes.scopes,
                createdAt: clock.now()
            )
        )
    }

    /// Issues the code for a signed-in, consenting user, or the `consent_required` answer when nothing is consented.
    public func complete(_ request: AuthorizationRequest, user: UserRecord) async throws -> AuthorizationResponse {
        let consent = try await DelegatedConsent(directory: directory).evaluate(
            request.scopes,
            tenantId: request.tenant.id,
            clientAppId: request.application.appId,
            userObjectId: user.objectId
        )
        guard consent.missing.isEmpty, !consent.granted.isEmpty else {
            let error = IdentityError.consentRequired(appId: request.application.appId, name: request.application.displayName)
            return Self.errorResponse(error, redirectURI: request.redirectURI, mode: request.responseMode, state: request.state)
        }
        let code = "1.A" + Base64URL.encode(SecureRandom.bytes(32))
        let now = clock.now()
        let session = DelegatedSession(
            tenantId: request.tenant.id,
            clientId: request.application.appId,
            userObjectId: user.objectId,
            resource: request.scopes.resource.audience(for: request.scopes.identifier),
            scopes: consent.granted,
            openIDScopes: request.scopes.openID,
            authenticatedAt: now,
            methods: ["pwd"]
        )
        try await grants.insertAuthorizationCode(
            AuthorizationCodeRecord(
                codeHash: TokenService.hash(code),
                session: session,
                redirectURI: request.redirectURI,
                nonce: request.nonce,
                codeChallenge: request.codeChallenge,
                codeChallengeMethod: request.codeChallengeMethod,
                expiresAt: now.adding(seconds: codeLifetime)
            )
        )
        var parameters = [("code", code)]
        if let state = request.state { parameters.append(("state", state)) }
        parameters.append(("session_state", SecureRandom.uuidString()))
        return AuthorizationResponse(redirectURI: request.redirectURI, responseMode: request.responseMode, parameters: parameters)
    }

    /// The answer when the user cancels on the consent page.
    public func declined(_ request: AuthorizationRequest) -> AuthorizationResponse {
        let error = IdentityError("access_denied", 65004, "User declined to consent to access the app.")
        return Self.errorResponse(error, redirectURI: request.redirectURI, mode: request.responseMode, state: request.state)
    }

    static func errorResponse(_ error: IdentityError, redirectURI: String, mode: String, state: String?) -> AuthorizationResponse {
        var parameters = [("error", error.error), ("error_description", error.description)]
        if let state { parameters.append(("state", state)) }
        return AuthorizationResponse(redirectURI: redirectURI, responseMode: mode == "form_post" ? "form_post" : mode, parameters: parameters)
    }
}
