/// Where the executor finds the rows of the tables a plan scans.
public protocol TableSource: Sendable {
    /// The table's segments; none when it has no rows.
    func segments(of table: String) -> [Segment]
}

/// The output of a query: its schema and one dense column per schema column.
public struct QueryResult: Sendable {
    public let schema: TableSchema
    public let columns: [ColumnData]
    public let rowCount: Int

    /// The value at a row and column, typed by the schema.
    public func value(row: Int, column: Int) -> ScalarValue {
        Vector.data(columns[column], schema.columns[column].type).value(at: row)
    }
}

/// Bounds on one query's work.
public struct ExecutionLimits: Sendable {
    /// Checked between operators and inside long loops; a true answer stops the query with ``DiagnosticCode/limitExceeded``.
    public var shouldStop: @Sendable () -> Bool

    public init(shouldStop: @escaping @Sendable () -> Bool = { false }) {
        self.shouldStop = shouldStop
    }
}

/// Runs a logical plan over columnar tables.
///
/// Intermediate results stay as the scanned columns plus a selection of row positions; filters narrow the
/// selection one conjunct at a time, and columns are gathered only when a `project` or the final result needs them.
public struct Executor {
    private struct Relation {
        var columns: [ColumnData]
        var selection: [Int32]?
        var rowCount: Int
        var count: Int { selection?.count ?? rowCount }
        var evaluator: Evaluator { Evaluator(columns: columns, selection: selection, rowCount: rowCount) }
    }

    private let source: any TableSource
    private let limits: ExecutionLimits

    public init(source: any TableSource, limits: ExecutionLimits = ExecutionLimits()) {
        self.source = source
        self.limits = limits
    }

    public func run(_ plan: LogicalPlan) throws(KQLError) -> QueryResult {
        let relation = try execute(plan)
        let columns = relation.columns.map { column in relation.selection.map(column.gather) ?? column }
        return QueryResult(schema: plan.schema, columns: columns, rowCount: relation.count)
    }

    private func execute(_ plan: LogicalPlan) throws(KQLError) -> Relation {
        if limits.shouldStop() {
            throw KQLError(.limitExceeded, "The query was cancelled or exceeded its time limit.", at: SourceSpan(start: 0, end: 0))
        }
        switch plan {
        case .scan(let schema):
            let segments = source.segments(of: schema.name)
            let columns = schema.columns.indices.map { ColumnBuilder.concatenating(segments, column: $0, type: schema.columns[$0].type) }
            return Relation(columns: columns, selection: nil, rowCount: segments.reduce(0) { $0 + $1.rowCount })
        case .filter(let input, let predicate):
            var relation = try execute(input)
            for conjunct in predicate.conjuncts {
                let positions = relation.evaluator.truePositions(conjunct)
                relation.selection = relation.selection.map { current in positions.map { current[Int($0)] } } ?? positions
                if relation.selection?.isEmpty == true { break }
            }
            return relation
        case .project(let input, let projected):
            let relation = try execute(input)
            let evaluator = relation.evaluator
            let columns = projected.map { evaluator.evaluate($0.expression).materialize(count: relation.count, type: $0.column.type) }
            return Relation(columns: columns, selection: nil, rowCount: relation.count)
        case .take(let input, let limit):
            var relation = try execute(input)
            if relation.count > limit {
                relation.selection = relation.selection.map { Array($0.prefix(limit)) } ?? (0..<Int32(limit)).map { $0 }
            }
            return relation
        case .count(let input):
            let relation = try execute(input)
            return Relation(columns: [.int64(values: [Int64(relation.count)], nulls: .none)], selection: nil, rowCount: 1)
        }
    }
}

/// The whole pipeline: text → tokens → AST → bound plan → result.
public struct QueryEngine: Sendable {
    public let catalog: any Catalog

    public init(catalog: any Catalog) {
        self.catalog = catalog
    }

    /// The front end's verdict on a query: every syntax error, or (when the text parses) every semantic error and
    /// the result's columns.
    public func check(_ text: String) -> QueryCheck {
        let parsed = Parser.parseRecovering(text)
        guard parsed.diagnostics.isEmpty else { return QueryCheck(ast: parsed.ast, syntax: parsed.diagnostics, semantic: [], schema: nil) }
        let analysis = Analyzer(catalog: catalog).analyze(parsed.ast)
        return QueryCheck(ast: parsed.ast, syntax: [], semantic: analysis.diagnostics, schema: analysis.schema)
    }

    /// Parses, analyzes and binds a query without running it; every syntax error, or else every semantic error, is
    /// reported at once.
    public func plan(_ text: String, now: Int64) throws(KQLError) -> LogicalPlan {
        let checked = check(text)
        guard checked.diagnostics.isEmpty else { throw KQLError(checked.diagnostics) }
        return try Binder(catalog: catalog, now: now).bind(checked.ast)
    }

    public func run(
        _ text: String,
        over source: any TableSource,
        now: Int64,
        limits: ExecutionLimits = ExecutionLimits()
    ) throws(KQLError) -> QueryResult {
        try Executor(source: source, limits: limits).run(try plan(text, now: now))
    }
}

/// What ``QueryEngine/check(_:)`` found.
public struct QueryCheck: Sendable {
    public let ast: QueryAST
    public let syntax: [Diagnostic]
    public let semantic: [Diagnostic]
    /// The result's columns, when the query parses and has a tabular result.
    public let schema: RowSchema?

    public var diagnostics: [Diagnostic] { syntax + semantic }
}
