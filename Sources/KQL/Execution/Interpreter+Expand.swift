/// Operators that reshape rows: `mv-expand`, `mv-apply`, `parse`, `parse-kv`, `make-series`, `top-nested` and the
/// `bag_unpack` plugin.
extension Interpreter {
    /// `mv-expand`: each chunk on its own (a row's expansion depends on that row alone), on every core; the other
    /// columns keep their storage and repeat by row selection.
    func mvExpand(
        _ rows: Relation,
        _ items: [MvExpandItem],
        itemIndex: String?,
        limit: Int?,
        in environment: Environment,
        at span: SourceSpan
    ) throws(KQLError) -> Relation {
        guard !rows.chunks.isEmpty else { return try expandedSchemaOnly(rows, items, itemIndex: itemIndex, in: environment) }
        let schema = rows.schema
        let parts = try Parallel.map(rows.chunks) { (chunk: Chunk) throws(KQLError) -> (Chunk, [ColumnSchema]) in
            try expand(chunk, schema: schema, items, itemIndex: itemIndex, limit: limit, in: environment, at: span)
        }
        try checkSize(rows: parts.reduce(0) { $0 + $1.0.count }, columns: items.count + 1, at: span)
        return Relation(schema: parts[0].1, chunks: parts.map(\.0))
    }

    /// One chunk's rows expanded, with the output schema.
    private func expand(
        _ chunk: Chunk,
        schema: [ColumnSchema],
        _ items: [MvExpandItem],
        itemIndex: String?,
        limit: Int?,
        in environment: Environment,
        at span: SourceSpan
    ) throws(KQLError) -> (Chunk, [ColumnSchema]) {
        let scope = RowScope(schema: schema, chunk: chunk, environment: environment)
        var values: [Vector] = []
        for item in items { values.append(try scalar(item.expression, in: scope)) }
        var sources: [Int32] = []
        var expanded: [[ScalarValue]] = items.map { _ in [] }
        var indexes: [Int64] = []
        for row in 0..<chunk.count {
            if row & 0x3FFF == 0 {
                try checkBudget(at: span)
                try checkSize(rows: sources.count, columns: items.count + 1, at: span)
            }
            let lists = values.map { Self.elements(of: $0.value(at: row)) }
            var length = lists.map(\.count).max() ?? 0
            if let limit { length = min(length, limit) }
            for position in 0..<length {
                sources.append(Int32(row))
                for (index, list) in lists.enumerated() { expanded[index].append(position < list.count ? list[position] : .null) }
                indexes.append(Int64(position))
            }
        }
        var output = RowSchema(columns: schema)
        var result = chunk
        result.keep(sources)
        for (index, item) in items.enumerated() {
            let type = item.type.flatMap(ScalarType.init(schemaName:)) ?? .dynamic
            var builder = VectorBuilder(type: type, capacity: sources.count)
            for value in expanded[index] { builder.append(type == .dynamic ? value : Conversions.convert(value, to: type)) }
            let name = item.name?.name ?? ColumnNaming.derived(item.expression) ?? "Column\(index + 1)"
            place(builder.build(), named: name, in: &output, &result.columns)
        }
        if let itemIndex { place(Vector(.long, .integers(indexes, nulls: nil)), named: itemIndex, in: &output, &result.columns) }
        return (result, output.columns)
    }

    private func place(_ vector: Vector, named name: String, in schema: inout RowSchema, _ columns: inout [Chunk.Column]) {
        if let index = schema.columns.firstIndex(where: { $0.name == name }) {
            columns[index] = .computed(vector)
        } else {
            columns.append(.computed(vector))
        }
        schema.set(ColumnSchema(name: name, type: vector.type))
    }

    private func expandedSchemaOnly(
        _ rows: Relation,
        _ items: [MvExpandItem],
        itemIndex: String?,
        in environment: Environment
    ) throws(KQLError) -> Relation {
        var output = RowSchema(columns: rows.schema)
        for (index, item) in items.enumerated() {
            let name = item.name?.name ?? ColumnNaming.derived(item.expression) ?? "Column\(index + 1)"
            output.set(ColumnSchema(name: name, type: item.type.flatMap(ScalarType.init(schemaName:)) ?? .dynamic))
        }
        if let itemIndex { output.set(ColumnSchema(name: itemIndex, type: .long)) }
        return Relation(schema: output.columns, columns: output.columns.map { VectorBuilder(type: $0.type).build() }, count: 0)
    }

    /// The values one dynamic value expands to: array elements, one single-member bag per bag member, or the value.
    static func elements(of value: ScalarValue) -> [ScalarValue] {
        switch value {
        case .dynamic(.array(let items)): return items.map { Conversions.dynamic(.dynamic($0)) }
        case .dynamic(.bag(let bag)): return bag.members.map { .dynamic(.bag(PropertyBag([($0, $1)]))) }
        case .string(let text):
            if case .array(let items)? = DynamicValue.parse(json: text) { return items.map { Conversions.dynamic(.dynamic($0)) } }
            return [value]
        default: return [value]
        }
    }

