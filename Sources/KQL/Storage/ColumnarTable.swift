/// An immutable table stored by column.
public struct ColumnarTable: Sendable {
    public let schema: TableSchema
    public let columns: [ColumnData]
    public let rowCount: Int

    public init(schema: TableSchema, columns: [ColumnData]) {
        precondition(columns.count == schema.columns.count, "one column per schema column")
        self.schema = schema
        self.columns = columns
        self.rowCount = columns.first?.count ?? 0
    }

    /// A table of the schema with no rows.
    public static func empty(_ schema: TableSchema) -> ColumnarTable {
        var builder = TableBuilder(schema: schema)
        return builder.build()
    }
}

/// Appends rows of values and produces a ``ColumnarTable``; strings are dictionary-encoded as they arrive.
public struct TableBuilder: Sendable {
    public let schema: TableSchema
    private var builders: [ColumnBuilder]

    public init(schema: TableSchema) {
        self.schema = schema
        self.builders = schema.columns.map { ColumnBuilder(type: $0.type) }
    }

    /// Starts from the rows of an existing table, to append more.
    public init(appendingTo table: ColumnarTable) {
        self.schema = table.schema
        self.builders = zip(table.schema.columns, table.columns).map { ColumnBuilder(type: $0.type, existing: $1) }
    }

    public var rowCount: Int { builders.first?.count ?? 0 }

    /// Appends one row; `values` holds one value per schema column, already of the column's type or null.
    public mutating func append(_ values: [ScalarValue]) {
        precondition(values.count == builders.count, "one value per column")
        for index in builders.indices { builders[index].append(values[index]) }
    }

    public mutating func build() -> ColumnarTable {
        ColumnarTable(schema: schema, columns: builders.map { $0.build() })
    }
}

struct ColumnBuilder: Sendable {
    private let type: ScalarType
    private var integers: [Int64] = []
    private var doubles: [Double] = []
    private var nulls: [Bool] = []
    private var codes: [Int32] = []
    private var strings: [String] = []
    private var lookup: [String: Int32] = [:]

    init(type: ScalarType) {
        self.type = type
    }

    init(type: ScalarType, existing: ColumnData) {
        self.type = type
        switch existing {
        case .int64(let values, let mask):
            integers = values
            nulls = (0..<values.count).map(mask.isNull)
        case .double(let values, let mask):
            doubles = values
            nulls = (0..<values.count).map(mask.isNull)
        case .text(let existingCodes, let dictionary):
            codes = existingCodes
            strings = dictionary.values
            for (code, value) in strings.enumerated() { lookup[value] = Int32(code) }
        }
    }

    var count: Int { type.isTextual ? codes.count : (type == .real || type == .decimal ? doubles.count : integers.count) }

    mutating func append(_ value: ScalarValue) {
        if type.isTextual {
            let text: String
            if case .string(let s) = value { text = s } else { text = "" }
            if let code = lookup[text] {
                codes.append(code)
            } else {
                let code = Int32(strings.count)
                strings.append(text)
                lookup[text] = code
                codes.append(code)
            }
            return
        }
        if type == .real || type == .decimal {
            if case .real(let v) = value {
                doubles.append(v)
                nulls.append(false)
            } else if case .long(let v) = value {
                doubles.append(Double(v))
                nulls.append(false)
            } else {
                doubles.append(0)
                nulls.append(true)
            }
            return
        }
        switch value {
        case .long(let v), .datetime(let v), .timespan(let v):
            integers.append(v)
            nulls.append(false)
        case .bool(let v):
            integers.append(v ? 1 : 0)
            nulls.append(false)
        default:
            integers.append(0)
            nulls.append(true)
        }
    }

    func build() -> ColumnData {
        if type.isTextual { return .text(codes: codes, dictionary: StringDictionary(strings)) }
        if type == .real || type == .decimal { return .double(values: doubles, nulls: .from(nulls)) }
        return .int64(values: integers, nulls: .from(nulls))
    }
}
