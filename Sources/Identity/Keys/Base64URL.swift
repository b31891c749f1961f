public import Foundation

/// Unpadded base64url (RFC 7515 §2).
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    public static func encode(_ bytes: some ContiguousBytes) -> String {
        var output: [UInt8] = []
        append(bytes, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the encoding of `bytes` to `output`: tokens are assembled in one buffer.
    static func append(_ bytes: some ContiguousBytes, to output: inout [UInt8]) {
        bytes.withUnsafeBytes { input in
            let start = output.count
            let encodedCount = (input.count * 4 + 2) / 3
            output.append(contentsOf: repeatElement(0, count: encodedCount))
            output.withUnsafeMutableBufferPointer { buffer in
                alphabet.withUnsafeBufferPointer { table in
                    var written = start
                    var index = 0
                    while index < input.count {
                        let remaining = input.count - index
                        let second = remaining > 1 ? UInt32(input[index + 1]) : 0
                        let third = remaining > 2 ? UInt32(input[index + 2]) : 0
                        let group = UInt32(input[index]) << 16 | second << 8 | third
                        buffer[written] = table[Int(group >> 18)]
                        buffer[written + 1] = table[Int(group >> 12 & 63)]
                        if remaining > 1 { buffer[written + 2] = table[Int(group >> 6 & 63)] }
                        if remaining > 2 { buffer[written + 3] = table[Int(group & 63)] }
                        written += min(remaining, 3) + 1
                        index += 3
                    }
                }
            }
        }
    }

    /// Decodes base64url, padded or not (clients send both in `x5t`).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/").replacingOccurrences(of: "=", with: "")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).map(Array.init)
    }
}
