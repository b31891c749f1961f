import Crypto
import CryptoExtras
import Foundation
import JWTKit
public import OpenMTPModels
public import Store
import SwiftASN1
import X509

/// The token-signing keys: RSA-2048 keys with self-signed certificates, loaded from the store or created on
/// first use, ready to sign (the newest key) and to verify (any key, chosen by `kid`).
public struct SigningKeyRing: Sendable {
    public struct Key: Sendable {
        /// Base64url SHA-1 certificate thumbprint: the `kid` and `x5t` of tokens and keys documents.
        public let keyId: String
        let publicKey: JWTKit.Insecure.RSA.PublicKey
        let certificateDER: [UInt8]
    }

    /// Keys oldest first; the last one signs.
    public let keys: [Key]
    let collection: JWTKeyCollection

    public var activeKeyId: String { keys[keys.count - 1].keyId }

    /// Loads the stored keys, creating and storing the first one if there is none.
    public static func load(from store: any SigningKeyStore, clock: IdentityClock = .system) async throws -> SigningKeyRing {
        var records = try await store.signingKeys()
        if records.isEmpty {
            let record = try makeRecord(now: clock.now())
            try await store.insertSigningKey(record)
            records = [record]
        }
        let collection = JWTKeyCollection()
        var keys: [Key] = []
        for record in records {
            let privateKey = try JWTKit.Insecure.RSA.PrivateKey(pem: record.privateKeyPEM)
            await collection.add(rsa: privateKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: record.keyId))
            keys.append(Key(keyId: record.keyId, publicKey: privateKey.publicKey, certificateDER: record.certificateDER))
        }
        return SigningKeyRing(keys: keys, collection: collection)
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

    /// The keys document; v2 documents carry the `issuer` template.
    public func keySet(issuer: String?) throws -> JSONWebKeySet {
        JSONWebKeySet(
            keys: try keys.reversed().map { key in
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

/// Unpadded base64url (RFC 7515 §2).
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).map(Array.init)
    }
}
