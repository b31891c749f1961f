public import OpenMTPModels

/// A directory (Entra tenant).
public struct TenantRecord: Sendable, Equatable, Codable {
    public var id: String
    /// The verified domain, e.g. `contoso.test`; unique across the installation.
    public var domain: String
    public var displayName: String
    public var createdAt: Timestamp

    public init(id: String, domain: String, displayName: String, createdAt: Timestamp) {
        self.id = id
        self.domain = domain
        self.displayName = displayName
        self.createdAt = createdAt
    }
}

/// An application registration together with its service principal in the same tenant.
public struct ApplicationRecord: Sendable, Equatable, Codable {
    public var tenantId: String
    /// The application (client) id.
    public var appId: String
    /// Object id of the application object.
    public var objectId: String
    /// Object id of the application's service principal; app-only tokens carry it as `oid` and `sub`.
    public var servicePrincipalId: String
    public var displayName: String
    /// A public client (native app) has no credentials.
    public var isPublicClient: Bool
    /// Where the authorize endpoint may send codes; compared exactly.
    public var redirectURIs: [String]
    public var createdAt: Timestamp

    public init(
        tenantId: String,
        appId: String,
        objectId: String,
        servicePrincipalId: String,
        displayName: String,
        isPublicClient: Bool,
        redirectURIs: [String] = [],
        createdAt: Timestamp
    ) {
        self.tenantId = tenantId
        self.appId = appId
        self.objectId = objectId
        self.servicePrincipalId = servicePrincipalId
        self.displayName = displayName
        self.isPublicClient = isPublicClient
        self.redirectURIs = redirectURIs
        self.createdAt = createdAt
    }
}

/// A client secret of an application; only a slow salted hash of the value is kept (PBKDF2, `rounds`).
public struct ClientSecretRecord: Sendable, Equatable, Codable {
    public var keyId: String
    public var appId: String
    /// The first three characters of the value, shown in listings as Entra does.
    public var hint: String
    public var salt: [UInt8]
    public var hash: [UInt8]
    public var rounds: Int
    public var createdAt: Timestamp
    public var expiresAt: Timestamp

    public init(
        keyId: String,
        appId: String,
        hint: String,
        salt: [UInt8],
        hash: [UInt8],
        rounds: Int,
        createdAt: Timestamp,
        expiresAt: Timestamp
    ) {
        self.keyId = keyId
        self.appId = appId
        self.hint = hint
        self.salt = salt
        self.hash = hash
        self.rounds = rounds
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// An application permission (app role of a resource) granted, with admin consent, to a service principal.
public struct AppRoleAssignmentRecord: Sendable, Equatable, Codable {
    public var tenantId: String
    public var principalId: String
    public var resourceAppId: String
    public var appRoleId: String
    /// The role's value as it appears in the `roles` claim, e.g. `Incident.Read.All`.
    public var value: String
    public var createdAt: Timestamp

    public init(tenantId: String, principalId: String, resourceAppId: String, appRoleId: String, value: String, createdAt: Timestamp) {
        self.tenantId = tenantId
        self.principalId = principalId
        self.resourceAppId = resourceAppId
        self.appRoleId = appRoleId
        self.value = value
        self.createdAt = createdAt
    }
}

/// A user account of a tenant.
public struct UserRecord: Sendable, Equatable, Codable {
    public var tenantId: String
    public var objectId: String
    public var userPrincipalName: String
    public var displayName: String
    /// PBKDF2 parameters and derived key of the password.
    public var passwordSalt: [UInt8]
    public var passwordHash: [UInt8]
    public var passwordRounds: Int
    /// Directory roles, e.g. `Security Administrator`.
    public var roles: [String]
    /// A disabled account cannot sign in (AADSTS50057).
    public var enabled: Bool
    public var createdAt: Timestamp

    public init(
        tenantId: String,
        objectId: String,
        userPrincipalName: String,
        displayName: String,
        passwordSalt: [UInt8],
        passwordHash: [UInt8],
        passwordRounds: Int,
        roles: [String],
        enabled: Bool = true,
        createdAt: Timestamp
    ) {
        self.tenantId = tenantId
        self.objectId = objectId
        self.userPrincipalName = userPrincipalName
        self.displayName = displayName
        self.passwordSalt = passwordSalt
        self.passwordHash = passwordHash
        self.passwordRounds = passwordRounds
        self.roles = roles
        self.enabled = enabled
        self.createdAt = createdAt
    }
}

/// A token-signing key: an RSA private key and the self-signed certificate published in the JWKS.
public struct SigningKeyRecord: Sendable, Equatable, Codable {
    /// Base64url SHA-1 thumbprint of the certificate; the token header's `kid` and `x5t`.
    public var keyId: String
    public var privateKeyPEM: String
    public var certificateDER: [UInt8]
    public var createdAt: Timestamp

    public init(keyId: String, privateKeyPEM: String, certificateDER: [UInt8], createdAt: Timestamp) {
        self.keyId = keyId
        self.privateKeyPEM = privateKeyPEM
        self.certificateDER = certificateDER
        self.createdAt = createdAt
    }
}
