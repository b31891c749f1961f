import KustoTime

/// Function calls: user functions, the catalog's functions, functions that need the query's context, and the
/// scalar library.
extension Interpreter {
    func call(_ function: Identifier, _ arguments: [Expression], in scope: RowScope, at span: SourceSpan) throws(KQLError) -> Evaluated {
        let name = function.name
        if case .function(let parameters, let body, let definition)? = scope.environment.bindings[name] {
            return try invoke(name, parameters, body, definition, arguments: arguments, input: nil, in: scope, at: span)
        }
        if let provided = catalog.function(named: name) {
            // Service functions (`DeviceFromIP()`, `FileProfile()`) have no data source here: their columns, no rows.
            return .tabular(Relation(schema: provided.columns, chunks: []))
        }
        switch name {
        case "materialize", "view":
            return .tabular(try merge(try tabular(arguments[0], in: scope), at: span))
        case "toscalar":
            switch try evaluate(arguments[0], in: RowScope(environment: scope.environment)) {
            case .tabular(let relation):
                guard !relation.schema.isEmpty, relation.rowCount > 0 else { return .scalar(.constant(.null, .dynamic, count: scope.count)) }
                let column = relation.column(0)
                return .scalar(.constant(column.value(at: 0), relation.schema[0].type, count: scope.count))
            case .scalar(let vector):
                return .scalar(Self.fit(vector, to: scope.count))
            }
        case "table":
            let tableName = Conversions.text(try constant(arguments[0], in: scope.environment))
            guard let table = catalog.table(named: tableName) else {
                throw KQLError(.unknownTable, "Failed to resolve table expression named '\(tableName)'.", at: span)
            }
            return .tabular(try scan(table))
        case "typeof":
            if case .name(let typeName) = arguments.first?.kind { return .scalar(.constant(.string(typeName), .string, count: scope.count)) }
        case "column_ifexists":
            if case .literal(.string(let column)) = arguments[0].kind, let vector = scope.column(column) { return .scalar(vector) }
            return .scalar(try scalar(arguments[1], in: scope))
        case "pack_all", "bag_pack_columns":
            return .scalar(try packColumns(name == "pack_all" ? nil : arguments, in: scope))
        case "bin_auto":
            // `bin` by the size of `set query_bin_auto_size=…;`, shifted to `query_bin_auto_at` when that is set.
            guard let size = scope.environment.properties["query_bin_auto_size"] else {
                throw KQLError(
                    .invalidArgument,
                    "bin_auto() takes its bin size from the query property query_bin_auto_size: start the query with 'set query_bin_auto_size=1h;'.",
                    at: span
                )
            }
            if let fixed = scope.environment.properties["query_bin_auto_at"] {
                return .scalar(try libraryCall("bin_at", [arguments[0], size, fixed], in: scope, at: span))
            }
            return .scalar(try libraryCall("bin", [arguments[0], size], in: scope, at: span))
        case "row_number":
            var start: Int64 = 1
            if let first = arguments.first { start = Conversions.long(try constant(first, in: scope.environment)) ?? 1 }
            let first = Int64(scope.rowOffset) + start
            return .scalar(Vector(.long, .integers((0..<Int64(scope.count)).map { first + $0 }, nulls: nil)))
        case "prev", "next":
            return .scalar(try neighbour(name == "next", arguments, in: scope))
        case "row_cumsum":
            let values = try scalar(arguments[0], in: scope)
            var total: ScalarValue = .long(0)
            var builder = VectorBuilder(type: values.type, capacity: scope.count)
            for row in 0..<scope.count {
                let value = values.value(at: row)
                if value != .null { total = ScalarOps.arithmetic(.add, total, value, type: values.type) }
                builder.append(total)
            }
            return .scalar(builder.build())
        case "estimate_data_size" where arguments.contains(where: { $0.kind == .star }):
            let columns = scope.schema.indices.map { scope.chunk.vector($0, type: scope.schema[$0].type) }
            return .scalar(Vector(.long, .integers(Self.dataSizes(columns, count: scope.count), nulls: nil)))
        case "extract" where arguments.count == 4:
            let value = try libraryCall("extract", Array(arguments.prefix(3)), in: scope, at: span)
            guard case .call(_, let typeArguments) = arguments[3].kind, case .name(let typeName) = typeArguments.first?.kind,
                let type = ScalarType(schemaName: typeName)
            else { return .scalar(value) }
            return .scalar(Kernels.map(value, type: type) { Conversions.text($0).isEmpty ? .null : Conversions.convert($0, to: type) })
        default:
            break
        }
        if FunctionCatalog.aggregate(name) != nil, FunctionCatalog.scalar(name) == nil {
            throw KQLError(
                .invalidArgument,
                "The aggregation function '\(name)' can be used only in summarize, make-series, top-nested or mv-apply.",
                at: function.span
            )
        }
        return .scalar(try libraryCall(name, arguments, in: scope, at: span))
    }

