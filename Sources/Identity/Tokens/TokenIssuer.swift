import Foundation
import JWTKit
public import OpenMTPModels

/// Token lifetimes and issuer names.
public struct TokenSettings: Sendable {
    /// Seconds an access token is valid from its issue; the Defender docs' samples show 3599.
    public var accessTokenLifetime: Int64 = 3599
    /// How far `nbf`/`iat` are back-dated; real tokens have `exp − nbf = expires_in + 301`.
    public var backdate: Int64 = 301

    public init() {}

    /// The issuer of v1 tokens, as Entra writes it.
    public static func v1Issuer(tenantId: String) -> String { "https://sts.windows.net/\(tenantId)/" }
}

/// An access token and the times a token response reports for it.
public struct IssuedAccessToken: Sendable {
    public let accessToken: String
    public let resource: String
    public let notBefore: Timestamp
    public let expiresOn: Timestamp
    public let expiresIn: Int64

    /// The v1 endpoint's body: numbers as strings.
    public var v1Response: TokenResponseV1 {
        TokenResponseV1(
            expiresIn: String(expiresIn),
            extExpiresIn: String(expiresIn),
            expiresOn: String(expiresOn.unixSeconds),
            notBefore: String(notBefore.unixSeconds),
            resource: resource,
            accessToken: accessToken
        )
    }

    /// The v2 endpoint's body: numbers as integers.
    public var v2Response: TokenResponseV2 {
        TokenResponseV2(expiresIn: Int(expiresIn), extExpiresIn: Int(expiresIn), accessToken: accessToken)
    }
}

/// Signs access tokens with the active key of the ring.
public struct TokenIssuer: Sendable {
    let keys: SigningKeyRing
    let clock: IdentityClock
    let settings: TokenSettings

    public init(keys: SigningKeyRing, clock: IdentityClock = .system, settings: TokenSettings = TokenSettings()) {
        self.keys = keys
        self.clock = clock
        self.settings = settings
    }

    /// An application (app-only) token for `resource`, carrying the granted application permissions as `roles`.
    func issueApplicationToken(
        tenantId: String,
        application: ApplicationIdentity,
        resource: String,
        roles: [String],
        credentialType: String
    ) async throws -> IssuedAccessToken {
        let now = clock.now()
        let notBefore = now.adding(seconds: -settings.backdate)
        let expiresOn = now.adding(seconds: settings.accessTokenLifetime)
        let issuer = TokenSettings.v1Issuer(tenantId: tenantId)
        let claims = AccessTokenClaims(
            aud: resource,
            iss: issuer,
            iat: notBefore.unixSeconds,
            nbf: notBefore.unixSeconds,
            exp: expiresOn.unixSeconds,
            aio: Self.opaque(),
            appDisplayName: application.displayName,
            appid: application.appId,
            appidacr: credentialType,
            idp: issuer,
            idtyp: "app",
            oid: application.servicePrincipalId,
            rh: Self.opaque(),
            roles: roles.isEmpty ? nil : roles,
            scp: nil,
            sub: application.servicePrincipalId,
            tid: tenantId,
            uti: Self.opaque(),
            ver: "1.0"
        )
        var header = JWTHeader()
        header.typ = "JWT"
        header.x5t = keys.activeKeyId
        let token = try await keys.collection.sign(claims, kid: JWKIdentifier(string: keys.activeKeyId), header: header)
        return IssuedAccessToken(
            accessToken: token,
            resource: resource,
            notBefore: notBefore,
            expiresOn: expiresOn,
            expiresIn: settings.accessTokenLifetime
        )
    }

    /// An opaque random value for `aio`, `rh` and `uti`.
    static func opaque() -> String {
        Base64URL.encode(randomBytes(16))
    }
}

/// What a token needs to know about the client application.
struct ApplicationIdentity: Sendable {
    let appId: String
    let servicePrincipalId: String
    let displayName: String
}
