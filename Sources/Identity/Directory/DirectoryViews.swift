import OpenMTPModels
public import Store

/// What `mtp … --json` prints and the admin API returns for a tenant.
public struct TenantView: Codable, Sendable, Equatable {
    public let tenantId: String
    public let domain: String
    public let displayName: String

    public init(_ tenant: TenantRecord) {
        tenantId = tenant.id
        domain = tenant.domain
        displayName = tenant.displayName
    }
}

/// An application registration with what has been consented for it (secrets are never shown again).
public struct ApplicationView: Codable, Sendable, Equatable {
    public let clientId: String
    public let displayName: String
    public let publicClient: Bool
    public let redirectURIs: [String]
    /// Application permissions with admin consent.
    public let permissions: [String]
    /// Delegated permissions consented for every user.
    public let delegatedPermissions: [String]
}

/// A user without credentials.
public struct UserView: Codable, Sendable, Equatable {
    public let username: String
    public let objectId: String
    public let displayName: String
    public let roles: [String]
    public let enabled: Bool

    public init(_ user: UserRecord) {
        username = user.userPrincipalName
        objectId = user.objectId
        displayName = user.displayName
        roles = user.roles
        enabled = user.enabled
    }
}

/// A directory role and the delegated permissions it lets a user exercise.
public struct RoleView: Codable, Sendable, Equatable {
    public let name: String
    public let templateId: String
    public let allows: [String]

    public static var all: [RoleView] {
        DirectoryRole.all.map { RoleView(name: $0.name, templateId: $0.templateId, allows: $0.allows.sorted()) }
    }
}

/// A certificate registered on an application.
public struct CertificateView: Codable, Sendable, Equatable {
    public let clientId: String
    /// Upper-case hex SHA-1 thumbprint, as the Entra portal shows it.
    public let thumbprint: String
    public let thumbprintSHA256: String
    public let expiresAt: String
}

extension DirectoryService {
    public func tenantViews() async throws -> [TenantView] {
        try await store.tenants().map(TenantView.init)
    }

    /// The tenant's applications with their consented permissions.
    public func applicationViews(in tenant: TenantRecord) async throws -> [ApplicationView] {
        var views: [ApplicationView] = []
        for app in try await store.applications(tenantId: tenant.id) {
            views.append(try await view(of: app))
        }
        return views
    }

    public func view(of app: ApplicationRecord) async throws -> ApplicationView {
        let roles = try await store.appRoleAssignments(tenantId: app.tenantId, principalId: app.servicePrincipalId).map(\.value)
        let delegated = try await store.delegatedGrants(tenantId: app.tenantId, clientAppId: app.appId).filter { $0.principalId == nil }.flatMap(
            \.scopes
        )
        return ApplicationView(
            clientId: app.appId,
            displayName: app.displayName,
            publicClient: app.isPublicClient,
            redirectURIs: app.redirectURIs,
            permissions: roles,
            delegatedPermissions: delegated
        )
    }

    public func userViews(in tenant: TenantRecord) async throws -> [UserView] {
        try await store.users(tenantId: tenant.id).map(UserView.init)
    }

    /// Registers a certificate and describes it.
    public func addCertificateView(pem: String, to application: ApplicationRecord) async throws -> CertificateView {
        let record = try await addCertificate(pem: pem, to: application)
        return CertificateView(
            clientId: application.appId,
            thumbprint: record.thumbprintSHA1.uppercased(),
            thumbprintSHA256: record.thumbprintSHA256,
            expiresAt: record.expiresAt.iso8601
        )
    }

    /// Blocks the user's sign-in and ends their sessions; returns how many refresh tokens were revoked.
    public func disable(_ user: UserRecord, endingSessionsIn grants: any GrantStore) async throws -> (UserView, Int) {
        let updated = try await setEnabled(false, user)
        return (UserView(updated), try await grants.revokeRefreshTokens(tenantId: user.tenantId, userObjectId: user.objectId))
    }
}
