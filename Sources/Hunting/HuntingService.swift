import Foundation
import KQL
public import OpenMTPModels
public import Store
import Synchronization

/// Advanced hunting for every tenant: durable event ingestion, in-memory columnar tables per tenant, and
/// bounded query execution.
///
/// Each tenant's tables are separate values; a query sees only the tables of the tenant it runs for.
public final class HuntingService: Sendable {
    /// Bounds on queries; the defaults are the service's documented limits.
    public struct Limits: Sendable {
        /// Rows returned at most (the API returns up to 100,000).
        public var maxResultRows = 100_000
        /// A single request times out after 3 minutes.
        public var timeout: Duration = .seconds(180)
        /// Queries that may run at once; the rest wait.
        public var concurrentQueries = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)

        public init() {}
    }

    public let catalog: HuntingCatalog
    private let store: any HuntingEventStore
    private let limits: Limits
    private let gate: QueryGate
    private let tenants = Mutex<[String: TenantTables]>([:])

    public init(catalog: HuntingCatalog, store: any HuntingEventStore, limits: Limits = Limits()) {
        self.catalog = catalog
        self.store = store
        self.limits = limits
        self.gate = QueryGate(capacity: limits.concurrentQueries)
    }

    /// Loads every stored event into memory; call once at start-up.
    public func loadStoredEvents() async throws {
        for batch in try await store.allEvents() {
            guard let schema = catalog.table(named: batch.table) else { continue }
            let rows = try RecordDecoder(schema: schema).decode(batch.records)
            append(rows, schema: schema, tenantId: batch.tenantId)
        }
    }

    /// Validates every row against its table's schema; when all fit, stores them durably in one transaction and
    /// then makes them visible to queries. When any row does not fit, nothing is stored and every problem is
    /// reported (at most ``maxReportedProblems``).
    /// - Parameter unreadable: what the parser could not read of the same input; if anything, nothing is stored.
    /// - Returns: the number of rows ingested per table.
    @discardableResult
    public func ingest(_ input: [IngestRow], unreadable: [IngestProblem] = [], tenantId: String) async throws -> [String: Int] {
        guard unreadable.isEmpty else { throw Self.rejection(unreadable) }
        var problems: [IngestProblem] = []
        var tables: [String: (decoder: RecordDecoder, rows: [[ScalarValue]], records: [String])] = [:]
        for row in input {
            if tables[row.table] == nil, let schema = catalog.table(named: row.table) {
                tables[row.table] = (RecordDecoder(schema: schema), [], [])
            }
            guard let decoder = tables[row.table]?.decoder else {
                problems.append(IngestProblem(position: row.position, column: nil, message: "'\(row.table)' is not an advanced hunting table."))
                continue
            }
            let (values, rowProblems) = decoder.row(row.fields, position: row.position)
            problems += rowProblems
            if rowProblems.isEmpty {
                tables[row.table]!.rows.append(values)
                tables[row.table]!.records.append(JSONValue.object(row.fields).serialized)
            }
        }
        guard problems.isEmpty else { throw Self.rejection(problems) }
        let filled = tables.filter { !$0.value.rows.isEmpty }
        try await store.appendEvents(filled.map { HuntingEventBatch(tenantId: tenantId, table: $0.key, records: $0.value.records) })
        for (_, table) in filled { append(table.rows, schema: table.decoder.schema, tenantId: tenantId) }
        return filled.mapValues(\.rows.count)
    }

    public static let maxReportedProblems = 20

    /// The error for a rejected import: how many problems, and the first of them.
    static func rejection(_ problems: [IngestProblem]) -> HuntingError {
        let listed = problems.prefix(maxReportedProblems).map { String($0.description.trimmingSuffix(".")) }.joined(separator: "; ")
        let more = problems.count > maxReportedProblems ? "; and \(problems.count - maxReportedProblems) more" : ""
        return HuntingError(
            .invalidRecords,
            "Nothing was imported: \(problems.count) problem\(problems.count == 1 ? "" : "s") — \(listed)\(more).",
            problems: problems
        )
    }

    private func append(_ rows: [[ScalarValue]], schema: TableSchema, tenantId: String) {
        tenants.withLock { tenants in
            var builder = tenants[tenantId]?.tables[schema.name].map(TableBuilder.init(appendingTo:)) ?? TableBuilder(schema: schema)
            for row in rows { builder.append(row) }
            tenants[tenantId, default: TenantTables()].tables[schema.name] = builder.build()
        }
    }

    /// Runs a query over the tenant's data and shapes the result as the API returns it.
    public func run(_ query: String, tenantId: String, now: Timestamp) async throws(HuntingError) -> HuntingQueryResponse {
        let engine = QueryEngine(catalog: catalog)
        let plan: LogicalPlan
        do {
            plan = try engine.plan(query, now: now.ticks)
        } catch {
            throw HuntingError(.invalidQuery, Self.message(for: error, in: query), diagnostics: error.diagnostics)
        }
        let source = tenants.withLock { $0[tenantId] ?? TenantTables() }
        let clock = ContinuousClock()
        await gate.enter()
        let started = clock.now
        let deadline = started.advanced(by: limits.timeout)
        let outcome = await Self.execute(plan, over: source, until: deadline)
        await gate.leave()
        let result: QueryResult
        switch outcome {
        case .success(let value): result = value
        case .failure(let error):
            throw HuntingError(.queryTimedOut, "Query execution has exceeded the allowed limits.", diagnostics: error.diagnostics)
        }
        let elapsed = started.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return ResultEncoder.response(for: result, rowLimit: limits.maxResultRows, executionTime: seconds)
    }

    /// Queries run on threads of their own, never on the server's event loops (the gate bounds how many).
    private static let workers = DispatchQueue(label: "openmtp.hunting-queries", attributes: .concurrent)

    /// Runs `plan` on a worker thread; it stops early when the calling task is cancelled or the deadline passes.
    private typealias Outcome = Result<QueryResult, KQLError>

    private static func execute(_ plan: LogicalPlan, over source: TenantTables, until deadline: ContinuousClock.Instant) async -> Outcome {
        let cancelled = CancellationFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                workers.async {
                    let executor = Executor(source: source, limits: ExecutionLimits { cancelled.isSet || ContinuousClock().now > deadline })
                    continuation.resume(returning: Result { () throws(KQLError) in try executor.run(plan) })
                }
            }
        } onCancel: {
            cancelled.set()
        }
    }

    /// The first diagnostic with its line and column, as the API reports a query error.
    static func message(for error: KQLError, in query: String) -> String {
        guard let first = error.diagnostics.first else { return "The query is invalid." }
        let (line, column) = first.position(in: query)
        return "Query could not be parsed at line \(line), column \(column): \(first.message) (\(first.code.rawValue))"
    }
}

/// Set when the request that started a query goes away.
private final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}

/// One tenant's tables.
struct TenantTables: TableSource {
    var tables: [String: ColumnarTable] = [:]

    func rows(of table: String) -> ColumnarTable? { tables[table] }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> Substring {
        hasSuffix(suffix) ? dropLast(suffix.count) : self[...]
    }
}
