import CryptoExtras
import Foundation
import SwiftASN1
import X509

/// Self-signed client certificates for apps that authenticate with client assertions.
public enum ClientCertificates {
    /// A new RSA-2048 key and a self-signed certificate for it, both PEM, valid for `days`.
    public static func generateSelfSigned(commonName: String, days: Double = 730) throws -> (privateKeyPEM: String, certificatePEM: String) {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let name = try DistinguishedName { CommonName(commonName) }
        let now = Date()
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(days * 86_400),
            issuer: name,
            subject: name,
            signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: try Certificate.Extensions { KeyUsage(digitalSignature: true) },
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        return (key.pemRepresentation, try certificate.serializeAsPEM().pemString)
    }
}
