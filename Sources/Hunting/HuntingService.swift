import Foundation
public import KQL
public import OpenMTPModels
public import Store
import Synchronization

/// Advanced hunting for every tenant: durable ingestion into column segments held in memory, compaction and
/// retention of those segments, and bounded query execution.
///
/// Each tenant's tables are separate; a query sees only the tables of the tenant it runs for. Writes (ingest,
/// compaction, retention) go one at a time; each is one transaction of the store, published to queries once it is
/// durable. Compaction and retention are run by the server's maintenance service.
public final class HuntingService: Sendable {
    /// Bounds on queries; the defaults are the service's documented limits.
    public struct Limits: Sendable {
        /// Rows returned at most (the API returns up to 100,000).
        public var maxResultRows = 100_000
        /// A single request times out after 3 minutes.
        public var timeout: Duration = .seconds(180)
        /// Queries that may run at once; the rest wait.
        public var concurrentQueries = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
        /// The largest intermediate result a query may build, in cells (rows × columns).
        public var maxCells = 60_000_000
        /// Where `externaldata` reads from; nil refuses such queries with a clear error.
        public var externalData: (any ExternalDataFetcher)? = HTTPExternalData()

        public init() {}
    }

    public let catalog: HuntingCatalog
    private let store: any HuntingSegmentStore
    private let limits: Limits
    private let gate: AsyncSemaphore
    private let writer = AsyncSemaphore(capacity: 1)
    private let data = TenantSegments()

    /// Segments smaller than this are merged once ``compactionFanIn`` of them pile up in a table.
    static let smallSegmentRows = 65_536
    static let compactionFanIn = 8

    public init(catalog: HuntingCatalog, store: any HuntingSegmentStore, limits: Limits = Limits()) {
        self.catalog = catalog
        self.store = store
        self.limits = limits
        self.gate = AsyncSemaphore(capacity: limits.concurrentQueries)
    }

    /// Loads every stored segment into memory; call once at start-up. Segments of tables the schema no longer has
    /// are left in the store, unread.
    /// - Returns: the rows loaded.
    @discardableResult
    public func loadStoredSegments() throws -> Int {
        var loaded: [String: [String: [StoredSegment]]] = [:]
        var rows = 0
        try store.forEachSegment { stored in
            guard let schema = catalog.table(named: stored.table) else { return }
            let segment = try SegmentCodec.decode(stored.bytes, schema: schema)
            loaded[stored.tenantId, default: [:]][stored.table, default: []].append(StoredSegment(id: stored.id, segment: segment))
            rows += segment.rowCount
        }
        for (tenantId, tables) in loaded {
            for (table, segments) in tables { data.publish(tenantId: tenantId, table: table, adding: segments) }
        }
        return rows
    }

    /// Stores a checked batch durably and then makes its rows visible to queries. A batch with any problem is
    /// refused whole (nothing is stored) with every problem reported (the first ``maxReportedProblems`` in the
    /// message).
    /// - Returns: the number of rows ingested per table.
    @discardableResult
    public func ingest(_ batch: IngestBatch, tenantId: String) async throws -> [String: Int] {
        guard batch.problems.isEmpty else { throw Self.rejection(batch.problems, total: batch.problemCount) }
        let tables = batch.segments()
        let added = tables.flatMap { table in
            table.segments.map { NewHuntingSegment(tenantId: tenantId, table: table.table, rowCount: $0.rowCount, bytes: SegmentCodec.encode($0)) }
        }
        try await writer.holding {
            let ids = try await store.commitSegments(adding: added, removing: [])
            var next = ids.makeIterator()
            for table in tables {
                data.publish(tenantId: tenantId, table: table.table, adding: table.segments.map { StoredSegment(id: next.next()!, segment: $0) })
            }
        }
        return Dictionary(tables.map { ($0.table, $0.rows) }, uniquingKeysWith: +)
    }

    /// Ingests rows given as JSON values (the simulator's and the demo's), as one batch.
    @discardableResult
    public func ingest(_ rows: [IngestRow], tenantId: String) async throws -> [String: Int] {
        var batch = IngestBatch(catalog: catalog)
        for row in rows { batch.add(row) }
        return try await ingest(batch, tenantId: tenantId)
    }

