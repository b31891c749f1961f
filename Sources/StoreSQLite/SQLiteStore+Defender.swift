import Foundation
import GRDB
public import OpenMTPModels
public import Store

extension SQLiteStore: SigningKeyStore, IncidentStore, HuntingSegmentStore {
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
        let body = try incident.linked(tenantId: tenantId).wireJSON()
        try await database.write { db in try Self.save(incident, body: body, tenantId: tenantId, db) }
    }

    private static func save(_ incident: Incident, body: String, tenantId: String, _ db: Database) throws {
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

    public func updateIncidents(
        ids: [Int64],
        tenantId: String,
        _ change: @escaping @Sendable ([Incident]) throws -> [Incident]
    ) async throws
        -> [Incident]?
    {
        try await database.write { db in
            var stored: [Incident] = []
            for id in ids {
                guard let body = try Self.incidentBody(id: id, tenantId: tenantId, db) else { return nil }
                stored.append(try JSONText.decode(Incident.self, body))
            }
            return try change(stored).map { updated in
                let linked = updated.linked(tenantId: tenantId)
                try Self.save(linked, body: try linked.wireJSON(), tenantId: tenantId, db)
                return linked
            }
        }
    }

    private static func incidentBody(id: Int64, tenantId: String, _ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT body FROM incident WHERE tenant_id = ? AND incident_id = ?", arguments: [tenantId, id])
    }

    public func incident(id: Int64, tenantId: String) async throws -> Incident? {
        let body = try await database.read { db in try Self.incidentBody(id: id, tenantId: tenantId, db) }
        return try body.map { try JSONText.decode(Incident.self, $0) }
    }

    public func incidents(tenantId: String, query: IncidentQuery) async throws -> [Incident] {
        try await incidentDocuments(tenantId: tenantId, query: query).map { try JSONText.decode(Incident.self, $0) }
    }

    public func incidentDocuments(tenantId: String, query: IncidentQuery) async throws -> [String] {
        var arguments: StatementArguments = [tenantId]
        let condition = IncidentFilterSQL.condition(for: query.filter, arguments: &arguments)
        arguments += [query.top, query.skip]
        let sql = """
            SELECT body FROM incident WHERE tenant_id = ? AND (\(condition))
            ORDER BY last_update_time DESC, incident_id DESC LIMIT ? OFFSET ?
            """
        let read: @Sendable (Database) throws -> [String] = { [arguments] db in
            try String.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
        }
        // An API page (at most 100 rows down the recency index) is a short read; whole-tenant reads use the async pool.
        return query.top <= IncidentQuery.largestPage ? try lookup(read) : try await database.read(read)
    }

    public func nextIncidentId() async throws -> Int64 {
        try await database.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(incident_id), 0) + 1 FROM incident") ?? 1 }
    }

    // MARK: Hunting segments

    public func commitSegments(adding added: [NewHuntingSegment], removing removed: [Int64]) async throws -> [Int64] {
        try await database.write { db in
            for id in removed { try db.execute(sql: "DELETE FROM hunting_segment WHERE id = ?", arguments: [id]) }
            let insert = try db.makeStatement(sql: "INSERT INTO hunting_segment (tenant_id, table_name, row_count, data) VALUES (?, ?, ?, ?)")
            return try added.map { segment in
                try insert.execute(arguments: [segment.tenantId, segment.table, segment.rowCount, Data(segment.bytes)])
                return db.lastInsertedRowID
            }
        }
    }

    public func forEachSegment(_ body: (StoredHuntingSegment) throws -> Void) throws {
        try database.read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT id, tenant_id, table_name, data FROM hunting_segment ORDER BY id")
            while let row = try rows.next() {
                try row.withUnsafeData(atIndex: 3) { data in
                    guard let data else { throw StoreError.corrupt("hunting segment \(row[0] as Int64) has no data") }
                    try data.withUnsafeBytes { try body(StoredHuntingSegment(id: row[0], tenantId: row[1], table: row[2], bytes: $0)) }
                }
            }
        }
    }
}
