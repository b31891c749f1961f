import Crypto
import CryptoExtras
import Dispatch

/// PBKDF2-HMAC-SHA256, for user passwords and client secrets.
public enum SlowHash {
    /// OWASP's figure for PBKDF2-HMAC-SHA256 (user passwords).
    public static let passwordRounds = 600_000
    /// Client secrets carry ~200 bits of randomness; fewer rounds still make a stolen table useless.
    public static let secretRounds = 100_000

    public struct Derived: Sendable {
        public let salt: [UInt8]
        public let hash: [UInt8]
        public let rounds: Int
    }

    public static func derive(_ value: String, rounds: Int) async throws -> Derived {
        let salt = SecureRandom.bytes(16)
        return Derived(salt: salt, hash: try await key(value, salt: salt, rounds: rounds), rounds: rounds)
    }

    public static func verify(_ value: String, salt: [UInt8], hash: [UInt8], rounds: Int) async throws -> Bool {
        constantTimeEqual(try await key(value, salt: salt, rounds: rounds), hash)
    }

    /// A random 20-character password with upper- and lower-case letters, digits and a symbol.
    public static func generatePassword() -> String {
        let letters = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        let body = (0..<16).map { _ in letters[Int(generator.next(upperBound: UInt(letters.count)))] }
        return "Mtp-" + String(body) + "!"
    }

    /// Hashing takes a good fraction of a second: it runs on its own threads, never on the server's event loops.
    private static let workers = DispatchQueue(label: "openmtp.slow-hash", attributes: .concurrent)

    private static func key(_ value: String, salt: [UInt8], rounds: Int) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            workers.async { continuation.resume(with: Result { try derivedKey(value, salt: salt, rounds: rounds) }) }
        }
    }

    private static func derivedKey(_ value: String, salt: [UInt8], rounds: Int) throws -> [UInt8] {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(value.utf8),
            salt: salt,
            using: .sha256,
            outputByteCount: 32,
            unsafeUncheckedRounds: rounds
        )
        return key.withUnsafeBytes { Array($0) }
    }
}

func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
}
