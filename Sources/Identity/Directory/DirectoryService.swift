import Crypto
import Foundation
import OpenMTPModels
public import Store
import SwiftASN1
import X509

/// A newly registered application and the one moment its secret is visible.
public struct RegisteredApplication: Sendable, Codable, Equatable {
    public let clientId: String
    /// Nil for public clients, which have no credentials.
    public let clientSecret: String?
    public let permissions: [String]
    public let delegatedPermissions: [String]
}

/// Administration of the directory: tenants, application registrations with their credentials and admin consent,
/// users and their roles.
public struct DirectoryService: Sendable {
    public let store: any DirectoryStore
    let clock: IdentityClock

    public init(store: any DirectoryStore, clock: IdentityClock = .system) {
        self.store = store
        self.clock = clock
    }

    public func createTenant(domain: String, displayName: String) async throws -> TenantRecord {
        let tenant = TenantRecord(id: SecureRandom.uuidString(), domain: domain.lowercased(), displayName: displayName, createdAt: clock.now())
        try await store.insertTenant(tenant)
        return tenant
    }

    /// The tenant named by id or domain.
    public func tenant(_ idOrDomain: String) async throws -> TenantRecord {
        guard let tenant = try await store.tenant(idOrDomain: idOrDomain) else { throw IdentityError.tenantNotFound(idOrDomain) }
        return tenant
    }

    public func application(_ appId: String, in tenant: TenantRecord) async throws -> ApplicationRecord {
        guard let application = try await store.application(tenantId: tenant.id, appId: appId) else {
            throw IdentityError.applicationNotFound(appId, tenant: tenant.id)
        }
        return application
    }

    /// Registers an application and grants admin consent for the given permissions: application permissions
    /// (app roles) and delegated permissions for every user of the tenant. A confidential client gets a secret.
    ///
    /// - Throws: ``IdentityError`` naming the first permission no resource offers; nothing is stored then.
    public func registerApplication(
        in tenant: TenantRecord,
        name: String,
        applicationPermissions: [String],
        delegatedPermissions: [String] = [],
        publicClient: Bool = false,
        redirectURIs: [String] = []
    ) async throws -> RegisteredApplication {
        let roles = try applicationPermissions.map { try Self.permission($0, kind: .application) }
        let scopes = try delegatedPermissions.map { try Self.permission($0, kind: .delegated) }
        let now = clock.now()
        let application = ApplicationRecord(
            tenantId: tenant.id,
            appId: SecureRandom.uuidString(),
            objectId: SecureRandom.uuidString(),
            servicePrincipalId: SecureRandom.uuidString(),
            displayName: name,
            isPublicClient: publicClient,
            redirectURIs: redirectURIs,
            createdAt: now
        )
        let secret = publicClient ? nil : try await ClientSecrets.generate(appId: application.appId, now: now)
        try await store.insertApplication(application, secrets: secret.map { [$0.record] } ?? [], grants: assignments(roles, to: application))
        try await grantDelegated(scopes, to: application, userObjectId: nil)
        return RegisteredApplication(
            clientId: application.appId,
            clientSecret: secret?.value,
            permissions: roles.map(\.1.value),
            delegatedPermissions: scopes.map(\.1.value)
        )
    }

    /// Admin consent for more application permissions.
    public func grantApplicationPermissions(_ values: [String], to application: ApplicationRecord) async throws {
        let roles = try values.map { try Self.permission($0, kind: .application) }
        try await store.addAppRoleAssignments(assignments(roles, to: application))
    }

    /// Consent for delegated permissions: for every user (admin consent, `userObjectId` nil) or for one user.
    public func grantDelegatedPermissions(_ values: [String], to application: ApplicationRecord, userObjectId: String?) async throws {
        try await grantDelegated(try values.map { try Self.permission($0, kind: .delegated) }, to: application, userObjectId: userObjectId)
    }

    private func grantDelegated(_ scopes: [(APIResource, ResourcePermission)], to application: ApplicationRecord, userObjectId: String?) async throws
    {
        for (resource, group) in Dictionary(grouping: scopes, by: { $0.0.appId }) {
            try await store.saveDelegatedGrant(
                DelegatedGrantRecord(
                    tenantId: application.tenantId,
                    clientAppId: application.appId,
                    resourceAppId: resource,
                    principalId: userObjectId,
                    scopes: group.map(\.1.value),
                    createdAt: clock.now()
                )
            )
        }
    }

    private func assignments(_ roles: [(APIResource, ResourcePermission)], to application: ApplicationRecord) -> [AppRoleAssignmentRecord] {
        roles.map { resource, role in
            AppRoleAssignmentRecord(
                tenantId: application.tenantId,
                principalId: application.servicePrincipalId,
                resourceAppId: resource.appId,
                appRoleId: role.id,
                value: role.value,
                createdAt: clock.now()
            )
        }
    }

