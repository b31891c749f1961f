/// The columns of a tabular value. An open schema may have more columns than it lists (after `bag_unpack`,
/// `pivot`, `search`), so names it does not list are not errors.
public struct RowSchema: Sendable, Equatable {
    public var columns: [ColumnSchema]
    public var isOpen: Bool
    /// Whether the rows have an order that `prev`, `next`, `row_number` and `row_cumsum` may rely on.
    var isSerialized = false

    public init(columns: [ColumnSchema], isOpen: Bool = false) {
        self.columns = columns
        self.isOpen = isOpen
    }

    static let open = RowSchema(columns: [], isOpen: true)

    func column(_ name: String) -> ColumnSchema? { columns.first { $0.name == name } }

    /// Adds a column, or replaces the one with the same name in place.
    mutating func set(_ column: ColumnSchema) {
        if let index = columns.firstIndex(where: { $0.name == column.name }) {
            columns[index] = column
        } else {
            columns.append(column)
        }
    }

    /// A name not used yet: `name`, else `name` with the smallest number appended that is free (`count_` →
    /// `count_1`), as Kusto names duplicate columns.
    func unusedName(_ name: String) -> String {
        guard column(name) != nil else { return name }
        var suffix = 1
        while column("\(name)\(suffix)") != nil { suffix += 1 }
        return "\(name)\(suffix)"
    }
}

/// What an expression denotes: a scalar of a type (nil after an error: nothing more is reported about it), or a
/// tabular value with its columns.
enum Value: Equatable {
    case scalar(ScalarType?)
    case tabular(RowSchema)

    static let unknown = Value.scalar(nil)

    var scalarType: ScalarType? {
        if case .scalar(let type) = self { return type }
        return nil
    }
}

/// The result of analyzing a query: every semantic diagnostic and the schema of the result.
public struct Analysis: Sendable {
    public let diagnostics: [Diagnostic]
    /// The columns of the query's result, when it has a tabular result.
    public let schema: RowSchema?
}

/// Resolves a parsed query against a catalog without running it: names of tables, columns, variables and
/// functions, the type of every expression and the columns every operator produces. Errors are collected, not
/// thrown: an expression with an error gets an unknown type and causes no further diagnostics.
public final class Analyzer {
    let catalog: any Catalog
    var diagnostics: [Diagnostic] = []
    /// `let` names in scope, innermost last.
    var scopes: [[String: Binding]] = [[:]]
    /// The user functions being expanded, outermost first (KQL functions cannot recurse).
    var calls: [String] = []
    /// The value of each function expansion already analyzed.
    var expansions: [String: Value] = [:]
    /// The two inputs while a join's `on` clause is analyzed (`$left.X`, `$right.Y`).
    var joinSides: (left: RowSchema, right: RowSchema)?
    /// The step names of a `scan` while its steps are analyzed (`Step.Column` reads that step's state).
    var scanSteps: Set<String> = []

    enum Binding {
        case value(Value)
        case function([Parameter], [Statement])
    }

    public init(catalog: any Catalog) {
        self.catalog = catalog
    }

    public func analyze(_ ast: QueryAST) -> Analysis {
        diagnostics = []
        scopes = [[:]]
        calls = []
        expansions = [:]
        var result: RowSchema?
        for statement in ast.statements {
            if case .tabular(let schema) = analyze(statement) { result = schema }
        }
        return Analysis(diagnostics: diagnostics, schema: result)
    }

    /// Analyzes a statement, binding `let` names; returns the value of a query statement.
    @discardableResult
    func analyze(_ statement: Statement) -> Value? {
        switch statement.kind {
        case .let(let name, let value):
            if case .function(let parameters, let body, _) = value.kind {
                bind(name.name, .function(parameters, body))
            } else {
                bind(name.name, .value(analyze(value, row: nil)))
            }
            return nil
        case .query(let expression):
            return analyze(expression, row: nil)
        case .declare(let parameters):
            for parameter in parameters { bind(parameter.name.name, .value(.scalar(parameter.type.flatMap(ScalarType.init(schemaName:))))) }
            return nil
        case .set, .other:
            return nil
        }
    }

    func bind(_ name: String, _ binding: Binding) {
        scopes[scopes.count - 1][name] = binding
    }

    func lookup(_ name: String) -> Binding? {
        for scope in scopes.reversed() {
            if let binding = scope[name] { return binding }
        }
        return nil
    }

    func report(_ code: DiagnosticCode, _ message: String, at span: SourceSpan) {
        diagnostics.append(Diagnostic(code, message, at: span))
    }

    func unknownName(_ name: String, at span: SourceSpan) {
        report(.unknownName, "The name '\(name)' does not refer to any known column, table, variable or function.", at: span)
    }

    /// The tabular value of `expression`, or nil (with a diagnostic) when it is scalar.
    func tabular(_ expression: Expression, row: RowSchema?) -> RowSchema {
        if case .name(let name) = expression.kind, row?.column(name) == nil, lookup(name) == nil, catalog.table(named: name) == nil {
            report(.unknownTable, "Failed to resolve table or column expression named '\(name)'.", at: expression.span)
            return .open
        }
        switch analyze(expression, row: row) {
        case .tabular(let schema): return schema
        case .scalar(nil): return .open
        case .scalar(let type?):
            report(.typeMismatch, "A tabular expression is expected here, not a value of type \(type).", at: expression.span)
            return .open
        }
    }

    /// Calls a user function (`let f = (…) { … }`) with its parameters bound to the arguments' values.
    func invoke(
        _ name: String,
        _ parameters: [Parameter],
        _ body: [Statement],
        arguments: [Value],
        input: RowSchema?,
        at span: SourceSpan
    )
        -> Value
    {
        guard !calls.contains(name) else {
            report(.invalidArgument, "The function '\(name)' calls itself; KQL functions cannot be recursive.", at: span)
            return .unknown
        }
        // A function is expanded once per argument shape, so calls nested in calls cannot multiply the work.
        let key = "\(name)|\(arguments)|\(String(describing: input))"
        if let known = expansions[key] { return known }
        calls.append(name)
        scopes.append([:])
        defer {
            scopes.removeLast()
            calls.removeLast()
        }
        var remaining = arguments[...]
        for parameter in parameters {
            if parameter.tabularColumns != nil, let input {
                bind(parameter.name.name, .value(.tabular(input)))
                continue
            }
            let argument = remaining.popFirst() ?? parameter.defaultValue.map { analyze($0, row: nil) } ?? .unknown
            bind(parameter.name.name, .value(argument))
        }
        var result: Value = .unknown
        for statement in body {
            if let value = analyze(statement) { result = value }
        }
        expansions[key] = result
        return result
    }
}
