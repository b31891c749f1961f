public import OpenMTPModels

/// Tenants, applications, credentials, permissions and users.
public protocol DirectoryStore: Sendable {
    func insertTenant(_ tenant: TenantRecord) async throws
    /// The tenant whose id or domain is `idOrDomain` (case-insensitive).
    func tenant(idOrDomain: String) async throws -> TenantRecord?
    /// Every tenant, oldest first.
    func tenants() async throws -> [TenantRecord]
    /// Registers an application with its secrets and granted permissions in one transaction.
    func insertApplication(_ application: ApplicationRecord, secrets: [ClientSecretRecord], grants: [AppRoleAssignmentRecord]) async throws
    func application(tenantId: String, appId: String) async throws -> ApplicationRecord?
    /// The application with this client id in whichever tenant registered it.
    func application(appId: String) async throws -> ApplicationRecord?
    func applications(tenantId: String) async throws -> [ApplicationRecord]
    func clientSecrets(appId: String) async throws -> [ClientSecretRecord]
    func appRoleAssignments(tenantId: String, principalId: String) async throws -> [AppRoleAssignmentRecord]
    /// The tenant, the application and its secrets and role assignments, read together for a token request; nil
    /// when there is no such tenant, `application` nil when the tenant has no such application.
    func clientRegistration(tenant idOrDomain: String, appId: String) async throws -> ClientRegistration?
    func insertUser(_ user: UserRecord) async throws
    func user(tenantId: String, userPrincipalName: String) async throws -> UserRecord?
    func user(tenantId: String, objectId: String) async throws -> UserRecord?
    func users(tenantId: String) async throws -> [UserRecord]
    /// Replaces a user's roles and enabled state.
    func updateUser(_ user: UserRecord) async throws
    func addClientSecret(_ secret: ClientSecretRecord) async throws
    func addClientCertificate(_ certificate: ClientCertificateRecord) async throws
    func clientCertificates(appId: String) async throws -> [ClientCertificateRecord]
    func setRedirectURIs(_ uris: [String], appId: String) async throws
    /// Adds app role assignments (admin consent for application permissions), ignoring ones already there.
    func addAppRoleAssignments(_ grants: [AppRoleAssignmentRecord]) async throws
    /// Stores a delegated grant, merging its scopes into an existing grant for the same client, resource and principal.
    func saveDelegatedGrant(_ grant: DelegatedGrantRecord) async throws
    func delegatedGrants(tenantId: String, clientAppId: String) async throws -> [DelegatedGrantRecord]
}

/// What a token request needs to know about its client: see ``DirectoryStore/clientRegistration(tenant:appId:)``.
public struct ClientRegistration: Sendable {
    public let tenant: TenantRecord
    public let application: ApplicationRecord?
    public let secrets: [ClientSecretRecord]
    public let roleAssignments: [AppRoleAssignmentRecord]

    public init(tenant: TenantRecord, application: ApplicationRecord?, secrets: [ClientSecretRecord], roleAssignments: [AppRoleAssignmentRecord]) {
        self.tenant = tenant
        self.application = application
        self.secrets = secrets
        self.roleAssignments = roleAssignments
    }
}

/// Authorization codes, device codes and refresh tokens: short-lived grant state.
public protocol GrantStore: Sendable {
    func insertAuthorizationCode(_ code: AuthorizationCodeRecord) async throws
    /// Marks the code redeemed at `time` and returns it as it was before; nil if no such code.
    func redeemAuthorizationCode(hash: String, at time: Timestamp) async throws -> AuthorizationCodeRecord?
    func insertDeviceCode(_ code: DeviceCodeRecord) async throws
    func deviceCode(hash: String) async throws -> DeviceCodeRecord?
    func deviceCode(userCode: String) async throws -> DeviceCodeRecord?
    func updateDeviceCode(_ code: DeviceCodeRecord) async throws
    func insertRefreshToken(_ token: RefreshTokenRecord) async throws
    func refreshToken(hash: String) async throws -> RefreshTokenRecord?
    /// Sets the status of one token, or of every token of its family when `family` is true.
    func setRefreshTokenStatus(_ status: RefreshTokenRecord.Status, hash: String, family: Bool) async throws
    /// Revokes every refresh token of a user; returns how many were active.
    @discardableResult
    func revokeRefreshTokens(tenantId: String, userObjectId: String) async throws -> Int
}

/// The token-signing keys, oldest first.
public protocol SigningKeyStore: Sendable {
    func signingKeys() async throws -> [SigningKeyRecord]
    func insertSigningKey(_ key: SigningKeyRecord) async throws
}

/// Which incidents a list request wants; the store applies the filter, order and page.
public struct IncidentQuery: Sendable, Equatable {
    /// The largest page an API asks for; reads up to this size are short.
    public static let largestPage = 100

    public var filter: IncidentFilter
    public var skip: Int
    public var top: Int

