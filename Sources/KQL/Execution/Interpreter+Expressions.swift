/// Scalar and tabular expressions.
extension Interpreter {
    func evaluate(_ expression: Expression, in scope: RowScope) throws(KQLError) -> Evaluated {
        switch expression.kind {
        case .literal(let value):
            return .scalar(.constant(value, Self.type(of: value), count: scope.count))
        case .typedLiteral(let type, let text):
            let scalarType = ScalarType(schemaName: type) ?? .string
            let value: ScalarValue = text == "null" || text.isEmpty ? .null : Conversions.convert(.string(text), to: scalarType)
            return .scalar(.constant(value, scalarType, count: scope.count))
        case .dynamic(let literal):
            return .scalar(.constant(Conversions.dynamic(.dynamic(Self.dynamic(literal))), .dynamic, count: scope.count))
        case .name(let name):
            return try resolve(name, in: scope, at: expression.span)
        case .namedArgument(_, let value):
            return try evaluate(value, in: scope)
        case .call(let function, let arguments):
            return try call(function, arguments, in: scope, at: expression.span)
        case .binary(let op, let lhs, let rhs):
            return .scalar(try binary(op, lhs, rhs, in: scope, at: expression.span))
        case .inList(let op, let lhs, let items):
            return .scalar(try membership(op, lhs, items, in: scope))
        case .between(let op, let value, let low, let high):
            let v = try scalar(value, in: scope)
            let lowVector = try scalar(low, in: scope)
            let highVector = try scalar(high, in: scope)
            let negated = op.hasPrefix("!")
            return .scalar(
                Kernels.map3(v, lowVector, highVector, type: .bool) { x, l, h in
                    guard let lower = ScalarOps.order(x, l), let upper = ScalarOps.order(x, h) else { return .null }
                    return .bool((lower >= 0 && upper <= 0) != negated)
                }
            )
        case .negate(let operand):
            let vector = try scalar(operand, in: scope)
            return .scalar(Kernels.map(vector, type: vector.type) { ScalarOps.negate($0) })
        case .member(let base, let member):
            if let state = scope.scanState, case .name(let step) = base.kind, scope.column(step) == nil,
                let value = state.value(step: step, column: member.name)
            {
                return .scalar(value)
            }
            let vector = try scalar(base, in: scope)
            return .scalar(Kernels.map(vector, type: .dynamic) { Self.member(of: $0, member.name) })
        case .index(let base, let index):
            let vector = try scalar(base, in: scope)
            let key = try scalar(index, in: scope)
            return .scalar(
                Kernels.map2(vector, key, type: .dynamic) { value, key in
                    switch key.unwrapped {
                    case .long(let position): return Self.element(of: value, position)
                    case .string(let name): return Self.member(of: value, name)
                    default: return .null
                    }
                }
            )
        case .pipe(let input, let op):
            return .tabular(try apply(op, to: try tabular(input, in: scope), in: scope.environment))
        case .source(let op):
            return .tabular(try apply(op, to: nil, in: scope.environment))
        case .star, .pattern, .function, .subquery, .error:
            throw KQLError(.unsupported, "This expression cannot be evaluated here.", at: expression.span)
        }
    }

    func scalar(_ expression: Expression, in scope: RowScope) throws(KQLError) -> Vector {
        switch try evaluate(expression, in: scope) {
        case .scalar(let vector): return vector
        case .tabular(let relation):
            // A one-column table used as a value (`toscalar` implied in some positions) gives its first cell.
            guard relation.schema.count == 1 else {
                throw KQLError(.typeMismatch, "A scalar value is expected here, not a table.", at: expression.span)
            }
            let column = relation.column(0)
            return .constant(column.count > 0 ? column.value(at: 0) : .null, relation.schema[0].type, count: scope.count)
        }
    }

    func tabular(_ expression: Expression, in scope: RowScope) throws(KQLError) -> Relation {
        guard case .tabular(let relation) = try evaluate(expression, in: scope) else {
            throw KQLError(.typeMismatch, "A tabular expression is expected here.", at: expression.span)
        }
        return relation
    }

    /// A constant's value outside any row.
    func constant(_ expression: Expression, in environment: Environment) throws(KQLError) -> ScalarValue {
        let vector = try scalar(expression, in: RowScope(environment: environment))
        return vector.count > 0 ? vector.value(at: 0) : .null
    }

    static func type(of value: ScalarValue) -> ScalarType { Analyzer.type(of: value) }

    static func dynamic(_ literal: DynamicLiteral) -> DynamicValue {
        switch literal {
        case .null: .null
        case .scalar(let value): value.asDynamic
        case .array(let items): .array(items.map(dynamic))
        case .object(let members): .bag(PropertyBag(members.map { ($0.0, dynamic($0.1)) }))
        }
    }

