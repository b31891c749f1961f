import Crypto
import Foundation
public import OpenMTPModels
public import Store

/// A client that proved who it is at the token endpoint.
struct AuthenticatedClient {
    let tenant: TenantRecord
    let application: ApplicationRecord
    /// `appidacr`: `0` public client, `1` secret, `2` certificate.
    let credentialType: String
}

/// The token endpoint's logic, free of HTTP: validates a ``TokenRequest``, authenticates the client (and user),
/// and issues tokens, or throws the Entra error to send back.
///
/// Grants: `client_credentials`, `password`, `authorization_code` (with PKCE), `refresh_token` (rotated on every
/// use; replaying a replaced token revokes its whole family) and the device code grant.
public struct TokenService: Sendable {
    let directory: any DirectoryStore
    let grants: any GrantStore
    let issuer: TokenIssuer
    let clock: IdentityClock
    let clients: ClientAuthenticator
    let users: UserAuthenticator

    public static let deviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code"

    public init(directory: any DirectoryStore, grants: any GrantStore, issuer: TokenIssuer, secrets: SecretVerifier, clock: IdentityClock = .system) {
        self.directory = directory
        self.grants = grants
        self.issuer = issuer
        self.clock = clock
        self.clients = ClientAuthenticator(directory: directory, secrets: secrets, clock: clock)
        self.users = UserAuthenticator(directory: directory)
    }

    /// The v1 or v2 response body for the request, matching the endpoint it came to.
    public func token(for request: TokenRequest) async throws -> TokenEndpointResponse {
        let grantType = try request.required("grant_type")
        switch grantType {
        case "client_credentials": return try await clientCredentials(request)
        case "password": return try await password(request)
        case "authorization_code": return try await authorizationCode(request)
        case "refresh_token": return try await refresh(request)
        case Self.deviceCodeGrant: return try await deviceCode(request)
        default: throw IdentityError.unsupportedGrantType(grantType)
        }
    }

    // MARK: Application context

    /// RFC 6749 §4.4 with Entra's rules: one resource, `/.default` on v2, roles from admin-consented app permissions.
    func clientCredentials(_ request: TokenRequest) async throws -> TokenEndpointResponse {
        guard !TenantName.isMultiTenant(request.tenant) else {
            throw IdentityError(
                "invalid_request",
                50059,
                "No tenant-identifying information found in either the request or implied by any provided credentials."
            )
        }
        let named = request.basicCredentials?.clientId ?? request.parameter("client_id")
        // Entra reports an unknown tenant before a missing client id.
        let registration = try await registration(of: named ?? "", tenant: request.tenant)
        let clientId = try named ?? request.required("client_id")
        let requested = try Self.clientCredentialsResource(request)
        let client = try await authenticate(registration, clientId: clientId, request)
        guard let named = APIResource.named(requested) else { throw IdentityError.resourceNotFound(requested, tenant: client.tenant.id) }
        let roles = registration.roleAssignments.filter { $0.resourceAppId == named.resource.appId }.map(\.value)
        let issued = try await issuer.issueApplicationToken(
            tenantId: client.tenant.id,
            application: client.application.identity,
            resource: named.resource.audience(for: named.identifier),
            roles: roles,
            credentialType: client.credentialType
        )
        return request.version == .v1 ? .v1(issued.v1Response) : .v2(issued.v2Response)
    }

    /// v1 `resource`, or the single resource of v2 `<resource>/.default` (OpenID scopes may stand beside it).
    private static func clientCredentialsResource(_ request: TokenRequest) throws(IdentityError) -> String {
        if request.version == .v1 { return try request.required("resource") }
        let scope = try request.required("scope")
        let resourceScopes = scope.split(separator: " ").map(String.init).filter { !ScopeRequest.openIDScopes.contains($0.lowercased()) }
        guard !resourceScopes.isEmpty else { throw IdentityError.invalidScope(scope) }
        guard resourceScopes.count == 1 else { throw IdentityError.multipleResources() }
        guard resourceScopes[0].hasSuffix("/.default") else { throw IdentityError.scopeMustBeDefault(resourceScopes[0]) }
        return String(resourceScopes[0].dropLast("/.default".count))
    }

    // MARK: User context

    /// Resource owner password credentials (ROPC).
    func password(_ request: TokenRequest) async throws -> TokenEndpointResponse {
        let username = try request.required("username")
        let password = try request.required("password")
        let tenantName: String
        switch request.tenant.lowercased() {
        case "common", "consumers": throw IdentityError.ropcOnMultiTenant()
        case "organizations": tenantName = username.split(separator: "@").last.map(String.init) ?? ""
        default: tenantName = request.tenant
        }
        let client = try await authenticatedClient(try request.required("client_id"), tenant: tenantName, request)
        let scopes = try scopeRequest(request)
        let user = try await users.authenticate(tenant: client.tenant, username: username, password: password)
        let session = try await grantedSession(scopes, tenant: client.tenant.id, application: client.application, user: user, methods: ["pwd"])
        return try await issueUserTokens(session, user: user, client: client, request: request, nonce: nil)
    }