    /// `mv-apply`: each row's expansion goes through the subquery; its result rows are joined back to the row.
    func mvApply(
        _ rows: Relation,
        _ items: [MvExpandItem],
        itemIndex: String?,
        on body: Expression,
        in environment: Environment,
        at span: SourceSpan
    ) throws(KQLError) -> Relation {
        let merged = try merge(rows, at: span)
        let expandedNames = Set(items.compactMap { $0.name?.name ?? ColumnNaming.derived($0.expression) })
        guard case .subquery(let operators) = body.kind else {
            throw KQLError(.unsupported, "mv-apply needs a subquery in parentheses.", at: body.span)
        }
        var parts: [Relation] = []
        var sources: [Int32] = []
        let base = merged.schema.indices.filter { !expandedNames.contains(merged.schema[$0].name) }
        for row in 0..<merged.rowCount {
            if row & 0xFFF == 0 { try checkBudget(at: span) }
            let single = merged.keepingRow(row)
            let expanded = try mvExpand(single, items, itemIndex: itemIndex, limit: nil, in: environment, at: span)
            let result = try subquery(operators, over: expanded, in: environment)
            let count = result.rowCount
            guard count > 0 else { continue }
            parts.append(result)
            sources += Array(repeating: Int32(row), count: count)
            try checkSize(rows: sources.count, columns: 1, at: span)
        }
        if parts.isEmpty {
            // No row produced anything: the subquery over an empty expansion still gives the columns.
            let empty = try mvExpand(Relation(schema: merged.schema, chunks: []), items, itemIndex: itemIndex, limit: nil, in: environment, at: span)
            parts = [try subquery(operators, over: empty, in: environment)]
        }
        let first = parts[0]
        var output = RowSchema(columns: base.map { merged.schema[$0] })
        let picked = sources
        var columns = base.map { index in Chunk.Column.deferred(DeferredVector { merged.column(index).gather(picked) }) }
        for (index, column) in first.schema.enumerated() {
            let vector = Vector.concatenate(parts.map { $0.column(index) }, type: column.type)
            place(vector, named: column.name, in: &output, &columns)
        }
        return Relation(schema: output.columns, chunks: [Chunk(columns: columns, count: sources.count)])
    }

    /// `parse` and `parse-where`: text and captures matched left to right; `*` skips to the next literal.
    func parse(
        _ rows: Relation,
        _ input: Expression,
        _ pattern: [ParsePatternPart],
        keepUnmatched: Bool,
        in environment: Environment
    )
        throws(KQLError) -> Relation
    {
        let captures: [(String, ScalarType)] = pattern.compactMap {
            if case .column(let name, let type) = $0 { return (name.name, type.flatMap(ScalarType.init(schemaName:)) ?? .string) }
            return nil
        }
        let chunks = try Parallel.map(rows.chunks) { (chunk: Chunk) throws(KQLError) -> (Chunk, [ColumnSchema]) in
            let scope = RowScope(schema: rows.schema, chunk: chunk, environment: environment)
            let texts = try scalar(input, in: scope)
            var builders = captures.map { VectorBuilder(type: $0.1, capacity: chunk.count) }
            var matched: [Int32] = []
            for row in 0..<chunk.count {
                let values = ParsePattern.match(Conversions.text(texts.value(at: row)), pattern)
                if values != nil { matched.append(Int32(row)) }
                for (index, capture) in captures.enumerated() {
                    let text = values?[index]
                    builders[index].append(
                        text.map { capture.1 == .string ? .string($0) : Conversions.convert(.string($0), to: capture.1) }
                            ?? (capture.1 == .string ? .string("") : .null)
                    )
                }
            }
            var schema = RowSchema(columns: rows.schema)
            var out = chunk
            for (index, capture) in captures.enumerated() {
                let position = schema.columns.firstIndex { $0.name == capture.0 } ?? schema.columns.count
                schema.set(ColumnSchema(name: capture.0, type: capture.1))
                out.set(position, builders[index].build())
            }
            if !keepUnmatched { out.keep(matched) }
            return (out, schema.columns)
        }
        let schema =
            chunks.first?.1
            ?? {
                var schema = RowSchema(columns: rows.schema)
                for capture in captures { schema.set(ColumnSchema(name: capture.0, type: capture.1)) }
                return schema.columns
            }()
        return Relation(schema: schema, chunks: chunks.map(\.0))
    }

