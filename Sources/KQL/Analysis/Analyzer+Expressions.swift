/// Types of expressions. `row` is the input row of the operator the expression belongs to (nil outside operators).
extension Analyzer {
    func analyze(_ expression: Expression, row: RowSchema?, aggregates: Bool = false) -> Value {
        switch expression.kind {
        case .literal(let value): return .scalar(Self.type(of: value))
        case .typedLiteral(let type, _): return .scalar(ScalarType(schemaName: type))
        case .dynamic: return .scalar(.dynamic)
        case .name(let name): return resolve(name, row: row, span: expression.span)
        case .star, .pattern, .error, .function, .subquery: return .unknown
        case .namedArgument(_, let value): return analyze(value, row: row, aggregates: aggregates)
        case .call(let function, let arguments): return call(function, arguments, row: row, aggregates: aggregates, span: expression.span)
        case .binary(let op, let lhs, let rhs):
            let left = scalar(lhs, row: row, aggregates: aggregates)
            let right = scalar(rhs, row: row, aggregates: aggregates)
            // A string literal compared with a number or bool is converted (`LocalPort == "88"`).
            if Self.isStringLiteral(lhs) || Self.isStringLiteral(rhs), let left, let right,
                [left, right].contains(where: { $0.isNumeric || $0 == .bool })
            {
                return .scalar(.bool)
            }
            return .scalar(binary(op, left, right, span: expression.span))
        case .inList(_, let lhs, let items):
            _ = scalar(lhs, row: row, aggregates: aggregates)
            for item in items { _ = analyze(item, row: row, aggregates: aggregates) }
            return .scalar(.bool)
        case .between(_, let value, let low, let high):
            for part in [value, low, high] { _ = scalar(part, row: row, aggregates: aggregates) }
            return .scalar(.bool)
        case .negate(let operand):
            return .scalar(scalar(operand, row: row, aggregates: aggregates))
        case .member(let base, let member):
            if case .name(let side) = base.kind, side == "$left" || side == "$right" {
                return joinSide(side, member)
            }
            if case .name(let step) = base.kind, scanSteps.contains(step), row?.column(step) == nil {
                return .scalar(scalar(Expression(kind: .name(member.name), span: member.span), row: row, aggregates: aggregates))
            }
            return .scalar(dynamicAccess(base, row: row, aggregates: aggregates))
        case .index(let base, let index):
            _ = analyze(index, row: row, aggregates: aggregates)
            return .scalar(dynamicAccess(base, row: row, aggregates: aggregates))
        case .pipe(let input, let op):
            return .tabular(apply(op, to: tabular(input, row: row)))
        case .source(let op):
            return .tabular(apply(op, to: nil))
        }
    }

    /// A scalar operand: a tabular value here is an error.
    func scalar(_ expression: Expression, row: RowSchema?, aggregates: Bool = false) -> ScalarType? {
        switch analyze(expression, row: row, aggregates: aggregates) {
        case .scalar(let type): return type
        case .tabular:
            report(.typeMismatch, "A scalar value is expected here, not a table.", at: expression.span)
            return nil
        }
    }

    private static func isStringLiteral(_ expression: Expression) -> Bool {
        if case .literal(.string) = expression.kind { return true }
        return false
    }

    static func type(of value: ScalarValue) -> ScalarType {
        switch value {
        case .null, .dynamic: .dynamic
        case .bool: .bool
        case .long: .long
        case .real: .real
        case .string: .string
        case .datetime: .datetime
        case .timespan: .timespan
        }
    }

    /// A name: a column of the row, then a `let` name, then a table of the catalog.
    private func resolve(_ name: String, row: RowSchema?, span: SourceSpan) -> Value {
        if let column = row?.column(name) { return .scalar(column.type) }
        switch lookup(name) {
        case .value(let value): return value
        case .function(let parameters, let body) where parameters.allSatisfy({ $0.defaultValue != nil || $0.tabularColumns != nil }):
            return invoke(name, parameters, body, arguments: [], input: row, at: span)
        case .function: break
        case nil: break
        }
        if let table = catalog.table(named: name) { return .tabular(RowSchema(columns: table.columns)) }
        if row?.isOpen == true { return .unknown }
        unknownName(name, at: span)
        return .unknown
    }

    /// `d.a`, `d[0]`, `d["a"]`: members of dynamic values are dynamic.
    private func dynamicAccess(_ base: Expression, row: RowSchema?, aggregates: Bool) -> ScalarType? {
        guard let type = scalar(base, row: row, aggregates: aggregates) else { return nil }
        // Several advanced hunting columns are documented as string and hold JSON; Kusto accepts member access on them.
        return type == .dynamic || type == .string
            ? .dynamic
            : {
                report(.typeMismatch, "Member access and indexing need a dynamic value, not \(type).", at: base.span)
                return nil
            }()
    }

    private func joinSide(_ side: String, _ member: Identifier) -> Value {
        guard let sides = joinSides else {
            report(.unknownName, "'\(side)' may only be used in the 'on' clause of a join or lookup.", at: member.span)
            return .unknown
        }
        let schema = side == "$left" ? sides.left : sides.right
        if let column = schema.column(member.name) { return .scalar(column.type) }
        if schema.isOpen { return .unknown }
        report(.unknownName, "The \(side == "$left" ? "left" : "right") side of the join has no column '\(member.name)'.", at: member.span)
        return .unknown
    }

