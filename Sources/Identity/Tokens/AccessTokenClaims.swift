public import JWTKit

/// The claims of a v1 access token for the Threat Protection resource (spec §2.5).
///
/// The Defender resources accept v1 tokens only, so both token endpoints issue this shape: `iss` is
/// `https://sts.windows.net/{tid}/`, `ver` is `1.0`, the client is `appid`, and application permissions are in
/// `roles` (delegated ones in `scp`).
public struct AccessTokenClaims: JWTPayload, Equatable {
    public var aud: String
    public var iss: String
    public var iat: Int64
    public var nbf: Int64
    public var exp: Int64
    public var aio: String
    public var appDisplayName: String?
    public var appid: String
    /// `0` public client, `1` client secret, `2` certificate.
    public var appidacr: String
    public var idp: String?
    /// `app` for application tokens, `user` for delegated ones.
    public var idtyp: String
    public var oid: String
    public var rh: String
    public var roles: [String]?
    public var scp: String?
    public var sub: String
    public var tid: String
    public var uti: String
    public var ver: String

    enum CodingKeys: String, CodingKey {
        case aud, iss, iat, nbf, exp, aio
        case appDisplayName = "app_displayname"
        case appid, appidacr, idp, idtyp, oid, rh, roles, scp, sub, tid, uti, ver
    }

    /// Signature checks happen in the key collection; issuer, audience, lifetime and tenant are checked by
    /// ``TokenValidator`` against its clock and directory, so nothing is left to check here.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}