    /// `parse-kv … as (Key: type, …) with (pair_delimiter=…, kv_delimiter=…)`.
    func parseKV(
        _ rows: Relation,
        _ input: Expression,
        _ declared: [ColumnDeclaration],
        _ parameters: [OperatorParameter],
        in environment: Environment
    )
        throws(KQLError) -> Relation
    {
        let pairDelimiter = parameters.option("pair_delimiter") ?? " "
        let keyDelimiter = parameters.option("kv_delimiter") ?? "="
        let columns = declared.map { ColumnSchema(name: $0.name.name, type: ScalarType(schemaName: $0.type) ?? .string) }
        return try extendComputed(rows, columns, in: environment) { scope throws(KQLError) in
            let texts = try scalar(input, in: scope)
            var builders = columns.map { VectorBuilder(type: $0.type, capacity: scope.count) }
            for row in 0..<scope.count {
                var found: [String: String] = [:]
                for pair in Conversions.text(texts.value(at: row)).split(separator: pairDelimiter) {
                    let parts = pair.split(separator: keyDelimiter, maxSplits: 1)
                    if parts.count == 2 { found[String(parts[0]).trimmingSpaces] = String(parts[1]).trimmingSpaces }
                }
                for (index, column) in columns.enumerated() {
                    builders[index].append(found[column.name].map { Conversions.convert(.string($0), to: column.type) } ?? .null)
                }
            }
            return builders.map { $0.build() }
        }
    }

    /// Adds or replaces `columns` with vectors computed per chunk.
    func extendComputed(
        _ rows: Relation,
        _ columns: [ColumnSchema],
        in environment: Environment,
        _ compute: @Sendable (RowScope) throws(KQLError) -> [Vector]
    )
        throws(KQLError) -> Relation
    {
        var schema = RowSchema(columns: rows.schema)
        var positions: [Int] = []
        for column in columns {
            positions.append(schema.columns.firstIndex { $0.name == column.name } ?? schema.columns.count)
            schema.set(column)
        }
        let finalSchema = schema.columns
        let targets = positions
        let chunks = try Parallel.map(rows.chunks) { (chunk: Chunk) throws(KQLError) -> Chunk in
            var out = chunk
            for (position, vector) in zip(targets, try compute(RowScope(schema: rows.schema, chunk: chunk, environment: environment))) {
                out.set(position, vector)
            }
            return out
        }
        return Relation(schema: finalSchema, chunks: chunks)
    }

    /// `evaluate bag_unpack(Column [, prefix])`: one column per key of the bags, the bag column removed.
    func evaluatePlugin(_ plugin: Expression, _ rows: Relation, in environment: Environment) throws(KQLError) -> Relation {
        if case .call(let function, let arguments) = plugin.kind, function.name == "pivot", let column = arguments.first {
            return try pivot(
                rows,
                by: column,
                aggregate: arguments.dropFirst().first,
                groups: Array(arguments.dropFirst(2)),
                in: environment,
                at: plugin.span
            )
        }
        guard case .call(let function, let arguments) = plugin.kind, function.name == "bag_unpack", let column = arguments.first,
            case .name(let columnName) = column.kind
        else {
            throw KQLError(.unsupported, "This evaluate plugin is not supported by this engine yet.", at: plugin.span)
        }
        let prefix = arguments.count > 1 ? Conversions.text(try constant(arguments[1], in: environment)) : ""
        let merged = try merge(rows, at: plugin.span)
        guard let index = merged.index(of: columnName) else {
            throw KQLError(.unknownName, "bag_unpack: no column '\(columnName)'.", at: column.span)
        }
        let bags = merged.column(index)
        var keys: [String] = []
        var values: [[String: ScalarValue]] = []
        for row in 0..<bags.count {
            var found: [String: ScalarValue] = [:]
            if case .dynamic(.bag(let bag)) = Conversions.parseJSON(bags.value(at: row)) {
                for (key, value) in bag.members {
                    if !keys.contains(key) { keys.append(key) }
                    found[key] = Conversions.dynamic(.dynamic(value))
                }
            }
            values.append(found)
        }
        let kept = merged.schema.indices.filter { $0 != index }
        var output = RowSchema(columns: kept.map { merged.schema[$0] })
        var columns = kept.map { Chunk.Column.computed(merged.column($0)) }
        for key in keys {
            var builder = VectorBuilder(type: .dynamic, capacity: values.count)
            for row in values { builder.append(row[key] ?? .null) }
            place(builder.build(), named: output.unusedName(prefix + key), in: &output, &columns)
        }
        return Relation(schema: output.columns, chunks: [Chunk(columns: columns, count: bags.count)])
    }
}

