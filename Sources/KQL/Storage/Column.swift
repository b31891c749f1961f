/// A column of values in one of three physical layouts.
///
/// Every 64-bit integral type (`int`, `long`, `bool`, `datetime`, `timespan`) shares the `Int64` layout; text
/// types are dictionary-encoded, so comparisons and string predicates are decided once per distinct value.
public enum ColumnData: Sendable {
    case int64(values: [Int64], nulls: NullMask)
    case double(values: [Double], nulls: NullMask)
    case text(codes: [Int32], dictionary: StringDictionary)

    public var count: Int {
        switch self {
        case .int64(let values, _): values.count
        case .double(let values, _): values.count
        case .text(let codes, _): codes.count
        }
    }

    /// The rows at the given positions, in that order.
    func gather(_ rows: [Int32]) -> ColumnData {
        switch self {
        case .int64(let values, let nulls): .int64(values: rows.map { values[Int($0)] }, nulls: nulls.gather(rows))
        case .double(let values, let nulls): .double(values: rows.map { values[Int($0)] }, nulls: nulls.gather(rows))
        case .text(let codes, let dictionary): .text(codes: rows.map { codes[Int($0)] }, dictionary: dictionary)
        }
    }
}

/// Which rows are null; `.none` when no row is.
public enum NullMask: Sendable, Equatable {
    case none
    case some([Bool])

    public func isNull(_ row: Int) -> Bool {
        switch self {
        case .none: false
        case .some(let flags): flags[row]
        }
    }

    func gather(_ rows: [Int32]) -> NullMask {
        switch self {
        case .none: .none
        case .some(let flags): .some(rows.map { flags[Int($0)] })
        }
    }

    /// Builds a mask from per-row flags, collapsing to `.none` when nothing is null.
    static func from(_ flags: [Bool]) -> NullMask {
        flags.contains(true) ? .some(flags) : .none
    }
}

/// The distinct strings of a column; codes index into `values`.
public final class StringDictionary: Sendable {
    public let values: [String]

    public init(_ values: [String]) {
        self.values = values
    }
}
