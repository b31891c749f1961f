/// Functions over encodings: hex, GUID bytes, punycode, zlib/gzip in base64, CSV records, and text classification.
enum EncodingFunctions {
    typealias Function = ScalarLibrary.Function

    /// The largest text a decompression function produces.
    static let decompressionLimit = 64 * 1024 * 1024

    static func prepare(_ name: String) -> Function? {
        func text(_ value: ScalarValue) -> String { Conversions.text(value) }
        switch name {
        case "tohex":
            return { args in
                guard let value = Conversions.long(args[0]) else { return .null }
                let digits = String(UInt64(bitPattern: value), radix: 16)
                let width = args.count > 1 ? Int(max(0, min(Conversions.long(args[1]) ?? 0, 64))) : 0
                return .string(String(repeating: "0", count: max(0, width - digits.count)) + digits)
            }
        case "base64_encode_fromguid":
            return { args in
                guard let bytes = GuidBytes.bytes(text(args[0])) else { return .null }
                return .string(Base64.encode(bytes))
            }
        case "base64_decode_toguid":
            return { args in
                guard let bytes = Base64.decode(text(args[0])), bytes.count == 16 else { return .null }
                return .string(GuidBytes.text(bytes))
            }
        case "punycode_from_string": return { args in Punycode.encode(text(args[0])).map(ScalarValue.string) ?? .null }
        case "punycode_to_string": return { args in Punycode.decode(text(args[0])).map(ScalarValue.string) ?? .null }
        case "zlib_decompress_from_base64_string", "gzip_decompress_from_base64_string":
            let wrapping: Zlib.Wrapping = name.hasPrefix("gzip") ? .gzip : .zlib
            return { args in
                guard let compressed = Base64.decode(text(args[0])),
                    let bytes = Zlib.inflate(compressed, wrapping, limit: decompressionLimit),
                    let decoded = String(validating: bytes, as: UTF8.self)
                else { return .string("") }
                return .string(decoded)
            }
        case "zlib_compress_to_base64_string", "gzip_compress_to_base64_string":
            let wrapping: Zlib.Wrapping = name.hasPrefix("gzip") ? .gzip : .zlib
            return { args in Zlib.deflate(Array(text(args[0]).utf8), wrapping).map { .string(Base64.encode($0)) } ?? .null }
        case "isascii": return { args in .bool(text(args[0]).utf8.allSatisfy { $0 < 0x80 }) }
        // Text values are UTF-8 by construction: what is not valid UTF-8 never becomes a string value.
        case "isutf8": return { args in .bool(args[0].unwrapped != .null) }
        case "is_valid_json": return { args in .bool(DynamicValue.parse(json: text(args[0])) != nil) }
        case "parse_csv": return { args in .dynamic(.array(CSVRecord.fields(text(args[0])).map(DynamicValue.string))) }
        default: return nil
        }
    }
}

/// A GUID's 16 bytes in the order .NET's `Guid.ToByteArray` gives them (the first three groups little-endian).
enum GuidBytes {
    private static let order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15]

    static func bytes(_ guid: String) -> [UInt8]? {
        guard Guids.isValid(guid) else { return nil }
        let digits = guid.utf8.filter { $0 != UInt8(ascii: "-") }.compactMap(URLText.hexValue)
        let canonical = stride(from: 0, to: 32, by: 2).map { UInt8(digits[$0] << 4 | digits[$0 + 1]) }
        return order.map { canonical[$0] }
    }

    static func text(_ bytes: [UInt8]) -> String {
        var canonical = [UInt8](repeating: 0, count: 16)
        for (position, source) in order.enumerated() { canonical[source] = bytes[position] }
        let digits = Array("0123456789abcdef")
        var out = ""
        for (index, byte) in canonical.enumerated() {
            if [4, 6, 8, 10].contains(index) { out.append("-") }
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return out
    }
}

/// The first record of CSV text (RFC 4180 quoting: `""` inside quotes is a quote, quoted fields may hold commas
/// and line breaks).
enum CSVRecord {
    static func fields(_ text: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var characters = text.makeIterator()
        var pending = characters.next()
        while let character = pending {
            pending = characters.next()
            if quoted {
                if character == "\"" {
                    if pending == "\"" {
                        current.append("\"")
                        pending = characters.next()
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(current)
                current = ""
            } else if character == "\n" || character == "\r\n" || character == "\r" {
                break
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}

/// Punycode (RFC 3492), the encoding of internationalized domain labels without their `xn--` prefix.
enum Punycode {
    private static let base = 36
    private static let tMin = 1
    private static let tMax = 26
    private static let skew = 38
    private static let damp = 700
    private static let initialBias = 72
    private static let initialN = 128

    private static func adapt(_ delta: Int, points: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / points
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    private static func digit(_ value: Int) -> Character {
        Character(Unicode.Scalar(UInt8(value < 26 ? value + 97 : value + 22)))
    }

    private static func value(of digit: Unicode.Scalar) -> Int? {
        switch digit.value {
        case 48...57: Int(digit.value) - 22
        case 65...90: Int(digit.value) - 65
        case 97...122: Int(digit.value) - 97
        default: nil
        }
    }

    private static func threshold(_ k: Int, _ bias: Int) -> Int { k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias) }

    static func encode(_ input: String) -> String? {
        let scalars = input.unicodeScalars.map { Int($0.value) }
        var output = String(input.unicodeScalars.filter(\.isASCII).map(Character.init))
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append("-") }
        var n = initialN
        var delta = 0
        var bias = initialBias
        while handled < scalars.count {
            guard let m = scalars.filter({ $0 >= n }).min() else { return nil }
            let (product, overflow) = (m - n).multipliedReportingOverflow(by: handled + 1)
            guard !overflow else { return nil }
            delta += product
            n = m
            for scalar in scalars {
                if scalar < n { delta += 1 }
                guard scalar == n else { continue }
                var q = delta
                var k = base
                while true {
                    let t = threshold(k, bias)
                    if q < t { break }
                    output.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.append(digit(q))
                bias = adapt(delta, points: handled + 1, first: handled == basicCount)
                delta = 0
                handled += 1
            }
            delta += 1
            n += 1
        }
        return output
    }

    static func decode(_ input: String) -> String? {
        var output: [Unicode.Scalar] = []
        var rest = Substring(input)
        if let delimiter = input.lastIndex(of: "-") {
            output = Array(input[..<delimiter].unicodeScalars)
            guard output.allSatisfy(\.isASCII) else { return nil }
            rest = input[input.index(after: delimiter)...]
        }
        var n = initialN
        var i = 0
        var bias = initialBias
        var digits = rest.unicodeScalars.makeIterator()
        while let first = digits.next() {
            let oldI = i
            var w = 1
            var k = base
            var current: Unicode.Scalar? = first
            while true {
                guard let scalar = current, let value = value(of: scalar), value <= (Int.max - i) / w else { return nil }
                i += value * w
                let t = threshold(k, bias)
                if value < t { break }
                w *= base - t
                k += base
                current = digits.next()
            }
            bias = adapt(i - oldI, points: output.count + 1, first: oldI == 0)
            n += i / (output.count + 1)
            i %= output.count + 1
            guard let scalar = Unicode.Scalar(UInt32(clamping: n)) else { return nil }
            output.insert(scalar, at: i)
            i += 1
        }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: output)
        return String(text)
    }
}
