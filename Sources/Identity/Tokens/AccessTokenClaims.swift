public import JWTKit

/// The claims of a v1 access token for the Threat Protection resource (spec §2.5).
///
/// The Defender resources accept v1 tokens only, so both token endpoints issue this shape: `iss` is
/// `https://sts.windows.net/{tid}/`, `ver` is `1.0`, the client is `appid`, application permissions are in
/// `roles` and delegated ones in `scp`. User tokens add `acr`, `amr`, `name`, `upn`, `unique_name` and `wids`
/// (the user's directory role template ids).
public struct AccessTokenClaims: JWTPayload, Equatable {
    public var aud: String
    public var iss: String
    public var iat: Int64
    public var nbf: Int64
    public var exp: Int64
    public var acr: String?
    public var aio: String
    public var amr: [String]?
    public var appDisplayName: String?
    public var appid: String
    /// `0` public client, `1` client secret, `2` certificate.
    public var appidacr: String
    public var idp: String?
    /// `app` for application tokens, `user` for delegated ones.
    public var idtyp: String
    public var name: String?
    public var oid: String
    public var rh: String
    public var roles: [String]?
    public var scp: String?
    public var sub: String
    public var tid: String
    public var uniqueName: String?
    public var upn: String?
    public var uti: String
    public var ver: String
    public var wids: [String]?

    enum CodingKeys: String, CodingKey {
        case aud, iss, iat, nbf, exp, acr, aio, amr
        case appDisplayName = "app_displayname"
        case appid, appidacr, idp, idtyp, name, oid, rh, roles, scp, sub, tid
        case uniqueName = "unique_name"
        case upn, uti, ver, wids
    }

    /// Signature checks happen in the key collection; issuer, audience, lifetime and tenant are checked by
    /// ``TokenValidator`` against its clock and directory, so nothing is left to check here.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// The claims of an ID token (spec §2.5): v2 tokens carry `preferred_username`, v1 tokens `upn` and `unique_name`.
public struct IDTokenClaims: JWTPayload, Equatable {
    /// The client application's id.
    public var aud: String
    public var iss: String
    public var iat: Int64
    public var nbf: Int64
    public var exp: Int64
    public var authTime: Int64?
    public var name: String
    public var nonce: String?
    public var oid: String
    public var preferredUsername: String?
    public var rh: String
    public var sub: String
    public var tid: String
    public var uniqueName: String?
    public var upn: String?
    public var uti: String
    public var ver: String

    enum CodingKeys: String, CodingKey {
        case aud, iss, iat, nbf, exp
        case authTime = "auth_time"
        case name, nonce, oid
        case preferredUsername = "preferred_username"
        case rh, sub, tid
        case uniqueName = "unique_name"
        case upn, uti, ver
    }

    /// ID tokens are for the client, which checks them itself.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}
