/// Splits query text into tokens (KQL's lexical grammar: `//` comments, `'`/`"` strings with escapes, `@` verbatim
/// and `h` obfuscated strings, numbers with timespan units, and `!word` negated operators).
public struct Lexer {
    private let bytes: [UInt8]
    private var index = 0
    /// Problems inside tokens that still produced a token (an invalid escape in a string).
    private var problems: [Diagnostic] = []

    public init(_ source: String) {
        self.bytes = Array(source.utf8)
    }

    /// Every token of the text, ending with `.end`, and a diagnostic for each piece of text that is not a token
    /// (which is skipped).
    public static func tokenizeRecovering(_ source: String) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(source)
        var tokens: [Token] = []
        var diagnostics: [Diagnostic] = []
        while true {
            do {
                let token = try lexer.next()
                tokens.append(token)
                diagnostics += lexer.problems
                lexer.problems = []
                if token.kind == .end { return (tokens, diagnostics) }
            } catch {
                diagnostics += error.diagnostics
            }
        }
    }

    /// Every token of the text, ending with `.end`.
    public static func tokenize(_ source: String) throws(KQLError) -> [Token] {
        let (tokens, diagnostics) = tokenizeRecovering(source)
        guard diagnostics.isEmpty else { throw KQLError(diagnostics) }
        return tokens
    }

    private static let symbols = [
        "==", "!=", "<>", "<=", ">=", "=~", "!~", "..", "|", "(", ")", "[", "]", "{", "}", ",", ";", ":", ".", "=", "<", ">", "+", "-", "*", "/", "%",
    ]
    private static let negatable: Set<String> = [
        "has", "has_cs", "contains", "contains_cs", "startswith", "startswith_cs", "endswith", "endswith_cs", "hasprefix",
        "hasprefix_cs", "hassuffix", "hassuffix_cs", "in", "between", "has_any", "has_all",
    ]

    mutating func next() throws(KQLError) -> Token {
        skipTrivia()
        let start = index
        guard let byte = peek() else { return Token(.end, SourceSpan(start: start, end: start)) }
        if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
            return Token(.string(try quoted(from: start)), span(from: start))
        }
        if byte == UInt8(ascii: "@") || byte == UInt8(ascii: "h") || byte == UInt8(ascii: "H"),
            let quote = peek(1), quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"")
        {
            index += 1
            return Token(.string(byte == UInt8(ascii: "@") ? try verbatim(from: start) : try quoted(from: start)), span(from: start))
        }
        // `h@"…"`: an obfuscated verbatim string.
        if byte == UInt8(ascii: "h") || byte == UInt8(ascii: "H"), peek(1) == UInt8(ascii: "@"),
            let quote = peek(2), quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"")
        {
            index += 2
            return Token(.string(try verbatim(from: start)), span(from: start))
        }
        if byte == UInt8(ascii: "`"), peek(1) == UInt8(ascii: "`"), peek(2) == UInt8(ascii: "`") {
            return Token(.string(try multiline()), span(from: start))
        }
        if isDigit(byte) {
            return Token(try number(), span(from: start))
        }
        if isIdentifierStart(byte) {
            var word = identifierText()
            if word == "in", peek() == UInt8(ascii: "~") {
                index += 1
                word += "~"
            }
            return Token(.identifier(word), span(from: start))
        }
        if byte == UInt8(ascii: "!"), let next = peek(1), isIdentifierStart(next) {
            let save = index
            index += 1
            var word = identifierText()
            if word == "in", peek() == UInt8(ascii: "~") {
                index += 1
                word += "~"
            }
            if Self.negatable.contains(word) || word == "in~" { return Token(.identifier("!" + word), span(from: start)) }
            index = save
        }
        for symbol in Self.symbols where matches(symbol) {
            index += symbol.utf8.count
            return Token(.symbol(symbol), span(from: start))
        }
        // Skip one whole UTF-8 scalar, so a stray non-ASCII character is one error.
        index += 1
        while let next = peek(), next & 0xC0 == 0x80 { index += 1 }
        let character = String(decoding: bytes[start..<index], as: UTF8.self)
        throw KQLError(.invalidToken, "Unexpected character '\(character)'.", at: span(from: start))
    }

    // MARK: Pieces

    private mutating func skipTrivia() {
        while let byte = peek() {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                index += 1
            } else if byte == 0xC2, peek(1) == 0xA0 {
                // A no-break space, as text copied from web pages has.
                index += 2
            } else if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "/") {
                while let c = peek(), c != UInt8(ascii: "\n") { index += 1 }
            } else {
                return
            }
        }
    }

    /// A quoted string whose quote is at the current position; `start` is where the literal began (before any prefix).
    private mutating func quoted(from start: Int) throws(KQLError) -> String {
        let quote = bytes[index]
        index += 1
        var out: [UInt8] = []
        while let byte = peek() {
            index += 1
            if byte == quote { return String(decoding: out, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { break }
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                continue
            }
            guard let escaped = peek() else { break }
            index += 1
            switch escaped {
            case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n"))
            case UInt8(ascii: "t"): out.append(UInt8(ascii: "\t"))
            case UInt8(ascii: "r"): out.append(UInt8(ascii: "\r"))
            case UInt8(ascii: "0"): out.append(0)
            case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): out.append(escaped)
            case UInt8(ascii: "u") where index + 4 <= bytes.count:
                let hex = String(decoding: bytes[index..<index + 4], as: UTF8.self)
                guard let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else { fallthrough }
                index += 4
                out += Array(String(Character(scalar)).utf8)
            default:
                let character = String(decoding: [escaped], as: UTF8.self)
                problems.append(
                    Diagnostic(
                        .invalidToken,
                        "'\\\(character)' is not an escape sequence; write '\\\\' for a backslash, or use a verbatim string (@\"…\").",
                        at: SourceSpan(start: index - 2, end: index)
                    )
                )
                out.append(escaped)
            }
        }
        throw KQLError(.invalidToken, "Unterminated string literal.", at: span(from: start))
    }

    private mutating func verbatim(from start: Int) throws(KQLError) -> String {
        let quote = bytes[index]
        index += 1
        var out: [UInt8] = []
        while let byte = peek() {
            index += 1
            if byte == quote {
                if peek() == quote {
                    out.append(quote)
                    index += 1
                    continue
                }
                return String(decoding: out, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\n") { break }
            out.append(byte)
        }
        throw KQLError(.invalidToken, "Unterminated verbatim string literal.", at: span(from: start))
    }

    private mutating func multiline() throws(KQLError) -> String {
        let start = index
        index += 3
        let bodyStart = index
        while index + 2 < bytes.count {
            if bytes[index] == UInt8(ascii: "`"), bytes[index + 1] == UInt8(ascii: "`"), bytes[index + 2] == UInt8(ascii: "`") {
                let text = String(decoding: bytes[bodyStart..<index], as: UTF8.self)
                index += 3
                return text
            }
            index += 1
        }
        index = bytes.count
        throw KQLError(.invalidToken, "Unterminated multi-line string literal.", at: span(from: start))
    }

    private mutating func number() throws(KQLError) -> Token.Kind {
        let start = index
        if peek() == UInt8(ascii: "0"), peek(1) == UInt8(ascii: "x") || peek(1) == UInt8(ascii: "X") {
            index += 2
            let digits = index
            while let c = peek(), isDigit(c) || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "f")) { index += 1 }
            guard let value = Int64(String(decoding: bytes[digits..<index], as: UTF8.self), radix: 16) else {
                throw KQLError(.invalidToken, "Invalid hexadecimal number.", at: span(from: start))
            }
            return .long(value)
        }
        while let c = peek(), isDigit(c) { index += 1 }
        var isReal = false
        if peek() == UInt8(ascii: "."), let next = peek(1), isDigit(next) {
            isReal = true
            index += 1
            while let c = peek(), isDigit(c) { index += 1 }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E"),
            let next = peek(1), isDigit(next) || ((next == UInt8(ascii: "+") || next == UInt8(ascii: "-")) && peek(2).map(isDigit) == true)
        {
            isReal = true
            index += 2
            while let c = peek(), isDigit(c) { index += 1 }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if let c = peek(), isIdentifierStart(c) {
            let unitStart = index
            let unit = identifierText()
            if let ticks = Timespan.ticks(perUnit: unit.lowercased()), let value = Double(text) {
                guard let total = Ticks.from(value * Double(ticks)) else {
                    throw KQLError(.invalidToken, "The timespan '\(text)\(unit)' is out of range.", at: span(from: start))
                }
                return .timespan(total)
            }
            // A name may start with digits (`let 2022Exploited = …`).
            if !isReal { return .identifier(text + unit) }
            index = unitStart
        }
        if !isReal, let value = Int64(text) { return .long(value) }
        guard let value = Double(text) else {
            throw KQLError(.invalidToken, "Invalid number '\(text)'.", at: span(from: start))
        }
        return .real(value)
    }

    private mutating func identifierText() -> String {
        let start = index
        while let c = peek(), isIdentifierStart(c) || isDigit(c) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    // MARK: Bytes

    private func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private func matches(_ symbol: String) -> Bool {
        let utf8 = Array(symbol.utf8)
        guard index + utf8.count <= bytes.count else { return false }
        return Array(bytes[index..<index + utf8.count]) == utf8
    }

    private func span(from start: Int) -> SourceSpan { SourceSpan(start: start, end: index) }

    private func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    private func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == UInt8(ascii: "_") || c == UInt8(ascii: "$")
    }
}

/// Timespan units and their length in ticks.
enum Timespan {
    static func ticks(perUnit unit: String) -> Int64? {
        switch unit {
        case "d", "day", "days": 864_000_000_000
        case "h", "hr", "hrs", "hour", "hours": 36_000_000_000
        case "m", "min", "minute", "minutes": 600_000_000
        case "s", "sec", "second", "seconds": 10_000_000
        case "ms", "milli", "millis", "millisecond", "milliseconds": 10_000
        case "microsecond", "microseconds", "micro", "micros": 10
        case "tick", "ticks": 1
        default: nil
        }
    }
}
