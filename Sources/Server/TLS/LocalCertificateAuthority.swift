import Crypto
public import Foundation
public import NIOSSL
import SwiftASN1
import X509

/// TLS for the embedded server: a private CA and a server certificate it signs, generated on first start and
/// kept in `<data>/tls/` (`ca.pem` is the file clients trust), or a certificate and key the user supplies.
public struct ServerTLS: Sendable {
    public let configuration: TLSConfiguration
    /// The CA certificate clients should trust, when OpenMTP generated it.
    public let caFile: URL?

    /// Loads the TLS material for `source`, generating the CA and server certificate if they are not there yet.
    public static func load(_ source: ServerConfiguration.TLSSource, dataDirectory: URL, host: String) throws -> ServerTLS {
        switch source {
        case .files(let chain, let key):
            let certificates = try NIOSSLCertificate.fromPEMFile(chain.path)
            let privateKey = try NIOSSLPrivateKey(file: key.path, format: .pem)
            return ServerTLS(
                configuration: .makeServerConfiguration(certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(privateKey)),
                caFile: nil
            )
        case .generated:
            let directory = dataDirectory.appendingPathComponent("tls", isDirectory: true)
            let files = try LocalCertificateAuthority.ensure(in: directory, host: host)
            let certificates = try NIOSSLCertificate.fromPEMFile(files.serverCertificate.path)
            let privateKey = try NIOSSLPrivateKey(file: files.serverKey.path, format: .pem)
            return ServerTLS(
                configuration: .makeServerConfiguration(certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(privateKey)),
                caFile: files.caCertificate
            )
        }
    }
}

/// Creates and keeps the local CA and server certificate.
enum LocalCertificateAuthority {
    struct Files {
        let caCertificate: URL
        let serverCertificate: URL
        let serverKey: URL
    }

    /// Reuses the files in `directory` when they exist and the server certificate names `host`; otherwise makes
    /// them (the CA is kept if present, so clients that trust it keep working).
    static func ensure(in directory: URL, host: String) throws -> Files {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let files = Files(
            caCertificate: directory.appendingPathComponent("ca.pem"),
            serverCertificate: directory.appendingPathComponent("server.pem"),
            serverKey: directory.appendingPathComponent("server-key.pem")
        )
        let caKeyURL = directory.appendingPathComponent("ca-key.pem")
        let names = subjectNames(for: host)
        if fm.fileExists(atPath: files.serverCertificate.path), fm.fileExists(atPath: files.serverKey.path),
            let chain = try? PEMDocument.parseMultiple(pemString: String(contentsOf: files.serverCertificate, encoding: .utf8)),
            let leaf = chain.first, let existing = try? Certificate(pemDocument: leaf),
            let covered = try? existing.extensions.subjectAlternativeNames, names.allSatisfy(covered.contains)
        {
            return files
        }
        let caKey: P256.Signing.PrivateKey
        let caCertificate: Certificate
        if let keyText = try? String(contentsOf: caKeyURL, encoding: .utf8),
            let certText = try? String(contentsOf: files.caCertificate, encoding: .utf8)
        {
            caKey = try P256.Signing.PrivateKey(pemRepresentation: keyText)
            caCertificate = try Certificate(pemEncoded: certText)
        } else {
            caKey = P256.Signing.PrivateKey()
            caCertificate = try makeCA(key: caKey)
            try write(caKey.pemRepresentation + "\n", to: caKeyURL, secret: true)
            try write(caCertificate.serializeAsPEM().pemString + "\n", to: files.caCertificate, secret: false)
        }
        let serverKey = P256.Signing.PrivateKey()
        let serverCertificate = try makeServerCertificate(key: serverKey, names: names, ca: caCertificate, caKey: caKey)
        try write(serverKey.pemRepresentation + "\n", to: files.serverKey, secret: true)
        let chain = try [serverCertificate, caCertificate].map { try $0.serializeAsPEM().pemString + "\n" }.joined()
        try write(chain, to: files.serverCertificate, secret: false)
        return files
    }

    /// `localhost`, the loopback addresses, and the listening host when it names something specific.
    static func subjectNames(for host: String) -> [GeneralName] {
        var names: [GeneralName] = [
            .dnsName("localhost"),
            .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
            .ipAddress(ASN1OctetString(contentBytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
        ]
        if let bytes = ipv4Bytes(host) {
            if bytes != [127, 0, 0, 1], bytes != [0, 0, 0, 0] { names.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...]))) }
        } else if host != "localhost", !host.contains(":"), !host.isEmpty {
            names.append(.dnsName(host))
        }
        return names
    }

    private static func ipv4Bytes(_ host: String) -> [UInt8]? {
        let parts = host.split(separator: ".")
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { UInt8($0) }
        return bytes.count == 4 ? bytes : nil
    }

    private static func makeCA(key: P256.Signing.PrivateKey) throws -> Certificate {
        let name = try DistinguishedName {
            OrganizationName("OpenMTP")
            CommonName("OpenMTP local CA")
        }
        return try issue(
            for: key.publicKey,
            subject: name,
            issuer: name,
            issuerKey: key,
            validDays: 10 * 365,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(key.publicKey))
            }
        )
    }

    /// A server certificate for `names`; 397 days, the longest validity browsers accept.
    private static func makeServerCertificate(
        key: P256.Signing.PrivateKey,
        names: [GeneralName],
        ca: Certificate,
        caKey: P256.Signing.PrivateKey
    ) throws -> Certificate {
        try issue(
            for: key.publicKey,
            subject: try DistinguishedName { CommonName("localhost") },
            issuer: ca.subject,
            issuerKey: caKey,
            validDays: 397,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            }
        )
    }

    /// A v3 ECDSA-SHA256 certificate valid from an hour ago (clock skew) for `validDays`.
    private static func issue(
        for publicKey: P256.Signing.PublicKey,
        subject: DistinguishedName,
        issuer: DistinguishedName,
        issuerKey: P256.Signing.PrivateKey,
        validDays: Double,
        extensions: Certificate.Extensions
    ) throws -> Certificate {
        let now = Date()
        return try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(validDays * 86_400),
            issuer: issuer,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: .init(issuerKey)
        )
    }

    private static func write(_ text: String, to url: URL, secret: Bool) throws {
        try Data(text.utf8).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: secret ? 0o600 : 0o644], ofItemAtPath: url.path)
    }
}
