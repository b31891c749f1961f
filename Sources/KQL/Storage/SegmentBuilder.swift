/// Builds a ``Segment`` row by row. Within a row, columns are set in any order (a column set twice keeps the last
/// value); ``finishRow()`` makes the columns left unset null.
public struct SegmentBuilder: Sendable {
    public let schema: TableSchema
    private var columns: [ColumnAppender]
    public private(set) var rowCount = 0

    public init(schema: TableSchema) {
        self.schema = schema
        self.columns = schema.columns.map { ColumnAppender(type: $0.type) }
    }

    /// Sets an integral column (`bool` as 0 or 1, `datetime`/`timespan` as ticks).
    public mutating func setInteger(_ column: Int, _ value: Int64) {
        columns[column].setInteger(value, row: rowCount)
    }

    public mutating func setReal(_ column: Int, _ value: Double) {
        columns[column].setReal(value, row: rowCount)
    }

    /// Sets a text column to the given UTF-8 bytes.
    public mutating func setText(_ column: Int, _ bytes: UnsafeRawBufferPointer) {
        columns[column].setText(bytes, row: rowCount)
    }

    public mutating func setText(_ column: Int, _ text: String) {
        columns[column].setText(text, row: rowCount)
    }

    public mutating func setNull(_ column: Int) {
        columns[column].setNull(row: rowCount)
    }

    /// Sets a column from a value of its type (or null); used where rows arrive as values rather than text.
    public mutating func set(_ column: Int, _ value: ScalarValue) {
        switch value {
        case .null: setNull(column)
        case .bool(let flag): setInteger(column, flag ? 1 : 0)
        case .long(let number), .datetime(let number), .timespan(let number):
            if schema.columns[column].type == .real || schema.columns[column].type == .decimal {
                setReal(column, Double(number))
            } else {
                setInteger(column, number)
            }
        case .real(let number): setReal(column, number)
        case .string(let text): setText(column, text)
        case .dynamic(let dynamic): setText(column, dynamic.json)
        }
    }

    /// Ends the current row.
    public mutating func finishRow() {
        rowCount += 1
        for index in columns.indices where columns[index].count < rowCount { columns[index].appendNull() }
    }

    /// Appends a whole row of values, one per schema column.
    public mutating func append(_ values: [ScalarValue]) {
        precondition(values.count == columns.count, "one value per column")
        for (column, value) in values.enumerated() { set(column, value) }
        finishRow()
    }

    public func build() -> Segment {
        Segment(schema: schema, columns: columns.map { $0.build() }, rowCount: rowCount)
    }

    /// One segment holding the given rows of `parts` in order (every row of a part when its rows are nil), built
    /// column by column so only one column's values are unpacked at a time.
    public static func merge(_ parts: [(segment: Segment, rows: [Int]?)], schema: TableSchema) -> Segment {
        let count = parts.reduce(0) { $0 + ($1.rows?.count ?? $1.segment.rowCount) }
        let columns = schema.columns.indices.map { index in
            var column = ColumnAppender(type: schema.columns[index].type)
            column.reserve(count)
            for part in parts { column.append(part.segment.columns[index], rows: part.rows ?? Array(0..<part.segment.rowCount)) }
            return column.build()
        }
        return Segment(schema: schema, columns: columns, rowCount: count)
    }
}

/// The values of one column being built.
struct ColumnAppender: Sendable {
    private enum Layout { case integers, reals, text }
    private let layout: Layout
    private var integers: [Int64] = []
    private var reals: [Double] = []
    private var nulls: [Bool] = []
    private var codes: [UInt32] = []
    private var dictionary = TextDictionaryBuilder()
    /// The code of the empty string (text's null), once it has one.
    private var emptyCode: UInt32?
    /// The code set last: neighbouring rows often repeat a value, which a comparison finds cheaper than a lookup.
    private var lastCode: UInt32?

    init(type: ScalarType) {
        layout = type.isTextual ? .text : (type == .real || type == .decimal) ? .reals : .integers
    }

    var count: Int { layout == .text ? codes.count : nulls.count }

    mutating func reserve(_ count: Int) {
        switch layout {
        case .integers: integers.reserveCapacity(count)
        case .reals: reals.reserveCapacity(count)
        case .text: codes.reserveCapacity(count)
        }
        if layout != .text { nulls.reserveCapacity(count) }
    }

    mutating func setInteger(_ value: Int64, row: Int) {
        switch layout {
        case .integers:
            if count > row {
                integers[row] = value
                nulls[row] = false
            } else {
                integers.append(value)
                nulls.append(false)
            }
        case .reals: setReal(Double(value), row: row)
        case .text: setText(String(value), row: row)
        }
    }

    mutating func setReal(_ value: Double, row: Int) {
        precondition(layout == .reals, "a real value for a column that is not real")
        if count > row {
            reals[row] = value
            nulls[row] = false
        } else {
            reals.append(value)
            nulls.append(false)
        }
    }

    mutating func setText(_ bytes: UnsafeRawBufferPointer, row: Int) {
        precondition(layout == .text, "text for a column that is not text")
        let code: UInt32
        if let last = lastCode, dictionary.equals(Int(last), bytes) {
            code = last
        } else {
            code = dictionary.code(of: bytes)
            lastCode = code
        }
        if count > row { codes[row] = code } else { codes.append(code) }
    }

    mutating func setText(_ text: String, row: Int) {
        var text = text
        text.withUTF8 { setText(UnsafeRawBufferPointer($0), row: row) }
    }

    mutating func setNull(row: Int) {
        guard count > row else { return appendNull() }
        switch layout {
        case .text: codes[row] = emptyTextCode()
        case .integers, .reals: nulls[row] = true
        }
    }

    /// Text columns have no null: theirs is the empty string.
    mutating func appendNull() {
        switch layout {
        case .integers:
            integers.append(0)
            nulls.append(true)
        case .reals:
            reals.append(0)
            nulls.append(true)
        case .text:
            codes.append(emptyTextCode())
        }
    }

    private mutating func emptyTextCode() -> UInt32 {
        if let emptyCode { return emptyCode }
        let code = dictionary.code(of: "")
        emptyCode = code
        return code
    }

    /// Appends the given rows of a sealed column of the same type.
    mutating func append(_ source: SegmentColumn, rows: [Int]) {
        switch source {
        case .integers(let values, let sourceNulls):
            for row in rows {
                integers.append(values[row])
                nulls.append(sourceNulls.isNull(row))
            }
        case .reals(let values, let sourceNulls):
            for row in rows {
                reals.append(values[row])
                nulls.append(sourceNulls.isNull(row))
            }
        case .text(let sourceCodes, let sourceDictionary):
            var remap = [UInt32?](repeating: nil, count: sourceDictionary.count)
            for row in rows {
                let old = Int(sourceCodes[row])
                if let code = remap[old] {
                    codes.append(code)
                } else {
                    let code = sourceDictionary.withBytes(of: old) { dictionary.code(of: $0) }
                    remap[old] = code
                    codes.append(code)
                }
            }
        }
    }

    func build() -> SegmentColumn {
        switch layout {
        case .integers:
            let bitmap = NullBitmap(nulls)
            return .integers(PackedIntegers(integers, ignoring: bitmap), nulls: bitmap)
        case .reals:
            return .reals(reals, nulls: NullBitmap(nulls))
        case .text:
            return .text(codes: PackedIntegers(codes), dictionary: dictionary.build())
        }
    }
}
