import Foundation

/// Compact JSON for flat objects (token claims, token responses), written straight into bytes in coding-key order.
///
/// Foundation's `JSONEncoder` builds a tree of boxed values before it writes, which costs as much as the HTTP work
/// of a token request. Claims and token bodies are one object of strings, numbers, booleans and string arrays, so
/// this encoder appends each field as it is encoded; any other field value (a nested object) goes through
/// `JSONEncoder` and is spliced in. Slashes stay unescaped, nil optionals are left out.
public enum FlatJSONEncoder {
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        let output = Output()
        output.bytes.append(UInt8(ascii: "{"))
        try value.encode(to: ObjectEncoder(output: output))
        output.bytes.append(UInt8(ascii: "}"))
        return output.bytes
    }

    final class Output {
        // Every field appends here; the owner is one encode call on one thread, so accesses need no dynamic check.
        @exclusivity(unchecked) var bytes: [UInt8] = []

        init() { bytes.reserveCapacity(1024) }

        func key(_ name: String) {
            if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
            string(name)
            bytes.append(UInt8(ascii: ":"))
        }

        func string(_ text: String) {
            var text = text
            text.withUTF8 { utf8 in
                bytes.append(UInt8(ascii: "\""))
                var start = 0
                for index in utf8.indices where Self.needsEscape(utf8[index]) {
                    bytes += UnsafeBufferPointer(rebasing: utf8[start..<index])
                    bytes += Self.escape(utf8[index]).utf8
                    start = index + 1
                }
                bytes += UnsafeBufferPointer(rebasing: utf8[start...])
                bytes.append(UInt8(ascii: "\""))
            }
        }

        /// Decimal digits; `String(value)` of an integer is a small string, no allocation.
        func integer(_ value: Int64) { bytes += String(value).utf8 }

        private static func needsEscape(_ byte: UInt8) -> Bool {
            byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
        }

        /// JSON's escape for a byte that ``needsEscape(_:)``.
        private static func escape(_ byte: UInt8) -> String {
            switch byte {
            case UInt8(ascii: "\""): #"\""#
            case UInt8(ascii: "\\"): #"\\"#
            case 0x0A: #"\n"#
            case 0x0D: #"\r"#
            case 0x09: #"\t"#
            default: String(format: "\\u%04x", byte)
            }
        }

        func literal(_ text: StaticString) {
            bytes += UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        }

        func strings(_ values: [String]) {
            bytes.append(UInt8(ascii: "["))
            for (index, string) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                self.string(string)
            }
            bytes.append(UInt8(ascii: "]"))
        }
    }

    private struct ObjectEncoder: Encoder {
        let output: Output
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(FieldWriter<Key>(output: output))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            preconditionFailure("FlatJSONEncoder writes objects only")
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            preconditionFailure("FlatJSONEncoder writes objects only")
        }
    }

    private struct FieldWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let output: Output
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws {
            output.key(key.stringValue)
            output.literal("null")
        }

        mutating func encode(_ value: Bool, forKey key: Key) throws {
            output.key(key.stringValue)
            output.literal(value ? "true" : "false")
        }

        mutating func encode(_ value: String, forKey key: Key) throws {
            output.key(key.stringValue)
            output.string(value)
        }

        mutating func encode(_ value: Int, forKey key: Key) throws {
            output.key(key.stringValue)
            output.integer(Int64(value))
        }

        mutating func encode(_ value: Int64, forKey key: Key) throws {
            output.key(key.stringValue)
            output.integer(value)
        }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            output.key(key.stringValue)
            // A metatype comparison, not a dynamic cast: string arrays are the common nested value.
            if T.self == [String].self {
                output.strings(unsafeBitCast(value, to: [String].self))
            } else {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                output.bytes += try encoder.encode(value)
            }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type,
            forKey key: Key
        )
            -> KeyedEncodingContainer<NestedKey>
        {
            preconditionFailure("FlatJSONEncoder writes flat objects; encode nested values as Encodable fields")
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            preconditionFailure("FlatJSONEncoder writes flat objects; encode arrays as Encodable fields")
        }

        mutating func superEncoder() -> any Encoder { ObjectEncoder(output: output) }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            preconditionFailure("FlatJSONEncoder writes flat objects")
        }
    }
}
