import Crypto

/// The hash functions of KQL: `hash()` is xxHash64 as in Kusto; the others are hex digests of the UTF-8 text.
enum Hashing {
    static func sha256Hex(_ text: String) -> String { hex(SHA256.hash(data: Array(text.utf8))) }
    static func sha1Hex(_ text: String) -> String { hex(Insecure.SHA1.hash(data: Array(text.utf8))) }
    static func md5Hex(_ text: String) -> String { hex(Insecure.MD5.hash(data: Array(text.utf8))) }

    private static func hex(_ digest: some Digest) -> String {
        let digits = Array("0123456789abcdef")
        var out = ""
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return out
    }

    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    /// xxHash64 with seed 0.
    static func xxhash64(_ text: String) -> UInt64 {
        let bytes = Array(text.utf8)
        func read64(_ i: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[i + $1]) << (8 * UInt64($1)) } }
        func read32(_ i: Int) -> UInt64 { (0..<4).reduce(0) { $0 | UInt64(bytes[i + $1]) << (8 * UInt64($1)) } }
        func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
        func round(_ acc: UInt64, _ input: UInt64) -> UInt64 { rotl(acc &+ input &* p2, 31) &* p1 }
        func merge(_ acc: UInt64, _ value: UInt64) -> UInt64 { (acc ^ round(0, value)) &* p1 &+ p4 }
        var index = 0
        var hash: UInt64
        if bytes.count >= 32 {
            var v = (p1 &+ p2, p2, UInt64(0), 0 &- p1)
            while index + 32 <= bytes.count {
                v.0 = round(v.0, read64(index))
                v.1 = round(v.1, read64(index + 8))
                v.2 = round(v.2, read64(index + 16))
                v.3 = round(v.3, read64(index + 24))
                index += 32
            }
            hash = rotl(v.0, 1) &+ rotl(v.1, 7) &+ rotl(v.2, 12) &+ rotl(v.3, 18)
            hash = merge(merge(merge(merge(hash, v.0), v.1), v.2), v.3)
        } else {
            hash = p5
        }
        hash = hash &+ UInt64(bytes.count)
        while index + 8 <= bytes.count {
            hash = rotl(hash ^ round(0, read64(index)), 27) &* p1 &+ p4
            index += 8
        }
        if index + 4 <= bytes.count {
            hash = rotl(hash ^ (read32(index) &* p1), 23) &* p2 &+ p3
            index += 4
        }
        while index < bytes.count {
            hash = rotl(hash ^ (UInt64(bytes[index]) &* p5), 11) &* p1
            index += 1
        }
        hash ^= hash >> 33
        hash = hash &* p2
        hash ^= hash >> 29
        hash = hash &* p3
        hash ^= hash >> 32
        return hash
    }
}
