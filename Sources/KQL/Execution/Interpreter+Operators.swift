import KustoTime

/// Tabular operators.
extension Interpreter {
    /// Applies `op` to `input` (nil for operators that start a query).
    func apply(_ op: TabularOperator, to input: Relation?, in environment: Environment) throws(KQLError) -> Relation {
        try checkBudget(at: op.keyword.span)
        let rows = input ?? Relation(schema: [], chunks: [])
        switch op.kind {
        case .where(let predicate):
            return try filter(rows, by: predicate, in: environment)
        case .project(let items):
            return try project(rows, items, in: environment)
        case .extend(let items):
            return try extend(rows, items, in: environment)
        case .serialize(let items):
            return try extend(try merge(rows, at: op.span), items, in: environment)
        case .projectAway(let patterns):
            let removed = Set(Self.matching(patterns, in: rows.schema))
            return rows.keepingColumns(rows.schema.indices.filter { !removed.contains(rows.schema[$0].name) })
        case .projectKeep(let patterns):
            let kept = Set(Self.matching(patterns, in: rows.schema))
            return rows.keepingColumns(rows.schema.indices.filter { kept.contains(rows.schema[$0].name) })
        case .projectRename(let items):
            var output = rows
            for item in items {
                guard let newName = item.names.first, case .name(let old) = item.expression.kind, let index = output.index(of: old) else { continue }
                output.schema[index] = ColumnSchema(name: newName.name, type: output.schema[index].type)
            }
            return output
        case .projectReorder(let keys):
            let first = Self.matching(keys.map(\.expression), in: rows.schema).compactMap(rows.index(of:))
            return rows.keepingColumns(first + rows.schema.indices.filter { !first.contains($0) })
        case .summarize(_, let aggregates, let by):
            return try summarize(rows, aggregates: aggregates, by: by, in: environment, at: op.span)
        case .count(let name):
            return Relation(
                schema: [ColumnSchema(name: name?.name ?? "Count", type: .long)],
                columns: [.constant(.long(Int64(rows.rowCount)), .long, count: 1).materialized()],
                count: 1
            )
        case .take(let count), .sample(let count):
            return rows.prefix(try rowCount(count, in: environment))
        case .top(let count, let keys, _):
            return try sort(rows, by: keys, limit: try rowCount(count, in: environment), in: environment)
        case .sort(let keys):
            return try sort(rows, by: keys, limit: nil, in: environment)
        case .distinct(let items):
            if items.count == 1, case .star = items[0].expression.kind {
                return try summarize(rows, aggregates: [], by: rows.schema.map(Self.columnItem), in: environment, at: op.span)
            }
            return try summarize(rows, aggregates: [], by: items, in: environment, at: op.span)
        case .join(let parameters, let right, let on):
            let kind = parameters.option("kind") ?? "innerunique"
            return try join(rows, try tabular(right, in: RowScope(environment: environment)), kind: kind, on: on, lookup: false, at: op.span)
        case .lookup(let parameters, let right, let on):
            let kind = parameters.option("kind") ?? "leftouter"
            return try join(rows, try tabular(right, in: RowScope(environment: environment)), kind: kind, on: on, lookup: true, at: op.span)
        case .union(let parameters, let tables):
            var inputs: [(String, Relation)] = input.map { [("", $0)] } ?? []
            for table in tables { inputs += try unionInputs(table, in: environment) }
            return Relation.stacked(inputs, withSource: parameters.option("withsource") ?? parameters.option("with_source"))
        case .mvExpand(let parameters, let items, let limit):
            var maximum: Int?
            if let limit { maximum = try rowCount(limit, in: environment) }
            return try mvExpand(rows, items, itemIndex: parameters.option("with_itemindex"), limit: maximum, in: environment, at: op.span)
        case .mvApply(let parameters, let items, let on):
            return try mvApply(rows, items, itemIndex: parameters.option("with_itemindex"), on: on, in: environment, at: op.span)
        case .parse(let kind, _, let inputExpression, let pattern):
            return try parse(rows, inputExpression, pattern, keepUnmatched: kind == .parse, in: environment)
        case .parseKV(let inputExpression, let columns, let parameters):
            return try parseKV(rows, inputExpression, columns, parameters, in: environment)
        case .evaluate(_, let plugin):
            return try evaluatePlugin(plugin, rows, in: environment)
        case .makeSeries(_, let aggregates, let axis, let from, let to, let step, let by):
            return try makeSeries(rows, aggregates, axis: axis, from: from, to: to, step: step, by: by, in: environment, at: op.span)
        case .render(let visualization, _):
            var output = rows
            output.visualization = visualization.name
            return output
        case .as(_, let name):
            _ = name
            return rows
        case .consume:
            return Relation(schema: [], chunks: [])
        case .invoke(let call):
            return try invoke(call, rows, in: environment)
        case .getschema:
            return getschema(rows)
        case .sampleDistinct(let count, let column):
            let limit = try rowCount(count, in: environment)
            let distinct = try summarize(rows, aggregates: [], by: [NamedExpression(names: [], expression: column)], in: environment, at: op.span)
            return distinct.prefix(limit)
        case .topNested(let levels):
            return try topNested(rows, levels, in: environment, at: op.span)
        case .search(let parameters, let tables, let predicate):
            return try search(tables, predicate, parameters, input: input, in: environment)
        case .find(let parameters, let tables, let predicate, let project):
            return try find(tables, predicate, parameters, project: project, in: environment)
        case .print(let items):
            let scope = RowScope(environment: environment)
            var output = RowSchema(columns: [])
            var columns: [Vector] = []
            for (index, item) in items.enumerated() {
                let vector = try scalar(item.expression, in: scope).materialized()
                output.set(ColumnSchema(name: item.names.first?.name ?? "print_\(index)", type: vector.type))
                columns.append(vector)
            }
            return Relation(schema: output.columns, columns: columns, count: 1)
        case .range(let name, let from, let to, let step):
            return try range(name.name, from, to, step, in: environment, at: op.span)
        case .datatable(let columns, let values):
            return try datatable(columns, values, in: environment, at: op.span)
        case .externaldata(let columns, let uris, let parameters):
            return try externalData(columns, uris, parameters, in: environment, at: op.span)
        case .partition(_, let key, let body):
            return try partition(rows, by: key, body: body, in: environment, at: op.span)
        case .fork, .facet:
            return try firstBranch(op.kind, rows, in: environment, at: op.span)
        case .scan(let definition):
            return try scan(rows, definition, in: environment, at: op.span)
        }
    }