    /// A scalar library function over argument vectors; its result type follows the function catalog.
    private func libraryCall(_ name: String, _ arguments: [Expression], in scope: RowScope, at span: SourceSpan) throws(KQLError) -> Vector {
        var vectors: [Vector] = []
        for argument in arguments { vectors.append(try scalar(argument, in: scope)) }
        if name == "bin" || name == "floor", vectors.count == 2, let binned = Self.binIntegers(vectors[0], vectors[1]) { return binned }
        guard let implementation = try ScalarLibrary.prepare(name, constants: vectors.map(\.constantValue), now: now, at: span),
            let signature = FunctionCatalog.scalar(name)
        else {
            throw KQLError(.unsupported, "The function '\(name)' is not supported by this engine yet.", at: span)
        }
        let type = FunctionCatalog.resultType(signature, name: name, arguments: arguments, types: vectors.map(\.type)) ?? .dynamic
        return Kernels.mapN(vectors, count: scope.count, type: type, implementation)
    }

    /// `bin(Timestamp, 1h)` and other integral bins by a constant step, without boxing each value.
    private static func binIntegers(_ values: Vector, _ size: Vector) -> Vector? {
        guard case .integers(let integers, let nulls) = values.storage, values.type != .bool, let step = size.constantValue else { return nil }
        let width: Int64
        switch (values.type, step.unwrapped) {
        case (.datetime, .timespan(let ticks)), (.timespan, .timespan(let ticks)): width = ticks
        case (.long, .long(let n)), (.int, .long(let n)): width = n
        default: return nil
        }
        guard width > 0 else { return nil }
        return Vector(values.type, .integers(integers.map { DateTimeTicks.floorDivide($0, width) * width }, nulls: nulls))
    }

    /// `estimate_data_size(*)`: per row, the bytes of its text values and 8 for each non-null number, datetime or
    /// timespan (dynamic values by their JSON).
    static func dataSizes(_ columns: [Vector], count: Int) -> [Int64] {
        var sizes = [Int64](repeating: 0, count: count)
        for column in columns {
            switch column.storage {
            case .text(let codes, let strings):
                var perCode = [Int64](repeating: -1, count: strings.count)
                for (row, code) in codes.enumerated() {
                    if perCode[Int(code)] < 0 { perCode[Int(code)] = Int64(strings[Int(code)].utf8.count) }
                    sizes[row] += perCode[Int(code)]
                }
            case .integers(_, let nulls), .reals(_, let nulls):
                for row in 0..<count where nulls?[row] != true { sizes[row] += 8 }
            default:
                for row in 0..<count {
                    let value = column.value(at: row)
                    if value != .null { sizes[row] += Int64(Conversions.text(value).utf8.count) }
                }
            }
        }
        return sizes
    }

    /// `pack_all()` (every column) and `bag_pack_columns(a, b)`.
    private func packColumns(_ arguments: [Expression]?, in scope: RowScope) throws(KQLError) -> Vector {
        var names: [String] = []
        var vectors: [Vector] = []
        if let arguments {
            for argument in arguments {
                names.append(ColumnNaming.derived(argument) ?? "Column\(names.count + 1)")
                vectors.append(try scalar(argument, in: scope))
            }
        } else {
            for (index, column) in scope.schema.enumerated() {
                names.append(column.name)
                vectors.append(scope.chunk.vector(index, type: column.type))
            }
        }
        return Kernels.mapN(vectors, count: scope.count, type: .dynamic) { values in
            var bag = PropertyBag()
            for (name, value) in zip(names, values) where value != .null { bag[name] = value.asDynamic }
            return .dynamic(.bag(bag))
        }
    }

    /// `prev(column, offset, default)` and `next(…)` over a serialized chunk.
    private func neighbour(_ forward: Bool, _ arguments: [Expression], in scope: RowScope) throws(KQLError) -> Vector {
        let values = try scalar(arguments[0], in: scope)
        let offset = arguments.count > 1 ? Int(Conversions.long(try constant(arguments[1], in: scope.environment)) ?? 1) : 1
        let fallback = arguments.count > 2 ? try constant(arguments[2], in: scope.environment) : ScalarValue.null
        var builder = VectorBuilder(type: values.type, capacity: scope.count)
        for row in 0..<scope.count {
            let source = forward ? row + offset : row - offset
            builder.append(source >= 0 && source < scope.count ? values.value(at: source) : fallback)
        }
        return builder.build()
    }
}
