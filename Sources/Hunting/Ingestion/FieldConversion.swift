import Foundation
import KQL
import KustoTime
import OpenMTPModels

extension SegmentBuilder {
    /// Sets `column` from an import field, converting it to the column's type; false when it does not convert.
    ///
    /// Strings, guids and dynamic columns take any value (numbers and JSON as their text); integral columns take
    /// integers, integral numbers, digit strings and booleans; reals take numbers and numeric strings; booleans take
    /// `true`/`false` in any case, `1`/`0` and numbers; datetimes take ISO 8601 text; timespans take ticks.
    mutating func set(_ column: Int, type: ScalarType, _ value: FieldValue) -> Bool {
        if case .null = value {
            setNull(column)
            return true
        }
        if type.isTextual {
            setText(column, value)
            return true
        }
        switch type {
        case .long, .int, .timespan:
            guard let number = value.integer else { return false }
            setInteger(column, number)
        case .real, .decimal:
            guard let number = value.real else { return false }
            setReal(column, number)
        case .bool:
            guard let flag = value.boolean else { return false }
            setInteger(column, flag ? 1 : 0)
        case .datetime:
            guard case .text(let text) = value, let ticks = DateTimeTicks.parse(utf8: text) else { return false }
            setInteger(column, ticks)
        case .string, .guid, .dynamic:
            return false
        }
        return true
    }

    private mutating func setText(_ column: Int, _ value: FieldValue) {
        switch value {
        case .text(let bytes), .json(let bytes), .number(let bytes): setText(column, bytes)
        case .integer(let number): setText(column, String(number))
        case .real(let number): setText(column, String(number))
        case .bool(let flag): setText(column, flag ? "true" : "false")
        case .null: setNull(column)
        }
    }
}

extension FieldValue: CustomStringConvertible {
    /// The value as JSON text, for problem reports.
    var description: String {
        switch self {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .integer(let number): String(number)
        case .real(let number): String(number)
        case .number(let bytes), .json(let bytes): String(decoding: bytes, as: UTF8.self)
        case .text(let bytes): JSONValue.string(String(decoding: bytes, as: UTF8.self)).serialized
        }
    }

    var integer: Int64? {
        switch self {
        case .integer(let number): return number
        case .real(let number): return Self.integral(number)
        case .number: return real.flatMap(Self.integral)
        case .text(let bytes): return Self.parseInteger(bytes)
        case .bool(let flag): return flag ? 1 : 0
        case .null, .json: return nil
        }
    }

    var real: Double? {
        switch self {
        case .integer(let number): return Double(number)
        case .real(let number): return number
        case .number(let bytes), .text(let bytes): return Double(String(decoding: bytes, as: UTF8.self))
        case .null, .bool, .json: return nil
        }
    }

    var boolean: Bool? {
        switch self {
        case .bool(let flag): return flag
        case .integer(let number): return number != 0
        case .text(let bytes):
            switch String(decoding: bytes, as: UTF8.self).lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: return nil
            }
        case .null, .real, .number, .json: return nil
        }
    }

    private static func integral(_ number: Double) -> Int64? {
        number == number.rounded() && abs(number) < 9.2e18 ? Int64(number) : nil
    }

    /// An optional sign and decimal digits that fit 64 bits.
    private static func parseInteger(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        var digits = bytes[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative || digits.first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value: Int64 = 0
        for byte in digits {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = product.addingReportingOverflow(Int64(byte - 0x30))
            guard !overflow, !overflow2 else { return nil }
            value = sum
        }
        return negative ? -value : value
    }
}
