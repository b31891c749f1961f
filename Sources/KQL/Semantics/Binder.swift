/// Resolves a parsed query against a catalog: table and column names, operand types, and constants
/// (`ago()` and `now()` are folded with the query's fixed `now`).
public struct Binder {
    private let catalog: any Catalog
    private let now: Int64

    /// - Parameter now: the query's `now()` in ticks; Kusto fixes it for the whole query.
    public init(catalog: any Catalog, now: Int64) {
        self.catalog = catalog
        self.now = now
    }

    public func bind(_ query: QueryAST) throws(KQLError) -> LogicalPlan {
        for statement in query.statements {
            guard case .query = statement.kind else {
                throw KQLError(.unsupported, "Statements other than one tabular expression are not supported yet.", at: statement.span)
            }
        }
        guard let body = query.body else { throw KQLError(.syntaxError, "The query has no tabular expression.", at: SourceSpan(start: 0, end: 0)) }
        return try bindTabular(body)
    }

    /// A table name followed by piped operators.
    private func bindTabular(_ expression: Expression) throws(KQLError) -> LogicalPlan {
        switch expression.kind {
        case .name(let name):
            guard let table = catalog.table(named: name) else {
                throw KQLError(.unknownTable, "Failed to resolve table or column expression named '\(name)'.", at: expression.span)
            }
            return .scan(table)
        case .pipe(let input, let op):
            return try bind(op, over: try bindTabular(input))
        case .source(let op):
            throw KQLError(.unsupported, "The '\(op.keyword.name)' operator is not supported yet.", at: op.keyword.span)
        default:
            throw KQLError(.unsupported, "Only a table followed by operators is supported yet.", at: expression.span)
        }
    }

    private func bind(_ op: TabularOperator, over input: LogicalPlan) throws(KQLError) -> LogicalPlan {
        let scope = input.schema
        switch op.kind {
        case .where(let predicate):
            let bound = try bind(predicate, in: scope, operator: op.keyword.name)
            guard bound.type == .bool else {
                throw KQLError(
                    .typeMismatch,
                    "'\(op.keyword.name)' operator: the predicate must be of type bool, not \(bound.type).",
                    at: predicate.span
                )
            }
            return .filter(input, bound)
        case .project(let items):
            var columns: [ProjectedColumn] = []
            for (index, item) in items.enumerated() {
                guard item.names.count <= 1 else {
                    throw KQLError(.invalidArgument, "'project' operator: one name per expression.", at: item.expression.span)
                }
                let bound = try bind(item.expression, in: scope, operator: "project")
                let name = item.names.first?.name ?? Self.derivedName(of: item.expression, position: index + 1)
                if columns.contains(where: { $0.column.name == name }) {
                    throw KQLError(
                        .invalidArgument,
                        "'project' operator: the column name '\(name)' is used more than once.",
                        at: item.expression.span
                    )
                }
                columns.append(ProjectedColumn(column: ColumnSchema(name: name, type: bound.type), expression: bound))
            }
            return .project(input, columns)
        case .take(let count):
            guard case .constant(let value, _) = try bind(count, in: scope, operator: op.keyword.name), case .long(let rows) = value, rows >= 0 else {
                throw KQLError(
                    .invalidArgument,
                    "'\(op.keyword.name)' operator: the row count must be a non-negative integer constant.",
                    at: count.span
                )
            }
            return .take(input, Int(clamping: rows))
        case .count(nil):
            return .count(input)
        default:
            throw KQLError(.unsupported, "The '\(op.keyword.name)' operator is not supported yet.", at: op.keyword.span)
        }
    }

    /// A bare column keeps its name; any other unnamed expression is `Column<n>`.
    private static func derivedName(of expression: Expression, position: Int) -> String {
        if case .name(let name) = expression.kind { return name }
        return "Column\(position)"
    }

    // MARK: Scalars

