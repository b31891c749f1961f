/// `application/x-www-form-urlencoded` reading, for token request bodies and URL query strings: `+` is a space,
/// `%XX` are bytes of UTF-8 (an invalid escape is kept as written); a later duplicate key wins.
enum FormEncoding {
    /// The fields of a form given as its bytes (a request body's readable bytes, a query string's UTF-8).
    static func decode(_ form: some Collection<UInt8>) -> [String: String] {
        let bytes = Array(form)
        var fields: [String: String] = [:]
        for pair in bytes.split(separator: UInt8(ascii: "&")) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let key = unescape(pair[..<(equals ?? pair.endIndex)])
            guard !key.isEmpty else { continue }
            fields[key] = equals.map { unescape(pair[($0 + 1)...]) } ?? ""
        }
        return fields
    }

    static func unescape(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 3
                continue
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