    // MARK: Pieces

    static func columnItem(_ column: ColumnSchema) -> NamedExpression {
        NamedExpression(names: [], expression: Expression(kind: .name(column.name), span: SourceSpan(start: 0, end: 0)))
    }

    func rowCount(_ expression: Expression, in environment: Environment) throws(KQLError) -> Int {
        guard let count = Conversions.long(try constant(expression, in: environment)), count >= 0 else {
            throw KQLError(.invalidArgument, "The row count must be a non-negative number.", at: expression.span)
        }
        return Int(min(count, Int64(Int32.max)))
    }

    /// Column names matching names or `*` patterns, in schema order for patterns.
    static func matching(_ patterns: [Expression], in schema: [ColumnSchema]) -> [String] {
        var names: [String] = []
        for pattern in patterns {
            switch pattern.kind {
            case .name(let name): if schema.contains(where: { $0.name == name }) { names.append(name) }
            case .pattern(let text): names += schema.map(\.name).filter { Wildcard.matches(text, $0) && !names.contains($0) }
            default: continue
            }
        }
        return names
    }

    private func project(_ rows: Relation, _ items: [NamedExpression], in environment: Environment) throws(KQLError) -> Relation {
        // Names and types come from the first chunk (or an empty one); each chunk computes its own columns.
        var plan: [(names: [String], source: ProjectSource)] = []
        var output = RowSchema(columns: [])
        var unnamed = 0
        for item in items {
            if case .star = item.expression.kind {
                for (index, column) in rows.schema.enumerated() {
                    output.set(column)
                    plan.append(([column.name], .column(index)))
                }
                continue
            }
            let names = ColumnNaming.names(of: item, unnamed: &unnamed, in: output, numbering: true)
            if item.names.isEmpty || item.names.count == 1, case .name(let name) = item.expression.kind, let index = rows.index(of: name) {
                output.set(ColumnSchema(name: names[0], type: rows.schema[index].type))
                plan.append((names, .column(index)))
                continue
            }
            output.set(ColumnSchema(name: names[0], type: .dynamic))
            plan.append((names, .expression(item.expression)))
        }
        let steps = plan
        let chunks = try Parallel.map(
            rows.chunks.isEmpty ? [Chunk(computed: rows.schema.map { VectorBuilder(type: $0.type).build() }, count: 0)] : rows.chunks
        ) {
            (chunk: Chunk) throws(KQLError) -> (Chunk, [ScalarType]) in
            let scope = RowScope(schema: rows.schema, chunk: chunk, environment: environment)
            var out = chunk
            out.columns = []
            var types: [ScalarType] = []
            for (_, source) in steps {
                switch source {
                case .column(let index):
                    out.columns.append(chunk.columns[index])
                    types.append(rows.schema[index].type)
                case .expression(let expression):
                    let vector = try scalar(expression, in: scope)
                    out.columns.append(.computed(vector))
                    types.append(vector.type)
                }
            }
            return (out, types)
        }
        let types = chunks.first?.1 ?? []
        var schema: [ColumnSchema] = []
        var columnOf: [String: Int] = [:]
        var columns: [Int] = []
        for (position, entry) in plan.enumerated() {
            let name = entry.names[0]
            let column = ColumnSchema(name: name, type: types[position])
            if let existing = columnOf[name] {
                schema[existing] = column
                columns[existing] = position
            } else {
                columnOf[name] = schema.count
                schema.append(column)
                columns.append(position)
            }
        }
        return Relation(
            schema: schema,
            chunks: chunks.map { chunk, _ in
                var out = chunk
                out.columns = columns.map { chunk.columns[$0] }
                return out
            }
        )
    }

