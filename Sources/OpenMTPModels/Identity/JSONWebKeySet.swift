/// The keys document served at `/{tenant}/discovery/keys` and `/{tenant}/discovery/v2.0/keys` (spec §2.6).
public struct JSONWebKeySet: Codable, Sendable, Equatable {
    public var keys: [JSONWebKey]

    public init(keys: [JSONWebKey]) {
        self.keys = keys
    }
}

/// One RSA signing key: `kid` equals `x5t`, the base64url SHA-1 thumbprint of the certificate in `x5c`.
public struct JSONWebKey: Codable, Sendable, Equatable {
    public var kty: String
    public var use: String
    public var kid: String
    public var x5t: String
    /// Base64url modulus.
    public var n: String
    /// Base64url public exponent.
    public var e: String
    /// Base64 (not url) DER certificates, the signing certificate first.
    public var x5c: [String]
    /// Present on v2 keys documents: `https://…/{tenantid}/v2.0`.
    public var issuer: String?

    public init(kid: String, n: String, e: String, x5c: [String], issuer: String?) {
        self.kty = "RSA"
        self.use = "sig"
        self.kid = kid
        self.x5t = kid
        self.n = n
        self.e = e
        self.x5c = x5c
        self.issuer = issuer
    }
}
