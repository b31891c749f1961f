import KustoTime

/// Kusto's conversion rules between scalar values. A failed conversion gives null (nil here), never an error.
enum Conversions {
    /// The value as an integral of `type` (`bool` as 0/1, `datetime`/`timespan` as ticks).
    static func integral(_ value: ScalarValue, to type: ScalarType) -> Int64? {
        switch type {
        case .bool: return boolean(value).map { $0 ? 1 : 0 }
        case .datetime: return datetime(value)
        case .timespan: return timespan(value)
        case .int: return long(value).map { Int64(truncatingIfNeeded: Int32(truncatingIfNeeded: $0)) }
        default: return long(value)
        }
    }

    static func long(_ value: ScalarValue) -> Int64? {
        switch value.unwrapped {
        case .long(let v), .datetime(let v), .timespan(let v): return v
        case .bool(let v): return v ? 1 : 0
        case .real(let v):
            guard v.isFinite, v > -9.2e18, v < 9.2e18 else { return nil }
            return Int64(v.rounded(.towardZero))
        case .string(let text):
            let trimmed = text.trimmingSpaces
            if let v = Int64(trimmed) { return v }
            return Double(trimmed).flatMap { $0.isFinite && abs($0) < 9.2e18 ? Int64($0.rounded(.towardZero)) : nil }
        default: return nil
        }
    }

    static func real(_ value: ScalarValue) -> Double? {
        switch value.unwrapped {
        case .long(let v), .datetime(let v), .timespan(let v): return Double(v)
        case .real(let v): return v
        case .bool(let v): return v ? 1 : 0
        case .string(let text):
            let trimmed = text.trimmingSpaces
            switch trimmed.lowercased() {
            case "nan": return .nan
            case "inf", "infinity", "+inf": return .infinity
            case "-inf", "-infinity": return -.infinity
            default: return Double(trimmed)
            }
        default: return nil
        }
    }

    static func boolean(_ value: ScalarValue) -> Bool? {
        switch value.unwrapped {
        case .bool(let v): return v
        case .long(let v): return v != 0
        case .real(let v): return v != 0
        case .string(let text):
            switch text.trimmingSpaces.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: return nil
            }
        default: return nil
        }
    }

    static func datetime(_ value: ScalarValue) -> Int64? {
        switch value.unwrapped {
        case .datetime(let v): return v
        case .string(let text): return parseDatetime(text)
        default: return nil
        }
    }

    /// ISO 8601 and the common variants Kusto accepts (a space or `T`, an offset, RFC 1123 dates not included).
    static func parseDatetime(_ text: String) -> Int64? {
        let trimmed = text.trimmingSpaces
        if let ticks = DateTimeTicks.parse(trimmed) { return ticks }
        // `2024-01-31 10:00:00.123 +02:00` style without a `T` are parsed above; `2024/01/31` is not ISO.
        if trimmed.contains("/") { return DateTimeTicks.parse(trimmed.replacingSlashes) }
        return nil
    }

    static func timespan(_ value: ScalarValue) -> Int64? {
        switch value.unwrapped {
        case .timespan(let v): return v
        case .long(let v): return v
        case .string(let text): return LiteralText.timespan(text.trimmingSpaces)
        default: return nil
        }
    }

    /// `tostring()`: null and empty give `""`; dynamic strings lose their quotes; arrays and bags become JSON.
    static func text(_ value: ScalarValue) -> String {
        switch value {
        case .null: return ""
        case .bool(let v): return v ? "true" : "false"
        case .long(let v): return String(v)
        case .real(let v): return DynamicValue.format(v)
        case .string(let v): return v
        case .datetime(let v): return DateTimeTicks.format(v)
        case .timespan(let v): return TimespanTicks.format(v)
        case .dynamic(let v):
            if case .string(let s) = v { return s }
            if case .null = v { return "" }
            return v.json
        }
    }

    /// The value as it sits in a dynamic column: null, or `.dynamic`.
    static func dynamic(_ value: ScalarValue) -> ScalarValue {
        switch value {
        case .null: return .null
        case .dynamic(.null): return .null
        case .dynamic: return value
        default: return .dynamic(value.asDynamic)
        }
    }

    /// `parse_json()` / `todynamic()`: JSON text parsed, invalid JSON kept as a string, non-strings as they are.
    static func parseJSON(_ value: ScalarValue) -> ScalarValue {
        switch value {
        case .string(let text):
            guard let parsed = DynamicValue.parse(json: text) else { return .dynamic(.string(text)) }
            return parsed == .null ? .null : .dynamic(parsed)
        case .dynamic(.string(let text)):
            guard let parsed = DynamicValue.parse(json: text) else { return value }
            return parsed == .null ? .null : .dynamic(parsed)
        default:
            return dynamic(value)
        }
    }

    /// A value converted to `type`, for typed columns (`extract(…, typeof(long))`, `parse` captures, `mv-expand to typeof`).
    static func convert(_ value: ScalarValue, to type: ScalarType) -> ScalarValue {
        switch type {
        case .string, .guid: return .string(text(value))
        case .dynamic: return dynamic(value)
        case .real, .decimal: return real(value).map(ScalarValue.real) ?? .null
        default: return integral(value, to: type).map { Vector.integral($0, type) } ?? .null
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing characters of `set`.
    func trimming(_ set: Set<Character>) -> String {
        guard let first = firstIndex(where: { !set.contains($0) }), let last = lastIndex(where: { !set.contains($0) }) else { return "" }
        return String(self[first...last])
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    var trimmingSpaces: String { trimming([" ", "\t", "\n", "\r"]) }

    fileprivate var replacingSlashes: String { String(map { $0 == "/" ? "-" : $0 }) }

    /// Lower-cases ASCII letters only, as Kusto's case-insensitive operators do.
    func asciiLowercased() -> String {
        String(decoding: utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
