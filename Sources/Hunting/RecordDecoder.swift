import Foundation
import KQL
import KustoTime
import OpenMTPModels

/// Turns JSON event records (one object per record, properties named after the table's columns) into typed rows.
///
/// Missing properties are null (empty for strings); unknown properties are ignored; a value that cannot be
/// read as its column's type is an error that names the record and column.
struct RecordDecoder {
    let schema: TableSchema

    func decode(_ records: [String]) throws(HuntingError) -> [[ScalarValue]] {
        var rows: [[ScalarValue]] = []
        rows.reserveCapacity(records.count)
        for (index, text) in records.enumerated() {
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), case .object(let members) = value else {
                throw HuntingError(.invalidRecords, "Record \(index + 1) of \(schema.name) is not a JSON object.")
            }
            let properties = Dictionary(members, uniquingKeysWith: { _, last in last })
            var row: [ScalarValue] = []
            row.reserveCapacity(schema.columns.count)
            for column in schema.columns {
                guard let converted = Self.convert(properties[column.name] ?? .null, to: column.type) else {
                    throw HuntingError(
                        .invalidRecords,
                        "Record \(index + 1) of \(schema.name): '\(column.name)' is not a valid \(column.type) value."
                    )
                }
                row.append(converted)
            }
            rows.append(row)
        }
        return rows
    }

    /// The value as the column type, `.null` for JSON null, or nil when it does not convert.
    static func convert(_ value: JSONValue, to type: ScalarType) -> ScalarValue? {
        if value == .null { return type.isTextual ? .string("") : .null }
        switch type {
        case .string, .guid:
            switch value {
            case .string(let s): return .string(s)
            case .int, .double, .bool: return .string(value.serialized)
            default: return .string(value.serialized)
            }
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
            default: return nil
            }
        case .datetime:
            guard case .string(let s) = value, let ticks = DateTimeTicks.parse(s) else { return nil }
            return .datetime(ticks)
        case .timespan:
            guard case .int(let ticks) = value else { return nil }
            return .timespan(ticks)
        }
    }
}
