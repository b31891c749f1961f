import Crypto
import Foundation
public import OpenMTPModels
import Store

/// Token lifetimes and issuer names.
public struct TokenSettings: Sendable {
    /// Seconds an access token is valid from its issue; the Defender docs' samples show 3599.
    public var accessTokenLifetime: Int64 = 3599
    /// How far `nbf`/`iat` are back-dated; real tokens have `exp − nbf = expires_in + 301`.
    public var backdate: Int64 = 301
    /// Seconds a refresh token stays usable (Entra: 90 days).
    public var refreshTokenLifetime: Int64 = 90 * 86_400

    public init() {}

    /// The issuer of v1 tokens, as Entra writes it.
    public static func v1Issuer(tenantId: String) -> String { "https://sts.windows.net/\(tenantId)/" }

    /// The issuer of v2 ID tokens on this server: the scheme and host the client called, then `/{tid}/v2.0`.
    public static func v2Issuer(base: String, tenantId: String) -> String { "\(base)/\(tenantId)/v2.0" }
}

/// An access token and the times a token response reports for it, plus what user flows add.
public struct IssuedAccessToken: Sendable {
    public let accessToken: String
    public let resource: String
    public let notBefore: Timestamp
    public let expiresOn: Timestamp
    public let expiresIn: Int64
    /// User flows: granted scopes, resource-qualified, plus the OpenID scopes asked for.
    public var scope: String?
    public var refreshToken: String?
    public var idToken: String?
    public var clientInfo: String?

    /// The v1 endpoint's body: numbers as strings.
    public var v1Response: TokenResponseV1 {
        TokenResponseV1(
            expiresIn: String(expiresIn),
            extExpiresIn: String(expiresIn),
            expiresOn: String(expiresOn.unixSeconds),
            notBefore: String(notBefore.unixSeconds),
            resource: resource,
            accessToken: accessToken,
            scope: scope,
            refreshToken: refreshToken,
            idToken: idToken
        )
    }

    /// The v2 endpoint's body: numbers as integers.
    public var v2Response: TokenResponseV2 {
        TokenResponseV2(
            expiresIn: Int(expiresIn),
            extExpiresIn: Int(expiresIn),
            accessToken: accessToken,
            scope: scope,
            refreshToken: refreshToken,
            idToken: idToken,
            clientInfo: clientInfo
        )
    }
}

/// What a token needs to know about the client application.
struct ApplicationIdentity: Sendable {
    let appId: String
    let servicePrincipalId: String
    let displayName: String
}

/// Signs access and ID tokens with the active key of the ring.
public struct TokenIssuer: Sendable {
    let keys: SigningKeys
    let clock: IdentityClock
    let settings: TokenSettings

    public init(keys: SigningKeys, clock: IdentityClock = .system, settings: TokenSettings = TokenSettings()) {
        self.keys = keys
        self.clock = clock
        self.settings = settings
    }

    private var window: (now: Timestamp, notBefore: Timestamp, expiresOn: Timestamp) {
        let now = clock.now()
        return (now, now.adding(seconds: -settings.backdate), now.adding(seconds: settings.accessTokenLifetime))
    }

    /// An application (app-only) token for `resource`, carrying the granted application permissions as `roles`.
    func issueApplicationToken(
        tenantId: String,
        application: ApplicationIdentity,
        resource: String,
        roles: [String],
        credentialType: String
    ) async throws -> IssuedAccessToken {
        let (_, notBefore, expiresOn) = window
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
            sub: application.servicePrincipalId,
            tid: tenantId,
            uti: Self.opaque(),
            ver: "1.0"
        )
        return IssuedAccessToken(
            accessToken: try keys.sign(claims),
            resource: resource,
            notBefore: notBefore,
            expiresOn: expiresOn,
            expiresIn: settings.accessTokenLifetime
        )
    }

    /// A delegated access token (`scp`) for the user of `session`, with an ID token when `openid` was asked for.
    func issueUserTokens(
        session: DelegatedSession,
        user: UserRecord,
        application: ApplicationIdentity,
        credentialType: String,
        version: TokenEndpointVersion,
        issuerBase: String,
        nonce: String?
    ) async throws -> IssuedAccessToken {
        let (_, notBefore, expiresOn) = window
        let issuer = TokenSettings.v1Issuer(tenantId: session.tenantId)
        let roles = user.roles.compactMap { DirectoryRole.named($0)?.templateId }
        let subject = Self.pairwiseSubject(user: user.objectId, client: session.clientId)
        let claims = AccessTokenClaims(
            aud: session.resource,
            iss: issuer,
            iat: notBefore.unixSeconds,
            nbf: notBefore.unixSeconds,
            exp: expiresOn.unixSeconds,
            acr: "1",
            aio: Self.opaque(),
            amr: session.methods,
            appDisplayName: application.displayName,
            appid: application.appId,
            appidacr: credentialType,
            idp: issuer,
            idtyp: "user",
            name: user.displayName,
            oid: user.objectId,
            rh: Self.opaque(),
            scp: session.scopes.joined(separator: " "),
            sub: subject,
            tid: session.tenantId,
            uniqueName: user.userPrincipalName,
            upn: user.userPrincipalName,
            uti: Self.opaque(),
            ver: "1.0",
            wids: roles.isEmpty ? nil : roles
        )
        var issued = IssuedAccessToken(
            accessToken: try keys.sign(claims),
            resource: session.resource,
            notBefore: notBefore,
            expiresOn: expiresOn,
            expiresIn: settings.accessTokenLifetime
        )
        issued.scope = (session.scopes.map { "\(session.resource)/\($0)" } + session.openIDScopes).joined(separator: " ")
        if session.openIDScopes.contains("openid") {
            let v2 = version == .v2
            let idClaims = IDTokenClaims(
                aud: session.clientId,
                iss: v2 ? TokenSettings.v2Issuer(base: issuerBase, tenantId: session.tenantId) : issuer,
                iat: notBefore.unixSeconds,
                nbf: notBefore.unixSeconds,
                exp: expiresOn.unixSeconds,
                authTime: session.authenticatedAt.unixSeconds,
                name: user.displayName,
                nonce: nonce,
                oid: user.objectId,
                preferredUsername: v2 ? user.userPrincipalName : nil,
                rh: Self.opaque(),
                sub: subject,
                tid: session.tenantId,
                uniqueName: v2 ? nil : user.userPrincipalName,
                upn: v2 ? nil : user.userPrincipalName,
                uti: Self.opaque(),
                ver: v2 ? "2.0" : "1.0"
            )
            issued.idToken = try keys.sign(idClaims)
        }
        return issued
    }

    /// A subject that is stable for one user and one client and differs between clients, as Entra's `sub`.
    static func pairwiseSubject(user: String, client: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Array("\(user)|\(client)".utf8))))
    }

    /// An opaque random value for `aio`, `rh` and `uti`.
    static func opaque() -> String {
        Base64URL.encode(SecureRandom.bytes(16))
    }
}