    static func member(of value: ScalarValue, _ name: String) -> ScalarValue {
        switch value {
        case .dynamic(let dynamic): return Conversions.dynamic(.dynamic(dynamic[name]))
        case .string(let text):
            // Columns documented as string often hold JSON; Kusto reads members of them.
            guard case .bag(let bag)? = DynamicValue.parse(json: text) else { return .null }
            return Conversions.dynamic(.dynamic(bag[name] ?? .null))
        default: return .null
        }
    }

    static func element(of value: ScalarValue, _ position: Int64) -> ScalarValue {
        switch value {
        case .dynamic(let dynamic): return Conversions.dynamic(.dynamic(dynamic[position]))
        case .string(let text):
            guard let parsed = DynamicValue.parse(json: text) else { return .null }
            return Conversions.dynamic(.dynamic(parsed[position]))
        default: return .null
        }
    }

    /// A name: a column of the row, then a `let` name, then a catalog table.
    private func resolve(_ name: String, in scope: RowScope, at span: SourceSpan) throws(KQLError) -> Evaluated {
        if let column = scope.column(name) { return .scalar(column) }
        switch scope.environment.bindings[name] {
        case .scalar(let vector)?: return .scalar(Self.fit(vector, to: scope.count))
        case .tabular(let relation)?: return .tabular(relation)
        case .function(let parameters, let body, let environment)?:
            return try invoke(name, parameters, body, environment, arguments: [], input: nil, in: scope, at: span)
        case nil: break
        }
        if let table = catalog.table(named: name) { return .tabular(try scan(table)) }
        throw KQLError(.unknownName, "The name '\(name)' does not refer to any known column, table, variable or function.", at: span)
    }

    /// A bound value used over `count` rows: constants stretch; row values must already match.
    static func fit(_ vector: Vector, to count: Int) -> Vector {
        if let value = vector.constantValue { return .constant(value, vector.type, count: count) }
        if vector.count == 1, count != 1 { return .constant(vector.value(at: 0), vector.type, count: count) }
        return vector
    }

    /// Calls a user function: parameters bound to the arguments (row values or tables), then its statements.
    func invoke(
        _ name: String,
        _ parameters: [Parameter],
        _ body: [Statement],
        _ definition: Environment,
        arguments: [Expression],
        input: Relation?,
        in scope: RowScope,
        at span: SourceSpan
    ) throws(KQLError) -> Evaluated {
        var environment = definition
        // The function's own name stays visible to its body only through the definition scope (no recursion).
        var remaining = arguments[...]
        for parameter in parameters {
            if parameter.tabularColumns != nil, let input {
                environment.bindings[parameter.name.name] = .tabular(input)
                continue
            }
            if let argument = remaining.popFirst() {
                switch try evaluate(argument, in: scope) {
                case .scalar(let vector): environment.bindings[parameter.name.name] = .scalar(vector)
                case .tabular(let relation): environment.bindings[parameter.name.name] = .tabular(relation)
                }
            } else if let fallback = parameter.defaultValue {
                environment.bindings[parameter.name.name] = .scalar(try scalar(fallback, in: RowScope(environment: definition)))
            } else {
                throw KQLError(.invalidArgument, "The function '\(name)' needs a value for '\(parameter.name.name)'.", at: span)
            }
        }
        var result: Evaluated?
        let inner = RowScope(schema: scope.schema, chunk: scope.chunk, environment: environment, rowOffset: scope.rowOffset)
        var innerEnvironment = environment
        for statement in body {
            switch statement.kind {
            case .let(let letName, let value):
                let letScope = RowScope(schema: inner.schema, chunk: inner.chunk, environment: innerEnvironment)
                if case .function(let p, let b, _) = value.kind {
                    innerEnvironment.bindings[letName.name] = .function(p, b, innerEnvironment)
                } else {
                    switch try evaluate(value, in: letScope) {
                    case .scalar(let vector): innerEnvironment.bindings[letName.name] = .scalar(vector)
                    case .tabular(let relation): innerEnvironment.bindings[letName.name] = .tabular(relation)
                    }
                }
            case .query(let expression):
                result = try evaluate(expression, in: RowScope(schema: inner.schema, chunk: inner.chunk, environment: innerEnvironment))
            default:
                continue
            }
        }
        guard let result else { throw KQLError(.invalidArgument, "The function '\(name)' returns nothing.", at: span) }
        if case .scalar(let vector) = result { return .scalar(Self.fit(vector, to: scope.count)) }
        return result
    }
}