    private enum ProjectSource {
        case column(Int)
        case expression(Expression)
    }

    func extend(_ rows: Relation, _ items: [NamedExpression], in environment: Environment) throws(KQLError) -> Relation {
        var offsets: [Int] = []
        var offset = 0
        for chunk in rows.chunks {
            offsets.append(offset)
            offset += chunk.count
        }
        let inputs = Array(
            zip(
                rows.chunks.isEmpty ? [Chunk(computed: rows.schema.map { VectorBuilder(type: $0.type).build() }, count: 0)] : rows.chunks,
                offsets.isEmpty ? [0] : offsets
            )
        )
        let results = try Parallel.map(inputs) { (chunk: Chunk, offset: Int) throws(KQLError) -> (Chunk, [ColumnSchema]) in
            var schema = RowSchema(columns: rows.schema)
            var chunk = chunk
            var unnamed = 0
            for item in items {
                let scope = RowScope(schema: schema.columns, chunk: chunk, environment: environment, rowOffset: offset)
                let vector = try scalar(item.expression, in: scope)
                let names = ColumnNaming.names(of: item, unnamed: &unnamed, in: schema)
                for (position, name) in names.enumerated() {
                    // `extend (a, b) = f()` spreads an array over several columns.
                    let value =
                        names.count > 1 ? Kernels.map(vector, type: .dynamic) { Interpreter.element(of: $0, Int64(position)) } : vector
                    let index = schema.columns.firstIndex { $0.name == name } ?? schema.columns.count
                    schema.set(ColumnSchema(name: name, type: value.type))
                    chunk.set(index, value)
                }
            }
            return (chunk, schema.columns)
        }
        return Relation(schema: results.first?.1 ?? rows.schema, chunks: results.map(\.0))
    }

    private func unionInputs(_ expression: Expression, in environment: Environment) throws(KQLError) -> [(String, Relation)] {
        switch expression.kind {
        case .pattern(let text):
            var inputs: [(String, Relation)] = []
            for table in catalog.tableNames.filter({ Wildcard.matches(text, $0) }).compactMap(catalog.table(named:)) {
                inputs.append((table.name, try scan(table)))
            }
            return inputs
        case .name(let name):
            return [(name, try tabular(expression, in: RowScope(environment: environment)))]
        default:
            return [("", try tabular(expression, in: RowScope(environment: environment)))]
        }
    }

    private func getschema(_ rows: Relation) -> Relation {
        var builders = [VectorBuilder(type: .string), VectorBuilder(type: .int), VectorBuilder(type: .string), VectorBuilder(type: .string)]
        for (ordinal, column) in rows.schema.enumerated() {
            builders[0].append(.string(column.name))
            builders[1].append(.long(Int64(ordinal)))
            builders[2].append(.string("System.\(Self.dotNetName(column.type))"))
            builders[3].append(.string(column.type.rawValue))
        }
        return Relation(
            schema: [
                ColumnSchema(name: "ColumnName", type: .string), ColumnSchema(name: "ColumnOrdinal", type: .int),
                ColumnSchema(name: "DataType", type: .string), ColumnSchema(name: "ColumnType", type: .string),
            ],
            columns: builders.map { $0.build() },
            count: rows.schema.count
        )
    }

