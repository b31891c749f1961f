import Synchronization

/// An immutable block of rows of one table, stored by column: the unit the engine scans, prunes and persists.
///
/// Integral columns (`bool`, `int`, `long`, `datetime`, `timespan`) are frame-of-reference packed with a null bitmap;
/// `real` and `decimal` columns are plain doubles; `string`, `guid` and `dynamic` (its JSON text) are codes into a
/// dictionary of the segment's distinct values, so predicates are decided once per distinct value.
public final class Segment: Sendable {
    public let schema: TableSchema
    public let rowCount: Int
    public let columns: [SegmentColumn]
    /// The earliest and latest `Timestamp`, for skipping segments outside a query's window; nil when the table has
    /// no `Timestamp` or no row has one.
    public let timeRange: ClosedRange<Int64>?
    private let termIndexes = Mutex<[Int: TermIndex]>([:])

    public init(schema: TableSchema, columns: [SegmentColumn], rowCount: Int) {
        precondition(columns.count == schema.columns.count, "one column per schema column")
        self.schema = schema
        self.columns = columns
        self.rowCount = rowCount
        if let time = schema.columnIndex(Self.timeColumn), case .integers(let values, let nulls) = columns[time], nulls != .all, rowCount > 0 {
            timeRange = values.minimum...values.maximum
        } else {
            timeRange = nil
        }
    }

    /// The column whose range prunes time windows and drives retention.
    public static let timeColumn = "Timestamp"

    /// The value of one cell, typed by the schema.
    public func value(row: Int, column: Int) -> ScalarValue {
        columns[column].value(at: row, type: schema.columns[column].type)
    }

    /// The term index of a text column, built the first time it is asked for and kept.
    public func termIndex(column: Int) -> TermIndex? {
        guard case .text(_, let dictionary) = columns[column] else { return nil }
        if let built = termIndexes.withLock({ $0[column] }) { return built }
        let index = TermIndex(dictionary)
        termIndexes.withLock { $0[column] = index }
        return index
    }

    /// Memory held by the segment's columns (term indexes not included).
    public var residentBytes: Int { columns.reduce(64) { $0 + $1.residentBytes } }

    /// Memory held by the term indexes built so far.
    public var termIndexBytes: Int { termIndexes.withLock { $0.values.reduce(0) { $0 + $1.residentBytes } } }
}

/// One column of a ``Segment``.
public enum SegmentColumn: Sendable, Equatable {
    case integers(PackedIntegers, nulls: NullBitmap)
    case reals([Double], nulls: NullBitmap)
    case text(codes: PackedIntegers, dictionary: TextDictionary)

    public func value(at row: Int, type: ScalarType) -> ScalarValue {
        switch self {
        case .integers(let values, let nulls):
            if nulls.isNull(row) { return .null }
            let value = values[row]
            switch type {
            case .bool: return .bool(value != 0)
            case .datetime: return .datetime(value)
            case .timespan: return .timespan(value)
            default: return .long(value)
            }
        case .reals(let values, let nulls):
            return nulls.isNull(row) ? .null : .real(values[row])
        case .text(let codes, let dictionary):
            return .string(dictionary[Int(codes[row])])
        }
    }

    public var residentBytes: Int {
        switch self {
        case .integers(let values, let nulls): values.residentBytes + nulls.residentBytes
        case .reals(let values, let nulls): values.capacity * 8 + nulls.residentBytes + 32
        case .text(let codes, let dictionary): codes.residentBytes + dictionary.residentBytes
        }
    }

    /// A column of `count` nulls (empty strings for text types).
    public static func nulls(_ count: Int, type: ScalarType) -> SegmentColumn {
        var column = ColumnAppender(type: type)
        for _ in 0..<count { column.appendNull() }
        return column.build()
    }
}
