/// A value of KQL's `dynamic` type: JSON with Kusto's scalars. Datetimes and timespans inside dynamic values are
/// kept as their text, as Kusto serializes them.
public indirect enum DynamicValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case long(Int64)
    case real(Double)
    case string(String)
    case array([DynamicValue])
    case bag(PropertyBag)

    /// The member `key` of a property bag; null for anything else or a missing key.
    public subscript(key: String) -> DynamicValue {
        if case .bag(let bag) = self { return bag[key] ?? .null }
        return .null
    }

    /// Element `index` of an array, counting from the end when negative; null out of range.
    public subscript(index: Int64) -> DynamicValue {
        guard case .array(let items) = self else { return .null }
        let position = index < 0 ? Int64(items.count) + index : index
        return position >= 0 && position < items.count ? items[Int(position)] : .null
    }

    /// A short type name, as `gettype()` reports it.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .long: "long"
        case .real: "real"
        case .string: "string"
        case .array: "array"
        case .bag: "dictionary"
        }
    }
}

/// The members of a property bag in insertion order; a key appears once.
public struct PropertyBag: Sendable, Hashable {
    public private(set) var keys: [String] = []
    public private(set) var values: [DynamicValue] = []

    public init() {}

    public init(_ members: [(String, DynamicValue)]) {
        for (key, value) in members { self[key] = value }
    }

    public var count: Int { keys.count }

    public subscript(key: String) -> DynamicValue? {
        get { keys.firstIndex(of: key).map { values[$0] } }
        set {
            if let index = keys.firstIndex(of: key) {
                if let newValue {
                    values[index] = newValue
                } else {
                    keys.remove(at: index)
                    values.remove(at: index)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    public var members: Zip2Sequence<[String], [DynamicValue]> { zip(keys, values) }
}

// MARK: JSON text

extension DynamicValue {
    /// Parses JSON text; nil when it is not valid JSON (Kusto then keeps the text as a string value).
    public static func parse(json text: String) -> DynamicValue? {
        var text = text
        return text.withUTF8 { bytes in
            var reader = JSONReader(bytes: bytes)
            reader.skipSpace()
            guard let value = reader.value(depth: 0) else { return nil }
            reader.skipSpace()
            return reader.position == bytes.count ? value : nil
        }
    }

    /// Compact JSON text, as Kusto prints dynamic values.
    public var json: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .long(let value): out += String(value)
        case .real(let value): out += Self.format(value)
        case .string(let value): Self.quote(value, into: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .bag(let bag):
            out += "{"
            for (index, (key, value)) in bag.members.enumerated() {
                if index > 0 { out += "," }
                Self.quote(key, into: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    /// Doubles as Kusto writes them: integral values without a fraction, NaN and infinities by name.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    private static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

/// A recursive-descent JSON reader over UTF-8 bytes, bounded in depth.
private struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    static let maxDepth = 256

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    mutating func value(depth: Int) -> DynamicValue? {
        guard position < bytes.count, depth < Self.maxDepth else { return nil }
        switch bytes[position] {
        case UInt8(ascii: "{"): return object(depth: depth)
        case UInt8(ascii: "["): return array(depth: depth)
        case UInt8(ascii: "\""): return string().map(DynamicValue.string)
        case UInt8(ascii: "t"): return word("true", .bool(true))
        case UInt8(ascii: "f"): return word("false", .bool(false))
        case UInt8(ascii: "n"): return word("null", .null)
        default: return number()
        }
    }

    private mutating func word(_ text: String, _ value: DynamicValue) -> DynamicValue? {
        for byte in text.utf8 {
            guard position < bytes.count, bytes[position] == byte else { return nil }
            position += 1
        }
        return value
    }

    private mutating func object(depth: Int) -> DynamicValue? {
        position += 1
        var bag = PropertyBag()
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .bag(bag)
        }
        while true {
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return nil }
            position += 1
            skipSpace()
            guard let member = value(depth: depth + 1) else { return nil }
            bag[key] = member
            skipSpace()
            guard position < bytes.count else { return nil }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard bytes[position] == UInt8(ascii: "}") else { return nil }
            position += 1
            return .bag(bag)
        }
    }

    private mutating func array(depth: Int) -> DynamicValue? {
        position += 1
        var items: [DynamicValue] = []
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            skipSpace()
            guard let item = value(depth: depth + 1) else { return nil }
            items.append(item)
            skipSpace()
            guard position < bytes.count else { return nil }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard bytes[position] == UInt8(ascii: "]") else { return nil }
            position += 1
            return .array(items)
        }
    }

    private mutating func string() -> String? {
        position += 1
        var start = position
        var out: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                out.append(contentsOf: bytes[start..<position])
                position += 1
                return String(decoding: out, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                out.append(contentsOf: bytes[start..<position])
                position += 1
                guard position < bytes.count, escape(into: &out) else { return nil }
                start = position
                continue
            }
            position += 1
        }
        return nil
    }

    private mutating func escape(into out: inout [UInt8]) -> Bool {
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "u"):
            guard var scalar = hex4() else { return false }
            if (0xD800..<0xDC00).contains(scalar), position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                bytes[position + 1] == UInt8(ascii: "u")
            {
                position += 2
                guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return false }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            out.append(contentsOf: String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
        default: out.append(byte)
        }
        return true
    }

    private mutating func hex4() -> UInt32? {
        guard position + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Self.hexDigit(bytes[position]) else { return nil }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 48...57: UInt32(byte - 48)
        case 65...70: UInt32(byte - 55)
        case 97...102: UInt32(byte - 87)
        default: nil
        }
    }

    private mutating func number() -> DynamicValue? {
        let start = position
        var isReal = false
        while position < bytes.count {
            let byte = bytes[position]
            if (48...57).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
                position += 1
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                isReal = true
                position += 1
            } else {
                break
            }
        }
        guard position > start else { return nil }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if !isReal, let value = Int64(text) { return .long(value) }
        return Double(text).map(DynamicValue.real)
    }
}
