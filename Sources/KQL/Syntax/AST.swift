/// A parsed query text: `;`-separated statements, usually `let`s followed by one tabular expression.
public struct QueryAST: Sendable, Equatable {
    public let statements: [Statement]

    /// The last tabular statement: the result the query returns.
    public var body: Expression? {
        statements.last { if case .query = $0.kind { true } else { false } }.flatMap {
            if case .query(let expression) = $0.kind { expression } else { nil }
        }
    }
}

public struct Statement: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `let name = expression` (a scalar, a tabular expression, or a function).
        case `let`(Identifier, Expression)
        /// A tabular (or, rarely, scalar) expression whose result the query returns.
        case query(Expression)
        /// `set option = value` and `set option`.
        case set(Identifier, Expression?)
        /// `declare query_parameters(name:type = default, …)`.
        case declare([Parameter])
        /// `alias database x = cluster(…).database(…)` and other administrative statements, kept as text.
        case other(String)
    }

    public let kind: Kind
    public let span: SourceSpan
}

public struct Identifier: Sendable, Equatable {
    public let name: String
    public let span: SourceSpan

    public init(name: String, span: SourceSpan) {
        self.name = name
        self.span = span
    }
}

/// A function parameter: `name: type = default`, or a tabular one, `T: (Col: type, *)`.
public struct Parameter: Sendable, Equatable {
    public let name: Identifier
    /// A scalar type name, nil for a tabular parameter.
    public let type: String?
    /// The columns a tabular parameter requires (a `*` entry allows more).
    public let tabularColumns: [ColumnDeclaration]?
    public let defaultValue: Expression?
}

/// `name: type` in `datatable`, `externaldata`, `parse-kv` and tabular parameters.
public struct ColumnDeclaration: Sendable, Equatable {
    public let name: Identifier
    public let type: String
}

/// A scalar or tabular expression with its source span. KQL's grammar does not separate the two: a name may be a
/// column, a `let` variable or a table, and `|` applies a tabular operator to whatever is on its left.
public indirect enum ExpressionKind: Sendable, Equatable {
    /// A constant; datetimes and timespans are in 100 ns ticks.
    case literal(ScalarValue)
    /// `guid(…)`, `decimal(…)` and other typed literals kept as text with their type.
    case typedLiteral(type: String, text: String)
    /// `dynamic(…)`.
    case dynamic(DynamicLiteral)
    /// A column, variable, table or parameter name (also `$left`, `$right`, and bracketed `['a b']`).
    case name(String)
    /// `*` as a column wildcard or an argument (`count(*)`, `arg_max(T, *)`).
    case star
    /// A name pattern with `*` wildcards (`Device*` in `union`, `project-away`).
    case pattern(String)
    /// `f(args)`; arguments may be named (`name = value`).
    case call(Identifier, [Expression])
    /// A named argument or assignment inside a call: `f(x = 1)`.
    case namedArgument(Identifier, Expression)
    /// Binary operators, symbolic or word (`==`, `has`, `!contains`, `and`, `+`, `matches regex` …).
    case binary(String, Expression, Expression)
    /// `x in (a, b)`, `x !in~ (…)`, `x has_any (…)`, `x has_all (…)`; the list may hold a tabular expression.
    case inList(String, Expression, [Expression])
    /// `x between (low .. high)`, `x !between (…)`.
    case between(String, Expression, Expression, Expression)
    /// Unary minus.
    case negate(Expression)
    /// `a.b`.
    case member(Expression, Identifier)
    /// `a[i]`, `a["key"]`.
    case index(Expression, Expression)
    /// `input | operator`.
    case pipe(Expression, TabularOperator)
    /// A tabular source that is an operator without input: `print`, `range`, `datatable`, `union`, `search`, `find`,
    /// `externaldata`, `evaluate`.
    case source(TabularOperator)
    /// `(params) { statements }` functions and `view () { … }`.
    case function([Parameter], [Statement], isView: Bool)
    /// Operators without a named input, as in `mv-apply … on ( … )` and `join ( … )` subqueries starting with `|`-less
    /// operators: `(where x | take 1)` applied to the implicit input.
    case subquery([TabularOperator])
    /// Text that could not be parsed; a diagnostic says why.
    case error
}

public struct Expression: Sendable, Equatable {
    public let kind: ExpressionKind
    public let span: SourceSpan

    public init(kind: ExpressionKind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }
}

/// The value of a `dynamic(…)` literal.
public indirect enum DynamicLiteral: Sendable, Equatable {
    case null
    case scalar(ScalarValue)
    case array([DynamicLiteral])
    case object([(String, DynamicLiteral)])

    public static func == (lhs: DynamicLiteral, rhs: DynamicLiteral) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.scalar(let a), .scalar(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: false
        }
    }
}

/// `name = expression`, `(a, b) = expression`, or a bare expression named after it.
public struct NamedExpression: Sendable, Equatable {
    public let names: [Identifier]
    public let expression: Expression

    public init(names: [Identifier], expression: Expression) {
        self.names = names
        self.expression = expression
    }
}

/// `expression [asc|desc] [nulls first|last]`.
public struct SortKey: Sendable, Equatable {
    public let expression: Expression
    public let ascending: Bool?
    public let nullsFirst: Bool?
}

