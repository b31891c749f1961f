import Foundation
import KQL
import KustoTime
import OpenMTPModels

/// Turns event fields (named after the table's columns) into a typed row.
///
/// Missing fields are null (empty for strings); a field that is not a column of the table, or a value that cannot
/// be read as its column's type, is a problem naming the record and column.
struct RecordDecoder {
    let schema: TableSchema
    private let columnNames: Set<String>

    init(schema: TableSchema) {
        self.schema = schema
        self.columnNames = Set(schema.columns.map(\.name))
    }

    /// The typed row, and every problem of the fields (the row is usable only when there is none).
    func row(_ fields: [(String, JSONValue)], position: Int) -> (values: [ScalarValue], problems: [IngestProblem]) {
        var problems: [IngestProblem] = []
        for (name, _) in fields where !columnNames.contains(name) {
            problems.append(IngestProblem(position: position, column: name, message: "\(schema.name) has no such column."))
        }
        let values = Dictionary(fields, uniquingKeysWith: { _, last in last })
        var row: [ScalarValue] = []
        row.reserveCapacity(schema.columns.count)
        for column in schema.columns {
            let value = values[column.name] ?? .null
            guard let converted = Self.convert(value, to: column.type) else {
                problems.append(
                    IngestProblem(position: position, column: column.name, message: "\(value.serialized) is not a valid \(column.type) value.")
                )
                continue
            }
            row.append(converted)
        }
        return (row, problems)
    }

    /// Rows of records stored by an earlier ingest (validated then), one JSON object each.
    func decode(_ records: [String]) throws(HuntingError) -> [[ScalarValue]] {
        var rows: [[ScalarValue]] = []
        rows.reserveCapacity(records.count)
        for (index, text) in records.enumerated() {
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), case .object(let fields) = value else {
                throw HuntingError(.invalidRecords, "Stored record \(index + 1) of \(schema.name) is not a JSON object.")
            }
            let (values, problems) = row(fields, position: index + 1)
            guard problems.isEmpty else { throw HuntingError(.invalidRecords, "Stored \(schema.name) \(problems[0])") }
            rows.append(values)
        }
        return rows
    }

    /// The value as the column type, `.null` for JSON null, or nil when it does not convert.
    static func convert(_ value: JSONValue, to type: ScalarType) -> ScalarValue? {
        if value == .null { return type.isTextual ? .string("") : .null }
        switch type {
        case .string, .guid:
            if case .string(let s) = value { return .string(s) }
            return .string(value.serialized)
        case .dynamic:
            if case .string(let s) = value { return .string(s) }
            return .string(value.serialized)
        case .long, .int:
            switch value {
            case .int(let v): return .long(v)
            case .double(let v) where v == v.rounded() && abs(v) < 9.2e18: return .long(Int64(v))
            case .string(let s): return Int64(s).map(ScalarValue.long)
            case .bool(let b): return .long(b ? 1 : 0)
            default: return nil
            }
        case .real, .decimal:
            switch value {
            case .int(let v): return .real(Double(v))
            case .double(let v): return .real(v)
            case .string(let s): return Double(s).map(ScalarValue.real)
            default: return nil
            }
        case .bool:
            switch value {
            case .bool(let b): return .bool(b)
            case .int(let v): return .bool(v != 0)
            case .string(let s) where s.lowercased() == "true" || s.lowercased() == "false": return .bool(s.lowercased() == "true")
            case .string(let s) where s == "1" || s == "0": return .bool(s == "1")
            default: return nil
            }
        case .datetime:
            guard case .string(let s) = value, let ticks = DateTimeTicks.parse(s) else { return nil }
            return .datetime(ticks)
        case .timespan:
            switch value {
            case .int(let ticks): return .timespan(ticks)
            case .string(let s): return Int64(s).map(ScalarValue.timespan)
            default: return nil
            }
        }
    }
}
