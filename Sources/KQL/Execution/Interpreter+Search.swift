/// `search`, `find` and `externaldata`.
extension Interpreter {
    /// `search [in (T…)] Predicate`: rows of the tables (or the piped input) where the predicate holds; a bare string
    /// is a term looked for in every text column. The `$table` column names each row's table.
    func search(
        _ tables: [Expression],
        _ predicate: Expression,
        _ parameters: [OperatorParameter],
        input: Relation?,
        in environment: Environment
    )
        throws(KQLError) -> Relation
    {
        var sources: [(String, Relation)] = []
        if let input {
            sources = [("", input)]
        } else {
            for name in try searchTables(tables) {
                guard let table = catalog.table(named: name) else { continue }
                sources.append((name, try scan(table)))
            }
        }
        var parts: [(String, Relation)] = []
        for (name, relation) in sources {
            guard let condition = Self.searchCondition(predicate, schema: relation.schema, bound: environment) else { continue }
            // Tables without matches still contribute their columns, as the result's schema does not depend on data.
            parts.append((name, try filter(relation, by: condition, in: environment)))
        }
        return Relation.stacked(parts, withSource: "$table")
    }

    /// `find [in (T…)] where Predicate [project Col…]`: `source_`, the projected columns, and `pack_` holding the rest.
    func find(
        _ tables: [Expression],
        _ predicate: Expression,
        _ parameters: [OperatorParameter],
        project: [NamedExpression],
        in environment: Environment
    )
        throws(KQLError) -> Relation
    {
        var parts: [Relation] = []
        let projected = project.compactMap { ColumnNaming.derived($0.expression) }
        for name in try searchTables(tables) {
            guard let table = catalog.table(named: name), let condition = Self.searchCondition(predicate, schema: table.columns, bound: environment)
            else { continue }
            let matched = try merge(try filter(try scan(table), by: condition, in: environment), at: predicate.span)
            guard matched.rowCount > 0 else { continue }
            var schema = [ColumnSchema(name: "source_", type: .string)]
            var columns = [Vector.constant(.string(name), .string, count: matched.rowCount)]
            for column in projected {
                let index = matched.index(of: column)
                schema.append(ColumnSchema(name: column, type: index.map { matched.schema[$0].type } ?? .dynamic))
                columns.append(index.map(matched.column) ?? .constant(.null, .dynamic, count: matched.rowCount))
            }
            if projected.isEmpty {
                let rest = matched.schema.indices.map { (matched.schema[$0].name, matched.column($0)) }
                schema.append(ColumnSchema(name: "pack_", type: .dynamic))
                columns.append(
                    Vector(
                        .dynamic,
                        .values(
                            (0..<matched.rowCount).map { row in
                                var bag = PropertyBag()
                                for (columnName, vector) in rest where vector.value(at: row) != .null {
                                    bag[columnName] = vector.value(at: row).asDynamic
                                }
                                return .dynamic(.bag(bag))
                            }
                        )
                    )
                )
            }
            parts.append(Relation(schema: schema, columns: columns, count: matched.rowCount))
        }
        return Relation.stacked(parts.map { ("", $0) }, withSource: nil)
    }

    private func searchTables(_ tables: [Expression]) throws(KQLError) -> [String] {
        if tables.isEmpty { return catalog.tableNames }
        var names: [String] = []
        for table in tables {
            switch table.kind {
            case .name(let name): names.append(name)
            case .pattern(let text): names += catalog.tableNames.filter { Wildcard.matches(text, $0) }
            default: throw KQLError(.unsupported, "search and find take table names.", at: table.span)
            }
        }
        return names
    }

