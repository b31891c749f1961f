/// The columns each tabular operator produces from its input.
extension Analyzer {
    /// Applies `op` to `input` (nil for operators that start a query).
    func apply(_ op: TabularOperator, to input: RowSchema?) -> RowSchema {
        var output = columns(of: op, from: input ?? RowSchema(columns: []), input: input)
        output.isSerialized = Self.serializes(op.kind, input: input?.isSerialized ?? false)
        guard output.columns.count <= Self.maxColumns else {
            report(.limitExceeded, "The '\(op.keyword.name)' operator would produce more than \(Self.maxColumns) columns.", at: op.keyword.span)
            return .open
        }
        return output
    }

    /// Whether an operator's output is serialized: `sort`, `top`, `serialize`, `range` and `getschema` order their
    /// rows; filters and per-row operators keep their input's order; everything else does not (Kusto's serialize docs).
    static func serializes(_ kind: OperatorKind, input: Bool) -> Bool {
        switch kind {
        case .sort, .top, .serialize, .range, .getschema: true
        case .extend, .mvExpand, .parse, .parseKV, .project, .projectAway, .projectKeep, .projectRename, .projectReorder, .take, .where,
            .render, .as:
            input
        default: false
        }
    }

    /// Wider results are refused: joins of joins could otherwise grow schemas exponentially.
    static let maxColumns = 5_000

