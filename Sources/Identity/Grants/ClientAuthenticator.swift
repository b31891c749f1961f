import Crypto
import CryptoExtras
import Foundation
import OpenMTPModels
import Store
import SwiftASN1
import X509

/// Authenticates the client of a token request: none for public clients, a client secret (form body or HTTP
/// Basic), or a certificate-signed client assertion (RS256 with `x5t`, PS256 with `x5t#S256`).
///
/// Returns the `appidacr` value: `0` public client, `1` secret, `2` certificate.
struct ClientAuthenticator: Sendable {
    let directory: any DirectoryStore
    let secrets: SecretVerifier
    let clock: IdentityClock

    func authenticate(
        _ application: ApplicationRecord,
        tenant: TenantRecord,
        secrets registered: [ClientSecretRecord],
        _ request: TokenRequest
    ) async throws -> String {
        let secret = request.basicCredentials?.secret ?? request.parameter("client_secret")
        let assertion = request.parameter("client_assertion")
        if application.isPublicClient {
            guard secret == nil, assertion == nil else { throw IdentityError.publicClientWithCredential() }
            return "0"
        }
        if let assertion {
            try await verifyAssertion(assertion, application: application, tenant: tenant, request: request)
            return "2"
        }
        guard let secret else { throw IdentityError.missingClientCredential }
        for record in registered where try await secrets.matches(secret, record) {
            guard clock.now() < record.expiresAt else { throw IdentityError.expiredClientSecret(appId: application.appId) }
            return "1"
        }
        throw IdentityError.invalidClientSecret(appId: application.appId)
    }

    /// RFC 7523 client authentication with Entra's rules (spec §2.3): the header names the certificate by thumbprint,
    /// `iss` and `sub` are the client id, `aud` is this tenant's token endpoint, and the assertion is within its lifetime.
    private func verifyAssertion(_ assertion: String, application: ApplicationRecord, tenant: TenantRecord, request: TokenRequest) async throws {
        guard request.parameter("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" else {
            throw IdentityError(
                "invalid_request",
                700010,
                "Client assertion type 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' is required."
            )
        }
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]), let claimBytes = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2]),
            let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any],
            let claims = try? JSONSerialization.jsonObject(with: Data(claimBytes)) as? [String: Any]
        else { throw IdentityError.assertion(50027, "JWT token is invalid or malformed.") }

        let certificates = try await directory.clientCertificates(appId: application.appId)
        let certificate: ClientCertificateRecord?
        if let sha256 = (header["x5t#S256"] as? String).flatMap(Base64URL.decode) {
            certificate = certificates.first { $0.thumbprintSHA256 == Hex.encode(sha256) }
        } else if let sha1 = (header["x5t"] as? String).flatMap(Base64URL.decode) {
            certificate = certificates.first { $0.thumbprintSHA1 == Hex.encode(sha1) }
        } else {
            certificate = nil
        }
        guard let certificate else {
            throw IdentityError.assertion(700027, "Client assertion failed signature validation. [Reason - The key was not found.]")
        }
        let padding: _RSA.Signing.Padding
        switch header["alg"] as? String {
        case "RS256": padding = .insecurePKCS1v1_5
        case "PS256": padding = .PSS
        default: throw IdentityError.assertion(700027, "Client assertion failed signature validation. [Reason - The algorithm is not supported.]")
        }
        guard let publicKey = try _RSA.Signing.PublicKey(Certificate(derEncoded: certificate.certificateDER).publicKey),
            publicKey.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature),
                for: SHA256.hash(data: Array("\(parts[0]).\(parts[1])".utf8)),
                padding: padding
            )
        else { throw IdentityError.assertion(700027, "Client assertion failed signature validation.") }

        guard claims["iss"] as? String == application.appId, claims["sub"] as? String == application.appId else {
            throw IdentityError.assertion(700021, "Client assertion application identifier doesn't match 'client_id' parameter.")
        }
        guard let audience = claims["aud"] as? String, Self.isTokenEndpoint(audience, base: request.issuerBase, tenant: tenant, named: request.tenant)
        else {
            throw IdentityError.assertion(700212, "The client assertion audience is not this tenant's token endpoint.")
        }
        let now = Double(clock.now().unixSeconds)
        let skew = 300.0
        guard let expiry = (claims["exp"] as? NSNumber)?.doubleValue, expiry + skew > now,
            ((claims["nbf"] as? NSNumber)?.doubleValue ?? now) - skew <= now
        else { throw IdentityError.assertion(700024, "Client assertion is not within its valid time range.") }
        guard clock.now() < certificate.expiresAt else {
            throw IdentityError.assertion(700027, "Client assertion failed signature validation. [Reason - The key used is expired.]")
        }
    }

    /// `https://<this host>/<tenant>/oauth2[/v2.0]/token`, the tenant by id, domain or the name in the request path;
    /// an explicit default port is the same host.
    static func isTokenEndpoint(_ audience: String, base: String, tenant: TenantRecord, named: String) -> Bool {
        let normalized = audience.replacingOccurrences(of: ":443/", with: "/").lowercased()
        let host = base.replacingOccurrences(of: ":443", with: "").lowercased()
        return [tenant.id, tenant.domain, named.lowercased()].contains { segment in
            ["oauth2/token", "oauth2/v2.0/token"].contains { normalized == "\(host)/\(segment)/\($0)" || normalized == "\(host)/\(segment)/\($0)/" }
        }
    }
}

/// Lower-case hexadecimal.
enum Hex {
    static func encode(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
