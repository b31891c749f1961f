/// String functions.
enum TextFunctions {
    typealias Function = ScalarLibrary.Function

    static func prepare(_ name: String, constants: [ScalarValue?], at span: SourceSpan) throws(KQLError) -> Function? {
        func text(_ value: ScalarValue) -> String { Conversions.text(value) }
        /// The regex of argument `index` when it is constant, compiled now.
        func regex(_ index: Int) throws(KQLError) -> KQLRegex? {
            guard index < constants.count, let pattern = constants[index] else { return nil }
            return try KQLRegex(text(pattern), at: span)
        }
        switch name {
        case "strcat": return { .string($0.map(text).joined()) }
        case "strcat_delim": return { args in .string(args.dropFirst().map(text).joined(separator: text(args[0]))) }
        case "strcat_array":
            return { args in
                guard case .dynamic(.array(let items)) = args[0] else { return .string("") }
                return .string(items.map { Conversions.text(.dynamic($0)) }.joined(separator: text(args[1])))
            }
        case "tolower": return { .string(text($0[0]).lowercased()) }
        case "toupper": return { .string(text($0[0]).uppercased()) }
        case "strlen": return { .long(Int64(text($0[0]).unicodeScalars.count)) }
        case "string_size": return { .long(Int64(text($0[0]).utf8.count)) }
        case "reverse": return { .string(String(text($0[0]).reversed())) }
        case "substring":
            return { args in
                let scalars = Array(text(args[0]).unicodeScalars)
                guard let startValue = Conversions.long(args[1]) else { return .string("") }
                let start = Int(max(0, min(startValue, Int64(scalars.count))))
                var end = scalars.count
                if args.count > 2, let length = Conversions.long(args[2]) { end = Int(min(Int64(scalars.count), Int64(start) + max(0, length))) }
                var out = String.UnicodeScalarView()
                out.append(contentsOf: scalars[start..<max(start, end)])
                return .string(String(out))
            }
        case "indexof":
            return { args in
                let haystack = Array(text(args[0]).unicodeScalars)
                let needle = Array(text(args[1]).unicodeScalars)
                let start = args.count > 2 ? Int(Conversions.long(args[2]) ?? 0) : 0
                guard start >= 0, start <= haystack.count else { return .long(-1) }
                if needle.isEmpty { return .long(Int64(start)) }
                var index = start
                while index + needle.count <= haystack.count {
                    if Array(haystack[index..<index + needle.count]) == needle { return .long(Int64(index)) }
                    index += 1
                }
                return .long(-1)
            }
        case "split":
            return { args in
                let source = text(args[0])
                let separator = text(args[1])
                var parts: [DynamicValue] =
                    separator.isEmpty
                    ? [.string(source)] : source.split(separator: separator, omittingEmptySubsequences: false).map { .string(String($0)) }
                if args.count > 2 {
                    guard let index = Conversions.long(args[2]), index >= 0, index < parts.count else { return .dynamic(.array([])) }
                    parts = [parts[Int(index)]]
                }
                return .dynamic(.array(parts))
            }
        case "replace_string": return { args in .string(Self.replacing(text(args[0]), text(args[1]), with: text(args[2]))) }
        case "replace_strings":
            return { args in
                guard case .dynamic(.array(let lookups)) = args[1], case .dynamic(.array(let rewrites)) = args[2] else { return args[0] }
                var out = text(args[0])
                for (lookup, rewrite) in zip(lookups, rewrites) {
                    out = Self.replacing(out, Conversions.text(.dynamic(lookup)), with: Conversions.text(.dynamic(rewrite)))
                }
                return .string(out)
            }
        case "replace", "replace_regex":
            // `replace(regex, rewrite, text)` and `replace_regex(text, regex, rewrite)`.
            let (textIndex, regexIndex, rewriteIndex) = name == "replace" ? (2, 0, 1) : (0, 1, 2)
            let compiled = try regex(regexIndex)
            return { args in
                guard let regex = compiled ?? (try? KQLRegex(text(args[regexIndex]), at: span)) else { return .null }
                return .string(regex.replace(in: text(args[textIndex]), with: text(args[rewriteIndex])))
            }
        case "extract":
            let compiled = try regex(0)
            return { args in
                guard let regex = compiled ?? (try? KQLRegex(text(args[0]), at: span)), let group = Conversions.long(args[1]) else { return .null }
                guard let groups = regex.firstMatch(text(args[2])), group >= 0, group < groups.count, let value = groups[Int(group)] else {
                    return .string("")
                }
                return .string(value)
            }
        case "extract_all", "extract_all_regex":
            let compiled = try regex(0)
            return { args in
                guard let regex = compiled ?? (try? KQLRegex(text(args[0]), at: span)) else { return .null }
                let source = text(args[args.count - 1])
                let matches = regex.allMatches(source)
                if matches.isEmpty { return .null }
                return .dynamic(
                    .array(
                        matches.map { groups in
                            if groups.count <= 2 { return .string(groups[groups.count - 1] ?? "") }
                            return .array(groups.dropFirst().map { .string($0 ?? "") })
                        }
                    )
                )
            }
        case "indexof_regex":
            let compiled = try regex(1)
            return { args in
                guard let regex = compiled ?? (try? KQLRegex(text(args[1]), at: span)) else { return .null }
                let source = text(args[0])
                let scalars = source.unicodeScalars
                let start = args.count > 2 ? (Conversions.long(args[2]) ?? 0) : 0
                let length = args.count > 3 ? (Conversions.long(args[3]) ?? -1) : -1
                let occurrence = args.count > 4 ? (Conversions.long(args[4]) ?? 1) : 1
                guard start >= 0, length >= -1, occurrence > 0 else { return .null }
                guard start <= scalars.count else { return .long(-1) }
                let from = scalars.index(scalars.startIndex, offsetBy: Int(start))
                let to =
                    length < 0
                    ? scalars.endIndex : scalars.index(from, offsetBy: Int(min(length, Int64(scalars.distance(from: from, to: scalars.endIndex)))))
                let found = regex.ranges(in: source[from..<to])
                guard found.count >= occurrence else { return .long(-1) }
                return .long(Int64(scalars.distance(from: scalars.startIndex, to: found[Int(occurrence) - 1].lowerBound)))
            }
        case "regex_split":
            let compiled = try regex(1)
            return { args in
                guard let regex = compiled ?? (try? KQLRegex(text(args[1]), at: span)) else { return .null }
                let source = text(args[0])
                var pieces: [DynamicValue] = []
                var start = source.startIndex
                for range in regex.ranges(in: Substring(source)) where !range.isEmpty {
                    pieces.append(.string(String(source[start..<range.lowerBound])))
                    start = range.upperBound
                }
                pieces.append(.string(String(source[start...])))
                return .dynamic(.array(pieces))
            }
        case "countof":
            return { args in
                let source = text(args[0])
                let pattern = text(args[1])
                if args.count > 2, text(args[2]) == "regex" {
                    guard let regex = try? KQLRegex(pattern, at: span) else { return .null }
                    return .long(Int64(regex.allMatches(source).count))
                }
                guard !pattern.isEmpty else { return .long(0) }
                return .long(Int64(source.split(separator: pattern, omittingEmptySubsequences: false).count - 1))
            }
        case "trim", "trim_start", "trim_end":
            let compiled = try regex(0)
            return { args in
                guard let regex = compiled ?? (try? KQLRegex(text(args[0]), at: span)) else { return .null }
                return .string(regex.trim(text(args[1]), start: name != "trim_end", end: name != "trim_start"))
            }
        case "base64_encode_tostring", "base64_encodestring": return { .string(Base64.encode(Array(text($0[0]).utf8))) }
        case "base64_decode_tostring", "base64_decodestring":
            return { args in
                guard let bytes = Base64.decode(text(args[0])) else { return .string("") }
                return .string(String(decoding: bytes, as: UTF8.self))
            }
        case "base64_decode_toarray":
            return { args in
                guard let bytes = Base64.decode(text(args[0])) else { return .dynamic(.array([])) }
                return .dynamic(.array(bytes.map { .long(Int64($0)) }))
            }
        case "url_encode", "url_encode_component": return { .string(URLText.encode(text($0[0]))) }
        case "url_decode": return { .string(URLText.decode(text($0[0]))) }
        case "strrep":
            return { args in
                let count = Int(max(0, min(Conversions.long(args[1]) ?? 0, 10_000)))
                let delimiter = args.count > 2 ? text(args[2]) : ""
                return .string(Array(repeating: text(args[0]), count: count).joined(separator: delimiter))
            }
        case "translate":
            return { args in
                let from = Array(text(args[0]))
                let to = Array(text(args[1]))
                return .string(
                    String(
                        text(args[2]).compactMap { character -> Character? in
                            guard let index = from.firstIndex(of: character) else { return character }
                            return to.isEmpty ? nil : to[min(index, to.count - 1)]
                        }
                    )
                )
            }
        case "format_bytes":
            return { args in
                guard let size = Conversions.real(args[0]) else { return .string("") }
                let precision = args.count > 1 ? Int(Conversions.long(args[1]) ?? 0) : 0
                let units = ["Bytes", "KB", "MB", "GB", "TB", "PB"]
                var value = size
                var unit = 0
                while abs(value) >= 1024, unit < units.count - 1 {
                    value /= 1024
                    unit += 1
                }
                return .string("\(Formatting.fixed(value, precision)) \(units[unit])")
            }
        case "parse_version":
            return { args in
                let parts = text(args[0]).split(separator: ".", omittingEmptySubsequences: false)
                guard (1...4).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) && $0.count <= 8 }) else {
                    return .null
                }
                let numbers = parts.map { Double($0)! } + Array(repeating: 0, count: 4 - parts.count)
                return .real(numbers.reduce(0) { $0 * 100_000_000 + $1 })
            }
        case "make_string", "unicode_codepoints_to_string":
            return { args in
                var out = String.UnicodeScalarView()
                for argument in args {
                    let codes: [Int64]
                    if case .dynamic(.array(let items)) = argument {
                        codes = items.compactMap { Conversions.long(.dynamic($0)) }
                    } else {
                        codes = [Conversions.long(argument) ?? 0]
                    }
                    for code in codes { if let scalar = Unicode.Scalar(UInt32(truncatingIfNeeded: code)) { out.append(scalar) } }
                }
                return .string(String(out))
            }
        case "unicode_codepoints_from_string": return { .dynamic(.array(text($0[0]).unicodeScalars.map { .long(Int64($0.value)) })) }
        default: return nil
        }
    }

    static func replacing(_ source: String, _ lookup: String, with rewrite: String) -> String {
        guard !lookup.isEmpty else { return source }
        return source.split(separator: lookup, omittingEmptySubsequences: false).joined(separator: rewrite)
    }
}