    private func columns(of op: TabularOperator, from rows: RowSchema, input: RowSchema?) -> RowSchema {
        switch op.kind {
        case .where(let predicate):
            if let type = scalar(predicate, row: rows), type != .bool, type != .dynamic {
                report(.typeMismatch, "The '\(op.keyword.name)' predicate must be of type bool, not \(type).", at: predicate.span)
            }
            return rows
        case .project(let items):
            var output = RowSchema(columns: [], isOpen: rows.isOpen)
            var unnamed = 0
            for item in items {
                if case .star = item.expression.kind {
                    output.columns += rows.columns
                    continue
                }
                let type = scalar(item.expression, row: rows)
                for name in ColumnNaming.names(of: item, unnamed: &unnamed, in: output, numbering: true) {
                    output.set(ColumnSchema(name: name, type: type ?? .dynamic))
                }
            }
            return output
        case .extend(let items):
            return extend(rows, with: items)
        case .serialize(let items):
            var serialized = rows
            serialized.isSerialized = true
            return extend(serialized, with: items)
        case .projectAway(let patterns):
            let removed = matching(patterns, in: rows)
            return RowSchema(columns: rows.columns.filter { !removed.contains($0.name) }, isOpen: rows.isOpen)
        case .projectKeep(let patterns):
            let kept = matching(patterns, in: rows)
            return RowSchema(columns: rows.columns.filter { kept.contains($0.name) }, isOpen: false)
        case .projectRename(let items):
            var output = rows
            for item in items {
                guard let newName = item.names.first, case .name(let old) = item.expression.kind else {
                    report(.invalidArgument, "'project-rename' expects NewName = ExistingName.", at: item.expression.span)
                    continue
                }
                guard let index = output.columns.firstIndex(where: { $0.name == old }) else {
                    if !rows.isOpen { unknownName(old, at: item.expression.span) }
                    continue
                }
                output.columns[index] = ColumnSchema(name: newName.name, type: output.columns[index].type)
            }
            return output
        case .projectReorder(let keys):
            let first = matching(keys.map(\.expression), in: rows)
            let ordered = first.compactMap(rows.column)
            return RowSchema(columns: ordered + rows.columns.filter { !first.contains($0.name) }, isOpen: rows.isOpen)
        case .summarize(_, let aggregates, let by):
            return summarize(rows, aggregates: aggregates, by: by)
        case .count(let name):
            return RowSchema(columns: [ColumnSchema(name: name?.name ?? "Count", type: .long)])
        case .take(let count), .sample(let count):
            checkCount(count, rows)
            return rows
        case .top(let count, let keys, _):
            checkCount(count, rows)
            for key in keys { _ = scalar(key.expression, row: rows) }
            return rows
        case .sort(let keys):
            for key in keys { _ = scalar(key.expression, row: rows) }
            return rows
        case .distinct(let items):
            if items.count == 1, case .star = items[0].expression.kind { return rows }
            return apply(TabularOperator(kind: .project(items), keyword: op.keyword, span: op.span), to: rows)
        case .join(let parameters, let right, let on):
            return join(rows, right: tabular(right, row: nil), kind: parameters.option("kind") ?? "innerunique", on: on)
        case .lookup(_, let right, let on):
            return join(rows, right: tabular(right, row: nil), kind: "lookup", on: on)
        case .union(let parameters, let tables):
            return union(
                ([input].compactMap { $0 }) + tables.flatMap(unionInputs),
                withSource: parameters.option("withsource") ?? parameters.option("with_source")
            )
        case .mvExpand(let parameters, let items, let limit):
            if let limit { _ = scalar(limit, row: rows) }
            return mvExpand(rows, items: items, itemIndex: parameters.option("with_itemindex"))
        case .mvApply(let parameters, let items, let on):
            let expanded = mvExpand(rows, items: items, itemIndex: parameters.option("with_itemindex"))
            guard case .subquery(let operators) = on.kind else { return expanded }
            let result = operators.reduce(expanded) { apply($1, to: $0) }
            var output = RowSchema(
                columns: rows.columns.filter { column in !items.contains { expandedName($0) == column.name } },
                isOpen: result.isOpen
            )
            for column in result.columns { output.set(column) }
            return output
        case .parse(_, _, let inputExpression, let pattern):
            _ = scalar(inputExpression, row: rows)
            var output = rows
            for case .column(let name, let type) in pattern {
                output.set(ColumnSchema(name: name.name, type: type.flatMap(ScalarType.init(schemaName:)) ?? .string))
            }
            return output
        case .parseKV(let inputExpression, let columns, _):
            _ = scalar(inputExpression, row: rows)
            var output = rows
            for column in columns { output.set(declared(column)) }
            return output
        case .evaluate(_, let plugin):
            return evaluate(plugin, rows)
        case .makeSeries(_, let aggregates, let axis, let from, let to, let step, let by):
            for part in [from, to, step].compactMap({ $0 }) { _ = scalar(part, row: rows) }
            let grouped = summarize(rows, aggregates: [], by: by)
            var output = grouped
            let axisName = ColumnNaming.derived(axis) ?? "Column1"
            _ = scalar(axis, row: rows)
            output.set(ColumnSchema(name: axisName, type: .dynamic))
            for (index, item) in aggregates.enumerated() {
                _ = scalar(item.expression, row: rows, aggregates: true)
                let name = item.names.first?.name ?? ColumnNaming.aggregateName(item.expression, position: index + 1)
                output.set(ColumnSchema(name: output.unusedName(name), type: .dynamic))
            }
            return output
        case .render, .as:
            return rows
        case .consume:
            return RowSchema(columns: [])
        case .invoke(let call):
            return invoke(call, rows)
        case .getschema:
            return RowSchema(columns: [
                ColumnSchema(name: "ColumnName", type: .string), ColumnSchema(name: "ColumnOrdinal", type: .int),
                ColumnSchema(name: "DataType", type: .string), ColumnSchema(name: "ColumnType", type: .string),
            ])
        case .sampleDistinct(let count, let column):
            checkCount(count, rows)
            let type = scalar(column, row: rows)
            return RowSchema(columns: [ColumnSchema(name: ColumnNaming.derived(column) ?? "Column1", type: type ?? .dynamic)])
        case .topNested(let levels):
            var output = RowSchema(columns: [])
            for level in levels {
                let type = scalar(level.of.expression, row: rows)
                output.set(
                    ColumnSchema(name: level.of.names.first?.name ?? ColumnNaming.derived(level.of.expression) ?? "Column1", type: type ?? .dynamic)
                )
                let aggregate = scalar(level.by.expression, row: rows, aggregates: true)
                output.set(
                    ColumnSchema(
                        name: level.by.names.first?.name ?? "aggregated_\(ColumnNaming.derived(level.of.expression) ?? "")",
                        type: aggregate ?? .dynamic
                    )
                )
            }
            return output
        case .scan(let definition):
            return scan(definition, rows: rows)
        case .search, .find, .facet, .fork, .partition:
            return RowSchema(columns: [ColumnSchema(name: "$table", type: .string)] + rows.columns, isOpen: true)
        case .print(let items):
            var output = RowSchema(columns: [])
            for (index, item) in items.enumerated() {
                let type = scalar(item.expression, row: nil)
                output.set(ColumnSchema(name: item.names.first?.name ?? "print_\(index)", type: type ?? .dynamic))
            }
            return output
        case .range(let name, let from, let to, let step):
            let type = scalar(from, row: nil)
            _ = scalar(to, row: nil)
            _ = scalar(step, row: nil)
            return RowSchema(columns: [ColumnSchema(name: name.name, type: type ?? .long)])
        case .datatable(let columns, let values):
            for value in values { _ = scalar(value, row: nil) }
            return RowSchema(columns: columns.map(declared))
        case .externaldata(let columns, _, _):
            return RowSchema(columns: columns.map(declared))
        }
    }

