/// A value read from an import, viewed in place: text and JSON are byte ranges of the input (or of the scanner's
/// scratch space when a string had escapes), valid until the next value is read.
enum FieldValue {
    case null
    case bool(Bool)
    case integer(Int64)
    case real(Double)
    /// A JSON number that is not a 64-bit integer (a fraction, an exponent, or too many digits), as written.
    case number(UnsafeRawBufferPointer)
    /// A string's characters (escapes resolved), or a CSV field.
    case text(UnsafeRawBufferPointer)
    /// A JSON object or array, compact.
    case json(UnsafeRawBufferPointer)
}

/// Where and why JSON could not be read.
struct JSONSyntaxError: Error {
    let message: String
    /// The byte offset in the input.
    let offset: Int
}

/// Reads JSON from UTF-8 bytes without building a tree: the caller walks objects and arrays and takes values as
/// ``FieldValue``s, so an import never makes a `String` for a value it only needs to hash or parse.
///
///     try scanner.beginObject()
///     while let key = try scanner.nextKey() { … try scanner.value() … }
struct JSONScanner: ~Copyable {
    let bytes: UnsafeRawBufferPointer
    private(set) var index: Int
    /// Whether the object or array just opened has yet to give its first member.
    private var atFirstMember = false
    private var scratch: UnsafeMutableRawBufferPointer
    private var keyScratch: UnsafeMutableRawBufferPointer

    /// Objects and arrays nest at most this deep inside a value.
    static let maxDepth = 256

    init(_ bytes: UnsafeRawBufferPointer, from index: Int = 0) {
        self.bytes = bytes
        self.index = index
        scratch = .allocate(byteCount: 4096, alignment: 8)
        keyScratch = .allocate(byteCount: 256, alignment: 8)
    }

    deinit {
        scratch.deallocate()
        keyScratch.deallocate()
    }

