/// The distinct strings of one segment column, as UTF-8 bytes laid end to end; a code is a position in the list.
public struct TextDictionary: Sendable, Equatable {
    /// Every string's bytes, one after another.
    package let bytes: [UInt8]
    /// Where string `code` starts; one more entry than there are strings, the last being `bytes.count`.
    package let offsets: [UInt32]

    package init(bytes: [UInt8], offsets: [UInt32]) {
        self.bytes = bytes
        self.offsets = offsets
    }

    public var count: Int { offsets.count - 1 }

    public subscript(code: Int) -> String {
        bytes.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(offsets[code])..<Int(offsets[code + 1])]), as: UTF8.self)
        }
    }

    /// Every string, in code order.
    public var values: [String] { (0..<count).map { self[$0] } }

    /// Calls `body` with the UTF-8 bytes of string `code`.
    public func withBytes<R>(of code: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[Int(offsets[code])..<Int(offsets[code + 1])]))
        }
    }

    public var residentBytes: Int { bytes.capacity + offsets.capacity * 4 + 32 }
}

/// Collects distinct strings and gives each its code, hashing the bytes without making `String`s.
package struct TextDictionaryBuilder: Sendable {
    private var bytes: [UInt8] = []
    private var offsets: [UInt32] = [0]
    /// Open addressing: each slot holds a code + 1, or 0 when empty.
    private var slots = [UInt32](repeating: 0, count: 64)
    private var hashes: [UInt64] = []

    package init() {}

    package var count: Int { offsets.count - 1 }

    /// The code of `text`, when it has one.
    package func find(_ text: UnsafeRawBufferPointer) -> UInt32? {
        probe(text, hash: Self.hash(text)).code
    }

    /// The code of `text`, adding it when new.
    package mutating func code(of text: UnsafeRawBufferPointer) -> UInt32 {
        let hash = Self.hash(text)
        let (found, slot) = probe(text, hash: hash)
        if let found { return found }
        let code = UInt32(count)
        bytes.append(contentsOf: text)
        offsets.append(UInt32(bytes.count))
        hashes.append(hash)
        slots[slot] = code + 1
        if count * 2 > slots.count { grow() }
        return code
    }

    package mutating func code(of text: String) -> UInt32 {
        var text = text
        return text.withUTF8 { code(of: UnsafeRawBufferPointer($0)) }
    }

    func build() -> TextDictionary {
        TextDictionary(bytes: bytes, offsets: offsets)
    }

    /// The code of `text` if present, and the slot where the search ended.
    private func probe(_ text: UnsafeRawBufferPointer, hash: UInt64) -> (code: UInt32?, slot: Int) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let code = Int(slots[slot] - 1)
            if hashes[code] == hash, equals(code, text) { return (UInt32(code), slot) }
            slot = (slot + 1) & mask
        }
        return (nil, slot)
    }

    /// Whether string `code` is `text`.
    package func equals(_ code: Int, _ text: UnsafeRawBufferPointer) -> Bool {
        let start = Int(offsets[code])
        let length = Int(offsets[code + 1]) - start
        guard length == text.count else { return false }
        return bytes.withUnsafeBytes { raw in Self.same(UnsafeRawBufferPointer(rebasing: raw[start..<start + length]), text) }
    }

    /// Whether two byte ranges of equal length hold the same bytes (eight at a time).
    static func same(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        while index + 8 <= a.count {
            if a.loadUnaligned(fromByteOffset: index, as: UInt64.self) != b.loadUnaligned(fromByteOffset: index, as: UInt64.self) { return false }
            index += 8
        }
        while index < a.count {
            if a[index] != b[index] { return false }
            index += 1
        }
        return true
    }

    private mutating func grow() {
        var larger = [UInt32](repeating: 0, count: slots.count * 2)
        let mask = larger.count - 1
        for code in 0..<count {
            var slot = Int(truncatingIfNeeded: hashes[code]) & mask
            while larger[slot] != 0 { slot = (slot + 1) & mask }
            larger[slot] = UInt32(code + 1)
        }
        slots = larger
    }

    /// A fast 64-bit hash of bytes (eight at a time, multiply and fold).
    static func hash(_ text: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(text.count)
        var index = 0
        while index + 8 <= text.count {
            hash = (hash ^ text.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < text.count {
            tail |= UInt64(text[index]) << shift
            shift += 8
            index += 1
        }
        hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 29)
    }
}
