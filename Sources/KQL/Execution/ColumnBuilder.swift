/// Builds a ``ColumnData`` value by value (the executor's dense columns).
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

    /// One column of every row of `segments`, in order.
    static func concatenating(_ segments: [Segment], column: Int, type: ScalarType) -> ColumnData {
        var builder = ColumnBuilder(type: type)
        for segment in segments {
            for row in 0..<segment.rowCount { builder.append(segment.columns[column].value(at: row, type: type)) }
        }
        return builder.build()
    }

    func build() -> ColumnData {
        if type.isTextual { return .text(codes: codes, dictionary: StringDictionary(strings)) }
        if type == .real || type == .decimal { return .double(values: doubles, nulls: .from(nulls)) }
        return .int64(values: integers, nulls: .from(nulls))
    }
}
