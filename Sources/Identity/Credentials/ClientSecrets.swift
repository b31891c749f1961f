import Crypto
import Foundation
public import OpenMTPModels
public import Store

/// Generates client secrets in Entra's format and checks presented values against their stored hashes.
///
/// A generated secret carries about 200 bits of randomness, so a salted SHA-256 is enough to keep the stored
/// form useless to a thief while leaving the token endpoint fast; user passwords, chosen by people, use
/// ``Passwords`` instead.
public enum ClientSecrets {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~-")

    /// A fresh secret value (`xxx8Q~` followed by 34 characters) and the record to store for it.
    public static func generate(appId: String, now: Timestamp, lifetimeDays: Int64 = 730) -> (value: String, record: ClientSecretRecord) {
        var generator = SystemRandomNumberGenerator()
        let head = String((0..<3).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
        let tail = String((0..<34).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
        let value = head + "8Q~" + tail
        let salt = randomBytes(16)
        let record = ClientSecretRecord(
            keyId: UUID().uuidString.lowercased(),
            appId: appId,
            hint: String(value.prefix(3)),
            salt: salt,
            hash: hash(value, salt: salt),
            createdAt: now,
            expiresAt: now.adding(seconds: lifetimeDays * 86_400)
        )
        return (value, record)
    }

    /// Whether `presented` is the value behind `record` (compared in constant time).
    public static func matches(_ presented: String, _ record: ClientSecretRecord) -> Bool {
        constantTimeEqual(hash(presented, salt: record.salt), record.hash)
    }

    static func hash(_ value: String, salt: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: salt)
        hasher.update(data: Array(value.utf8))
        return Array(hasher.finalize())
    }
}

func randomBytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
}

func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
}
