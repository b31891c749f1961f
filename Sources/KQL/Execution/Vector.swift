/// The values of one expression or column over the rows of a chunk, with their KQL type.
struct Vector: Sendable {
    enum Storage: Sendable {
        /// `bool`, `int`, `long`, `datetime` and `timespan` values.
        case integers([Int64], nulls: [Bool]?)
        /// `real` and `decimal` values.
        case reals([Double], nulls: [Bool]?)
        /// `string` and `guid` values as codes into their distinct values.
        case text([Int32], TextValues)
        /// `dynamic` values.
        case values([ScalarValue])
        /// One value on every row.
        case constant(ScalarValue, count: Int)
    }

    let type: ScalarType
    let storage: Storage

    init(_ type: ScalarType, _ storage: Storage) {
        self.type = type
        self.storage = storage
    }

    static func constant(_ value: ScalarValue, _ type: ScalarType, count: Int) -> Vector {
        Vector(type, .constant(value, count: count))
    }

    var count: Int {
        switch storage {
        case .integers(let values, _): values.count
        case .reals(let values, _): values.count
        case .text(let codes, _): codes.count
        case .values(let values): values.count
        case .constant(_, let count): count
        }
    }

    var constantValue: ScalarValue? {
        if case .constant(let value, _) = storage { return value }
        return nil
    }

    /// The value at `row`, typed: integral columns give `.bool`, `.datetime`, `.timespan` or `.long` by type.
    func value(at row: Int) -> ScalarValue {
        switch storage {
        case .integers(let values, let nulls):
            if let nulls, nulls[row] { return .null }
            return Self.integral(values[row], type)
        case .reals(let values, let nulls):
            if let nulls, nulls[row] { return .null }
            return .real(values[row])
        case .text(let codes, let strings):
            return .string(strings[Int(codes[row])])
        case .values(let values):
            return values[row]
        case .constant(let value, _):
            return value
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

    /// The rows at `positions`, in that order.
    func gather(_ positions: [Int32]) -> Vector {
        switch storage {
        case .integers(let values, let nulls):
            return Vector(type, .integers(positions.map { values[Int($0)] }, nulls: nulls.map { n in positions.map { n[Int($0)] } }))
        case .reals(let values, let nulls):
            return Vector(type, .reals(positions.map { values[Int($0)] }, nulls: nulls.map { n in positions.map { n[Int($0)] } }))
        case .text(let codes, let strings):
            return Vector(type, .text(positions.map { codes[Int($0)] }, strings))
        case .values(let values):
            return Vector(type, .values(positions.map { values[Int($0)] }))
        case .constant(let value, _):
            return Vector(type, .constant(value, count: positions.count))
        }
    }

    /// A vector of the same type whose storage is not a constant (for concatenation and output).
    func materialized() -> Vector {
        guard case .constant(let value, let count) = storage else { return self }
        var builder = VectorBuilder(type: type, capacity: count)
        for _ in 0..<count { builder.append(value) }
        return builder.build()
    }

    /// The vectors one after another, as one vector of `type`.
    static func concatenate(_ parts: [Vector], type: ScalarType) -> Vector {
        if parts.count == 1, parts[0].type == type { return parts[0].materialized() }
        let total = parts.reduce(0) { $0 + $1.count }
        if type.isTextual, type != .dynamic, parts.allSatisfy({ $0.type == type }) {
            return concatenateText(parts, total: total)
        }
        var builder = VectorBuilder(type: type, capacity: total)
        for part in parts {
            for row in 0..<part.count { builder.append(part.value(at: row)) }
        }
        return builder.build()
    }

    /// Text vectors re-coded into one set of distinct values; each part's codes are translated once.
    private static func concatenateText(_ parts: [Vector], total: Int) -> Vector {
        var codes: [Int32] = []
        codes.reserveCapacity(total)
        var strings: [String] = []
        var known: [String: Int32] = [:]
        func code(_ text: String) -> Int32 {
            if let code = known[text] { return code }
            let code = Int32(strings.count)
            strings.append(text)
            known[text] = code
            return code
        }
        for part in parts {
            switch part.storage {
            case .text(let partCodes, let values):
                var translated = [Int32](repeating: -1, count: values.count)
                for partCode in partCodes {
                    let index = Int(partCode)
                    if translated[index] < 0 { translated[index] = code(values[index]) }
                    codes.append(translated[index])
                }
            default:
                for row in 0..<part.count {
                    if case .string(let text) = part.value(at: row) { codes.append(code(text)) } else { codes.append(code("")) }
                }
            }
        }
        return Vector(parts[0].type, .text(codes, TextValues(strings)))
    }
}

/// The distinct values a text vector's codes refer to: a segment's dictionary (decoded on access) or strings.
struct TextValues: Sendable {
    private enum Source {
        case dictionary(TextDictionary)
        case strings([String])
    }

    private let source: Source

    init(_ dictionary: TextDictionary) {
        source = .dictionary(dictionary)
    }

    init(_ strings: [String]) {
        source = .strings(strings)
    }

    var count: Int {
        switch source {
        case .dictionary(let dictionary): dictionary.count
        case .strings(let strings): strings.count
        }
    }

    subscript(code: Int) -> String {
        switch source {
        case .dictionary(let dictionary): dictionary[code]
        case .strings(let strings): strings[code]
        }
    }
}

/// Builds a vector value by value, choosing the storage its type uses.
struct VectorBuilder {
    let type: ScalarType
    private var integers: [Int64] = []
    private var reals: [Double] = []
    private var nulls: [Bool] = []
    private var hasNull = false
    private var codes: [Int32] = []
    private var strings: [String] = []
    private var known: [String: Int32] = [:]
    private var values: [ScalarValue] = []

    init(type: ScalarType, capacity: Int = 0) {
        self.type = type
        switch Self.layout(type) {
        case .integers:
            integers.reserveCapacity(capacity)
            nulls.reserveCapacity(capacity)
        case .reals:
            reals.reserveCapacity(capacity)
            nulls.reserveCapacity(capacity)
        case .text: codes.reserveCapacity(capacity)
        case .values: values.reserveCapacity(capacity)
        }
    }

    private enum Layout { case integers, reals, text, values }

    private static func layout(_ type: ScalarType) -> Layout {
        switch type {
        case .bool, .int, .long, .datetime, .timespan: .integers
        case .real, .decimal: .reals
        case .string, .guid: .text
        case .dynamic: .values
        }
    }

    mutating func append(_ value: ScalarValue) {
        switch Self.layout(type) {
        case .integers:
            let integral = Conversions.integral(value, to: type)
            integers.append(integral ?? 0)
            nulls.append(integral == nil)
            if integral == nil { hasNull = true }
        case .reals:
            let real = Conversions.real(value)
            reals.append(real ?? 0)
            nulls.append(real == nil)
            if real == nil { hasNull = true }
        case .text:
            appendText(Conversions.text(value))
        case .values:
            values.append(Conversions.dynamic(value))
        }
    }

    mutating func appendText(_ text: String) {
        if let code = known[text] {
            codes.append(code)
            return
        }
        let code = Int32(strings.count)
        strings.append(text)
        known[text] = code
        codes.append(code)
    }

    func build() -> Vector {
        switch Self.layout(type) {
        case .integers: Vector(type, .integers(integers, nulls: hasNull ? nulls : nil))
        case .reals: Vector(type, .reals(reals, nulls: hasNull ? nulls : nil))
        case .text: Vector(type, .text(codes, TextValues(strings)))
        case .values: Vector(type, .values(values))
        }
    }
}