    static func dotNetName(_ type: ScalarType) -> String {
        switch type {
        case .bool: "SByte"
        case .int: "Int32"
        case .long: "Int64"
        case .real: "Double"
        case .decimal: "Data.SqlTypes.SqlDecimal"
        case .string: "String"
        case .datetime: "DateTime"
        case .timespan: "TimeSpan"
        case .guid: "Guid"
        case .dynamic: "Object"
        }
    }

    private func range(
        _ name: String,
        _ from: Expression,
        _ to: Expression,
        _ step: Expression,
        in environment: Environment,
        at span: SourceSpan
    )
        throws(KQLError) -> Relation
    {
        let start = try constant(from, in: environment)
        let end = try constant(to, in: environment)
        let stride = try constant(step, in: environment)
        let type = Self.type(of: start)
        var builder = VectorBuilder(type: type)
        var current = start
        var count = 0
        while let order = ScalarOps.order(current, end), order <= 0 {
            count += 1
            try checkSize(rows: count, columns: 1, at: span)
            builder.append(current)
            let next = ScalarOps.arithmetic(.add, current, stride, type: type)
            guard let progress = ScalarOps.order(next, current), progress > 0 else { break }
            current = next
        }
        return Relation(schema: [ColumnSchema(name: name, type: type)], columns: [builder.build()], count: count)
    }

    private func datatable(
        _ columns: [ColumnDeclaration],
        _ values: [Expression],
        in environment: Environment,
        at span: SourceSpan
    )
        throws(KQLError) -> Relation
    {
        let schema = columns.map { ColumnSchema(name: $0.name.name, type: ScalarType(schemaName: $0.type) ?? .dynamic) }
        guard !schema.isEmpty, values.count % schema.count == 0 else {
            throw KQLError(.invalidArgument, "datatable: the number of values must be a multiple of the number of columns.", at: span)
        }
        var builders = schema.map { VectorBuilder(type: $0.type) }
        for (index, value) in values.enumerated() {
            let column = index % schema.count
            builders[column].append(Conversions.convert(try constant(value, in: environment), to: schema[column].type))
        }
        return Relation(schema: schema, columns: builders.map { $0.build() }, count: values.count / schema.count)
    }

    /// `| invoke f()`: a user function whose first parameter is tabular, or a catalog function.
    private func invoke(_ call: Expression, _ rows: Relation, in environment: Environment) throws(KQLError) -> Relation {
        guard case .call(let function, let arguments) = call.kind else {
            throw KQLError(.syntaxError, "'invoke' expects a function call.", at: call.span)
        }
        if case .function(let parameters, let body, let definition)? = environment.bindings[function.name] {
            let result = try invoke(
                function.name,
                parameters,
                body,
                definition,
                arguments: arguments,
                input: rows,
                in: RowScope(environment: environment),
                at: call.span
            )
            guard case .tabular(let relation) = result else { throw KQLError(.typeMismatch, "'invoke' needs a tabular function.", at: call.span) }
            return relation
        }
        guard let provided = catalog.function(named: function.name) else {
            throw KQLError(.unknownFunction, "Unknown function: '\(function.name)'.", at: function.span)
        }
        // Service functions without data here (`FileProfile()`): their columns are added, empty.
        var output = provided.extendsInput ? rows : Relation(schema: [], chunks: [])
        for column in provided.columns where output.index(of: column.name) == nil {
            output.schema.append(column)
            output.chunks = output.chunks.map { chunk in
                var chunk = chunk
                chunk.set(chunk.columns.count, .constant(.null, column.type, count: chunk.count))
                return chunk
            }
        }
        return output
    }
}

extension Relation {
    /// The columns at `indices`, in that order.
    func keepingColumns(_ indices: [Int]) -> Relation {
        var output = Relation(
            schema: indices.map { schema[$0] },
            chunks: chunks.map { chunk in
                var out = chunk
                out.columns = indices.map { chunk.columns[$0] }
                return out
            }
        )
        output.visualization = visualization
        return output
    }

    /// The first `limit` rows.
    func prefix(_ limit: Int) -> Relation {
        var remaining = limit
        var out: [Chunk] = []
        for chunk in chunks where remaining > 0 {
            var chunk = chunk
            if chunk.count > remaining { chunk.keep((0..<Int32(remaining)).map { $0 }) }
            remaining -= chunk.count
            out.append(chunk)
        }
        return Relation(schema: schema, chunks: out)
    }
}