    /// A permission by value; `https://graph.microsoft.com/User.Read` names the resource, a bare value is looked up
    /// on every resource (Threat Protection first).
    static func permission(_ text: String, kind: ResourcePermission.Kind) throws(IdentityError) -> (APIResource, ResourcePermission) {
        var candidates = APIResource.all
        var value = text
        if let slash = text.lastIndex(of: "/"), let named = APIResource.named(String(text[..<slash])) {
            candidates = [named.resource]
            value = String(text[text.index(after: slash)...])
        }
        for resource in candidates {
            if let permission = resource.permission(value, kind: kind) { return (resource, permission) }
        }
        let offered = candidates.flatMap { $0.permissions.filter { $0.kind == kind }.map(\.value) }.joined(separator: ", ")
        let kindName = kind == .application ? "an application" : "a delegated"
        throw IdentityError(
            "Request_BadRequest",
            0,
            "'\(text)' is not \(kindName) permission of \(candidates.map(\.displayName).joined(separator: " or ")). Offered: \(offered)."
        )
    }

    // MARK: Credentials

    /// A new client secret; its value is returned once.
    public func addSecret(to application: ApplicationRecord, lifetimeDays: Int64 = 730) async throws -> String {
        let secret = try await ClientSecrets.generate(appId: application.appId, now: clock.now(), lifetimeDays: lifetimeDays)
        try await store.addClientSecret(secret.record)
        return secret.value
    }

    /// Registers the public part of a certificate (PEM) for client assertions.
    public func addCertificate(pem: String, to application: ApplicationRecord) async throws -> ClientCertificateRecord {
        let certificate: Certificate
        do {
            certificate = try Certificate(pemEncoded: pem)
        } catch {
            throw IdentityError("Request_BadRequest", 0, "The certificate is not a PEM X.509 certificate: \(error)")
        }
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let der = serializer.serializedBytes
        let record = ClientCertificateRecord(
            keyId: SecureRandom.uuidString(),
            appId: application.appId,
            thumbprintSHA1: Hex.encode(Array(Insecure.SHA1.hash(data: der))),
            thumbprintSHA256: Hex.encode(Array(SHA256.hash(data: der))),
            certificateDER: der,
            createdAt: clock.now(),
            expiresAt: Timestamp(certificate.notValidAfter)
        )
        try await store.addClientCertificate(record)
        return record
    }

    // MARK: Users

    /// Creates a user `<userName>@<tenant domain>` with a password and directory roles.
    public func createUser(
        in tenant: TenantRecord,
        userName: String,
        displayName: String,
        password: String,
        roles: [String]
    ) async throws -> UserRecord {
        let derived = try await SlowHash.derive(password, rounds: SlowHash.passwordRounds)
        let user = UserRecord(
            tenantId: tenant.id,
            objectId: SecureRandom.uuidString(),
            userPrincipalName: "\(userName)@\(tenant.domain)",
            displayName: displayName,
            passwordSalt: derived.salt,
            passwordHash: derived.hash,
            passwordRounds: derived.rounds,
            roles: try Self.roleNames(roles),
            createdAt: clock.now()
        )
        try await store.insertUser(user)
        return user
    }

    /// The user named by user principal name or object id.
    public func user(_ name: String, in tenant: TenantRecord) async throws -> UserRecord {
        if let user = try await store.user(tenantId: tenant.id, userPrincipalName: name) { return user }
        if let user = try await store.user(tenantId: tenant.id, objectId: name) { return user }
        throw IdentityError.userNotFound(tenant: tenant.domain)
    }

    public func setRoles(_ roles: [String], of user: UserRecord) async throws -> UserRecord {
        var updated = user
        updated.roles = try Self.roleNames(roles)
        try await store.updateUser(updated)
        return updated
    }

    public func setEnabled(_ enabled: Bool, _ user: UserRecord) async throws -> UserRecord {
        var updated = user
        updated.enabled = enabled
        try await store.updateUser(updated)
        return updated
    }

    /// Canonical role names; an unknown one is an error naming the known ones.
    static func roleNames(_ names: [String]) throws(IdentityError) -> [String] {
        var result: [String] = []
        for name in names {
            guard let role = DirectoryRole.named(name) else {
                throw IdentityError(
                    "Request_BadRequest",
                    0,
                    "'\(name)' is not a directory role. Known: \(DirectoryRole.all.map(\.name).joined(separator: ", "))."
                )
            }
            result.append(role.name)
        }
        return result
    }
}
