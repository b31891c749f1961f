import Foundation
import KustoTime

@testable import KQL

/// A KQL golden file: tables, then queries with their expected columns and rows, or the diagnostic code they
/// must fail with. Format (blank lines separate blocks, `#` starts a comment line):
///
///     table Events
///     Timestamp:datetime | Name:string | Count:long
///     2024-01-01T00:00:00Z | alpha | 1
///
///     query
///     Events | where Count > 0 | project Name
///     ----
///     Name:string
///     alpha
///
///     error KQL102
///     Events | where Nope == 1
///
/// Cells are trimmed; `null` is a null value; other values are written as `tostring()` writes them (strings bare,
/// dynamic strings without quotes, arrays and bags as JSON). Rows are compared in order.
struct GoldenFile {
    struct Case {
        let query: String
        let line: Int
        let expectation: Expectation
    }

    enum Expectation {
        case rows(columns: [ColumnSchema], rows: [[String]])
        case error(String)
    }

    let tables: [String: Segment]
    let cases: [Case]

    init(text: String) throws {
        var tables: [String: Segment] = [:]
        var cases: [Case] = []
        let lines = text.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        var index = 0
        func block() -> [String] {
            var out: [String] = []
            while index < lines.count, !lines[index].isEmpty {
                if !lines[index].hasPrefix("#") { out.append(lines[index]) }
                index += 1
            }
            return out
        }
        while index < lines.count {
            let line = lines[index]
            if line.isEmpty || line.hasPrefix("#") {
                index += 1
                continue
            }
            let start = index + 1
            let body = block()
            let head = body[0]
            if head.hasPrefix("table ") {
                let name = String(head.dropFirst(6))
                let schema = TableSchema(name: name, columns: try Self.columns(body[1]))
                var builder = SegmentBuilder(schema: schema)
                for row in body.dropFirst(2) {
                    builder.append(try zip(schema.columns, Self.cells(row)).map { try Self.value($1, $0.type) })
                }
                tables[name] = builder.build()
            } else if head == "query" {
                guard let separator = body.firstIndex(of: "----") else { throw GoldenError("query at line \(start) has no ----") }
                cases.append(
                    Case(
                        query: body[1..<separator].joined(separator: "\n"),
                        line: start,
                        expectation: .rows(columns: try Self.columns(body[separator + 1]), rows: body[(separator + 2)...].map(Self.cells))
                    )
                )
            } else if head.hasPrefix("error ") {
                cases.append(Case(query: body.dropFirst().joined(separator: "\n"), line: start, expectation: .error(String(head.dropFirst(6)))))
            } else {
                throw GoldenError("unknown block '\(head)' at line \(start)")
            }
        }
        self.tables = tables
        self.cases = cases
    }

    static func cells(_ row: String) -> [String] {
        row.components(separatedBy: "|").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    static func columns(_ row: String) throws -> [ColumnSchema] {
        try cells(row).map { cell in
            let parts = cell.split(separator: ":")
            guard parts.count == 2, let type = ScalarType(schemaName: String(parts[1])) else { throw GoldenError("bad column '\(cell)'") }
            return ColumnSchema(name: String(parts[0]), type: type)
        }
    }

    static func value(_ cell: String, _ type: ScalarType) throws -> ScalarValue {
        if cell == "null" { return .null }
        if type == .dynamic { return Conversions.parseJSON(.string(cell)) }
        let value = Conversions.convert(.string(cell), to: type)
        if value == .null { throw GoldenError("bad \(type) '\(cell)'") }
        return value
    }

    /// How a result cell is written in a golden file: `null`, or the value as `tostring()` writes it.
    static func render(_ value: ScalarValue) -> String {
        value == .null ? "null" : Conversions.text(value)
    }
}

struct GoldenError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The tables of a golden file, as a source and a catalog.
struct GoldenTables: TableSource, Catalog {
    let tables: [String: Segment]
    func segments(of table: String) -> [Segment] { tables[table].map { [$0] } ?? [] }
    func table(named name: String) -> TableSchema? { tables[name]?.schema }
}
