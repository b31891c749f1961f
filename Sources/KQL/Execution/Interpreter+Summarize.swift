/// `summarize` (also behind `distinct`, `count`-like shapes and `top-nested`): hash aggregation by group keys.
extension Interpreter {
    func summarize(
        _ rows: Relation,
        aggregates items: [NamedExpression],
        by keys: [NamedExpression],
        in environment: Environment,
        at span: SourceSpan
    ) throws(KQLError) -> Relation {
        // Output naming follows the analyzer: keys first, then each aggregate's columns.
        var output = RowSchema(columns: [])
        var keyNames: [String] = []
        for (index, key) in keys.enumerated() {
            let name = key.names.first?.name ?? ColumnNaming.derived(key.expression) ?? output.unusedName("Column\(index + 1)")
            keyNames.append(name)
            output.set(ColumnSchema(name: name, type: .dynamic))
        }
        let groupNames = Set(keyNames)
        var calls: [AggregateCall] = []
        var finals: [(names: [String], expression: Expression?, call: Int)] = []
        for (index, item) in items.enumerated() {
            if case .call(let function, let arguments) = item.expression.kind, FunctionCatalog.multiColumnAggregates.contains(function.name) {
                let call = AggregateCall(function.name, arguments, schema: rows.schema, excluding: groupNames, names: item.names)
                var names: [String] = []
                for name in call.outputNames {
                    let unique = output.unusedName(name)
                    output.columns.append(ColumnSchema(name: unique, type: .dynamic))
                    names.append(unique)
                }
                finals.append((names, nil, calls.count))
                calls.append(call)
                continue
            }
            let rewritten = AggregateCall.extract(from: item.expression, schema: rows.schema, into: &calls)
            let names = item.names.isEmpty ? [ColumnNaming.aggregateName(item.expression, position: index + 1)] : item.names.map(\.name)
            let unique = names.map { name in
                let unique = output.unusedName(name)
                output.columns.append(ColumnSchema(name: unique, type: .dynamic))
                return unique
            }
            finals.append((unique, rewritten, -1))
        }

        // Aggregate chunk by chunk.
        let groups = GroupTable(hasKeys: !keys.isEmpty)
        var aggregators: [(any Aggregator)?] = Array(repeating: nil, count: calls.count)
        var keyTypes: [ScalarType] = keys.map { _ in .dynamic }
        let chunks = rows.chunks.isEmpty ? [Chunk(computed: rows.schema.map { VectorBuilder(type: $0.type).build() }, count: 0)] : rows.chunks
        for chunk in chunks {
            try checkBudget(at: span)
            let scope = RowScope(schema: rows.schema, chunk: chunk, environment: environment)
            var keyVectors: [Vector] = []
            for key in keys { keyVectors.append(try scalar(key.expression, in: scope)) }
            keyTypes = keyVectors.map(\.type)
            let ids = groups.assign(keyVectors, count: chunk.count)
            try checkSize(rows: groups.count, columns: output.columns.count, at: span)
            for (position, call) in calls.enumerated() {
                var vectors: [Vector] = []
                for argument in call.arguments { vectors.append(try scalar(argument, in: scope)) }
                if aggregators[position] == nil {
                    guard
                        let aggregator = Aggregates.make(
                            call.function,
                            types: vectors.map(\.type),
                            constants: call.constantPositions.map { vectors[$0].constantValue }
                        )
                    else {
                        throw KQLError(.unsupported, "The aggregation function '\(call.function)' is not supported by this engine yet.", at: span)
                    }
                    aggregators[position] = aggregator
                }
                aggregators[position]!.add(groups: ids, groupCount: groups.count, arguments: call.valuePositions.map { vectors[$0] })
            }
        }
        let groupCount = groups.count
        var columns = groups.keyColumns(types: keyTypes)
        var hidden: [ColumnSchema] = []
        var hiddenColumns: [Vector] = []
        var firstHidden: [Int] = []
        for (position, call) in calls.enumerated() {
            firstHidden.append(hidden.count)
            let vectors = aggregators[position]!.finish(groupCount: groupCount)
            for (name, vector) in zip(call.hiddenNames, vectors) {
                hidden.append(ColumnSchema(name: name, type: vector.type))
                hiddenColumns.append(vector)
            }
        }
        // Final expressions over the keys and the aggregates' values.
        let intermediateSchema = zip(keyNames, keyTypes).map { ColumnSchema(name: $0, type: $1) } + hidden
        let intermediate = Chunk(computed: columns + hiddenColumns, count: groupCount)
        let scope = RowScope(schema: intermediateSchema, chunk: intermediate, environment: environment)
        var schema = zip(keyNames, keyTypes).map { ColumnSchema(name: $0, type: $1) }
        for (names, expression, call) in finals {
            if let expression {
                let vector = try scalar(expression, in: scope)
                schema.append(ColumnSchema(name: names[0], type: vector.type))
                columns.append(vector)
            } else {
                for (offset, name) in names.enumerated() {
                    schema.append(ColumnSchema(name: name, type: hidden[firstHidden[call] + offset].type))
                    columns.append(hiddenColumns[firstHidden[call] + offset])
                }
            }
        }
        return Relation(schema: schema, columns: columns, count: groupCount)
    }
}