/// `name = value` operator options: `kind=inner`, `hint.strategy=shuffle`, `withsource=T`, `isfuzzy=true`.
public struct OperatorParameter: Sendable, Equatable {
    public let name: Identifier
    public let value: Expression
}

extension [OperatorParameter] {
    /// The value of option `name` as text (a name, string, bool or number), nil when absent or not a constant.
    func option(_ name: String) -> String? {
        guard let parameter = first(where: { $0.name.name == name }) else { return nil }
        switch parameter.value.kind {
        case .name(let value): return value
        case .literal(.string(let value)): return value
        case .literal(.bool(let value)): return String(value)
        case .literal(.long(let value)): return String(value)
        default: return nil
        }
    }
}

/// One operator after a `|` (or an input-less source operator).
public struct TabularOperator: Sendable, Equatable {
    public let kind: OperatorKind
    /// The operator's keyword (`project-away`, `mv-expand` …).
    public let keyword: Identifier
    public let span: SourceSpan
}

public indirect enum OperatorKind: Sendable, Equatable {
    case `where`(Expression)
    case project([NamedExpression])
    case extend([NamedExpression])
    /// `project-away`, `project-keep`: column names or wildcard patterns.
    case projectAway([Expression])
    case projectKeep([Expression])
    /// `project-rename New = Old, …`.
    case projectRename([NamedExpression])
    /// `project-reorder Col [asc|desc], …`.
    case projectReorder([SortKey])
    case summarize(parameters: [OperatorParameter], aggregates: [NamedExpression], by: [NamedExpression])
    case count(as: Identifier?)
    case take(Expression)
    case top(count: Expression, by: [SortKey], withOthers: Expression?)
    /// `top-nested`: each level `N of Expr [with others = V] by Agg [asc|desc]`.
    case topNested([TopNestedLevel])
    case sort([SortKey])
    case distinct([NamedExpression])
    case join(parameters: [OperatorParameter], right: Expression, on: [Expression])
    case lookup(parameters: [OperatorParameter], right: Expression, on: [Expression])
    case union(parameters: [OperatorParameter], tables: [Expression])
    case mvExpand(parameters: [OperatorParameter], items: [MvExpandItem], limit: Expression?)
    case mvApply(parameters: [OperatorParameter], items: [MvExpandItem], on: Expression)
    case parse(kind: ParseKind, parameters: [OperatorParameter], input: Expression, pattern: [ParsePatternPart])
    case parseKV(input: Expression, columns: [ColumnDeclaration], parameters: [OperatorParameter])
    case evaluate(parameters: [OperatorParameter], plugin: Expression)
    case makeSeries(
        parameters: [OperatorParameter],
        aggregates: [NamedExpression],
        on: Expression,
        from: Expression?,
        to: Expression?,
        step: Expression,
        by: [NamedExpression]
    )
    case render(visualization: Identifier, properties: [OperatorParameter])
    case serialize([NamedExpression])
    case `as`(parameters: [OperatorParameter], name: Identifier)
    case invoke(Expression)
    case getschema
    case sample(Expression)
    case sampleDistinct(count: Expression, of: Expression)
    case search(parameters: [OperatorParameter], tables: [Expression], predicate: Expression)
    case find(parameters: [OperatorParameter], tables: [Expression], predicate: Expression, project: [NamedExpression])
    case print([NamedExpression])
    case range(name: Identifier, from: Expression, to: Expression, step: Expression)
    case datatable(columns: [ColumnDeclaration], values: [Expression])
    case externaldata(columns: [ColumnDeclaration], uris: [Expression], parameters: [OperatorParameter])
    case facet(by: [Expression], with: Expression?)
    case fork([Expression])
    case partition(parameters: [OperatorParameter], by: Expression, body: Expression)
    case scan(ScanDefinition)
    case consume
}

public struct TopNestedLevel: Sendable, Equatable {
    public let count: Expression?
    public let of: NamedExpression
    public let withOthers: Expression?
    public let by: NamedExpression
    public let ascending: Bool?
}

/// `[name =] expression [to typeof(type)]` of `mv-expand` and `mv-apply`.
public struct MvExpandItem: Sendable, Equatable {
    public let name: Identifier?
    public let expression: Expression
    public let type: String?
}

public enum ParseKind: Sendable, Equatable {
    case parse, parseWhere
}

/// One piece of a `parse` pattern: literal text to match, or a column to capture (`name [: type]`), or `*`.
public enum ParsePatternPart: Sendable, Equatable {
    case text(String)
    case column(Identifier, type: String?)
    case wildcard
}

/// `scan [with_match_id=Name] [declare (Name: type [= default], …)] with (step …; …)`.
public struct ScanDefinition: Sendable, Equatable {
    public let parameters: [OperatorParameter]
    public let declared: [Parameter]
    public let steps: [ScanStep]
}

/// `step Name [output=all|last|none]: Condition [=> Column = Assignment, …];`
public struct ScanStep: Sendable, Equatable {
    public enum Output: String, Sendable {
        case all, last, none
    }

    public let name: Identifier
    public let output: Output
    public let condition: Expression
    public let assignments: [NamedExpression]
}
