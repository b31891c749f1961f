/// Where the executor finds the rows of the tables a query reads.
public protocol TableSource: Sendable {
    /// The table's segments; none when it has no rows.
    func segments(of table: String) -> [Segment]
}

/// Runs an analyzed query: statements in order, tabular expressions as operators over chunks of rows.
///
/// The interpreter holds no mutable state: names live in an ``Environment`` passed down, so chunks can be processed
/// on several threads at once.
struct Interpreter: Sendable {
    let catalog: any Catalog
    let source: any TableSource
    /// `now()` for the whole query, in ticks.
    let now: Int64
    let budget: QueryBudget
    /// Reads `externaldata` sources; nil where the engine has no network access.
    let externalData: (any ExternalDataFetcher)?
    /// The time range tables with a `Timestamp` column are limited to; nil for all their rows.
    var window: TimeWindow? = nil

    /// The result of the query's last tabular statement.
    func run(_ ast: QueryAST) throws(KQLError) -> Relation {
        var environment = Environment()
        var result: Relation?
        for statement in ast.statements {
            switch statement.kind {
            case .let(let name, let value):
                environment.bindings[name.name] = try binding(of: value, in: environment)
            case .query(let expression):
                guard case .tabular(let relation) = try evaluate(expression, in: RowScope(environment: environment)) else {
                    throw KQLError(.typeMismatch, "The query's result must be a table.", at: expression.span)
                }
                result = relation
            case .declare(let parameters):
                for parameter in parameters {
                    var value = Vector.constant(.null, .dynamic, count: 1)
                    if let fallback = parameter.defaultValue { value = try scalar(fallback, in: RowScope(environment: environment)) }
                    environment.bindings[parameter.name.name] = .scalar(value)
                }
            case .set(let name, let value):
                environment.properties[name.name] = value ?? Expression(kind: .literal(.bool(true)), span: name.span)
            case .other:
                continue
            }
        }
        guard let result else { throw KQLError(.syntaxError, "The query has no tabular expression.", at: SourceSpan(start: 0, end: 0)) }
        return result
    }

    /// What a `let` binds: a function, or the value of its expression (tables stay references to their segments).
    func binding(of value: Expression, in environment: Environment) throws(KQLError) -> Binding {
        if case .function(let parameters, let body, _) = value.kind { return .function(parameters, body, environment) }
        switch try evaluate(value, in: RowScope(environment: environment)) {
        case .scalar(let vector): return .scalar(vector)
        case .tabular(let relation): return .tabular(relation)
        }
    }

    /// The rows of a catalog table, one chunk per segment (those inside the query's time window, when it has one).
    func scan(_ table: TableSchema) throws(KQLError) -> Relation {
        let relation = Relation(schema: table.columns, chunks: source.segments(of: table.name).map(Chunk.init(segment:)))
        guard let window, table.columns.contains(where: { $0.name == "Timestamp" }) else { return relation }
        return try filter(relation, by: window.predicate, in: Environment())
    }

    func checkBudget(at span: SourceSpan) throws(KQLError) {
        if budget.shouldStop() {
            throw KQLError(.limitExceeded, "The query was cancelled or exceeded its time limit.", at: span)
        }
    }

    /// The relation in one chunk, refused when its rows alone exceed the memory budget (columns are built only when
    /// read).
    func merge(_ relation: Relation, at span: SourceSpan) throws(KQLError) -> Relation {
        try checkSize(rows: relation.rowCount, columns: 1, at: span)
        return relation.merged()
    }

    /// Refuses an intermediate result larger than the query's memory budget.
    func checkSize(rows: Int, columns: Int, at span: SourceSpan) throws(KQLError) {
        if rows.multipliedReportingOverflow(by: max(columns, 1)).partialValue > budget.maxCells || rows < 0 {
            throw KQLError(
                .limitExceeded,
                "The query needs more memory than its budget allows (\(rows) rows × \(columns) columns); narrow it with filters or summarize.",
                at: span
            )
        }
    }
}

/// What a name is bound to while a query runs.
enum Binding: Sendable {
    case scalar(Vector)
    case tabular(Relation)
    case function([Parameter], [Statement], Environment)
}

/// The `let` names visible at a point of the query.
struct Environment: Sendable {
    var bindings: [String: Binding] = [:]
    /// Query properties of `set Name = Value;` statements (`query_bin_auto_size` for `bin_auto`).
    var properties: [String: Expression] = [:]
}

/// The rows an expression is evaluated over: a chunk of a relation, or (outside operators) a single row.
struct RowScope {
    let schema: [ColumnSchema]
    let chunk: Chunk
    let environment: Environment
    /// The rows of a `serialize`d relation before this chunk, for `row_number()`.
    var rowOffset = 0
    /// The steps' states while a `scan` checks a row (`Step.Column`).
    var scanState: ScanStateView?

    init(schema: [ColumnSchema], chunk: Chunk, environment: Environment, rowOffset: Int = 0) {
        self.schema = schema
        self.chunk = chunk
        self.environment = environment
        self.rowOffset = rowOffset
    }

    /// One row without columns.
    init(environment: Environment) {
        self.init(schema: [], chunk: Chunk(computed: [], count: 1), environment: environment)
    }

    var count: Int { chunk.count }

    func column(_ name: String) -> Vector? {
        guard let index = schema.firstIndex(where: { $0.name == name }) else { return nil }
        return chunk.vector(index, type: schema[index].type)
    }
}

/// A scalar or tabular value.
enum Evaluated {
    case scalar(Vector)
    case tabular(Relation)
}

/// The bounds on one query's work.
public struct QueryBudget: Sendable {
    /// Checked in every operator loop; true stops the query with ``DiagnosticCode/limitExceeded``.
    public var shouldStop: @Sendable () -> Bool
    /// The largest intermediate result, in cells (rows × columns), a join, expansion or aggregation may build.
    public var maxCells: Int
    /// Rows of the result to build (the rest are counted, not built); nil builds all.
    public var resultRows: Int?

    public init(shouldStop: @escaping @Sendable () -> Bool = { false }, maxCells: Int = 60_000_000, resultRows: Int? = nil) {
        self.shouldStop = shouldStop
        self.maxCells = maxCells
        self.resultRows = resultRows
    }
}
