import Foundation
import GRDB
public import OpenMTPModels
public import Store

/// The embedded default: every store protocol over one SQLite database file, through GRDB.
///
/// The file is opened in WAL mode (a `DatabasePool`), so `mtp apps create` can register an application while
/// `mtp serve` runs on the same data folder; nothing is cached in memory, so the server sees it at once.
public final class SQLiteStore: DirectoryStore, SigningKeyStore, IncidentStore, HuntingEventStore {
    private let database: DatabasePool

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        database = try DatabasePool(path: path, configuration: configuration)
        try SQLiteSchema.migrator.migrate(database)
    }

    // MARK: Directory

    public func insertTenant(_ tenant: TenantRecord) async throws {
        try await write(duplicateOf: "tenant \(tenant.domain)") { db in
            try db.execute(
                sql: "INSERT INTO tenant (id, domain, display_name, created_at) VALUES (?, ?, ?, ?)",
                arguments: [tenant.id, tenant.domain, tenant.displayName, tenant.createdAt.ticks]
            )
        }
    }

    public func tenant(idOrDomain: String) async throws -> TenantRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tenant WHERE id = ? COLLATE NOCASE OR domain = ?", arguments: [idOrDomain, idOrDomain])
                .map {
                    TenantRecord(id: $0["id"], domain: $0["domain"], displayName: $0["display_name"], createdAt: Timestamp(ticks: $0["created_at"]))
                }
        }
    }

    public func insertApplication(_ application: ApplicationRecord, secrets: [ClientSecretRecord], grants: [AppRoleAssignmentRecord]) async throws {
        try await write(duplicateOf: "application \(application.appId)") { db in
            try db.execute(
                sql: """
                    INSERT INTO application (app_id, tenant_id, object_id, service_principal_id, display_name, is_public_client, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    application.appId, application.tenantId, application.objectId, application.servicePrincipalId,
                    application.displayName, application.isPublicClient, application.createdAt.ticks,
                ]
            )
            for secret in secrets {
                try db.execute(
                    sql: "INSERT INTO client_secret (key_id, app_id, hint, salt, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        secret.keyId, secret.appId, secret.hint, Data(secret.salt), Data(secret.hash), secret.createdAt.ticks, secret.expiresAt.ticks,
                    ]
                )
            }
            for grant in grants {
                try db.execute(
                    sql: """
                        INSERT INTO app_role_assignment (tenant_id, principal_id, resource_app_id, app_role_id, value, created_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [grant.tenantId, grant.principalId, grant.resourceAppId, grant.appRoleId, grant.value, grant.createdAt.ticks]
                )
            }
        }
    }

    public func application(tenantId: String, appId: String) async throws -> ApplicationRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM application WHERE tenant_id = ? AND app_id = ?", arguments: [tenantId, appId])
                .map(Self.application)
        }
    }

    public func applications(tenantId: String) async throws -> [ApplicationRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM application WHERE tenant_id = ? ORDER BY created_at", arguments: [tenantId])
                .map(Self.application)
        }
    }

    private static func application(_ row: Row) -> ApplicationRecord {
        ApplicationRecord(
            tenantId: row["tenant_id"],
            appId: row["app_id"],
            objectId: row["object_id"],
            servicePrincipalId: row["service_principal_id"],
            displayName: row["display_name"],
            isPublicClient: row["is_public_client"],
            createdAt: Timestamp(ticks: row["created_at"])
        )
    }

    public func clientSecrets(appId: String) async throws -> [ClientSecretRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM client_secret WHERE app_id = ? ORDER BY created_at", arguments: [appId]).map { row in
                ClientSecretRecord(
                    keyId: row["key_id"],
                    appId: row["app_id"],
                    hint: row["hint"],
                    salt: Array(row["salt"] as Data),
                    hash: Array(row["hash"] as Data),
                    createdAt: Timestamp(ticks: row["created_at"]),
                    expiresAt: Timestamp(ticks: row["expires_at"])
                )
            }
        }
    }

    public func appRoleAssignments(tenantId: String, principalId: String) async throws -> [AppRoleAssignmentRecord] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM app_role_assignment WHERE tenant_id = ? AND principal_id = ? ORDER BY created_at, value",
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
    }

    public func insertUser(_ user: UserRecord) async throws {
        try await write(duplicateOf: "user \(user.userPrincipalName)") { db in
            try db.execute(
                sql: """
                    INSERT INTO user (object_id, tenant_id, user_principal_name, display_name, password_salt, password_hash, password_rounds, roles, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    user.objectId, user.tenantId, user.userPrincipalName, user.displayName, Data(user.passwordSalt), Data(user.passwordHash),
                    user.passwordRounds, user.roles.joined(separator: "\n"), user.createdAt.ticks,
                ]
            )
        }
    }

    public func user(tenantId: String, userPrincipalName: String) async throws -> UserRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM user WHERE tenant_id = ? AND user_principal_name = ?", arguments: [tenantId, userPrincipalName])
                .map { row in
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
                        createdAt: Timestamp(ticks: row["created_at"])
                    )
                }
        }
    }

    // MARK: Signing keys

    public func signingKeys() async throws -> [SigningKeyRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM signing_key ORDER BY created_at").map { row in
                SigningKeyRecord(
                    keyId: row["key_id"],
                    privateKeyPEM: row["private_key_pem"],
                    certificateDER: Array(row["certificate_der"] as Data),
                    createdAt: Timestamp(ticks: row["created_at"])
                )
            }
        }
    }

    public func insertSigningKey(_ key: SigningKeyRecord) async throws {
        try await write(duplicateOf: "signing key \(key.keyId)") { db in
            try db.execute(
                sql: "INSERT INTO signing_key (key_id, private_key_pem, certificate_der, created_at) VALUES (?, ?, ?, ?)",
                arguments: [key.keyId, key.privateKeyPEM, Data(key.certificateDER), key.createdAt.ticks]
            )
        }
    }

    // MARK: Incidents

    public func saveIncident(_ incident: Incident, tenantId: String) async throws {
        let body = String(decoding: try JSONEncoder().encode(incident), as: UTF8.self)
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO incident (tenant_id, incident_id, created_time, last_update_time, status, assigned_to, body)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (tenant_id, incident_id) DO UPDATE SET
                        created_time = excluded.created_time, last_update_time = excluded.last_update_time,
                        status = excluded.status, assigned_to = excluded.assigned_to, body = excluded.body
                    """,
                arguments: [
                    tenantId, incident.incidentId, incident.createdTime.ticks, incident.lastUpdateTime.ticks, incident.status.rawValue,
                    incident.assignedTo, body,
                ]
            )
        }
    }

    public func incident(id: Int64, tenantId: String) async throws -> Incident? {
        let body = try await database.read { db in
            try String.fetchOne(db, sql: "SELECT body FROM incident WHERE tenant_id = ? AND incident_id = ?", arguments: [tenantId, id])
        }
        return try body.map(Self.decodeIncident)
    }

    public func incidents(tenantId: String, query: IncidentQuery) async throws -> [Incident] {
        var arguments: StatementArguments = [tenantId]
        let condition = IncidentFilterSQL.condition(for: query.filter, arguments: &arguments)
        arguments += [query.top, query.skip]
        let bodies = try await database.read { [arguments] db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT body FROM incident WHERE tenant_id = ? AND (\(condition))
                    ORDER BY last_update_time DESC, incident_id DESC LIMIT ? OFFSET ?
                    """,
                arguments: arguments
            )
        }
        return try bodies.map(Self.decodeIncident)
    }

    public func nextIncidentId() async throws -> Int64 {
        try await database.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(incident_id), 0) + 1 FROM incident") ?? 1 }
    }

    private static func decodeIncident(_ body: String) throws -> Incident {
        do {
            return try JSONDecoder().decode(Incident.self, from: Data(body.utf8))
        } catch {
            throw StoreError.corrupt("incident body does not decode: \(error)")
        }
    }

    // MARK: Hunting events

    public func appendEvents(_ records: [String], table: String, tenantId: String) async throws {
        try await database.write { db in
            let statement = try db.makeStatement(sql: "INSERT INTO hunting_event (tenant_id, table_name, record) VALUES (?, ?, ?)")
            for record in records {
                try statement.execute(arguments: [tenantId, table, record])
            }
        }
    }

    public func allEvents() async throws -> [HuntingEventBatch] {
        try await database.read { db in
            var batches: [HuntingEventBatch] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT tenant_id, table_name, record FROM hunting_event ORDER BY seq")
            while let row = try rows.next() {
                let tenantId: String = row[0]
                let table: String = row[1]
                if let last = batches.indices.last, batches[last].tenantId == tenantId, batches[last].table == table {
                    batches[last].records.append(row[2])
                } else {
                    batches.append(HuntingEventBatch(tenantId: tenantId, table: table, records: [row[2]]))
                }
            }
            return batches
        }
    }

    // MARK: Helpers

    /// Runs a write transaction, turning a uniqueness violation into ``StoreError/duplicate(_:)``.
    private func write(duplicateOf what: String, _ body: @Sendable @escaping (Database) throws -> Void) async throws {
        do {
            try await database.write(body)
        } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
            || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
        {
            throw StoreError.duplicate(what)
        }
    }
}
