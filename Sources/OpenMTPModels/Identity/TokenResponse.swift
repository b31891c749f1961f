/// A v1 token endpoint (`/{tenant}/oauth2/token`) success body: every number is a JSON **string** (spec §2.4).
public struct TokenResponseV1: Codable, Sendable, Equatable {
    public var tokenType: String
    public var expiresIn: String
    public var extExpiresIn: String
    public var expiresOn: String
    public var notBefore: String
    public var resource: String
    public var accessToken: String
    /// User flows only.
    public var scope: String?
    public var refreshToken: String?
    public var idToken: String?

    public init(
        tokenType: String = "Bearer",
        expiresIn: String,
        extExpiresIn: String,
        expiresOn: String,
        notBefore: String,
        resource: String,
        accessToken: String,
        scope: String? = nil,
        refreshToken: String? = nil,
        idToken: String? = nil
    ) {
        self.tokenType = tokenType
        self.expiresIn = expiresIn
        self.extExpiresIn = extExpiresIn
        self.expiresOn = expiresOn
        self.notBefore = notBefore
        self.resource = resource
        self.accessToken = accessToken
        self.scope = scope
        self.refreshToken = refreshToken
        self.idToken = idToken
    }

    enum CodingKeys: String, CodingKey {
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case extExpiresIn = "ext_expires_in"
        case expiresOn = "expires_on"
        case notBefore = "not_before"
        case resource
        case accessToken = "access_token"
        case scope
        case refreshToken = "refresh_token"
        case idToken = "id_token"
    }
}

/// A v2 token endpoint (`/{tenant}/oauth2/v2.0/token`) client-credentials success body: numbers are JSON integers.
public struct TokenResponseV2: Codable, Sendable, Equatable {
    public var tokenType: String
    public var expiresIn: Int
    public var extExpiresIn: Int
    public var accessToken: String
    /// User flows only: space-separated granted scopes, resource-qualified.
    public var scope: String?
    public var refreshToken: String?
    public var idToken: String?
    /// Unpadded base64url of `{"uid": <user oid>, "utid": <tenant id>}`, when the request asked with `client_info=1`.
    public var clientInfo: String?

    public init(
        tokenType: String = "Bearer",
        expiresIn: Int,
        extExpiresIn: Int,
        accessToken: String,
        scope: String? = nil,
        refreshToken: String? = nil,
        idToken: String? = nil,
        clientInfo: String? = nil
    ) {
        self.tokenType = tokenType
        self.expiresIn = expiresIn
        self.extExpiresIn = extExpiresIn
        self.accessToken = accessToken
        self.scope = scope
        self.refreshToken = refreshToken
        self.idToken = idToken
        self.clientInfo = clientInfo
    }

    enum CodingKeys: String, CodingKey {
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case extExpiresIn = "ext_expires_in"
        case accessToken = "access_token"
        case scope
        case refreshToken = "refresh_token"
        case idToken = "id_token"
        case clientInfo = "client_info"
    }
}