    private func binary(_ op: String, _ left: ScalarType?, _ right: ScalarType?, span: SourceSpan) -> ScalarType? {
        switch op {
        case "and", "or":
            for type in [left, right] where type != nil && type != .bool && type != .dynamic {
                report(.typeMismatch, "'\(op)' needs bool operands, not \(type!).", at: span)
                return nil
            }
            return .bool
        case "+", "-", "*", "/", "%":
            guard let left, let right else { return nil }
            if left == .dynamic || right == .dynamic { return .dynamic }
            guard let result = Typing.arithmetic(ArithmeticOperator(rawValue: op)!, left, right) else {
                report(.typeMismatch, "Operator '\(op)' cannot be applied to \(left) and \(right).", at: span)
                return nil
            }
            return result
        case "==", "!=", "<", "<=", ">", ">=", "=~", "!~":
            // Kusto compares bools with numbers (`IsSigned == 1`).
            let boolAndNumber = (left == .bool && right?.isNumeric == true) || (right == .bool && left?.isNumeric == true)
            if let left, let right, !Typing.comparable(left, right), !boolAndNumber {
                report(.typeMismatch, "Cannot compare values of types \(left) and \(right). Try adding explicit casts.", at: span)
            }
            return .bool
        default:
            // String predicates (`has`, `contains`, `startswith` …) take text on the right.
            if TextPredicate.named(op) != nil, let right, !right.isTextual {
                report(.typeMismatch, "The '\(op)' operator needs a string on its right, not \(right).", at: span)
            }
            return .bool
        }
    }

    // MARK: Calls

    private func call(_ function: Identifier, _ arguments: [Expression], row: RowSchema?, aggregates: Bool, span: SourceSpan) -> Value {
        let name = function.name
        if case .function(let parameters, let body) = lookup(name) {
            let values = arguments.map { analyze($0, row: row) }
            return invoke(name, parameters, body, arguments: values, input: nil, at: function.span)
        }
        if let provided = catalog.function(named: name) {
            for argument in arguments { _ = analyze(argument, row: row) }
            return .tabular(RowSchema(columns: provided.columns, isOpen: provided.isOpen))
        }
        switch name {
        case _ where ["prev", "next", "row_number", "row_cumsum"].contains(name) && row != nil && row?.isSerialized != true:
            report(
                .invalidArgument,
                "Function '\(name)' cannot be invoked in current context. Details: the row set must be serialized (add 'serialize' or 'sort' before).",
                at: function.span
            )
        case "typeof":
            // `typeof(string)` names a type; its argument is not an expression.
            return .scalar(.string)
        case "materialize", "view":
            return arguments.first.map { .tabular(tabular($0, row: row)) } ?? .unknown
        case "toscalar":
            guard let argument = arguments.first else { return .unknown }
            switch analyze(argument, row: row) {
            case .tabular(let schema): return .scalar(schema.columns.first?.type ?? (schema.isOpen ? nil : .dynamic))
            case .scalar(let type): return .scalar(type)
            }
        case "table":
            if case .literal(.string(let tableName)) = arguments.first?.kind {
                return resolve(tableName, row: nil, span: span)
            }
            return .tabular(.open)
        default:
            break
        }
        if let signature = FunctionCatalog.aggregate(name), FunctionCatalog.scalar(name) == nil {
            if !aggregates {
                report(
                    .invalidArgument,
                    "The aggregation function '\(name)' can be used only in summarize, make-series or top-nested.",
                    at: function.span
                )
            }
            return .scalar(result(signature, name: name, arguments: arguments, row: row, span: span, aggregates: false))
        }
        guard let signature = FunctionCatalog.scalar(name) else {
            report(.unknownFunction, "Unknown function: '\(name)'.", at: function.span)
            for argument in arguments { _ = analyze(argument, row: row) }
            return .unknown
        }
        return .scalar(result(signature, name: name, arguments: arguments, row: row, span: span, aggregates: aggregates))
    }

    /// Checks the argument count and computes the result type of a catalog function.
    func result(
        _ signature: FunctionCatalog.Signature,
        name: String,
        arguments: [Expression],
        row: RowSchema?,
        span: SourceSpan,
        aggregates: Bool
    ) -> ScalarType? {
        let types = arguments.map { argument -> ScalarType? in
            if case .star = argument.kind { return nil }
            return analyze(argument, row: row, aggregates: aggregates).scalarType
        }
        guard signature.arity.contains(arguments.count) else {
            let expected =
                signature.arity.lowerBound == signature.arity.upperBound
                ? "\(signature.arity.lowerBound)" : "\(signature.arity.lowerBound) to \(signature.arity.upperBound)"
            report(.invalidArgument, "Function '\(name)' expects \(expected) argument(s), not \(arguments.count).", at: span)
            return nil
        }
        return FunctionCatalog.resultType(signature, name: name, arguments: arguments, types: types)
    }
}