    public init(filter: IncidentFilter = .all, skip: Int = 0, top: Int = 100) {
        self.filter = filter
        self.skip = skip
        self.top = top
    }
}

/// A predicate over the filterable incident properties (`$filter` on the incidents API).
public indirect enum IncidentFilter: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable {
        case lastUpdateTime, createdTime, status, assignedTo
    }

    public enum Comparison: String, Sendable {
        case eq, ne, gt, ge, lt, le
    }

    public enum Operand: Sendable, Equatable {
        case timestamp(Timestamp)
        case string(String)
        case null
    }

    case all
    case compare(Field, Comparison, Operand)
    case and(IncidentFilter, IncidentFilter)
    case or(IncidentFilter, IncidentFilter)
    case not(IncidentFilter)
}

/// Incidents with their alerts, per tenant.
public protocol IncidentStore: Sendable {
    /// Stores the incident with its portal link (``Incident/linked(tenantId:)``), replacing one with the same id.
    func saveIncident(_ incident: Incident, tenantId: String) async throws
    func incident(id: Int64, tenantId: String) async throws -> Incident?
    /// Replaces the incidents `ids` (in that order) with `change(stored)` atomically (no other update interleaves)
    /// and returns the new values; nil when the tenant lacks any of them. An error thrown by `change` leaves every
    /// incident as it was.
    func updateIncidents(
        ids: [Int64],
        tenantId: String,
        _ change: @escaping @Sendable ([Incident]) throws -> [Incident]
    ) async throws
        -> [Incident]?
    /// Matching incidents, most recently updated first.
    func incidents(tenantId: String, query: IncidentQuery) async throws -> [Incident]
    /// The same page as ``incidents(tenantId:query:)`` as each incident's ``Incident/wireJSON()``.
    func incidentDocuments(tenantId: String, query: IncidentQuery) async throws -> [String]
    /// An id one above the largest incident id used anywhere.
    func nextIncidentId() async throws -> Int64
}

/// Advanced hunting data as segments: opaque bytes (the hunting layer's column format) per tenant and table.
public protocol HuntingSegmentStore: Sendable {
    /// Adds `added` and deletes the segments `removed` in one durable transaction: when it returns, the change
    /// survives a crash; when it throws, nothing changed. Returns the ids given to the added segments, in order.
    func commitSegments(adding added: [NewHuntingSegment], removing removed: [Int64]) async throws -> [Int64]
    /// Calls `body` with every stored segment, in the order they were added; the bytes are valid only during the call.
    func forEachSegment(_ body: (StoredHuntingSegment) throws -> Void) throws
}

public struct NewHuntingSegment: Sendable {
    public var tenantId: String
    public var table: String
    public var rowCount: Int
    public var bytes: [UInt8]

    public init(tenantId: String, table: String, rowCount: Int, bytes: [UInt8]) {
        self.tenantId = tenantId
        self.table = table
        self.rowCount = rowCount
        self.bytes = bytes
    }
}

public struct StoredHuntingSegment {
    public var id: Int64
    public var tenantId: String
    public var table: String
    public var bytes: UnsafeRawBufferPointer

    public init(id: Int64, tenantId: String, table: String, bytes: UnsafeRawBufferPointer) {
        self.id = id
        self.tenantId = tenantId
        self.table = table
        self.bytes = bytes
    }
}

/// Every store OpenMTP uses, as one value to hand to the composition root.
public struct Stores: Sendable {
    public var directory: any DirectoryStore
    public var grants: any GrantStore
    public var signingKeys: any SigningKeyStore
    public var incidents: any IncidentStore
    public var segments: any HuntingSegmentStore

    public init(
        directory: any DirectoryStore,
        grants: any GrantStore,
        signingKeys: any SigningKeyStore,
        incidents: any IncidentStore,
        segments: any HuntingSegmentStore
    ) {
        self.directory = directory
        self.grants = grants
        self.signingKeys = signingKeys
        self.incidents = incidents
        self.segments = segments
    }

    /// One backend that implements every protocol.
    public init(_ backend: some DirectoryStore & GrantStore & SigningKeyStore & IncidentStore & HuntingSegmentStore) {
        self.init(directory: backend, grants: backend, signingKeys: backend, incidents: backend, segments: backend)
    }
}

/// The one error type of the store layer.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case duplicate, notFound, corrupt
    }

    private let code: Code
    public let message: String

    public static func duplicate(_ message: String) -> StoreError { StoreError(code: .duplicate, message: message) }
    public static func notFound(_ message: String) -> StoreError { StoreError(code: .notFound, message: message) }
    public static func corrupt(_ message: String) -> StoreError { StoreError(code: .corrupt, message: message) }

    public var isDuplicate: Bool { code == .duplicate }
    public var isNotFound: Bool { code == .notFound }

    public var description: String { "store \(code.rawValue): \(message)" }
}