    func bind(_ expression: Expression, in scope: TableSchema, operator op: String) throws(KQLError) -> BoundExpression {
        switch expression.kind {
        case .literal(let literal):
            return Self.constant(literal)
        case .name(let name):
            guard let index = scope.columnIndex(name) else {
                throw KQLError(.unknownName, "'\(op)' operator: Failed to resolve scalar expression named '\(name)'.", at: expression.span)
            }
            return .column(index, scope.columns[index].type)
        case .negate(let operand):
            let bound = try bind(operand, in: scope, operator: op)
            guard bound.type.isNumeric || bound.type == .timespan else {
                throw KQLError(.typeMismatch, "Cannot negate a value of type \(bound.type).", at: expression.span)
            }
            return Folding.fold(.negate(bound))
        case .binary(let symbol, let lhs, let rhs):
            let left = try bind(lhs, in: scope, operator: op)
            let right = try bind(rhs, in: scope, operator: op)
            return try binary(symbol, left, right, span: expression.span)
        case .inList(let word, let lhs, let items) where ["in", "!in", "in~", "!in~"].contains(word):
            let left = try bind(lhs, in: scope, operator: op)
            var values: [ScalarValue] = []
            for item in items {
                guard case .constant(let value, let type) = try bind(item, in: scope, operator: op) else {
                    throw KQLError(.unsupported, "Only constant values are supported in '\(word)' lists yet.", at: item.span)
                }
                guard Typing.comparable(left.type, type) else {
                    throw KQLError(.typeMismatch, "'\(word)': cannot compare \(left.type) with \(type).", at: item.span)
                }
                values.append(value)
            }
            return .membership(left, values, caseSensitive: !word.hasSuffix("~"), negated: word.hasPrefix("!"))
        case .call(let function, let arguments):
            var bound: [BoundExpression] = []
            for argument in arguments { bound.append(try bind(argument, in: scope, operator: op)) }
            return try ScalarFunctions.bind(function, bound, now: now, span: expression.span)
        default:
            throw KQLError(.unsupported, "This expression is not supported yet.", at: expression.span)
        }
    }

    private func binary(_ symbol: String, _ left: BoundExpression, _ right: BoundExpression, span: SourceSpan) throws(KQLError) -> BoundExpression {
        switch symbol {
        case "and", "or":
            guard left.type == .bool, right.type == .bool else {
                throw KQLError(.typeMismatch, "'\(symbol)' needs bool operands, not \(left.type) and \(right.type).", at: span)
            }
            return symbol == "and" ? .and(left, right) : .or(left, right)
        case "+", "-", "*", "/", "%":
            let op = ArithmeticOperator(rawValue: symbol)!
            guard let type = Typing.arithmetic(op, left.type, right.type) else {
                throw KQLError(.typeMismatch, "Operator '\(symbol)' cannot be applied to \(left.type) and \(right.type).", at: span)
            }
            return Folding.fold(.arithmetic(op, left, right, type))
        default:
            if let comparison = Comparison(rawValue: symbol) {
                guard Typing.comparable(left.type, right.type) else {
                    throw KQLError(
                        .typeMismatch,
                        "Cannot compare values of types \(left.type) and \(right.type). Try adding explicit casts.",
                        at: span
                    )
                }
                return .compare(comparison, left, right)
            }
            guard let predicate = TextPredicate.named(symbol) else {
                throw KQLError(.unsupported, "The '\(symbol)' operator is not supported yet.", at: span)
            }
            guard left.type.isTextual || left.isNullConstant, right.type.isTextual || right.isNullConstant else {
                throw KQLError(.typeMismatch, "'\(symbol)' needs string operands, not \(left.type) and \(right.type).", at: span)
            }
            return .text(predicate, left, right)
        }
    }

    static func constant(_ value: ScalarValue) -> BoundExpression {
        switch value {
        case .null: .constant(.null, .dynamic)
        case .bool: .constant(value, .bool)
        case .long: .constant(value, .long)
        case .real: .constant(value, .real)
        case .string: .constant(value, .string)
        case .datetime: .constant(value, .datetime)
        case .timespan: .constant(value, .timespan)
        }
    }
}

extension BoundExpression {
    var isNullConstant: Bool { self == .constant(.null, .dynamic) }
}

/// Which operand types operators accept, and what arithmetic yields.
enum Typing {
    static func comparable(_ a: ScalarType, _ b: ScalarType) -> Bool {
        if a == .dynamic || b == .dynamic { return true }
        if a.isNumeric && b.isNumeric { return true }
        if a.isTextual && b.isTextual { return true }
        return a == b
    }

    static func arithmetic(_ op: ArithmeticOperator, _ a: ScalarType, _ b: ScalarType) -> ScalarType? {
        switch (a, b) {
        case _ where a.isNumeric && b.isNumeric:
            return (a == .real || b == .real || a == .decimal || b == .decimal) ? .real : ((a == .int && b == .int) ? .int : .long)
        case (.datetime, .timespan) where op == .add || op == .subtract: return .datetime
        case (.timespan, .datetime) where op == .add: return .datetime
        case (.datetime, .datetime) where op == .subtract: return .timespan
        case (.timespan, .timespan) where op == .add || op == .subtract: return .timespan
        case (.timespan, .timespan) where op == .divide: return .real
        case (.timespan, _) where b.isNumeric && (op == .multiply || op == .divide): return .timespan
        case (_, .timespan) where a.isNumeric && op == .multiply: return .timespan
        default: return nil
        }
    }
}
