import Foundation
import OpenMTPModels
import Store
import StoreSQLite
import Testing

/// The same incident queries against every store implementation: SQLite translates filters to SQL, the
/// in-memory store evaluates them in Swift; both must agree.
@Suite("Incident stores agree")
struct IncidentStoreTests {
    static func incident(_ id: Int64, updated: String, status: IncidentStatus, assignedTo: String?) -> Incident {
        Incident(
            incidentId: id,
            incidentName: "incident \(id)",
            createdTime: Timestamp(iso8601: "2024-01-01T00:00:00Z")!,
            lastUpdateTime: Timestamp(iso8601: updated)!,
            assignedTo: assignedTo,
            status: status,
            severity: .low,
            alerts: []
        )
    }

    static let incidents = [
        incident(1, updated: "2024-01-01T10:00:00.1234567Z", status: .active, assignedTo: nil),
        incident(2, updated: "2024-01-02T10:00:00Z", status: .resolved, assignedTo: "a@contoso.test"),
        incident(3, updated: "2024-01-03T10:00:00Z", status: .active, assignedTo: "b@contoso.test"),
        incident(4, updated: "2024-01-03T10:00:00Z", status: .inProgress, assignedTo: "a@contoso.test"),
    ]

    static let queries: [(IncidentFilter, [Int64])] = [
        (.all, [4, 3, 2, 1]),
        (.compare(.status, .eq, .string("Active")), [3, 1]),
        (.compare(.assignedTo, .eq, .null), [1]),
        (.compare(.assignedTo, .ne, .string("a@contoso.test")), [3, 1]),
        (.compare(.lastUpdateTime, .ge, .timestamp(Timestamp(iso8601: "2024-01-02T10:00:00Z")!)), [4, 3, 2]),
        (.compare(.lastUpdateTime, .gt, .timestamp(Timestamp(iso8601: "2024-01-01T10:00:00.1234566Z")!)), [4, 3, 2, 1]),
        (.and(.compare(.status, .ne, .string("Resolved")), .not(.compare(.assignedTo, .eq, .null))), [4, 3]),
        (.or(.compare(.status, .eq, .string("Resolved")), .compare(.assignedTo, .eq, .string("b@contoso.test"))), [3, 2]),
    ]

    /// Runs `body` with store number `index`: 0 in memory, 1 SQLite in a temporary folder.
    func withStore(_ index: Int, _ body: (any IncidentStore & DirectoryStore) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("openmtp-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stores: [any IncidentStore & DirectoryStore] = [
            InMemoryStore(), try SQLiteStore(path: directory.appendingPathComponent("store.sqlite").path),
        ]
        try await body(stores[index])
    }

    @Test("filters, order and paging", arguments: 0..<2)
    func filters(storeIndex: Int) async throws {
        try await withStore(storeIndex) { store in
            try await store.insertTenant(TenantRecord(id: "t1", domain: "one.test", displayName: "One", createdAt: Timestamp(ticks: 0)))
            try await store.insertTenant(TenantRecord(id: "t2", domain: "two.test", displayName: "Two", createdAt: Timestamp(ticks: 0)))
            for incident in Self.incidents { try await store.saveIncident(incident, tenantId: "t1") }
            try await store.saveIncident(Self.incident(9, updated: "2024-02-01T00:00:00Z", status: .active, assignedTo: nil), tenantId: "t2")

            for (filter, expected) in Self.queries {
                let found = try await store.incidents(tenantId: "t1", query: IncidentQuery(filter: filter)).map(\.incidentId)
                #expect(found == expected, "\(filter)")
            }
            #expect(try await store.incidents(tenantId: "t1", query: IncidentQuery(skip: 1, top: 2)).map(\.incidentId) == [3, 2])
            #expect(try await store.incident(id: 9, tenantId: "t1") == nil)
            #expect(try await store.incident(id: 2, tenantId: "t1") == Self.incidents[1].linked(tenantId: "t1"))
            #expect(try await store.nextIncidentId() == 10)

            var updated = Self.incidents[0]
            updated.status = .resolved
            try await store.saveIncident(updated, tenantId: "t1")
            #expect(try await store.incident(id: 1, tenantId: "t1")?.status == .resolved)
            #expect(try await store.incidents(tenantId: "t1", query: IncidentQuery()).count == 4)
        }
    }

    @Test("tenant domains are unique regardless of case", arguments: 0..<2)
    func uniqueDomains(storeIndex: Int) async throws {
        try await withStore(storeIndex) { store in
            try await store.insertTenant(TenantRecord(id: "t1", domain: "one.test", displayName: "One", createdAt: Timestamp(ticks: 0)))
            await #expect(throws: StoreError.duplicate("tenant ONE.test")) {
                try await store.insertTenant(TenantRecord(id: "t2", domain: "ONE.test", displayName: "Other", createdAt: Timestamp(ticks: 0)))
            }
            #expect(try await store.tenant(idOrDomain: "One.Test")?.id == "t1")
        }
    }
}