    // MARK: Pieces

    /// The input's columns, the declared ones, and the match id; each step's condition and assignments are analyzed
    /// over those columns with the step names in scope.
    private func scan(_ definition: ScanDefinition, rows: RowSchema) -> RowSchema {
        var output = rows
        for declaration in definition.declared {
            let column = declared(ColumnDeclaration(name: declaration.name, type: declaration.type ?? "dynamic"))
            if let value = declaration.defaultValue { _ = scalar(value, row: nil) }
            output.set(column)
        }
        scanSteps = Set(definition.steps.map(\.name.name))
        defer { scanSteps = [] }
        for step in definition.steps {
            _ = scalar(step.condition, row: output)
            for assignment in step.assignments {
                _ = scalar(assignment.expression, row: output)
                for name in assignment.names where !definition.declared.contains(where: { $0.name.name == name.name }) {
                    report(.unknownName, "The scan assigns '\(name.name)', which its declare clause does not declare.", at: name.span)
                }
            }
        }
        if let matchId = definition.parameters.first(where: { $0.name.name == "with_match_id" }), case .name(let name) = matchId.value.kind {
            output.set(ColumnSchema(name: name, type: .long))
        }
        return output
    }

    private func declared(_ column: ColumnDeclaration) -> ColumnSchema {
        guard let type = ScalarType(schemaName: column.type) else {
            report(.invalidArgument, "'\(column.type)' is not a scalar type.", at: column.name.span)
            return ColumnSchema(name: column.name.name, type: .dynamic)
        }
        return ColumnSchema(name: column.name.name, type: type)
    }

    private func checkCount(_ count: Expression, _ rows: RowSchema) {
        if let type = scalar(count, row: rows), !type.isNumeric, type != .dynamic {
            report(.typeMismatch, "The row count must be a number, not \(type).", at: count.span)
        }
    }

    private func extend(_ rows: RowSchema, with items: [NamedExpression]) -> RowSchema {
        var output = rows
        var unnamed = 0
        for item in items {
            let type = scalar(item.expression, row: output)
            let itemNames = ColumnNaming.names(of: item, unnamed: &unnamed, in: output)
            for name in itemNames {
                // A multi-column assignment (`extend (a, b) = f()`) types its columns as dynamic.
                output.set(ColumnSchema(name: name, type: itemNames.count > 1 ? .dynamic : type ?? .dynamic))
            }
        }
        return output
    }

    /// Column names matching names or wildcard patterns; an unmatched plain name is an error.
    private func matching(_ patterns: [Expression], in rows: RowSchema) -> [String] {
        var names: [String] = []
        for pattern in patterns {
            switch pattern.kind {
            case .name(let name):
                if rows.column(name) == nil, !rows.isOpen { unknownName(name, at: pattern.span) }
                names.append(name)
            case .pattern(let text):
                names += rows.columns.map(\.name).filter { Wildcard.matches(text, $0) }
            default:
                _ = scalar(pattern, row: rows)
            }
        }
        return names
    }

