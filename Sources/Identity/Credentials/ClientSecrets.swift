import Crypto
import Foundation
public import OpenMTPModels
public import Store
import Synchronization

/// Generates client secrets in Entra's format; the stored form is a slow salted hash (``SlowHash``).
public enum ClientSecrets {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~-")

    /// A fresh secret value (`xxx8Q~` followed by 34 characters) and the record to store for it.
    public static func generate(appId: String, now: Timestamp, lifetimeDays: Int64 = 730) async throws -> (value: String, record: ClientSecretRecord)
    {
        var generator = SystemRandomNumberGenerator()
        let head = String((0..<3).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
        let tail = String((0..<34).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
        let value = head + "8Q~" + tail
        let derived = try await SlowHash.derive(value, rounds: SlowHash.secretRounds)
        let record = ClientSecretRecord(
            keyId: SecureRandom.uuidString(),
            appId: appId,
            hint: String(value.prefix(3)),
            salt: derived.salt,
            hash: derived.hash,
            rounds: derived.rounds,
            createdAt: now,
            expiresAt: now.adding(seconds: lifetimeDays * 86_400)
        )
        return (value, record)
    }
}

/// Checks presented client secrets against their slow hashes, remembering recent successes.
///
/// A slow hash per token request would cap the token endpoint at a few requests per second. After one successful
/// slow check, the verifier keeps an HMAC of the secret under a key that exists only in this process, so repeated
/// requests compare in constant time without the slow hash; the secret itself is never kept.
public final class SecretVerifier: Sendable {
    /// HMAC-SHA256 keyed once with a key of this process only; each check continues a copy of it.
    private let keyedMAC = HMAC<SHA256>(key: SymmetricKey(size: .bits256))
    private let verified = Mutex<[String: [UInt8]]>([:])
    private let capacity: Int

    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// Whether `presented` is the value behind `record`.
    public func matches(_ presented: String, _ record: ClientSecretRecord) async throws -> Bool {
        var mac = keyedMAC
        mac.update(data: Array(presented.utf8))
        let tag = Array(mac.finalize())
        let remembered = verified.withLock { $0[record.keyId] }
        if let remembered { return constantTimeEqual(remembered, tag) }
        guard try await SlowHash.verify(presented, salt: record.salt, hash: record.hash, rounds: record.rounds) else { return false }
        verified.withLock { cache in
            if cache.count >= capacity { cache.removeAll() }
            cache[record.keyId] = tag
        }
        return true
    }
}