    func authorizationCode(_ request: TokenRequest) async throws -> TokenEndpointResponse {
        let code = try request.required("code")
        guard let record = try await grants.redeemAuthorizationCode(hash: Self.hash(code), at: clock.now()) else { throw IdentityError.invalidCode }
        try AuthorizationCodeRules.check(
            record,
            clientId: try request.required("client_id"),
            redirectURI: request.parameter("redirect_uri"),
            verifier: request.parameter("code_verifier"),
            now: clock.now()
        )
        let client = try await authenticatedClient(record.session.clientId, tenant: record.session.tenantId, request)
        let user = try await activeUser(record.session)
        return try await issueUserTokens(record.session, user: user, client: client, request: request, nonce: record.nonce)
    }

    func refresh(_ request: TokenRequest) async throws -> TokenEndpointResponse {
        let presented = try request.required("refresh_token")
        let hash = Self.hash(presented)
        guard let record = try await grants.refreshToken(hash: hash) else { throw IdentityError.invalidRefreshToken }
        switch record.status {
        case .active: break
        case .rotated:
            // A replaced token came back: someone holds a copy. End the whole sign-in.
            try await grants.setRefreshTokenStatus(.revoked, hash: hash, family: true)
            throw IdentityError.revokedRefreshToken
        case .revoked: throw IdentityError.revokedRefreshToken
        }
        guard clock.now() < record.expiresAt else { throw IdentityError.expiredGrant }
        guard try request.required("client_id") == record.session.clientId else { throw IdentityError.grantForAnotherClient }
        let client = try await authenticatedClient(record.session.clientId, tenant: record.session.tenantId, request)
        let user = try await activeUser(record.session)
        var session = record.session
        if request.parameter(request.version == .v1 ? "resource" : "scope") != nil {
            let requested = try scopeRequest(request)
            let renewed = try await grantedSession(
                requested,
                tenant: client.tenant.id,
                application: client.application,
                user: user,
                methods: session.methods
            )
            session.resource = renewed.resource
            session.scopes = renewed.scopes
            session.openIDScopes = Array(Set(session.openIDScopes).union(renewed.openIDScopes)).sorted()
        }
        try await grants.setRefreshTokenStatus(.rotated, hash: hash, family: false)
        return try await issueUserTokens(session, user: user, client: client, request: request, nonce: nil, family: record.familyId)
    }

    func deviceCode(_ request: TokenRequest) async throws -> TokenEndpointResponse {
        guard let presented = request.parameter("device_code") ?? request.parameter("code") else {
            throw IdentityError.missingParameter("device_code")
        }
        guard var record = try await grants.deviceCode(hash: Self.hash(presented)) else { throw IdentityError.badVerificationCode }
        guard clock.now() < record.expiresAt else { throw IdentityError.deviceCodeExpired }
        guard try request.required("client_id") == record.clientId else { throw IdentityError.grantForAnotherClient }
        switch record.status {
        case .pending: throw IdentityError.authorizationPending
        case .declined: throw IdentityError.deviceCodeDeclined
        case .redeemed: throw IdentityError.codeRedeemed
        case .approved: break
        }
        guard let userObjectId = record.userObjectId else { throw IdentityError.badVerificationCode }
        record.status = .redeemed
        try await grants.updateDeviceCode(record)
        let client = try await authenticatedClient(record.clientId, tenant: record.tenantId, request)
        let session = DelegatedSession(
            tenantId: record.tenantId,
            clientId: record.clientId,
            userObjectId: userObjectId,
            resource: record.resource,
            scopes: record.scopes,
            openIDScopes: record.openIDScopes,
            authenticatedAt: clock.now(),
            methods: ["pwd"]
        )
        let user = try await activeUser(session)
        return try await issueUserTokens(session, user: user, client: client, request: request, nonce: nil)
    }

    // MARK: Shared steps

    /// The client's tenant, application, secrets and role assignments, in one read.
    private func registration(of clientId: String, tenant name: String) async throws -> ClientRegistration {
        guard let registration = try await directory.clientRegistration(tenant: name, appId: clientId) else {
            throw IdentityError.tenantNotFound(name)
        }
        return registration
    }

    private func authenticate(_ registration: ClientRegistration, clientId: String, _ request: TokenRequest) async throws -> AuthenticatedClient {
        guard let application = registration.application else { throw IdentityError.applicationNotFound(clientId, tenant: registration.tenant.id) }
        let credentialType = try await clients.authenticate(application, tenant: registration.tenant, secrets: registration.secrets, request)
        return AuthenticatedClient(tenant: registration.tenant, application: application, credentialType: credentialType)
    }

    private func authenticatedClient(_ clientId: String, tenant name: String, _ request: TokenRequest) async throws -> AuthenticatedClient {
        try await authenticate(try await registration(of: clientId, tenant: name), clientId: clientId, request)
    }

