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
            let name = key.names.first?.name ?? output.unusedName(ColumnNaming.derived(key.expression) ?? "Column\(index + 1)")
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

        // Aggregate chunk by chunk: on several cores each takes a run of consecutive chunks, and the partial tables
        // fold together in order, so groups and order-sensitive aggregates (`make_list`, `take_any`) come out as
        // in one pass.
        let chunks = rows.chunks.isEmpty ? [Chunk(computed: rows.schema.map { VectorBuilder(type: $0.type).build() }, count: 0)] : rows.chunks
        let width = output.columns.count
        let aggregateCalls = calls
        @Sendable func aggregate(_ run: Range<Int>) throws(KQLError) -> PartialAggregation {
            try aggregateChunks(chunks[run], schema: rows.schema, keys: keys, calls: aggregateCalls, outputWidth: width, in: environment, at: span)
        }
        let runs = Parallel.runs(chunks.count)
        let partial: PartialAggregation
        if runs.count > 1, let merged = PartialAggregation.merged(try Parallel.map(runs) { (run: Range<Int>) throws(KQLError) in try aggregate(run) })
        {
            partial = merged
            try checkSize(rows: partial.groups.count, columns: width, at: span)
        } else {
            partial = try aggregate(0..<chunks.count)
        }
        let groups = partial.groups
        let keyTypes = partial.keyTypes
        let aggregators = partial.aggregators
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

    /// The groups and aggregator states of consecutive chunks.
    private func aggregateChunks(
        _ chunks: ArraySlice<Chunk>,
        schema: [ColumnSchema],
        keys: [NamedExpression],
        calls: [AggregateCall],
        outputWidth: Int,
        in environment: Environment,
        at span: SourceSpan
    ) throws(KQLError) -> PartialAggregation {
        var partial = PartialAggregation(keyCount: keys.count, callCount: calls.count)
        let groups = partial.groups
        for chunk in chunks {
            try checkBudget(at: span)
            let scope = RowScope(schema: schema, chunk: chunk, environment: environment)
            var keyVectors: [Vector] = []
            for key in keys { keyVectors.append(try scalar(key.expression, in: scope)) }
            partial.keyTypes = keyVectors.map(\.type)
            let ids = groups.assign(keyVectors, count: chunk.count)
            try checkSize(rows: groups.count, columns: outputWidth, at: span)
            for (position, call) in calls.enumerated() {
                // `arg_max(By, …)` reads its other columns only at each group's best row of the chunk.
                var callScope = scope
                var callIds = ids
                if let maximum = call.argExtremeMaximum, call.arguments.count > 1 {
                    let by = try scalar(call.arguments[0], in: scope)
                    let candidates = ArgExtremeAggregator.candidates(groups: ids, groupCount: groups.count, by: by, maximum: maximum)
                    var narrowed = chunk
                    narrowed.keep(candidates)
                    callScope = RowScope(schema: schema, chunk: narrowed, environment: environment)
                    callIds = candidates.map { ids[Int($0)] }
                }
                var vectors: [Vector] = []
                for argument in call.arguments { vectors.append(try scalar(argument, in: callScope)) }
                if partial.aggregators[position] == nil {
                    guard
                        let aggregator = Aggregates.make(
                            call.function,
                            types: vectors.map(\.type),
                            constants: call.constantPositions.map { vectors[$0].constantValue }
                        )
                    else {
                        throw KQLError(.unsupported, "The aggregation function '\(call.function)' is not supported by this engine yet.", at: span)
                    }
                    partial.aggregators[position] = aggregator
                }
                partial.aggregators[position]!.add(groups: callIds, groupCount: groups.count, arguments: call.valuePositions.map { vectors[$0] })
            }
        }
        return partial
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
            for argument in arguments.dropFirst(function == "percentilesw" ? 2 : 1) {
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
            valuePositions = function == "percentilesw" ? [0, 1] : [0]
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
            valuePositions = Array(arguments.indices.prefix(Self.valueCount(function)))
        }
    }

    /// For `arg_max` (true) and `arg_min` (false): which extreme the call keeps.
    var argExtremeMaximum: Bool? {
        switch function {
        case "arg_max", "argmax": true
        case "arg_min", "argmin": false
        default: nil
        }
    }

    /// How many leading arguments of a single-value aggregate are per-row values (the rest are constants).
    private static func valueCount(_ function: String) -> Int {
        switch function {
        case "count": 0
        case "tdigest", "percentilesw_array": 2
        default: 1
        }
    }

    /// Where the condition of an `…if` aggregate is among its arguments.
    private static func conditionPosition(_ function: String) -> Int? {
        switch function {
        case "countif": 0
        case "sumif", "avgif", "minif", "maxif", "dcountif", "count_distinctif", "make_set_if", "make_list_if", "make_bag_if", "stdevif",
            "varianceif", "take_anyif", "anyif", "hll_if":
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

/// Assigns each row a group number by its key values. Each key column is interned on its own (a text key once per
/// distinct code, an integral key by value); several keys combine their numbers pairwise, so no row builds an array.
final class GroupTable {
    private let interners: [KeyInterner]
    private var combined: [[UInt64: Int32]]
    private var groupKeys: [[Int32]] = []

    init(hasKeys: Bool, keyCount: Int = 1) {
        interners = hasKeys ? (0..<keyCount).map { _ in KeyInterner() } : []
        combined = Array(repeating: [:], count: max(0, keyCount - 1))
        if !hasKeys { groupKeys = [[]] }
    }

    var count: Int { interners.count == 1 ? interners[0].count : groupKeys.count }

    /// Each row's group; with `insert` false, keys not seen before get -1 instead of a new group (a join's probe side).
    func assign(_ vectors: [Vector], count: Int, insert: Bool = true) -> [Int32] {
        guard !interners.isEmpty else { return [Int32](repeating: 0, count: count) }
        var ids = interners[0].ids(vectors[0], count: count, insert: insert)
        guard interners.count > 1 else { return ids }
        var parts = [ids]
        for position in 1..<interners.count {
            let next = interners[position].ids(vectors[position], count: count, insert: insert)
            parts.append(next)
            for row in 0..<count {
                guard ids[row] >= 0, next[row] >= 0 else {
                    ids[row] = -1
                    continue
                }
                let pair = UInt64(UInt32(bitPattern: ids[row])) << 32 | UInt64(UInt32(bitPattern: next[row]))
                if let known = combined[position - 1][pair] {
                    ids[row] = known
                } else if !insert {
                    ids[row] = -1
                } else {
                    let id = Int32(combined[position - 1].count)
                    combined[position - 1][pair] = id
                    ids[row] = id
                    if position == interners.count - 1 { groupKeys.append(parts.map { $0[row] }) }
                }
            }
        }
        return ids
    }

    /// Whether a group's key has a null part.
    func hasNull(_ group: Int32) -> Bool {
        if interners.count == 1 { return interners[0].values[Int(group)].unwrapped == .null }
        return groupKeys[Int(group)].enumerated().contains { interners[$0].values[Int($1)].unwrapped == .null }
    }

    func keyColumns(types: [ScalarType]) -> [Vector] {
        types.enumerated().map { position, type in
            let interner = interners[position]
            var builder = VectorBuilder(type: type, capacity: count)
            if interners.count == 1 {
                for value in interner.values { builder.append(value) }
            } else {
                for key in groupKeys { builder.append(interner.values[Int(key[position])]) }
            }
            return builder.build()
        }
    }
}

/// Numbers the distinct values of one key column.
final class KeyInterner {
    private(set) var values: [ScalarValue] = []
    private var texts: [String: Int32] = [:]
    private var integers: [Int64: Int32] = [:]
    private var others: [ScalarValue: Int32] = [:]
    private var null: Int32?

    var count: Int { values.count }

    /// The number of each row's value; with `insert` false, -1 for values not seen before.
    func ids(_ vector: Vector, count: Int, insert: Bool = true) -> [Int32] {
        func add(_ value: ScalarValue, _ register: (Int32) -> Void) -> Int32 {
            guard insert else { return -1 }
            let id = Int32(values.count)
            values.append(value)
            register(id)
            return id
        }
        switch vector.storage {
        case .constant(let value, _):
            // Numbered as the same value in the type's usual layout, so a constant and a column agree on it.
            var single = VectorBuilder(type: vector.type, capacity: 1)
            single.append(value)
            return [Int32](repeating: ids(single.build(), count: 1, insert: insert)[0], count: count)
        case .text(let codes, let strings):
            var translated = [Int32](repeating: .min, count: strings.count)
            return codes.map { code in
                if translated[Int(code)] != .min { return translated[Int(code)] }
                let text = strings[Int(code)]
                let id = texts[text] ?? add(.string(text)) { texts[text] = $0 }
                translated[Int(code)] = id
                return id
            }
        case .integers(let integers, let nulls):
            let type = vector.type
            // Neighbouring rows often share a key (time bins of ordered rows): the last one is checked first, then a
            // direct-mapped cache of 256 recent values, so a chunk's time bins and other small key sets rarely hash.
            var last: (value: Int64, id: Int32)?
            var cachedValues = [Int64](repeating: 0, count: 256)
            var cachedIds = [Int32](repeating: -1, count: 256)
            return (0..<count).map { row in
                if let nulls, nulls[row] { return null ?? add(.null) { null = $0 } }
                let value = integers[row]
                if let last, last.value == value { return last.id }
                let slot = Int((UInt64(bitPattern: value) &* 0x9E37_79B9_7F4A_7C15) >> 56)
                var id = cachedIds[slot]
                if id < 0 || cachedValues[slot] != value {
                    id = self.integers[value] ?? add(Vector.integral(value, type)) { self.integers[value] = $0 }
                    cachedValues[slot] = value
                    cachedIds[slot] = id
                }
                last = (value, id)
                return id
            }
        default:
            return (0..<count).map { row in
                let value = vector.value(at: row)
                return others[value] ?? add(value) { others[value] = $0 }
            }
        }
    }

}