extension Interpreter {
    /// `evaluate pivot(Column [, Aggregate [, GroupColumn…]])`: one row per group (by default every other column the
    /// aggregate does not read), one column per distinct value of `Column` holding the aggregate (default `count()`)
    /// of the group's rows with that value.
    func pivot(
        _ rows: Relation,
        by column: Expression,
        aggregate: Expression?,
        groups: [Expression],
        in environment: Environment,
        at span: SourceSpan
    )
        throws(KQLError) -> Relation
    {
        guard case .name(let pivotName) = column.kind else {
            throw KQLError(.invalidArgument, "pivot: the first argument must be a column.", at: column.span)
        }
        let measure = aggregate ?? Expression(kind: .call(Identifier(name: "count", span: span), []), span: span)
        let read = Set(Self.columnNames(in: measure))
        let keys =
            groups.isEmpty
            ? rows.schema.filter { $0.name != pivotName && !read.contains($0.name) }.map(Self.columnItem)
            : groups.map { NamedExpression(names: [], expression: $0) }
        let valueName = Identifier(name: "\u{1}value", span: span)
        let grouped = try summarize(
            rows,
            aggregates: [NamedExpression(names: [valueName], expression: measure)],
            by: keys + [NamedExpression(names: [Identifier(name: "\u{1}pivot", span: span)], expression: column)],
            in: environment,
            at: span
        )
        let keyCount = keys.count
        let keyColumns = (0..<keyCount).map(grouped.column)
        let pivotColumn = grouped.column(keyCount)
        let values = grouped.column(keyCount + 1)
        var names: [String] = []
        var slot: [String: Int] = [:]
        var groupOf: [[ScalarValue]: Int] = [:]
        var groupKeys: [[ScalarValue]] = []
        var cells: [[Int: ScalarValue]] = []
        for row in 0..<grouped.rowCount {
            let name = Conversions.text(pivotColumn.value(at: row))
            if slot[name] == nil {
                slot[name] = names.count
                names.append(name)
            }
            let key = keyColumns.map { $0.value(at: row) }
            if groupOf[key] == nil {
                groupOf[key] = groupKeys.count
                groupKeys.append(key)
                cells.append([:])
            }
            cells[groupOf[key]!][slot[name]!] = values.value(at: row)
        }
        var schema = RowSchema(columns: zip(grouped.schema.prefix(keyCount), keyColumns).map { ColumnSchema(name: $0.0.name, type: $0.1.type) })
        var columns: [Vector] = keyColumns.enumerated().map { index, _ in
            var builder = VectorBuilder(type: keyColumns[index].type, capacity: groupKeys.count)
            for key in groupKeys { builder.append(key[index]) }
            return builder.build()
        }
        for (position, name) in names.enumerated() {
            var builder = VectorBuilder(type: values.type, capacity: groupKeys.count)
            for group in cells { builder.append(group[position] ?? (values.type == .long ? .long(0) : .null)) }
            schema.columns.append(ColumnSchema(name: schema.unusedName(name.isEmpty ? "Column1" : name), type: values.type))
            columns.append(builder.build())
        }
        return Relation(schema: schema.columns, columns: columns, count: groupKeys.count)
    }

    /// The column names an expression reads.
    static func columnNames(in expression: Expression) -> [String] {
        switch expression.kind {
        case .name(let name): [name]
        case .call(_, let arguments): arguments.flatMap(columnNames)
        case .binary(_, let a, let b): columnNames(in: a) + columnNames(in: b)
        case .negate(let a), .member(let a, _), .namedArgument(_, let a): columnNames(in: a)
        case .index(let a, let b): columnNames(in: a) + columnNames(in: b)
        case .inList(_, let a, let items): columnNames(in: a) + items.flatMap(columnNames)
        case .between(_, let a, let b, let c): columnNames(in: a) + columnNames(in: b) + columnNames(in: c)
        default: []
        }
    }
}

extension Relation {
    /// A relation of one row.
    func keepingRow(_ row: Int) -> Relation {
        Relation(schema: schema, columns: schema.indices.map { column($0).gather([Int32(row)]) }, count: 1)
    }
}

/// Matching a `parse` pattern against text.
enum ParsePattern {
    /// The captured texts in order, or nil when the text does not match.
    static func match(_ text: String, _ pattern: [ParsePatternPart]) -> [String]? {
        var captures: [String] = []
        var rest = Substring(text)
        var index = 0
        while index < pattern.count {
            switch pattern[index] {
            case .text(let literal):
                guard rest.hasPrefix(literal) else { return nil }
                rest = rest.dropFirst(literal.count)
            case .wildcard, .column:
                // Up to the next literal (or the end).
                let next = pattern[(index + 1)...].first { if case .text = $0 { return true } else { return false } }
                let taken: Substring
                if case .text(let literal)? = next, let range = rest.firstRange(of: literal) {
                    taken = rest[..<range.lowerBound]
                    rest = rest[range.lowerBound...]
                } else if next == nil {
                    taken = rest
                    rest = rest[rest.endIndex...]
                } else {
                    return nil
                }
                if case .column = pattern[index] { captures.append(String(taken)) }
            }
            index += 1
        }
        return captures
    }
}