    /// The predicate for one table: a bare string becomes `has` over its text columns; a predicate naming columns
    /// the table lacks does not apply (nil).
    static func searchCondition(_ predicate: Expression, schema: [ColumnSchema], bound: Environment) -> Expression? {
        let span = predicate.span
        switch predicate.kind {
        case .literal(.string(let term)):
            let text = schema.filter { $0.type == .string || $0.type == .dynamic }
            guard !text.isEmpty else { return nil }
            let op = term.hasPrefix("*") || term.hasSuffix("*") ? "contains" : "has"
            let needle = Expression(kind: .literal(.string(term.trimming(["*"]))), span: span)
            return text.map { Expression(kind: .binary(op, Expression(kind: .name($0.name), span: span), needle), span: span) }
                .reduce(nil as Expression?) { partial, next in partial.map { Expression(kind: .binary("or", $0, next), span: span) } ?? next }
        case .binary(let op, let lhs, let rhs) where op == "and" || op == "or":
            guard let left = searchCondition(lhs, schema: schema, bound: bound), let right = searchCondition(rhs, schema: schema, bound: bound) else {
                return nil
            }
            return Expression(kind: .binary(op, left, right), span: span)
        default:
            return columnNames(in: predicate).allSatisfy { name in bound.bindings[name] != nil || schema.contains { $0.name == name } }
                ? predicate : nil
        }
    }

    /// `externaldata (Col: type, …) [uri, …] with (format=csv|tsv|json|multijson, ignoreFirstRecord=true)`.
    func externalData(
        _ declared: [ColumnDeclaration],
        _ uris: [Expression],
        _ parameters: [OperatorParameter],
        in environment: Environment,
        at span: SourceSpan
    )
        throws(KQLError) -> Relation
    {
        let schema = declared.map { ColumnSchema(name: $0.name.name, type: ScalarType(schemaName: $0.type) ?? .string) }
        guard let fetcher = externalData else {
            throw KQLError(.executionFailed, "externaldata: this engine has no network access configured.", at: span)
        }
        let format = (parameters.option("format") ?? "csv").lowercased()
        let skipFirst = parameters.option("ignoreFirstRecord") == "true"
        var builders = schema.map { VectorBuilder(type: $0.type) }
        var count = 0
        for uri in uris {
            let address = Conversions.text(try constant(uri, in: environment))
            let body: String
            do {
                body = try fetcher.fetch(address)
            } catch {
                throw KQLError(.executionFailed, "externaldata: could not read '\(address)': \(error.message).", at: uri.span)
            }
            for record in ExternalRecords.parse(body, format: format, columns: schema.map(\.name)).dropFirst(skipFirst ? 1 : 0) {
                for (index, column) in schema.enumerated() {
                    let value = index < record.count ? record[index] : .null
                    builders[index].append(Conversions.convert(column.type == .dynamic ? Conversions.parseJSON(value) : value, to: column.type))
                }
                count += 1
                try checkSize(rows: count, columns: schema.count, at: span)
            }
        }
        return Relation(schema: schema, columns: builders.map { $0.build() }, count: count)
    }
}

/// Fetches the text behind an `externaldata` URI.
public protocol ExternalDataFetcher: Sendable {
    func fetch(_ uri: String) throws(ExternalDataError) -> String
}

public struct ExternalDataError: Error, Sendable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }
}

/// Records of the text formats `externaldata` reads.
enum ExternalRecords {
    static func parse(_ text: String, format: String, columns: [String]) -> [[ScalarValue]] {
        switch format {
        case "json", "multijson":
            return text.split(whereSeparator: \.isNewline).compactMap { line in
                guard case .bag(let bag)? = DynamicValue.parse(json: String(line)) else { return nil }
                return columns.map { Conversions.dynamic(.dynamic(bag[$0] ?? .null)).unwrapped }
            }
        case "tsv", "tsve":
            return text.split(whereSeparator: \.isNewline).map { line in
                line.split(separator: "\t", omittingEmptySubsequences: false).map { .string(String($0)) }
            }
        default:
            return CSV.records(text).map { $0.map(ScalarValue.string) }
        }
    }
}

/// RFC 4180 CSV: quoted fields with doubled quotes and embedded line breaks.
enum CSV {
    static func records(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = text.makeIterator()
        var pending: Character?
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = characters.next() {
                        if next == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty: quoted = true
            case ",":
                record.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                record.append(field)
                if record != [""] { records.append(record) }
                record = []
                field = ""
            default: field.append(character)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }
}