    /// Drops every row whose `Timestamp` is before `cutoff` (ticks), in every tenant: whole segments when all
    /// their rows are older, else the segment is rewritten with the rows it keeps. Tables without a `Timestamp`
    /// (inventories) are kept.
    /// - Returns: the number of rows dropped.
    @discardableResult
    public func dropRows(before cutoff: Int64) async throws -> Int {
        try await writer.holding {
            var dropped = 0
            for (tenantId, table) in data.tables {
                let expired = data.segments(tenantId: tenantId, table: table).filter { ($0.segment.timeRange?.lowerBound ?? .max) < cutoff }
                guard !expired.isEmpty else { continue }
                var kept: [Segment] = []
                for stored in expired {
                    let segment = stored.segment
                    guard segment.timeRange!.upperBound >= cutoff, let time = segment.schema.columnIndex(Segment.timeColumn) else {
                        dropped += segment.rowCount
                        continue
                    }
                    let rows = (0..<segment.rowCount).filter { row in
                        if case .datetime(let ticks) = segment.value(row: row, column: time) { return ticks >= cutoff }
                        return true
                    }
                    dropped += segment.rowCount - rows.count
                    kept.append(SegmentBuilder.merge([(segment, rows)], schema: segment.schema))
                }
                try await replace(expired, with: kept, tenantId: tenantId, table: table)
            }
            return dropped
        }
    }

    /// Builds the term indexes of every text column of `table` (every tenant) now rather than at the first `has`
    /// that needs them, as after a restart to warm up.
    /// - Returns: the bytes those indexes hold.
    @discardableResult
    public func buildTermIndexes(table: String) -> Int {
        var bytes = 0
        for (tenantId, name) in data.tables where name == table {
            for stored in data.segments(tenantId: tenantId, table: table) {
                for column in stored.segment.columns.indices { bytes += stored.segment.termIndex(column: column)?.residentBytes ?? 0 }
            }
        }
        return bytes
    }

    /// How much data is held in memory, for one table or all.
    public func statistics(table: String? = nil) -> HuntingStatistics { data.statistics(table: table) }

    /// Each table's segments of one tenant, for exports.
    func tables(tenantId: String) -> TenantTables { data.snapshot(tenantId: tenantId) }

    /// Merges each table's small segments into one where enough of them have piled up (every batch makes at least
    /// one segment per table it touches). Ingestion leaves this to the maintenance service, so acknowledging a batch
    /// never waits for a merge.
    /// - Returns: the number of segments merged away.
    @discardableResult
    public func compact() async throws -> Int {
        try await writer.holding {
            var merged = 0
            for (tenantId, table) in data.tables {
                let small = data.segments(tenantId: tenantId, table: table).filter { $0.segment.rowCount < Self.smallSegmentRows }
                guard small.count >= Self.compactionFanIn, let schema = catalog.table(named: table) else { continue }
                let segment = SegmentBuilder.merge(small.map { ($0.segment, nil) }, schema: schema)
                try await replace(small, with: [segment], tenantId: tenantId, table: table)
                merged += small.count - 1
            }
            return merged
        }
    }

    /// Replaces segments of one table in the store, in one transaction, then in memory.
    private func replace(_ old: [StoredSegment], with new: [Segment], tenantId: String, table: String) async throws {
        let added = new.filter { $0.rowCount > 0 }
        let ids = try await store.commitSegments(
            adding: added.map { NewHuntingSegment(tenantId: tenantId, table: table, rowCount: $0.rowCount, bytes: SegmentCodec.encode($0)) },
            removing: old.map(\.id)
        )
        data.publish(
            tenantId: tenantId,
            table: table,
            adding: zip(ids, added).map { StoredSegment(id: $0, segment: $1) },
            removing: Set(old.map(\.id))
        )
    }

    public static let maxReportedProblems = 20

    /// The error for a rejected import: how many problems, and the first of them.
    static func rejection(_ problems: [IngestProblem], total: Int) -> HuntingError {
        let listed = problems.prefix(maxReportedProblems).map { String($0.description.trimmingSuffix(".")) }.joined(separator: "; ")
        let more = total > maxReportedProblems ? "; and \(total - maxReportedProblems) more" : ""
        return HuntingError(
            .invalidRecords,
            "Nothing was imported: \(total) problem\(total == 1 ? "" : "s") — \(listed)\(more).",
            problems: problems
        )
    }

