import Foundation
import GRDB
import OpenMTPModels
public import Store

extension SQLiteStore: DirectoryStore {
    public func insertTenant(_ tenant: TenantRecord) async throws {
        try await write(duplicateOf: "tenant \(tenant.domain)") { db in
            try db.execute(
                sql: "INSERT INTO tenant (id, domain, display_name, created_at) VALUES (?, ?, ?, ?)",
                arguments: [tenant.id, tenant.domain, tenant.displayName, tenant.createdAt.ticks]
            )
        }
    }

    public func tenant(idOrDomain: String) async throws -> TenantRecord? {
        try tenants.value(idOrDomain) { try lookup { db in try Self.tenant(idOrDomain: idOrDomain, db) } }
    }

    private static func tenant(idOrDomain: String, _ db: Database) throws -> TenantRecord? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM tenant WHERE id = ? COLLATE NOCASE OR domain = ?"),
            arguments: [idOrDomain, idOrDomain]
        ).map(tenant)
    }

    public func tenants() async throws -> [TenantRecord] {
        try lookup { db in try Row.fetchAll(db, sql: "SELECT * FROM tenant ORDER BY created_at, domain").map(Self.tenant) }
    }

    private static func tenant(_ row: Row) -> TenantRecord {
        TenantRecord(id: row["id"], domain: row["domain"], displayName: row["display_name"], createdAt: Timestamp(ticks: row["created_at"]))
    }

    public func clientRegistration(tenant idOrDomain: String, appId: String) async throws -> ClientRegistration? {
        try registrations.value(RegistrationKey(tenant: idOrDomain, appId: appId)) { try loadClientRegistration(tenant: idOrDomain, appId: appId) }
    }

    /// Four reads in one transaction, so the parts agree with each other.
    private func loadClientRegistration(tenant idOrDomain: String, appId: String) throws -> ClientRegistration? {
        try lookups.read { db in
            guard let tenant = try Self.tenant(idOrDomain: idOrDomain, db) else { return nil }
            guard let application = try Self.application(tenantId: tenant.id, appId: appId, db) else {
                return ClientRegistration(tenant: tenant, application: nil, secrets: [], roleAssignments: [])
            }
            return ClientRegistration(
                tenant: tenant,
                application: application,
                secrets: try Self.clientSecrets(appId: appId, db),
                roleAssignments: try Self.appRoleAssignments(tenantId: tenant.id, principalId: application.servicePrincipalId, db)
            )
        }
    }

    public func insertApplication(_ application: ApplicationRecord, secrets: [ClientSecretRecord], grants: [AppRoleAssignmentRecord]) async throws {
        let redirectURIs = try JSONText.encode(application.redirectURIs)
        try await write(duplicateOf: "application \(application.appId)") { db in
            try db.execute(
                sql: """
                    INSERT INTO application
                        (app_id, tenant_id, object_id, service_principal_id, display_name, is_public_client, redirect_uris, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    application.appId, application.tenantId, application.objectId, application.servicePrincipalId, application.displayName,
                    application.isPublicClient, redirectURIs, application.createdAt.ticks,
                ]
            )
            for secret in secrets { try Self.insert(secret, db) }
            try Self.insert(grants, db)
        }
    }

    public func application(tenantId: String, appId: String) async throws -> ApplicationRecord? {
        try lookup { db in try Self.application(tenantId: tenantId, appId: appId, db) }
    }

    private static func application(tenantId: String, appId: String, _ db: Database) throws -> ApplicationRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM application WHERE tenant_id = ? AND app_id = ?"), arguments: [tenantId, appId])
            .map(application)
    }

    public func application(appId: String) async throws -> ApplicationRecord? {
        try lookup { db in
            try Row.fetchOne(db, sql: "SELECT * FROM application WHERE app_id = ?", arguments: [appId]).map(Self.application)
        }
    }

    public func applications(tenantId: String) async throws -> [ApplicationRecord] {
        try lookup { db in
            try Row.fetchAll(db, sql: "SELECT * FROM application WHERE tenant_id = ? ORDER BY created_at", arguments: [tenantId])
                .map(Self.application)
        }
    }

    private static func application(_ row: Row) throws -> ApplicationRecord {
        ApplicationRecord(
            tenantId: row["tenant_id"],
            appId: row["app_id"],
            objectId: row["object_id"],
            servicePrincipalId: row["service_principal_id"],
            displayName: row["display_name"],
            isPublicClient: row["is_public_client"],
            redirectURIs: try JSONText.decode([String].self, row["redirect_uris"]),
            createdAt: Timestamp(ticks: row["created_at"])
        )
    }

    public func setRedirectURIs(_ uris: [String], appId: String) async throws {
        let text = try JSONText.encode(uris)
        try await database.write { db in
            try db.execute(sql: "UPDATE application SET redirect_uris = ? WHERE app_id = ?", arguments: [text, appId])
            guard db.changesCount == 1 else { throw StoreError.notFound("application \(appId)") }
        }
    }

    // MARK: Credentials

    public func addClientSecret(_ secret: ClientSecretRecord) async throws {
        try await write(duplicateOf: "secret \(secret.keyId)") { db in try Self.insert(secret, db) }
    }

    private static func insert(_ secret: ClientSecretRecord, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO client_secret (key_id, app_id, hint, salt, hash, rounds, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: [
                secret.keyId, secret.appId, secret.hint, Data(secret.salt), Data(secret.hash), secret.rounds, secret.createdAt.ticks,
                secret.expiresAt.ticks,
            ]
        )
    }

    public func clientSecrets(appId: String) async throws -> [ClientSecretRecord] {
        try lookup { db in try Self.clientSecrets(appId: appId, db) }
    }

    private static func clientSecrets(appId: String, _ db: Database) throws -> [ClientSecretRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM client_secret WHERE app_id = ? ORDER BY created_at"), arguments: [appId]).map { row in
            ClientSecretRecord(
                keyId: row["key_id"],
                appId: row["app_id"],
                hint: row["hint"],
                salt: Array(row["salt"] as Data),
                hash: Array(row["hash"] as Data),
                rounds: row["rounds"],
                createdAt: Timestamp(ticks: row["created_at"]),
                expiresAt: Timestamp(ticks: row["expires_at"])
            )
        }
    }

    public func addClientCertificate(_ certificate: ClientCertificateRecord) async throws {
        try await write(duplicateOf: "certificate \(certificate.thumbprintSHA1)") { db in
            try db.execute(
                sql: """
                    INSERT INTO client_certificate (key_id, app_id, thumbprint_sha1, thumbprint_sha256, certificate_der, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    certificate.keyId, certificate.appId, certificate.thumbprintSHA1, certificate.thumbprintSHA256,
                    Data(certificate.certificateDER), certificate.createdAt.ticks, certificate.expiresAt.ticks,
                ]
            )
        }
    }

    public func clientCertificates(appId: String) async throws -> [ClientCertificateRecord] {
        try lookup { db in
            try Row.fetchAll(db, sql: "SELECT * FROM client_certificate WHERE app_id = ? ORDER BY created_at", arguments: [appId]).map { row in
                ClientCertificateRecord(
                    keyId: row["key_id"],
                    appId: row["app_id"],
                    thumbprintSHA1: row["thumbprint_sha1"],
                    thumbprintSHA256: row["thumbprint_sha256"],
                    certificateDER: Array(row["certificate_der"] as Data),
                    createdAt: Timestamp(ticks: row["created_at"]),
                    expiresAt: Timestamp(ticks: row["expires_at"])
                )
            }
        }
    }

    // MARK: Permissions

    public func appRoleAssignments(tenantId: String, principalId: String) async throws -> [AppRoleAssignmentRecord] {
        try lookup { db in try Self.appRoleAssignments(tenantId: tenantId, principalId: principalId, db) }
    }

    private static func appRoleAssignments(tenantId: String, principalId: String, _ db: Database) throws -> [AppRoleAssignmentRecord] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM app_role_assignment WHERE tenant_id = ? AND principal_id = ? ORDER BY created_at, value"),
            arguments: [tenantId, principalId]
        ).map { row in
            AppRoleAssignmentRecord(
                tenantId: row["tenant_id"],
                principalId: row["principal_id"],
                resourceAppId: row["resource_app_id"],
                appRoleId: row["app_role_id"],
                value: row["value"],
                createdAt: Timestamp(ticks: row["created_at"])
            )
        }
    }

    public func addAppRoleAssignments(_ grants: [AppRoleAssignmentRecord]) async throws {
        try await database.write { db in try Self.insert(grants, db) }
    }

    private static func insert(_ grants: [AppRoleAssignmentRecord], _ db: Database) throws {
        for grant in grants {
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO app_role_assignment (tenant_id, principal_id, resource_app_id, app_role_id, value, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [grant.tenantId, grant.principalId, grant.resourceAppId, grant.appRoleId, grant.value, grant.createdAt.ticks]
            )
        }
    }

    public func saveDelegatedGrant(_ grant: DelegatedGrantRecord) async throws {
        try await database.write { db in
            let key: StatementArguments = [grant.clientAppId, grant.resourceAppId, grant.principalId ?? ""]
            let existing = try String.fetchOne(
                db,
                sql: "SELECT scopes FROM delegated_grant WHERE client_app_id = ? AND resource_app_id = ? AND principal_id = ?",
                arguments: key
            )
            var scopes = try existing.map { try JSONText.decode([String].self, $0) } ?? []
            for scope in grant.scopes where !scopes.contains(scope) { scopes.append(scope) }
            try db.execute(
                sql: """
                    INSERT INTO delegated_grant (tenant_id, client_app_id, resource_app_id, principal_id, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (client_app_id, resource_app_id, principal_id) DO UPDATE SET scopes = excluded.scopes
                    """,
                arguments: [
                    grant.tenantId, grant.clientAppId, grant.resourceAppId, grant.principalId ?? "", try JSONText.encode(scopes),
                    grant.createdAt.ticks,
                ]
            )
        }
    }

    public func delegatedGrants(tenantId: String, clientAppId: String) async throws -> [DelegatedGrantRecord] {
        try lookup { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM delegated_grant WHERE tenant_id = ? AND client_app_id = ? ORDER BY created_at",
                arguments: [tenantId, clientAppId]
            ).map { row in
                let principal: String = row["principal_id"]
                return DelegatedGrantRecord(
                    tenantId: row["tenant_id"],
                    clientAppId: row["client_app_id"],
                    resourceAppId: row["resource_app_id"],
                    principalId: principal.isEmpty ? nil : principal,
                    scopes: try JSONText.decode([String].self, row["scopes"]),
                    createdAt: Timestamp(ticks: row["created_at"])
                )
            }
        }
    }

    // MARK: Users

    public func insertUser(_ user: UserRecord) async throws {
        try await write(duplicateOf: "user \(user.userPrincipalName)") { db in
            try db.execute(
                sql: """
                    INSERT INTO user (object_id, tenant_id, user_principal_name, display_name, password_salt, password_hash, password_rounds,
                                      roles, enabled, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    user.objectId, user.tenantId, user.userPrincipalName, user.displayName, Data(user.passwordSalt), Data(user.passwordHash),
                    user.passwordRounds, user.roles.joined(separator: "\n"), user.enabled, user.createdAt.ticks,
                ]
            )
        }
    }

    public func updateUser(_ user: UserRecord) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE user SET display_name = ?, password_salt = ?, password_hash = ?, password_rounds = ?, roles = ?, enabled = ?
                    WHERE object_id = ? AND tenant_id = ?
                    """,
                arguments: [
                    user.displayName, Data(user.passwordSalt), Data(user.passwordHash), user.passwordRounds, user.roles.joined(separator: "\n"),
                    user.enabled, user.objectId, user.tenantId,
                ]
            )
            guard db.changesCount == 1 else { throw StoreError.notFound("user \(user.userPrincipalName)") }
        }
    }

    public func user(tenantId: String, userPrincipalName: String) async throws -> UserRecord? {
        try await users(where: "tenant_id = ? AND user_principal_name = ?", [tenantId, userPrincipalName]).first
    }

    public func user(tenantId: String, objectId: String) async throws -> UserRecord? {
        try await users(where: "tenant_id = ? AND object_id = ?", [tenantId, objectId]).first
    }

    public func users(tenantId: String) async throws -> [UserRecord] {
        try await users(where: "tenant_id = ?", [tenantId])
    }

    private func users(where condition: String, _ arguments: StatementArguments) async throws -> [UserRecord] {
        try lookup { db in
            try Row.fetchAll(db, sql: "SELECT * FROM user WHERE \(condition) ORDER BY created_at", arguments: arguments).map { row in
                let roles: String = row["roles"]
                return UserRecord(
                    tenantId: row["tenant_id"],
                    objectId: row["object_id"],
                    userPrincipalName: row["user_principal_name"],
                    displayName: row["display_name"],
                    passwordSalt: Array(row["password_salt"] as Data),
                    passwordHash: Array(row["password_hash"] as Data),
                    passwordRounds: row["password_rounds"],
                    roles: roles.split(separator: "\n").map(String.init),
                    enabled: row["enabled"],
                    createdAt: Timestamp(ticks: row["created_at"])
                )
            }
        }
    }
}
