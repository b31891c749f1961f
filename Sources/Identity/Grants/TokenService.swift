public import OpenMTPModels
public import Store

/// The token endpoint's logic, free of HTTP: validates a ``TokenRequest``, authenticates the client and issues
/// the token, or throws the Entra error to send back.
public struct TokenService: Sendable {
    let directory: any DirectoryStore
    let issuer: TokenIssuer
    let clock: IdentityClock

    public init(directory: any DirectoryStore, issuer: TokenIssuer, clock: IdentityClock = .system) {
        self.directory = directory
        self.issuer = issuer
        self.clock = clock
    }

    /// The v1 or v2 response body for the request, matching the endpoint it came to.
    public func token(for request: TokenRequest) async throws -> TokenEndpointResponse {
        let grantType = try request.required("grant_type")
        switch grantType {
        case "client_credentials":
            let issued = try await clientCredentials(request)
            return request.version == .v1 ? .v1(issued.v1Response) : .v2(issued.v2Response)
        default:
            throw IdentityError.unsupportedGrantType(grantType)
        }
    }

    /// RFC 6749 §4.4 with Entra's rules: one resource, `/.default` on v2, roles from admin-consented app permissions.
    func clientCredentials(_ request: TokenRequest) async throws -> IssuedAccessToken {
        guard !["common", "organizations", "consumers"].contains(request.tenant.lowercased()) else {
            throw IdentityError(
                "invalid_request",
                50059,
                "No tenant-identifying information found in either the request or implied by any provided credentials."
            )
        }
        guard let tenant = try await directory.tenant(idOrDomain: request.tenant) else { throw IdentityError.tenantNotFound(request.tenant) }
        let clientId = try request.basicCredentials?.clientId ?? request.required("client_id")
        let requestedResource = try resourceName(of: request)
        guard let application = try await directory.application(tenantId: tenant.id, appId: clientId) else {
            throw IdentityError.applicationNotFound(clientId, tenant: tenant.id)
        }
        let credentialType = try await authenticate(application, request)
        guard let resource = ThreatProtectionResource.identifier(matching: requestedResource) else {
            throw IdentityError.resourceNotFound(requestedResource, tenant: tenant.id)
        }
        let audience = resource == ThreatProtectionResource.appId ? ThreatProtectionResource.primaryIdentifier : resource
        let roles = try await directory.appRoleAssignments(tenantId: tenant.id, principalId: application.servicePrincipalId)
            .filter { $0.resourceAppId == ThreatProtectionResource.appId }
            .map(\.value)
        return try await issuer.issueApplicationToken(
            tenantId: tenant.id,
            application: ApplicationIdentity(
                appId: application.appId,
                servicePrincipalId: application.servicePrincipalId,
                displayName: application.displayName
            ),
            resource: audience,
            roles: roles,
            credentialType: credentialType
        )
    }

    /// The resource the client asked for: v1 `resource`, or the single resource of v2 `<resource>/.default` scopes
    /// (OIDC scopes such as `offline_access` may stand beside it).
    private func resourceName(of request: TokenRequest) throws(IdentityError) -> String {
        if request.version == .v1 { return try request.required("resource") }
        let scope = try request.required("scope")
        let resourceScopes = scope.split(separator: " ").map(String.init).filter { !["openid", "profile", "email", "offline_access"].contains($0) }
        guard !resourceScopes.isEmpty else { throw IdentityError.invalidScope(scope) }
        guard resourceScopes.count == 1 else { throw IdentityError.multipleResources() }
        let only = resourceScopes[0]
        guard only.hasSuffix("/.default") else { throw IdentityError.scopeMustBeDefault(only) }
        return String(only.dropLast("/.default".count))
    }

    /// Checks the client's credential and returns the `appidacr` value for it.
    private func authenticate(_ application: ApplicationRecord, _ request: TokenRequest) async throws -> String {
        if request.parameter("client_assertion") != nil {
            throw IdentityError(
                "invalid_client",
                700027,
                "Client assertion contains an invalid signature. [Reason - The key was not found.]",
                status: 401
            )
        }
        guard let secret = request.basicCredentials?.secret ?? request.parameter("client_secret") else {
            throw IdentityError.missingClientCredential
        }
        guard !application.isPublicClient else { throw IdentityError.publicClientWithCredential() }
        let records = try await directory.clientSecrets(appId: application.appId)
        guard let record = records.first(where: { ClientSecrets.matches(secret, $0) }) else {
            throw IdentityError.invalidClientSecret(appId: application.appId)
        }
        guard clock.now() < record.expiresAt else { throw IdentityError.expiredClientSecret(appId: application.appId) }
        return "1"
    }
}

/// A token endpoint success body in the shape of the endpoint that was called.
public enum TokenEndpointResponse: Sendable {
    case v1(TokenResponseV1)
    case v2(TokenResponseV2)
}
