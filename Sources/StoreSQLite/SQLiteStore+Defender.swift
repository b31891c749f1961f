import Foundation
import GRDB
public import OpenMTPModels
public import Store

extension SQLiteStore: SigningKeyStore, IncidentStore, HuntingEventStore {
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
        let body = try JSONText.encode(incident)
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
        return try body.map { try JSONText.decode(Incident.self, $0) }
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
        return try bodies.map { try JSONText.decode(Incident.self, $0) }
    }

    public func nextIncidentId() async throws -> Int64 {
        try await database.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(incident_id), 0) + 1 FROM incident") ?? 1 }
    }

    // MARK: Hunting events

    public func appendEvents(_ batches: [HuntingEventBatch]) async throws {
        try await database.write { db in
            let statement = try db.makeStatement(sql: "INSERT INTO hunting_event (tenant_id, table_name, record) VALUES (?, ?, ?)")
            for batch in batches {
                for record in batch.records {
                    try statement.execute(arguments: [batch.tenantId, batch.table, record])
                }
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

}
