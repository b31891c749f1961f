import COpenSSL
import Synchronization

/// Random bytes and identifiers from OpenSSL's generator (a DRBG seeded and reseeded by the kernel), drawn 4 KiB at
/// a time.
///
/// Token issuance takes several random values per request (`uti`, `aio`, `rh`, trace ids). Drawing each from the
/// generator costs more than the value is worth — `SystemRandomNumberGenerator` makes a `getrandom` call per 8 bytes,
/// Foundation's `UUID()` opens `/dev/urandom`, and `RAND_bytes` re-keys its cipher and checks the process id per
/// call — so values are cut from a buffer that each draw refills when it runs out. Bytes are handed out once.
public enum SecureRandom {
    private static let poolSize = 4096
    private static let pool = Mutex(Pool())

    private struct Pool: ~Copyable {
        var bytes = [UInt8](repeating: 0, count: SecureRandom.poolSize)
        var next = SecureRandom.poolSize

        mutating func take(_ count: Int, into output: UnsafeMutableBufferPointer<UInt8>) {
            var written = 0
            while written < count {
                if next == bytes.count { refill() }
                let step = min(count - written, bytes.count - next)
                for offset in 0..<step {
                    output[written + offset] = bytes[next + offset]
                    bytes[next + offset] = 0
                }
                next += step
                written += step
            }
        }

        private mutating func refill() {
            let filled = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) == 1 }
            if !filled {
                // OpenSSL's generator only fails when it cannot be seeded; the kernel's is the fallback.
                var generator = SystemRandomNumberGenerator()
                for index in bytes.indices { bytes[index] = generator.next() }
            }
            next = 0
        }
    }

    /// `count` cryptographically secure random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            pool.withLock { $0.take(count, into: buffer) }
            initialized = count
        }
    }

    /// A random (version 4) UUID in lower case, the way Entra writes object ids, trace ids and key ids.
    public static func uuidString() -> String {
        var value = bytes(16)
        value[6] = value[6] & 0x0F | 0x40
        value[8] = value[8] & 0x3F | 0x80
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in value.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