/// One aggregation call inside a `summarize` item, with its arguments expanded (`*`) and the hidden column names
/// its results take before the item's final expression reads them.
struct AggregateCall {
    let function: String
    /// Argument expressions evaluated per chunk.
    let arguments: [Expression]
    /// Which of the evaluated arguments go to the aggregator (the condition of an `…if` last), and which are
    /// constants it reads (`make_set(X, 10)`).
    let valuePositions: [Int]
    let constantPositions: [Int]
    let outputNames: [String]
    let hiddenNames: [String]

    /// A multi-column aggregate standing alone (`arg_max(Ts, *)`): its columns are named for the output.
    init(_ function: String, _ arguments: [Expression], schema: [ColumnSchema], excluding: Set<String>, names: [Identifier]) {
        self.function = function
        var expanded: [Expression] = []
        var outputNames: [String] = []
        let span = SourceSpan(start: 0, end: 0)
        if function.hasPrefix("percentiles") {
            expanded = arguments
            let base = arguments.first.flatMap(ColumnNaming.derived) ?? ""
            for argument in arguments.dropFirst() {
                switch argument.kind {
                case .literal(.long(let value)): outputNames.append("percentile_\(base)_\(value)")
                case .literal(.real(let value)):
                    outputNames.append("percentile_\(base)_\(String(value).split(separator: ".").joined(separator: "_"))")
                default: outputNames.append("percentile_\(base)_Column")
                }
            }
        } else {
            for (index, argument) in arguments.enumerated() {
                if case .star = argument.kind {
                    for column in schema where !excluding.contains(column.name) && !outputNames.contains(column.name) {
                        expanded.append(Expression(kind: .name(column.name), span: span))
                        outputNames.append(column.name)
                    }
                    continue
                }
                expanded.append(argument)
                var name = ColumnNaming.derived(argument) ?? "Column\(index + 1)"
                if function == "any" { name = "any_\(name)" }
                outputNames.append(name)
            }
        }
        for (index, name) in names.enumerated() where index < outputNames.count { outputNames[index] = name.name }
        self.arguments = expanded
        self.outputNames = outputNames
        hiddenNames = outputNames.map { "\u{1}\($0)" }
        if function.hasPrefix("percentiles") {
            valuePositions = [0]
            constantPositions = Array(expanded.indices)
        } else if function == "take_anyif" || function == "anyif" {
            valuePositions = [0, 1]
            constantPositions = []
        } else {
            valuePositions = Array(expanded.indices)
            constantPositions = []
        }
    }

    /// A single-value aggregate found inside an expression.
    private init(function: String, arguments: [Expression], hiddenName: String) {
        self.function = function
        self.arguments = arguments
        outputNames = [hiddenName]
        hiddenNames = [hiddenName]
        constantPositions = Array(arguments.indices)
        let condition = Self.conditionPosition(function)
        if let condition, condition < arguments.count {
            valuePositions = Array(0..<condition) + [condition]
        } else {
            valuePositions = Array(arguments.indices.prefix(function == "count" ? 0 : 1))
        }
    }

