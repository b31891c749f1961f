/// A parsed query: the tabular expression whose result the query returns.
public struct QueryAST: Sendable, Equatable {
    public let body: TabularExpression
}

/// A table followed by piped operators: `DeviceProcessEvents | where … | take 10`.
public struct TabularExpression: Sendable, Equatable {
    public let source: Identifier
    public let operators: [TabularOperator]
}

public struct Identifier: Sendable, Equatable {
    public let name: String
    public let span: SourceSpan
}

/// One operator after a `|`.
public struct TabularOperator: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case `where`(Expression)
        case project([ProjectItem])
        case take(Expression)
        case count
    }

    public let kind: Kind
    /// The operator's keyword.
    public let keyword: Identifier
}

/// `Name = expression`, or a bare expression that is named after it.
public struct ProjectItem: Sendable, Equatable {
    public let name: Identifier?
    public let expression: Expression
}

/// A scalar expression with its source span.
public indirect enum ExpressionKind: Sendable, Equatable {
    /// A constant; datetimes and timespans are in 100 ns ticks.
    case literal(ScalarValue)
    case name(String)
    /// `f(args)`; `datetime(…)` and `timespan(…)` literals are parsed into `.literal` instead.
    case call(Identifier, [Expression])
    /// Binary operators, symbolic or word (`==`, `has`, `!contains`, `and`, `+` …).
    case binary(String, Expression, Expression)
    /// `x in (a, b)`, `x !in~ (…)`.
    case inList(String, Expression, [Expression])
    case negate(Expression)
}

public struct Expression: Sendable, Equatable {
    public let kind: ExpressionKind
    public let span: SourceSpan
}