    private func summarize(_ rows: RowSchema, aggregates: [NamedExpression], by: [NamedExpression]) -> RowSchema {
        var output = RowSchema(columns: [])
        for (index, item) in by.enumerated() {
            let type = scalar(item.expression, row: rows)
            // A derived name already taken by an earlier key gets a numeric suffix (`by A, tolower(A)` → A, A1).
            let name = item.names.first?.name ?? output.unusedName(ColumnNaming.derived(item.expression) ?? "Column\(index + 1)")
            output.set(ColumnSchema(name: name, type: type ?? .dynamic))
        }
        let groupNames = Set(output.columns.map(\.name))
        for (index, item) in aggregates.enumerated() {
            guard case .call(let function, let arguments) = item.expression.kind, FunctionCatalog.multiColumnAggregates.contains(function.name)
            else {
                let type = scalar(item.expression, row: rows, aggregates: true)
                for name in item.names.isEmpty ? [ColumnNaming.aggregateName(item.expression, position: index + 1)] : item.names.map(\.name) {
                    output.columns.append(ColumnSchema(name: output.unusedName(name), type: type ?? .dynamic))
                }
                continue
            }
            for column in multiColumnAggregate(function.name, arguments, rows: rows, excluding: groupNames, names: item.names) {
                output.columns.append(ColumnSchema(name: output.unusedName(column.name), type: column.type))
            }
        }
        return output
    }

    /// `arg_max(Ts, *)`, `arg_min(Ts, A, B)`, `take_any(A, B)`, `percentiles(X, 50, 95)`.
    private func multiColumnAggregate(
        _ function: String,
        _ arguments: [Expression],
        rows: RowSchema,
        excluding: Set<String>,
        names: [Identifier]
    )
        -> [ColumnSchema]
    {
        var columns: [ColumnSchema] = []
        let types = arguments.map { argument -> ScalarType? in
            if case .star = argument.kind { return nil }
            return analyze(argument, row: rows).scalarType
        }
        if function.hasPrefix("percentiles") {
            let base = arguments.first.flatMap(ColumnNaming.derived) ?? ""
            for argument in arguments.dropFirst(function == "percentilesw" ? 2 : 1) {
                let suffix = argument.kind == .literal(.long(0)) ? "0" : (ColumnNaming.derived(argument) ?? valueText(argument))
                columns.append(ColumnSchema(name: "percentile_\(base)_\(suffix)", type: types.first.flatMap { $0 } ?? .dynamic))
            }
        } else {
            for (index, argument) in arguments.enumerated() {
                if case .star = argument.kind {
                    columns += rows.columns.filter { column in !excluding.contains(column.name) && !columns.contains { $0.name == column.name } }
                    continue
                }
                var name = ColumnNaming.derived(argument) ?? "Column\(index + 1)"
                if function == "any" { name = "any_\(name)" }
                columns.append(ColumnSchema(name: name, type: types[index] ?? .dynamic))
            }
        }
        for (index, name) in names.enumerated() where index < columns.count {
            columns[index] = ColumnSchema(name: name.name, type: columns[index].type)
        }
        return columns
    }

    private func valueText(_ expression: Expression) -> String {
        switch expression.kind {
        case .literal(.long(let value)): return String(value)
        case .literal(.real(let value)): return String(value).split(separator: ".").joined(separator: "_")
        default: return "Column"
        }
    }

    private func join(_ left: RowSchema, right: RowSchema, kind: String, on conditions: [Expression]) -> RowSchema {
        joinSides = (left, right)
        var keys: [String] = []
        for condition in conditions {
            if case .name(let key) = condition.kind {
                if left.column(key) == nil, !left.isOpen {
                    report(.unknownName, "The left side of the join has no column '\(key)'.", at: condition.span)
                } else if right.column(key) == nil, !right.isOpen {
                    report(.unknownName, "The right side of the join has no column '\(key)'.", at: condition.span)
                }
                keys.append(key)
            } else {
                _ = scalar(condition, row: nil)
            }
        }
        joinSides = nil
        switch kind.lowercased() {
        case "leftsemi", "leftanti", "anti", "leftantisemi": return left
        case "rightsemi", "rightanti", "rightantisemi": return right
        case "lookup":
            return RowSchema(
                columns: left.columns + ColumnNaming.joinRenamed(right.columns.filter { !keys.contains($0.name) }, besides: left.columns),
                isOpen: left.isOpen || right.isOpen
            )
        default:
            return RowSchema(
                columns: left.columns + ColumnNaming.joinRenamed(right.columns, besides: left.columns),
                isOpen: left.isOpen || right.isOpen
            )
        }
    }

