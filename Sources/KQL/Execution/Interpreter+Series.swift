/// `make-series` and `top-nested`, both built on `summarize`.
extension Interpreter {
    /// One row per key group: the axis as an array of bin starts and each aggregate as an array over the bins
    /// (`default=` where a bin has no rows, else 0).
    func makeSeries(
        _ rows: Relation,
        _ aggregates: [NamedExpression],
        axis: Expression,
        from: Expression?,
        to: Expression?,
        step: Expression,
        by keys: [NamedExpression],
        in environment: Environment,
        at span: SourceSpan
    ) throws(KQLError) -> Relation {
        let stepValue = try constant(step, in: environment)
        let axisValues = try summarize(
            rows,
            aggregates: [
                NamedExpression(names: [], expression: Self.call("min", [axis], at: span)),
                NamedExpression(names: [], expression: Self.call("max", [axis], at: span)),
            ],
            by: [],
            in: environment,
            at: span
        )
        var start = axisValues.rowCount > 0 ? axisValues.column(0).value(at: 0) : .null
        if let from { start = try constant(from, in: environment) }
        var end =
            axisValues.rowCount > 0 ? ScalarOps.arithmetic(.add, axisValues.column(1).value(at: 0), stepValue, type: Self.type(of: stepValue)) : .null
        if let to { end = try constant(to, in: environment) }
        guard start != .null, end != .null else {
            return Relation(schema: [], chunks: [])
        }
        let axisType = Self.type(of: start.unwrapped)
        var bins: [ScalarValue] = []
        var current = ScalarLibrary.bin(start, stepValue, at: start)
        while let order = ScalarOps.order(current, end), order < 0 {
            bins.append(current)
            try checkSize(rows: bins.count, columns: 1, at: span)
            let next = ScalarOps.arithmetic(.add, current, stepValue, type: axisType)
            guard ScalarOps.order(next, current) == 1 else { break }
            current = next
        }
        // Aggregate by the keys and the bin of each row within [start, end).
        let binName = "\u{1}bin"
        let binned = Self.call("bin_at", [axis, step, Expression(kind: .literal(start), span: span)], at: span)
        let window = Expression(
            kind: .binary(
                "and",
                Expression(kind: .binary(">=", axis, Expression(kind: .literal(start), span: span)), span: span),
                Expression(kind: .binary("<", axis, Expression(kind: .literal(end), span: span)), span: span)
            ),
            span: span
        )
        let filtered = try filter(rows, by: window, in: environment)
        let valueItems = aggregates.map { NamedExpression(names: [], expression: $0.expression) }
        let grouped = try summarize(
            filtered,
            aggregates: valueItems,
            by: keys + [NamedExpression(names: [Identifier(name: binName, span: span)], expression: binned)],
            in: environment,
            at: span
        )
        let keyCount = keys.count
        let groupedKeys = (0..<keyCount).map { grouped.column($0) }
        let binColumn = grouped.column(keyCount)
        let valueColumns = aggregates.indices.map { grouped.column(keyCount + 1 + $0) }
        var defaults: [ScalarValue] = []
        for item in aggregates {
            if case .call(_, let arguments) = item.expression.kind,
                let fallback = arguments.first(where: { if case .namedArgument(let n, _) = $0.kind { n.name == "default" } else { false } }),
                case .namedArgument(_, let value) = fallback.kind
            {
                defaults.append(try constant(value, in: environment))
            } else {
                defaults.append(.long(0))
            }
        }
        var groups: [[ScalarValue]: [[DynamicValue]]] = [:]
        var order: [[ScalarValue]] = []
        let binIndex = Dictionary(bins.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for row in 0..<grouped.rowCount {
            let key = groupedKeys.map { $0.value(at: row) }
            if groups[key] == nil {
                groups[key] = defaults.map { Array(repeating: $0.asDynamic, count: bins.count) }
                order.append(key)
            }
            guard let position = binIndex[binColumn.value(at: row)] else { continue }
            for (index, column) in valueColumns.enumerated() { groups[key]![index][position] = column.value(at: row).asDynamic }
        }
        var output = RowSchema(columns: [])
        var columns: [Vector] = []
        for (index, key) in keys.enumerated() {
            let name = key.names.first?.name ?? ColumnNaming.derived(key.expression) ?? "Column\(index + 1)"
            output.set(ColumnSchema(name: name, type: groupedKeys[index].type))
            var builder = VectorBuilder(type: groupedKeys[index].type)
            for group in order { builder.append(group[index]) }
            columns.append(builder.build())
        }
        output.set(ColumnSchema(name: ColumnNaming.derived(axis) ?? "Column1", type: .dynamic))
        columns.append(Vector(.dynamic, .values(Array(repeating: .dynamic(.array(bins.map(\.asDynamic))), count: order.count))))
        for (index, item) in aggregates.enumerated() {
            let name = output.unusedName(item.names.first?.name ?? ColumnNaming.aggregateName(item.expression, position: index + 1))
            output.set(ColumnSchema(name: name, type: .dynamic))
            columns.append(Vector(.dynamic, .values(order.map { .dynamic(.array(groups[$0]![index])) })))
        }
        return Relation(schema: output.columns, columns: columns, count: order.count)
    }

    static func call(_ name: String, _ arguments: [Expression], at span: SourceSpan) -> Expression {
        Expression(kind: .call(Identifier(name: name, span: span), arguments), span: span)
    }

    /// `top-nested N of Expr by Agg, …`: the top groups of each level within each group of the level above.
    func topNested(_ rows: Relation, _ levels: [TopNestedLevel], in environment: Environment, at span: SourceSpan) throws(KQLError) -> Relation {
        var schema: [ColumnSchema] = []
        var results: [[ScalarValue]] = []
        try nest(rows, levels[...], prefix: [], schema: &schema, results: &results, in: environment, at: span)
        var columns: [Vector] = []
        for (index, column) in schema.enumerated() {
            var builder = VectorBuilder(type: column.type, capacity: results.count)
            for row in results { builder.append(index < row.count ? row[index] : .null) }
            columns.append(builder.build())
        }
        return Relation(schema: schema, columns: columns, count: results.count)
    }

    private func nest(
        _ rows: Relation,
        _ levels: ArraySlice<TopNestedLevel>,
        prefix: [ScalarValue],
        schema: inout [ColumnSchema],
        results: inout [[ScalarValue]],
        in environment: Environment,
        at span: SourceSpan
    ) throws(KQLError) {
        guard let level = levels.first else {
            results.append(prefix)
            return
        }
        let ofName = level.of.names.first?.name ?? ColumnNaming.derived(level.of.expression) ?? "Column1"
        let aggregateName = level.by.names.first?.name ?? "aggregated_\(ColumnNaming.derived(level.of.expression) ?? "")"
        let keyName = "\u{1}key"
        let grouped = try summarize(
            rows,
            aggregates: [NamedExpression(names: [Identifier(name: "\u{1}value", span: span)], expression: level.by.expression)],
            by: [NamedExpression(names: [Identifier(name: keyName, span: span)], expression: level.of.expression)],
            in: environment,
            at: span
        )
        let descending = !(level.ascending ?? false)
        var limit: Int?
        if let count = level.count { limit = try rowCount(count, in: environment) }
        let sorted = try sort(
            grouped,
            by: [SortKey(expression: Expression(kind: .name("\u{1}value"), span: span), ascending: !descending, nullsFirst: nil)],
            limit: limit,
            in: environment
        )
        if schema.count == prefix.count {
            schema.append(ColumnSchema(name: ofName, type: sorted.schema.first?.type ?? .dynamic))
            schema.append(ColumnSchema(name: aggregateName, type: sorted.schema.count > 1 ? sorted.schema[1].type : .dynamic))
        }
        let keys = sorted.column(0)
        let values = sorted.column(1)
        // Rows of each chosen group, by evaluating the level's expression once over all rows.
        let merged = try merge(rows, at: span)
        let groupValues: Vector
        if let chunk = merged.chunks.first {
            groupValues = try scalar(level.of.expression, in: RowScope(schema: merged.schema, chunk: chunk, environment: environment))
        } else {
            groupValues = VectorBuilder(type: .dynamic).build()
        }
        for index in 0..<keys.count {
            let key = keys.value(at: index)
            let members = (0..<Int32(groupValues.count)).filter { groupValues.value(at: Int($0)) == key }
            var subset = merged
            if !subset.chunks.isEmpty { subset.chunks[0].keep(members) }
            try nest(
                subset,
                levels.dropFirst(),
                prefix: prefix + [key, values.value(at: index)],
                schema: &schema,
                results: &results,
                in: environment,
                at: span
            )
        }
    }
}