    /// Runs a query over the tenant's data and shapes the result as the API returns it.
    public func run(_ query: String, tenantId: String, now: Timestamp, window: TimeWindow? = nil) async throws(HuntingError) -> HuntingQueryResponse {
        let clock = ContinuousClock()
        let started = clock.now
        let result = try await execute(query, tenantId: tenantId, now: now, window: window)
        let elapsed = started.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return ResultEncoder.response(for: result, rowLimit: limits.maxResultRows, executionTime: seconds)
    }

    /// Runs a query over the tenant's data: syntax and semantic errors are ``HuntingError/Code/invalidQuery``; a query
    /// stopped by its time or memory budget is ``HuntingError/Code/queryTimedOut``.
    public func execute(_ query: String, tenantId: String, now: Timestamp, window: TimeWindow? = nil) async throws(HuntingError) -> QueryResult {
        let engine = QueryEngine(catalog: catalog)
        let prepared: PreparedQuery
        do {
            prepared = try engine.prepare(query)
        } catch {
            throw HuntingError(.invalidQuery, Self.message(for: error, in: query), diagnostics: error.diagnostics)
        }
        let source = data.snapshot(tenantId: tenantId)
        await gate.enter()
        let deadline = ContinuousClock().now.advanced(by: limits.timeout)
        let context = QueryContext(
            now: now.ticks,
            deadline: deadline,
            maxCells: limits.maxCells,
            resultRows: limits.maxResultRows,
            externalData: limits.externalData,
            window: window
        )
        let outcome = await Self.execute(prepared, engine: engine, over: source, context)
        await gate.leave()
        switch outcome {
        case .success(let value):
            return value
        case .failure(let error) where error.diagnostics.first?.code == .limitExceeded:
            throw HuntingError(
                .queryTimedOut,
                "Query execution has exceeded the allowed limits: \(error.diagnostics.first?.message ?? "")",
                diagnostics: error.diagnostics
            )
        case .failure(let error):
            throw HuntingError(.invalidQuery, Self.message(for: error, in: query, running: true), diagnostics: error.diagnostics)
        }
    }

    /// Queries run on threads of their own, never on the server's event loops (the gate bounds how many).
    private static let workers = DispatchQueue(label: "openmtp.hunting-queries", attributes: .concurrent)

    private typealias Outcome = Result<QueryResult, KQLError>

    /// Runs a query on a worker thread; it stops early when the calling task is cancelled or the deadline passes.
    private struct QueryContext: Sendable {
        let now: Int64
        let deadline: ContinuousClock.Instant
        let maxCells: Int
        let resultRows: Int
        let externalData: (any ExternalDataFetcher)?
        let window: TimeWindow?
    }

    private static func execute(_ query: PreparedQuery, engine: QueryEngine, over source: TenantTables, _ context: QueryContext) async -> Outcome {
        let cancelled = CancellationFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                workers.async {
                    let budget = QueryBudget(
                        shouldStop: { cancelled.isSet || ContinuousClock().now > context.deadline },
                        maxCells: context.maxCells,
                        resultRows: context.resultRows
                    )
                    continuation.resume(
                        returning: Result { () throws(KQLError) in
                            try engine.execute(
                                query,
                                over: source,
                                now: context.now,
                                budget: budget,
                                externalData: context.externalData,
                                window: context.window
                            )
                        }
                    )
                }
            }
        } onCancel: {
            cancelled.set()
        }
    }

    /// The first diagnostic with its line and column, as the API reports a query error.
    static func message(for error: KQLError, in query: String, running: Bool = false) -> String {
        guard let first = error.diagnostics.first else { return "The query is invalid." }
        let (line, column) = first.position(in: query)
        let what = running ? "Query execution failed" : "Query could not be parsed"
        return "\(what) at line \(line), column \(column): \(first.message) (\(first.code.rawValue))"
    }
}

/// Set when the request that started a query goes away.
private final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> Substring {
        hasSuffix(suffix) ? dropLast(suffix.count) : self[...]
    }
}
