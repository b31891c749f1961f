import Foundation
public import KQL
import KustoTime
public import OpenMTPModels

/// Turns a query result into the advanced hunting response: `Schema` with .NET type names, `Results` rows
/// keyed by column name in schema order.
public enum ResultEncoder {
    /// The type name the API reports for a KQL type.
    public static func wireTypeName(_ type: ScalarType) -> String {
        switch type {
        case .bool: "Boolean"
        case .int: "Int32"
        case .long: "Int64"
        case .real: "Double"
        case .decimal: "Decimal"
        case .string: "String"
        case .datetime: "DateTime"
        case .timespan: "TimeSpan"
        case .guid: "Guid"
        case .dynamic: "Object"
        }
    }

    static func response(for result: QueryResult, rowLimit: Int, executionTime: Double) -> HuntingQueryResponse {
        let columns = result.schema.columns
        let rowCount = min(result.returnedRows, rowLimit)
        var rows: [JSONValue] = []
        rows.reserveCapacity(rowCount)
        var size = 0
        for row in 0..<rowCount {
            var members: [(String, JSONValue)] = []
            members.reserveCapacity(columns.count)
            for (index, column) in columns.enumerated() {
                let value = json(result.value(row: row, column: index), type: column.type)
                size += approximateSize(value)
                members.append((column.name, value))
            }
            rows.append(.object(members))
        }
        return HuntingQueryResponse(
            stats: HuntingStats(
                executionTime: executionTime,
                datasetStatistics: [.init(tableRowCount: rowCount, tableSize: size)],
                truncated: result.rowCount > rowLimit ? true : nil
            ),
            schema: columns.map { HuntingColumn(name: $0.name, type: wireTypeName($0.type)) },
            results: rows
        )
    }

    public static func json(_ value: ScalarValue, type: ScalarType) -> JSONValue {
        switch value {
        case .null: return .null
        case .bool(let v): return .bool(v)
        case .long(let v): return .int(v)
        case .real(let v): return v.isFinite ? .double(v) : .string(String(v))
        case .datetime(let v): return .string(DateTimeTicks.format(v))
        case .timespan(let v): return .string(TimespanTicks.format(v))
        case .string(let s): return .string(s)
        case .dynamic(let v): return json(v)
        }
    }

    static func json(_ value: DynamicValue) -> JSONValue {
        switch value {
        case .null: .null
        case .bool(let v): .bool(v)
        case .long(let v): .int(v)
        case .real(let v): v.isFinite ? .double(v) : .string(String(v))
        case .string(let v): .string(v)
        case .array(let items): .array(items.map(json))
        case .bag(let bag): .object(bag.members.map { ($0, json($1)) })
        }
    }

    private static func approximateSize(_ value: JSONValue) -> Int {
        switch value {
        case .string(let s): s.utf8.count
        case .null: 0
        case .bool: 1
        default: 8
        }
    }
}