    /// Where the condition of an `…if` aggregate is among its arguments.
    private static func conditionPosition(_ function: String) -> Int? {
        switch function {
        case "countif": 0
        case "sumif", "avgif", "minif", "maxif", "dcountif", "count_distinctif", "make_set_if", "make_list_if", "make_bag_if", "stdevif",
            "varianceif", "take_anyif", "anyif":
            1
        default: nil
        }
    }

    /// `expression` with each aggregation call replaced by a reference to its hidden result column.
    static func extract(from expression: Expression, schema: [ColumnSchema], into calls: inout [AggregateCall]) -> Expression {
        func rewrite(_ e: Expression) -> Expression {
            let kind: ExpressionKind
            switch e.kind {
            case .call(let function, let arguments):
                if FunctionCatalog.aggregate(function.name) != nil, FunctionCatalog.scalar(function.name) == nil {
                    let hidden = "\u{1}aggregate\(calls.count)"
                    let plain = arguments.map { argument -> Expression in
                        if case .namedArgument(_, let value) = argument.kind { return value }
                        return argument
                    }
                    calls.append(AggregateCall(function: function.name, arguments: plain, hiddenName: hidden))
                    kind = .name(hidden)
                } else {
                    kind = .call(function, arguments.map(rewrite))
                }
            case .namedArgument(let name, let value): kind = .namedArgument(name, rewrite(value))
            case .binary(let op, let a, let b): kind = .binary(op, rewrite(a), rewrite(b))
            case .negate(let a): kind = .negate(rewrite(a))
            case .member(let a, let member): kind = .member(rewrite(a), member)
            case .index(let a, let b): kind = .index(rewrite(a), rewrite(b))
            case .inList(let op, let a, let items): kind = .inList(op, rewrite(a), items.map(rewrite))
            case .between(let op, let a, let b, let c): kind = .between(op, rewrite(a), rewrite(b), rewrite(c))
            default: return e
            }
            return Expression(kind: kind, span: e.span)
        }
        return rewrite(expression)
    }
}

/// Assigns each row a group number by its key values. A single text key is looked up once per distinct code.
final class GroupTable {
    private let hasKeys: Bool
    private var keys: [[ScalarValue]] = []
    private var index: [[ScalarValue]: Int32] = [:]
    private var textIndex: [String: Int32] = [:]
    private var integerIndex: [Int64: Int32] = [:]
    private var nullGroup: Int32?

    init(hasKeys: Bool) {
        self.hasKeys = hasKeys
        if !hasKeys { keys = [[]] }
    }

    var count: Int { keys.count }

    func assign(_ vectors: [Vector], count: Int) -> [Int32] {
        guard hasKeys else { return [Int32](repeating: 0, count: count) }
        if vectors.count == 1 {
            switch vectors[0].storage {
            case .text(let codes, let values):
                var translated = [Int32](repeating: -1, count: values.count)
                return codes.map { code in
                    if translated[Int(code)] >= 0 { return translated[Int(code)] }
                    let text = values[Int(code)]
                    let group = textIndex[text] ?? newGroup([.string(text)]) { textIndex[text] = $0 }
                    translated[Int(code)] = group
                    return group
                }
            case .integers(let values, let nulls):
                let type = vectors[0].type
                return (0..<count).map { row in
                    if let nulls, nulls[row] { return nullGroup ?? newGroup([.null]) { nullGroup = $0 } }
                    let value = values[row]
                    return integerIndex[value] ?? newGroup([Vector.integral(value, type)]) { integerIndex[value] = $0 }
                }
            default: break
            }
        }
        return (0..<count).map { row in
            let key = vectors.map { $0.value(at: row) }
            return index[key] ?? newGroup(key) { index[key] = $0 }
        }
    }

    private func newGroup(_ key: [ScalarValue], _ register: (Int32) -> Void) -> Int32 {
        let group = Int32(keys.count)
        keys.append(key)
        register(group)
        return group
    }

    func keyColumns(types: [ScalarType]) -> [Vector] {
        types.enumerated().map { position, type in
            var builder = VectorBuilder(type: type, capacity: keys.count)
            for key in keys { builder.append(key[position]) }
            return builder.build()
        }
    }
}
