import Identity
import Testing

@Suite("Secure random values")
struct SecureRandomTests {
    @Test("UUIDs are version 4, lower case, and distinct")
    func uuids() {
        let values = (0..<1000).map { _ in SecureRandom.uuidString() }
        #expect(Set(values).count == values.count)
        for value in values {
            #expect(value.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil)
        }
    }

    @Test("draws across the pool's refills and larger than the pool are full length and never repeat a block")
    func draws() {
        var seen = Set<[UInt8]>()
        for _ in 0..<700 {
            let value = SecureRandom.bytes(16)
            #expect(value.count == 16)
            seen.insert(value)
        }
        #expect(seen.count == 700)
        let large = SecureRandom.bytes(10_000)
        #expect(large.count == 10_000)
        // 10,000 random bytes cover every byte value; a zero-filled or repeated pool would not.
        #expect(Set(large).count == 256)
        #expect(large[0..<4096] != large[4096..<8192])
    }
}
