import KQL
import Synchronization

/// A segment in memory with the id it is stored under.
struct StoredSegment: Sendable {
    let id: Int64
    let segment: Segment
}

/// The segments of every tenant's tables held in memory; what queries read. Changes are published whole (a set of
/// segments added and removed at once), so a query sees a batch entirely or not at all.
final class TenantSegments: Sendable {
    private let tenants = Mutex<[String: [String: [StoredSegment]]]>([:])

    /// One tenant's tables as they are now.
    func snapshot(tenantId: String) -> TenantTables {
        TenantTables(tables: tenants.withLock { $0[tenantId]?.mapValues { $0.map(\.segment) } ?? [:] })
    }

    func segments(tenantId: String, table: String) -> [StoredSegment] {
        tenants.withLock { $0[tenantId]?[table] ?? [] }
    }

    /// Every (tenant, table) that has segments.
    var tables: [(tenantId: String, table: String)] {
        tenants.withLock { tenants in tenants.flatMap { tenant, tables in tables.keys.map { (tenant, $0) } } }
    }

    /// Removes the segments with the ids `removed` and appends `added`, for one table.
    func publish(tenantId: String, table: String, adding added: [StoredSegment], removing removed: Set<Int64> = []) {
        tenants.withLock { tenants in
            var segments = tenants[tenantId]?[table] ?? []
            if !removed.isEmpty { segments.removeAll { removed.contains($0.id) } }
            segments += added
            tenants[tenantId, default: [:]][table] = segments.isEmpty ? nil : segments
        }
    }

    /// Rows, segments and bytes held over every tenant, of one table or all (term indexes counted apart).
    func statistics(table: String?) -> HuntingStatistics {
        tenants.withLock { tenants in
            var statistics = HuntingStatistics()
            let segments = tenants.values.flatMap { tables in table.map { tables[$0] ?? [] } ?? Array(tables.values.joined()) }
            for segment in segments {
                statistics.rows += segment.segment.rowCount
                statistics.segments += 1
                statistics.residentBytes += segment.segment.residentBytes
                statistics.termIndexBytes += segment.segment.termIndexBytes
            }
            return statistics
        }
    }
}

/// How much hunting data is held in memory.
public struct HuntingStatistics: Sendable, Equatable {
    public var rows = 0
    public var segments = 0
    /// Bytes held by the segments' columns.
    public var residentBytes = 0
    /// Bytes held by the term indexes built so far.
    public var termIndexBytes = 0

    public init() {}
}

/// One tenant's tables, as a query reads them.
struct TenantTables: TableSource {
    var tables: [String: [Segment]] = [:]

    func segments(of table: String) -> [Segment] { tables[table] ?? [] }
}
