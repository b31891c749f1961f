/// The values of one expression over the rows being processed: a single constant, or a dense column.
enum Vector {
    case constant(ScalarValue)
    case data(ColumnData, ScalarType)

    /// The value at one row, for the general (row-at-a-time) path.
    func value(at row: Int) -> ScalarValue {
        switch self {
        case .constant(let value):
            return value
        case .data(let data, let type):
            switch data {
            case .int64(let values, let nulls):
                if nulls.isNull(row) { return .null }
                return Self.integral(values[row], type)
            case .double(let values, let nulls):
                return nulls.isNull(row) ? .null : .real(values[row])
            case .text(let codes, let dictionary):
                return .string(dictionary.values[Int(codes[row])])
            }
        }
    }

    static func integral(_ value: Int64, _ type: ScalarType) -> ScalarValue {
        switch type {
        case .bool: .bool(value != 0)
        case .datetime: .datetime(value)
        case .timespan: .timespan(value)
        default: .long(value)
        }
    }

    /// A dense column of `count` rows.
    func materialize(count: Int, type: ScalarType) -> ColumnData {
        switch self {
        case .data(let data, _):
            return data
        case .constant(let value):
            var builder = ColumnBuilder(type: type)
            for _ in 0..<count { builder.append(value) }
            return builder.build()
        }
    }
}

/// Bool results as three-valued logic: true, false, or null.
struct BoolVector {
    /// 1 true, 0 false.
    var values: [UInt8]
    var nulls: [Bool]

    init(count: Int) {
        values = [UInt8](repeating: 0, count: count)
        nulls = [Bool](repeating: false, count: count)
    }

    var column: ColumnData {
        .int64(values: values.map(Int64.init), nulls: .from(nulls))
    }

    mutating func set(_ row: Int, _ value: Bool?) {
        if let value {
            values[row] = value ? 1 : 0
        } else {
            nulls[row] = true
        }
    }
}