    /// Skips spaces, tabs and line breaks; answers the next byte, if any.
    mutating func peek() -> UInt8? {
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return byte }
            index += 1
        }
        return nil
    }

    /// Moves to `offset` (used to skip past a bad line of JSON lines).
    mutating func move(to offset: Int) {
        index = offset
        atFirstMember = false
    }

    mutating func beginObject() throws(JSONSyntaxError) {
        try expect(UInt8(ascii: "{"), "an object")
        atFirstMember = true
    }

    mutating func beginArray() throws(JSONSyntaxError) {
        try expect(UInt8(ascii: "["), "an array")
        atFirstMember = true
    }

    /// The next member's name (the scanner is then at its value), or nil after the closing brace.
    mutating func nextKey() throws(JSONSyntaxError) -> UnsafeRawBufferPointer? {
        guard try nextMember(closing: UInt8(ascii: "}")) else { return nil }
        guard peek() == UInt8(ascii: "\"") else { throw fail("a member name in quotes") }
        let key = try string(isKey: true)
        try expect(UInt8(ascii: ":"), "':' after a member name")
        return key
    }

    /// Whether the array has another element (the scanner is then at it).
    mutating func nextElement() throws(JSONSyntaxError) -> Bool {
        try nextMember(closing: UInt8(ascii: "]"))
    }

    /// Reads the next value of any kind.
    mutating func value() throws(JSONSyntaxError) -> FieldValue {
        switch peek() {
        case UInt8(ascii: "\""): return .text(try string(isKey: false))
        case UInt8(ascii: "{"), UInt8(ascii: "["): return .json(try compound())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case .some(let byte) where byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39): return try number()
        default: throw fail("a value")
        }
    }

    /// Passes over the next value.
    mutating func skipValue() throws(JSONSyntaxError) {
        _ = try value()
    }

    func fail(_ expected: String) -> JSONSyntaxError {
        JSONSyntaxError(message: index < bytes.count ? "expected \(expected)" : "the JSON ends early, expected \(expected)", offset: index)
    }

    // MARK: Pieces

    private mutating func nextMember(closing: UInt8) throws(JSONSyntaxError) -> Bool {
        let byte = peek()
        if byte == closing {
            index += 1
            atFirstMember = false
            return false
        }
        if atFirstMember {
            atFirstMember = false
        } else {
            guard byte == UInt8(ascii: ",") else { throw fail("',' or '\(Character(UnicodeScalar(closing)))'") }
            index += 1
        }
        return true
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard peek() == byte else { throw fail(what) }
        index += 1
    }

    private mutating func literal(_ word: StaticString, _ value: FieldValue) throws(JSONSyntaxError) -> FieldValue {
        let length = word.utf8CodeUnitCount
        guard index + length <= bytes.count,
            UnsafeRawBufferPointer(rebasing: bytes[index..<index + length]).elementsEqual(
                UnsafeRawBufferPointer(start: word.utf8Start, count: length)
            )
        else { throw fail("a value") }
        index += length
        return value
    }

    private mutating func number() throws(JSONSyntaxError) -> FieldValue {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var magnitude: UInt64 = 0
        var digits = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            magnitude = magnitude &* 10 &+ UInt64(bytes[index] - 0x30)
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw fail("digits") }
        var integral = digits <= 18
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard try skipDigits() > 0 else { throw fail("digits after '.'") }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            integral = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard try skipDigits() > 0 else { throw fail("digits of an exponent") }
        }
        if integral { return .integer(negative ? -Int64(magnitude) : Int64(magnitude)) }
        return .number(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
    }

    private mutating func skipDigits() throws(JSONSyntaxError) -> Int {
        let start = index
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
        return index - start
    }

    /// A string's characters; the input itself when it has no escapes, else a scratch buffer (the keys' own for a
    /// member name) with them resolved.
    private mutating func string(isKey: Bool) throws(JSONSyntaxError) -> UnsafeRawBufferPointer {
        index += 1
        let start = index
        while index < bytes.count {
            // Eight bytes at a time while none of them is a quote, a backslash or a control character.
            if index + 8 <= bytes.count, !Self.hasSpecialByte(bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                index += 8
                continue
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return UnsafeRawBufferPointer(rebasing: bytes[start..<index - 1])
            }
            if byte == UInt8(ascii: "\\") {
                var buffer = isKey ? keyScratch : scratch
                defer { if isKey { keyScratch = buffer } else { scratch = buffer } }
                return try escapedString(from: start, into: &buffer)
            }
            if byte < 0x20 { throw fail("no control character inside a string") }
            index += 1
        }
        throw fail("the end of a string")
    }

    /// Whether any byte of `word` is `"`, `\\` or below 0x20 (bit tricks: a byte is zero in `x` when `x - 1` borrows).
    private static func hasSpecialByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        let quote = hasZero(word ^ (ones &* 0x22))
        let backslash = hasZero(word ^ (ones &* 0x5C))
        let control = (word &- ones &* 0x20) & ~word & highs
        return quote | backslash | control != 0
    }

    private mutating func escapedString(
        from start: Int,
        into buffer: inout UnsafeMutableRawBufferPointer
    ) throws(JSONSyntaxError)
        -> UnsafeRawBufferPointer
    {
        var length = 0
        func append(_ byte: UInt8) {
            if length == buffer.count {
                let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 8)
                larger.copyMemory(from: UnsafeRawBufferPointer(buffer))
                buffer.deallocate()
                buffer = larger
            }
            buffer[length] = byte
            length += 1
        }
        for byte in bytes[start..<index] { append(byte) }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return UnsafeRawBufferPointer(rebasing: buffer[0..<length])
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw fail("an escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): append(escape)
                case UInt8(ascii: "b"): append(0x08)
                case UInt8(ascii: "f"): append(0x0C)
                case UInt8(ascii: "n"): append(0x0A)
                case UInt8(ascii: "r"): append(0x0D)
                case UInt8(ascii: "t"): append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u")
                    {
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("a low surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    for unit in String(Character(UnicodeScalar(scalar) ?? "\u{FFFD}")).utf8 { append(unit) }
                default: throw fail("a valid escape")
                }
            default:
                guard byte >= 0x20 else { throw fail("no control character inside a string") }
                append(byte)
            }
        }
        throw fail("the end of a string")
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: throw fail("four hex digits")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// An object or array, checked for balance and string syntax, returned without insignificant whitespace.
    private mutating func compound() throws(JSONSyntaxError) -> UnsafeRawBufferPointer {
        let start = index
        var closers: [UInt8] = []
        var hasSpace = false
        repeat {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard closers.count < Self.maxDepth else { throw fail("less nesting (at most \(Self.maxDepth) levels)") }
                closers.append(byte + 2)
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard closers.popLast() == byte else { throw fail("matching brackets") }
                index += 1
            case UInt8(ascii: "\""):
                try skipString()
            case 0x20, 0x0A, 0x0D, 0x09:
                hasSpace = true
                index += 1
            default:
                index += 1
            }
            if !closers.isEmpty, index >= bytes.count { throw fail("the end of an \(closers.last == UInt8(ascii: "}") ? "object" : "array")") }
        } while !closers.isEmpty
        let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
        return hasSpace ? compact(raw) : raw
    }

    /// Steps over a string without resolving escapes.
    private mutating func skipString() throws(JSONSyntaxError) {
        index += 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return
            case UInt8(ascii: "\\"): index += 2
            default: index += 1
            }
        }
        throw fail("the end of a string")
    }

    /// `raw` without whitespace outside strings, in the scratch space.
    private mutating func compact(_ raw: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        if scratch.count < raw.count {
            scratch.deallocate()
            scratch = .allocate(byteCount: raw.count, alignment: 8)
        }
        var length = 0
        var inString = false
        var escaped = false
        for byte in raw {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                continue
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            }
            scratch[length] = byte
            length += 1
        }
        return UnsafeRawBufferPointer(rebasing: scratch[0..<length])
    }
}