    private func activeUser(_ session: DelegatedSession) async throws -> UserRecord {
        guard let user = try await directory.user(tenantId: session.tenantId, objectId: session.userObjectId) else {
            throw IdentityError.userNotFound(tenant: session.tenantId)
        }
        guard user.enabled else { throw IdentityError.userDisabled }
        return user
    }

    /// v2 `scope` (required) or v1 `resource`.
    private func scopeRequest(_ request: TokenRequest) throws(IdentityError) -> ScopeRequest {
        request.version == .v1 ? try ScopeRequest.v1(resource: try request.required("resource")) : try ScopeRequest.v2(try request.required("scope"))
    }

    /// The session to issue for, when every requested scope has consent.
    func grantedSession(
        _ scopes: ScopeRequest,
        tenant: String,
        application: ApplicationRecord,
        user: UserRecord,
        methods: [String]
    ) async throws -> DelegatedSession {
        let consent = try await DelegatedConsent(directory: directory).evaluate(
            scopes,
            tenantId: tenant,
            clientAppId: application.appId,
            userObjectId: user.objectId
        )
        guard consent.missing.isEmpty, !consent.granted.isEmpty else {
            throw IdentityError.consentRequired(appId: application.appId, name: application.displayName)
        }
        return DelegatedSession(
            tenantId: tenant,
            clientId: application.appId,
            userObjectId: user.objectId,
            resource: scopes.resource.audience(for: scopes.identifier),
            scopes: consent.granted,
            openIDScopes: scopes.openID,
            authenticatedAt: clock.now(),
            methods: methods
        )
    }

    /// Access token, ID token (`openid`), refresh token (`offline_access`) and `client_info` (`client_info=1`).
    private func issueUserTokens(
        _ session: DelegatedSession,
        user: UserRecord,
        client: AuthenticatedClient,
        request: TokenRequest,
        nonce: String?,
        family: String? = nil
    ) async throws -> TokenEndpointResponse {
        var issued = try await issuer.issueUserTokens(
            session: session,
            user: user,
            application: client.application.identity,
            credentialType: client.credentialType,
            version: request.version,
            issuerBase: request.issuerBase,
            nonce: nonce
        )
        if session.openIDScopes.contains("offline_access") {
            issued.refreshToken = try await issueRefreshToken(session, family: family)
        }
        if request.parameter("client_info") == "1" {
            let info = try JSONSerialization.data(withJSONObject: ["uid": user.objectId, "utid": session.tenantId], options: [.sortedKeys])
            issued.clientInfo = Base64URL.encode(Array(info))
        }
        return request.version == .v1 ? .v1(issued.v1Response) : .v2(issued.v2Response)
    }

    private func issueRefreshToken(_ session: DelegatedSession, family: String?) async throws -> String {
        let token = "1." + Base64URL.encode(SecureRandom.bytes(48))
        let now = clock.now()
        try await grants.insertRefreshToken(
            RefreshTokenRecord(
                tokenHash: Self.hash(token),
                familyId: family ?? SecureRandom.uuidString(),
                session: session,
                status: .active,
                createdAt: now,
                expiresAt: now.adding(seconds: issuer.settings.refreshTokenLifetime)
            )
        )
        return token
    }

    /// Codes and refresh tokens are stored by SHA-256: they are long random values, so a fast hash is enough.
    static func hash(_ value: String) -> String {
        Hex.encode(Array(SHA256.hash(data: Array(value.utf8))))
    }
}

/// A token endpoint success body in the shape of the endpoint that was called.
public enum TokenEndpointResponse: Sendable {
    case v1(TokenResponseV1)
    case v2(TokenResponseV2)
}

/// The checks on redeeming an authorization code, as a pure function of the stored code and the request.
enum AuthorizationCodeRules {
    static func check(
        _ record: AuthorizationCodeRecord,
        clientId: String,
        redirectURI: String?,
        verifier: String?,
        now: Timestamp
    ) throws(IdentityError) {
        guard record.redeemedAt == nil else { throw IdentityError.codeRedeemed }
        guard now < record.expiresAt else { throw IdentityError.expiredGrant }
        guard clientId == record.session.clientId else { throw IdentityError.grantForAnotherClient }
        guard redirectURI == record.redirectURI else { throw IdentityError.redirectMismatch(redirectURI ?? "", appId: clientId) }
        guard let challenge = record.codeChallenge else { return }
        guard let verifier else { throw IdentityError.codeVerifierMismatch }
        let derived = record.codeChallengeMethod == "plain" ? verifier : Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8))))
        guard derived == challenge else { throw IdentityError.codeVerifierMismatch }
    }
}

/// Tenant names Entra accepts besides ids and domains.
enum TenantName {
    static func isMultiTenant(_ name: String) -> Bool {
        ["common", "organizations", "consumers"].contains(name.lowercased())
    }
}

extension ApplicationRecord {
    var identity: ApplicationIdentity { ApplicationIdentity(appId: appId, servicePrincipalId: servicePrincipalId, displayName: displayName) }
}
