import Crypto
import CryptoExtras

/// User passwords, kept as PBKDF2-HMAC-SHA256 derived keys.
public enum Passwords {
    /// OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
    public static let defaultRounds = 600_000

    public struct Derived: Sendable {
        public let salt: [UInt8]
        public let hash: [UInt8]
        public let rounds: Int
    }

    /// A random 20-character password with upper- and lower-case letters, digits and a symbol.
    public static func generate() -> String {
        let letters = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        let body = (0..<16).map { _ in letters[Int(generator.next(upperBound: UInt(letters.count)))] }
        return "Mtp-" + String(body) + "!"
    }

    public static func derive(_ password: String, rounds: Int = defaultRounds) throws -> Derived {
        let salt = randomBytes(16)
        return Derived(salt: salt, hash: try key(password, salt: salt, rounds: rounds), rounds: rounds)
    }

    public static func verify(_ password: String, salt: [UInt8], hash: [UInt8], rounds: Int) throws -> Bool {
        constantTimeEqual(try key(password, salt: salt, rounds: rounds), hash)
    }

    private static func key(_ password: String, salt: [UInt8], rounds: Int) throws -> [UInt8] {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8),
            salt: salt,
            using: .sha256,
            outputByteCount: 32,
            unsafeUncheckedRounds: rounds
        )
        return key.withUnsafeBytes { Array($0) }
    }
}
