import Crypto
import CryptoExtras
import Foundation
import JWTKit
public import OpenMTPModels
public import Store
import SwiftASN1
import Synchronization
import X509

/// The token-signing keys: RSA-2048 keys with self-signed certificates, kept in the store.
///
/// Rotation with overlap: a new key is published in the keys documents as soon as it is made, but signs only
/// once it is `activationDelay` old, so clients that cache the JWKS (msal, API gateways: 24 h) know it before
/// they meet it. The previous key stays published and verifiable, so tokens it signed remain valid.
public final class SigningKeys: Sendable {
    public struct Key: Sendable {
        /// Base64url SHA-1 certificate thumbprint: the `kid` and `x5t` of tokens and keys documents.
        public let keyId: String
        let publicKey: JWTKit.Insecure.RSA.PublicKey
        let certificateDER: [UInt8]
        public let createdAt: Timestamp
        let signer: OpenSSLRSAKey
        /// The base64url JWS header of the tokens this key signs, and the `.` after it.
        let headerSegment: [UInt8]

        init(record: SigningKeyRecord) throws {
            let privateKey = try JWTKit.Insecure.RSA.PrivateKey(pem: record.privateKeyPEM)
            keyId = record.keyId
            publicKey = privateKey.publicKey
            certificateDER = record.certificateDER
            createdAt = record.createdAt
            signer = try OpenSSLRSAKey(pem: record.privateKeyPEM)
            var header: [UInt8] = []
            Base64URL.append(Array(#"{"typ":"JWT","alg":"RS256","x5t":"\#(keyId)","kid":"\#(keyId)"}"#.utf8), to: &header)
            header.append(UInt8(ascii: "."))
            headerSegment = header
        }
    }

    public struct Policy: Sendable {
        /// How old the signing key may get before a new one is made.
        public var rotationPeriod: Int64 = 30 * 86_400
        /// How long a new key is published before it signs.
        public var activationDelay: Int64 = 86_400

        public init() {}
    }

    /// Verifies tokens against every known key; signing goes through ``Key/signer``.
    let collection = JWTKeyCollection()
    private let keys = Mutex<[Key]>([])
    private let store: any SigningKeyStore
    private let clock: IdentityClock
    public let policy: Policy

    private init(store: any SigningKeyStore, clock: IdentityClock, policy: Policy) {
        self.store = store
        self.clock = clock
        self.policy = policy
    }

    /// Loads the stored keys, creating the first one if there is none (it signs at once: nobody can have cached
    /// an older document).
    public static func load(from store: any SigningKeyStore, clock: IdentityClock = .system, policy: Policy = Policy()) async throws -> SigningKeys {
        let keys = SigningKeys(store: store, clock: clock, policy: policy)
        if try await store.signingKeys().isEmpty {
            try await store.insertSigningKey(try makeRecord(now: clock.now().adding(seconds: -policy.activationDelay)))
        }
        try await keys.reload()
        return keys
    }

    /// Picks up keys another process (or replica) added.
    public func reload() async throws {
        let known = Set(keys.withLock { $0.map(\.keyId) })
        for record in try await store.signingKeys() where !known.contains(record.keyId) {
            let key = try Key(record: record)
            await collection.add(rsa: key.publicKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: record.keyId))
            keys.withLock { keys in
                keys.append(key)
                keys.sort { $0.createdAt < $1.createdAt }
            }
        }
    }

    /// Makes a new key when the newest one is older than the rotation period; returns whether it did.
    @discardableResult
    public func rotateIfDue() async throws -> Bool {
        let newest = keys.withLock { $0.last }
        guard let newest, clock.now().ticks - newest.createdAt.ticks >= policy.rotationPeriod * Timestamp.ticksPerSecond else { return false }
        try await store.insertSigningKey(try Self.makeRecord(now: clock.now()))
        try await reload()
        return true
    }

    /// The key that signs now: the newest one that has been published for the activation delay.
    public var active: Key {
        let now = clock.now()
        return keys.withLock { keys in
            keys.last { now.ticks - $0.createdAt.ticks >= policy.activationDelay * Timestamp.ticksPerSecond } ?? keys[0]
        }
    }

    /// A compact JWS (RS256) of `claims`, signed by the active key.
    func sign(_ claims: some Encodable) throws -> String {
        let key = active
        var token = key.headerSegment
        Base64URL.append(try FlatJSONEncoder.encode(claims), to: &token)
        let signature = try key.signer.sign(token)
        token.append(UInt8(ascii: "."))
        Base64URL.append(signature, to: &token)
        return String(decoding: token, as: UTF8.self)
    }

    /// The keys the documents publish: every key not yet active, the active one, and the one before it.
    public var published: [Key] {
        let activeId = active.keyId
        return keys.withLock { keys in
            guard let index = keys.firstIndex(where: { $0.keyId == activeId }) else { return keys }
            return Array(keys[max(0, index - 1)...])
        }
    }

    /// A new RSA-2048 key with a self-signed certificate valid for two years.
    static func makeRecord(now: Timestamp) throws -> SigningKeyRecord {
        let privateKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let name = try DistinguishedName { CommonName("OpenMTP token signing") }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(privateKey.publicKey),
            notValidBefore: now.date.addingTimeInterval(-3600),
            notValidAfter: now.date.addingTimeInterval(2 * 365 * 86_400),
            issuer: name,
            subject: name,
            signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: try Certificate.Extensions { KeyUsage(digitalSignature: true) },
            issuerPrivateKey: Certificate.PrivateKey(privateKey)
        )
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let der = serializer.serializedBytes
        return SigningKeyRecord(
            keyId: Base64URL.encode(Array(Insecure.SHA1.hash(data: der))),
            privateKeyPEM: privateKey.pemRepresentation,
            certificateDER: der,
            createdAt: now
        )
    }

    /// The keys document, newest key first; v2 documents carry the `issuer` template.
    public func keySet(issuer: String?) throws -> JSONWebKeySet {
        JSONWebKeySet(
            keys: try published.reversed().map { key in
                let (modulus, exponent) = try key.publicKey.getKeyPrimitives()
                return JSONWebKey(
                    kid: key.keyId,
                    n: Base64URL.encode(Array(modulus)),
                    e: Base64URL.encode(Array(exponent)),
                    x5c: [Data(key.certificateDER).base64EncodedString()],
                    issuer: issuer
                )
            }
        )
    }
}