/// Base64 without Foundation.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for position in 0..<4 {
                out.append(position <= chunk.count ? alphabet[Int(value >> (18 - 6 * UInt32(position)) & 63)] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case 65...90: values.append(byte - 65)
            case 97...122: values.append(byte - 71)
            case 48...57: values.append(byte + 4)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): values.append(62)
            case UInt8(ascii: "/"), UInt8(ascii: "_"): values.append(63)
            case UInt8(ascii: "="), 0x0A, 0x0D, 0x20: continue
            default: return nil
            }
        }
        guard values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        var index = 0
        while index < values.count {
            let group = values[index..<min(index + 4, values.count)]
            let value = group.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (18 - 6 * UInt32($1.offset)) }
            for position in 0..<(group.count - 1) { out.append(UInt8(value >> (16 - 8 * UInt32(position)) & 0xFF)) }
            index += 4
        }
        return out
    }
}

/// Percent-encoding as `url_encode` and `url_decode` do it.
enum URLText {
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 48...57, 65...90, 97...122, UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 15)])"
            }
        }
        return out
    }

    static func decode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index] == UInt8(ascii: "+") ? UInt8(ascii: " ") : bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }
}

/// Number formatting without Foundation.
enum Formatting {
    /// `value` with exactly `digits` decimals, rounded half away from zero.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return DynamicValue.format(value) }
        let scale = ScalarLibrary.power10(Int64(digits))
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        let whole = Int64(scaled / scale)
        let fraction = Int64(scaled - Double(whole) * scale)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(whole)" }
        let fractionText = String(fraction)
        return "\(sign)\(whole).\(String(repeating: "0", count: max(0, digits - fractionText.count)))\(fractionText)"
    }
}
