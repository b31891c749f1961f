import Foundation
import OpenMTPModels
public import Store

/// A newly registered application and the one moment its secret is visible.
public struct RegisteredApplication: Sendable, Codable, Equatable {
    public let clientId: String
    public let clientSecret: String
    public let permissions: [String]
}

/// Administration of the directory: tenants, application registrations with admin consent, users.
public struct DirectoryService: Sendable {
    public let store: any DirectoryStore
    let clock: IdentityClock

    public init(store: any DirectoryStore, clock: IdentityClock = .system) {
        self.store = store
        self.clock = clock
    }

    public func createTenant(domain: String, displayName: String) async throws -> TenantRecord {
        let tenant = TenantRecord(id: UUID().uuidString.lowercased(), domain: domain.lowercased(), displayName: displayName, createdAt: clock.now())
        try await store.insertTenant(tenant)
        return tenant
    }

    /// The tenant named by id or domain.
    public func tenant(_ idOrDomain: String) async throws -> TenantRecord {
        guard let tenant = try await store.tenant(idOrDomain: idOrDomain) else { throw IdentityError.tenantNotFound(idOrDomain) }
        return tenant
    }

    /// Registers a confidential application with a new secret and grants admin consent for the given
    /// application permissions of the Threat Protection resource.
    ///
    /// - Throws: ``IdentityError`` naming the first permission the resource does not offer; nothing is stored then.
    public func registerApplication(in tenant: TenantRecord, name: String, applicationPermissions: [String]) async throws -> RegisteredApplication {
        var permissions: [ResourcePermission] = []
        for value in applicationPermissions {
            guard let permission = ThreatProtectionResource.applicationPermission(value) else {
                let offered = ThreatProtectionResource.applicationPermissions.map(\.value).joined(separator: ", ")
                throw IdentityError(
                    "Request_BadRequest",
                    0,
                    "'\(value)' is not an application permission of \(ThreatProtectionResource.displayName). Offered: \(offered)."
                )
            }
            if !permissions.contains(permission) { permissions.append(permission) }
        }
        let now = clock.now()
        let application = ApplicationRecord(
            tenantId: tenant.id,
            appId: UUID().uuidString.lowercased(),
            objectId: UUID().uuidString.lowercased(),
            servicePrincipalId: UUID().uuidString.lowercased(),
            displayName: name,
            isPublicClient: false,
            createdAt: now
        )
        let secret = ClientSecrets.generate(appId: application.appId, now: now)
        let grants = permissions.map {
            AppRoleAssignmentRecord(
                tenantId: tenant.id,
                principalId: application.servicePrincipalId,
                resourceAppId: ThreatProtectionResource.appId,
                appRoleId: $0.id,
                value: $0.value,
                createdAt: now
            )
        }
        try await store.insertApplication(application, secrets: [secret.record], grants: grants)
        return RegisteredApplication(clientId: application.appId, clientSecret: secret.value, permissions: permissions.map(\.value))
    }

    /// Creates a user with a password and portal roles.
    public func createUser(
        in tenant: TenantRecord,
        userName: String,
        displayName: String,
        password: String,
        roles: [String]
    ) async throws -> UserRecord {
        let derived = try Passwords.derive(password)
        let user = UserRecord(
            tenantId: tenant.id,
            objectId: UUID().uuidString.lowercased(),
            userPrincipalName: "\(userName)@\(tenant.domain)",
            displayName: displayName,
            passwordSalt: derived.salt,
            passwordHash: derived.hash,
            passwordRounds: derived.rounds,
            roles: roles,
            createdAt: clock.now()
        )
        try await store.insertUser(user)
        return user
    }
}
