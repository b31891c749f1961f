/// 64-bit integers stored as offsets from their minimum, divided by their common step, in the fewest bytes (0, 1,
/// 2, 4 or 8) that hold the largest offset: frame-of-reference encoding.
///
/// A column of one repeated value takes no bytes per row; timestamps at millisecond precision within a day take 4;
/// dictionary codes of a column with fewer than 256 distinct values take 1.
public struct PackedIntegers: Sendable, Equatable {
    public let count: Int
    /// The smallest value (the frame of reference); 0 when there are no values.
    public let minimum: Int64
    /// The largest value.
    public let maximum: Int64
    /// Every value is `minimum + step × offset`.
    package let step: UInt64
    /// Bytes per offset.
    package let width: Int
    package let bytes: [UInt8]

    package init(count: Int, minimum: Int64, maximum: Int64, step: UInt64, width: Int, bytes: [UInt8]) {
        self.count = count
        self.minimum = minimum
        self.maximum = maximum
        self.step = step
        self.width = width
        self.bytes = bytes
    }

    /// Packs `values`; `ignoring` marks positions whose value does not matter (nulls), which are stored as the minimum.
    public init<T: FixedWidthInteger>(_ values: [T], ignoring: NullBitmap = .none) {
        var low = Int64.max
        var high = Int64.min
        for (index, value) in values.enumerated() where !ignoring.isNull(index) {
            low = min(low, Int64(value))
            high = max(high, Int64(value))
        }
        guard low <= high else {
            self.init(count: values.count, minimum: 0, maximum: 0, step: 1, width: 0, bytes: [])
            return
        }
        var step: UInt64 = 0
        for (index, value) in values.enumerated() where !ignoring.isNull(index) {
            step = Self.gcd(step, UInt64(bitPattern: Int64(value) &- low))
            if step == 1 { break }
        }
        step = max(step, 1)
        let largest = UInt64(bitPattern: high &- low) / step
        let width = largest == 0 ? 0 : largest <= UInt64(UInt8.max) ? 1 : largest <= UInt64(UInt16.max) ? 2 : largest <= UInt64(UInt32.max) ? 4 : 8
        var bytes = [UInt8](repeating: 0, count: values.count * width)
        if width > 0 {
            bytes.withUnsafeMutableBytes { out in
                for (index, value) in values.enumerated() {
                    let offset = ignoring.isNull(index) ? 0 : UInt64(bitPattern: Int64(value) &- low) / step
                    Self.store(offset, width: width, at: index, in: out)
                }
            }
        }
        self.init(count: values.count, minimum: low, maximum: high, step: step, width: width, bytes: bytes)
    }

    public subscript(index: Int) -> Int64 {
        guard width > 0 else { return minimum }
        let offset = bytes.withUnsafeBytes { Self.load(width: width, at: index, from: $0) }
        return minimum &+ Int64(bitPattern: offset &* step)
    }

    /// Every value, in order.
    public func decoded() -> [Int64] {
        guard width > 0 else { return Array(repeating: minimum, count: count) }
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { minimum &+ Int64(bitPattern: Self.load(width: width, at: $0, from: raw) &* step) }
        }
    }

    /// Memory held by the packed values.
    public var residentBytes: Int { bytes.capacity + 40 }

    private static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    private static func store(_ value: UInt64, width: Int, at index: Int, in out: UnsafeMutableRawBufferPointer) {
        switch width {
        case 1: out.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: index, as: UInt8.self)
        case 2: out.storeBytes(of: UInt16(truncatingIfNeeded: value).littleEndian, toByteOffset: index * 2, as: UInt16.self)
        case 4: out.storeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian, toByteOffset: index * 4, as: UInt32.self)
        default: out.storeBytes(of: value.littleEndian, toByteOffset: index * 8, as: UInt64.self)
        }
    }

    private static func load(width: Int, at index: Int, from raw: UnsafeRawBufferPointer) -> UInt64 {
        switch width {
        case 1: UInt64(raw[index])
        case 2: UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self)))
        case 4: UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
        default: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
        }
    }
}

/// Which rows of a segment column are null.
public enum NullBitmap: Sendable, Equatable {
    case none
    case all
    /// One bit per row, set for null.
    case some([UInt64])

    public func isNull(_ row: Int) -> Bool {
        switch self {
        case .none: false
        case .all: true
        case .some(let words): words[row >> 6] & (1 << UInt64(row & 63)) != 0
        }
    }

    /// The bitmap of `flags`, collapsed to `.none` or `.all` when it can be.
    public init(_ flags: [Bool]) {
        var words = [UInt64](repeating: 0, count: (flags.count + 63) / 64)
        var nulls = 0
        for (row, flag) in flags.enumerated() where flag {
            words[row >> 6] |= 1 << UInt64(row & 63)
            nulls += 1
        }
        self = nulls == 0 ? .none : nulls == flags.count ? .all : .some(words)
    }

    var residentBytes: Int {
        if case .some(let words) = self { return words.capacity * 8 }
        return 0
    }
}
