import Foundation

/// `application/x-www-form-urlencoded` reading, for token request bodies and URL query strings: `+` is a space,
/// `%XX` are bytes of UTF-8 (an invalid escape is kept as written); a later duplicate key wins.
enum FormEncoding {
    static func decode(_ text: Substring) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.utf8.split(separator: UInt8(ascii: "&")) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let key = unescape(pair[..<(equals ?? pair.endIndex)])
            guard !key.isEmpty else { continue }
            fields[key] = equals.map { unescape(pair[pair.index(after: $0)...]) } ?? ""
        }
        return fields
    }

    static func unescape(_ bytes: Substring.UTF8View.SubSequence) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), let high = hex(bytes, bytes.index(after: index)),
                let low = hex(bytes, bytes.index(index, offsetBy: 2, limitedBy: bytes.endIndex) ?? bytes.endIndex)
            {
                out.append(high << 4 | low)
                index = bytes.index(index, offsetBy: 3)
                continue
            } else {
                out.append(byte)
            }
            index = bytes.index(after: index)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ bytes: Substring.UTF8View.SubSequence, _ index: Substring.UTF8View.Index) -> UInt8? {
        guard index < bytes.endIndex else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return bytes[index] - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return bytes[index] - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return bytes[index] - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

}
