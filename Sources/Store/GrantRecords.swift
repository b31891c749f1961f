public import OpenMTPModels

/// A certificate registered on an application for client assertions; only the public part is kept.
public struct ClientCertificateRecord: Sendable, Equatable, Codable {
    public var keyId: String
    public var appId: String
    /// Lower-case hex SHA-1 of the DER certificate (`x5t`, and the portal's "thumbprint").
    public var thumbprintSHA1: String
    /// Lower-case hex SHA-256 of the DER certificate (`x5t#S256`).
    public var thumbprintSHA256: String
    public var certificateDER: [UInt8]
    public var createdAt: Timestamp
    public var expiresAt: Timestamp

    public init(
        keyId: String,
        appId: String,
        thumbprintSHA1: String,
        thumbprintSHA256: String,
        certificateDER: [UInt8],
        createdAt: Timestamp,
        expiresAt: Timestamp
    ) {
        self.keyId = keyId
        self.appId = appId
        self.thumbprintSHA1 = thumbprintSHA1
        self.thumbprintSHA256 = thumbprintSHA256
        self.certificateDER = certificateDER
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// Consent for delegated permissions: a client may act for users on a resource with these scopes.
/// `principalId` nil is admin consent for every user of the tenant; otherwise one user's own consent.
public struct DelegatedGrantRecord: Sendable, Equatable, Codable {
    public var tenantId: String
    public var clientAppId: String
    public var resourceAppId: String
    public var principalId: String?
    public var scopes: [String]
    public var createdAt: Timestamp

    public init(tenantId: String, clientAppId: String, resourceAppId: String, principalId: String?, scopes: [String], createdAt: Timestamp) {
        self.tenantId = tenantId
        self.clientAppId = clientAppId
        self.resourceAppId = resourceAppId
        self.principalId = principalId
        self.scopes = scopes
        self.createdAt = createdAt
    }
}

/// What a user authorized a client to do: the common part of authorization codes, device codes and refresh tokens.
public struct DelegatedSession: Sendable, Equatable, Codable {
    public var tenantId: String
    public var clientId: String
    public var userObjectId: String
    /// The resource identifier the access token is for, as requested.
    public var resource: String
    /// Granted delegated scope names, e.g. `Incident.Read`.
    public var scopes: [String]
    /// OpenID scopes that were asked for (`openid`, `profile`, `email`, `offline_access`).
    public var openIDScopes: [String]
    /// When the user signed in; kept across refreshes.
    public var authenticatedAt: Timestamp
    /// How the user authenticated (`amr`), e.g. `pwd`.
    public var methods: [String]

    public init(
        tenantId: String,
        clientId: String,
        userObjectId: String,
        resource: String,
        scopes: [String],
        openIDScopes: [String],
        authenticatedAt: Timestamp,
        methods: [String]
    ) {
        self.tenantId = tenantId
        self.clientId = clientId
        self.userObjectId = userObjectId
        self.resource = resource
        self.scopes = scopes
        self.openIDScopes = openIDScopes
        self.authenticatedAt = authenticatedAt
        self.methods = methods
    }
}

/// An issued authorization code (stored by hash) with what redeeming it must match.
public struct AuthorizationCodeRecord: Sendable, Equatable, Codable {
    public var codeHash: String
    public var session: DelegatedSession
    public var redirectURI: String
    public var nonce: String?
    public var codeChallenge: String?
    /// `S256` or `plain`.
    public var codeChallengeMethod: String?
    public var expiresAt: Timestamp
    public var redeemedAt: Timestamp?

    public init(
        codeHash: String,
        session: DelegatedSession,
        redirectURI: String,
        nonce: String?,
        codeChallenge: String?,
        codeChallengeMethod: String?,
        expiresAt: Timestamp,
        redeemedAt: Timestamp? = nil
    ) {
        self.codeHash = codeHash
        self.session = session
        self.redirectURI = redirectURI
        self.nonce = nonce
        self.codeChallenge = codeChallenge
        self.codeChallengeMethod = codeChallengeMethod
        self.expiresAt = expiresAt
        self.redeemedAt = redeemedAt
    }
}

/// A device authorization request, from issue until redeemed.
public struct DeviceCodeRecord: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        case pending, approved, declined, redeemed
    }

    public var deviceCodeHash: String
    /// What the user types on the verification page, e.g. `HKQ2-3TBW`.
    public var userCode: String
    public var tenantId: String
    public var clientId: String
    public var resource: String
    public var scopes: [String]
    public var openIDScopes: [String]
    public var status: Status
    /// The user who approved it.
    public var userObjectId: String?
    public var expiresAt: Timestamp

    public init(
        deviceCodeHash: String,
        userCode: String,
        tenantId: String,
        clientId: String,
        resource: String,
        scopes: [String],
        openIDScopes: [String],
        status: Status,
        userObjectId: String?,
        expiresAt: Timestamp
    ) {
        self.deviceCodeHash = deviceCodeHash
        self.userCode = userCode
        self.tenantId = tenantId
        self.clientId = clientId
        self.resource = resource
        self.scopes = scopes
        self.openIDScopes = openIDScopes
        self.status = status
        self.userObjectId = userObjectId
        self.expiresAt = expiresAt
    }
}

/// A refresh token (stored by hash). Each use rotates it; the tokens of one sign-in share a family.
public struct RefreshTokenRecord: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        case active, rotated, revoked
    }

    public var tokenHash: String
    public var familyId: String
    public var session: DelegatedSession
    public var status: Status
    public var createdAt: Timestamp
    public var expiresAt: Timestamp

    public init(tokenHash: String, familyId: String, session: DelegatedSession, status: Status, createdAt: Timestamp, expiresAt: Timestamp) {
        self.tokenHash = tokenHash
        self.familyId = familyId
        self.session = session
        self.status = status
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