    /// A `union` operand: a table name, a wildcard over the catalog's tables, or an expression.
    private func unionInputs(_ expression: Expression) -> [RowSchema] {
        if case .pattern(let text) = expression.kind {
            let tables = catalog.tableNames.filter { Wildcard.matches(text, $0) }
            return tables.isEmpty ? [.open] : tables.compactMap(catalog.table(named:)).map { RowSchema(columns: $0.columns) }
        }
        return [tabular(expression, row: nil)]
    }

    /// Columns of all inputs by name; a name with different types gets one column per type (`Name_string`).
    private func union(_ inputs: [RowSchema], withSource: String?) -> RowSchema {
        var output = RowSchema(columns: withSource.map { [ColumnSchema(name: $0, type: .string)] } ?? [], isOpen: inputs.contains { $0.isOpen })
        for input in inputs {
            for column in input.columns {
                if let existing = output.column(column.name) {
                    if existing.type != column.type, output.column("\(column.name)_\(column.type.rawValue)") == nil {
                        output.columns.append(ColumnSchema(name: "\(column.name)_\(column.type.rawValue)", type: column.type))
                    }
                } else {
                    output.columns.append(column)
                }
            }
        }
        return output
    }

    private func expandedName(_ item: MvExpandItem) -> String? {
        item.name?.name ?? ColumnNaming.derived(item.expression)
    }

    private func mvExpand(_ rows: RowSchema, items: [MvExpandItem], itemIndex: String?) -> RowSchema {
        var output = rows
        for (index, item) in items.enumerated() {
            _ = scalar(item.expression, row: rows)
            let type = item.type.flatMap(ScalarType.init(schemaName:)) ?? .dynamic
            output.set(ColumnSchema(name: expandedName(item) ?? "Column\(index + 1)", type: type))
        }
        if let itemIndex { output.set(ColumnSchema(name: itemIndex, type: .long)) }
        return output
    }

    private func evaluate(_ plugin: Expression, _ rows: RowSchema) -> RowSchema {
        guard case .call(let function, let arguments) = plugin.kind else {
            report(.syntaxError, "'evaluate' expects a plugin call.", at: plugin.span)
            return .open
        }
        // `pivot(Column, sum(X))` takes an aggregation.
        for argument in arguments { _ = analyze(argument, row: rows, aggregates: function.name == "pivot") }
        switch function.name {
        case "bag_unpack":
            let unpacked = arguments.first.flatMap(ColumnNaming.derived)
            return RowSchema(columns: rows.columns.filter { $0.name != unpacked }, isOpen: true)
        default:
            return RowSchema(columns: rows.columns, isOpen: true)
        }
    }

    /// `| invoke f()`: a user function whose first parameter is tabular, or a catalog function extending its input.
    private func invoke(_ call: Expression, _ rows: RowSchema) -> RowSchema {
        guard case .call(let function, let arguments) = call.kind else {
            report(.syntaxError, "'invoke' expects a function call.", at: call.span)
            return .open
        }
        let values = arguments.map { analyze($0, row: rows) }
        if case .function(let parameters, let body) = lookup(function.name) {
            if case .tabular(let schema) = invoke(function.name, parameters, body, arguments: values, input: rows, at: function.span) {
                return schema
            }
            return .open
        }
        if let provided = catalog.function(named: function.name) {
            var output = provided.extendsInput ? rows : RowSchema(columns: [])
            for column in provided.columns { output.set(column) }
            output.isOpen = output.isOpen || provided.isOpen
            return output
        }
        report(.unknownFunction, "Unknown function: '\(function.name)'.", at: function.span)
        return .open
    }
}

/// `*` wildcards in column and table names.
enum Wildcard {
    static func matches(_ pattern: String, _ name: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return pattern == name }
        var rest = Substring(name)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.firstRange(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.hasSuffix(parts.last!)
    }
}
