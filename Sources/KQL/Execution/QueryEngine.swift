/// The whole pipeline: text → tokens → AST → analysis → execution over a table source.
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

    /// A query checked by the front end and ready to run; every syntax error, or else every semantic error, is
    /// thrown at once.
    public func prepare(_ text: String) throws(KQLError) -> PreparedQuery {
        let checked = check(text)
        guard checked.diagnostics.isEmpty else { throw KQLError(checked.diagnostics) }
        return PreparedQuery(ast: checked.ast)
    }

    /// Runs a prepared query. `now` fixes `now()` and `ago()` for the whole query (ticks); a `window` limits every
    /// table with a `Timestamp` column to the rows inside it.
    public func execute(
        _ query: PreparedQuery,
        over source: any TableSource,
        now: Int64,
        budget: QueryBudget = QueryBudget(),
        externalData: (any ExternalDataFetcher)? = nil,
        window: TimeWindow? = nil
    ) throws(KQLError) -> QueryResult {
        let interpreter = Interpreter(
            catalog: catalog,
            source: source,
            now: now,
            budget: budget,
            externalData: externalData,
            window: window
        )
        let relation = try interpreter.run(query.ast)
        // Only the rows the caller will return are built.
        let returned = budget.resultRows.map { relation.prefix($0) } ?? relation
        let columns = relation.schema.indices.map { returned.column($0).materialized() }
        return QueryResult(
            schema: TableSchema(name: "", columns: relation.schema),
            columns: columns,
            rowCount: relation.rowCount,
            visualization: relation.visualization
        )
    }

    /// ``prepare(_:)`` and ``execute(_:over:now:budget:externalData:)`` in one call.
    public func run(
        _ text: String,
        over source: any TableSource,
        now: Int64,
        budget: QueryBudget = QueryBudget(),
        externalData: (any ExternalDataFetcher)? = nil
    ) throws(KQLError) -> QueryResult {
        try execute(try prepare(text), over: source, now: now, budget: budget, externalData: externalData)
    }
}

/// A parsed query without errors.
public struct PreparedQuery: Sendable {
    let ast: QueryAST
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

/// The output of a query: its columns and rows.
public struct QueryResult: Sendable {
    public let schema: TableSchema
    let columns: [Vector]
    public let rowCount: Int
    /// The visualization a `render` operator asked for (`timechart`, `piechart` …).
    public let visualization: String?

    /// Rows held: at most the budget's `resultRows`, while ``rowCount`` counts every row of the result.
    public var returnedRows: Int { columns.first?.count ?? 0 }

    /// The value at a row and column, typed by the schema: dynamic values as `.dynamic`, nulls as `.null`.
    public func value(row: Int, column: Int) -> ScalarValue {
        columns[column].value(at: row)
    }
}

/// The time range a query sees: rows with `start <= Timestamp < end`, in ticks.
public struct TimeWindow: Sendable, Equatable {
    public let start: Int64
    public let end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// `Timestamp >= start and Timestamp < end`, as the filter of a table scan.
    var predicate: Expression {
        let at = SourceSpan(start: 0, end: 0)
        func compare(_ op: String, _ ticks: Int64) -> Expression {
            Expression(
                kind: .binary(op, Expression(kind: .name("Timestamp"), span: at), Expression(kind: .literal(.datetime(ticks)), span: at)),
                span: at
            )
        }
        return Expression(kind: .binary("and", compare(">=", start), compare("<", end)), span: at)
    }
}
