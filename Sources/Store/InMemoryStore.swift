public import OpenMTPModels
import Synchronization

/// Every store protocol kept in process memory: for unit tests, never for a running server.
public final class InMemoryStore: DirectoryStore, GrantStore, SigningKeyStore, IncidentStore, HuntingSegmentStore {
    private struct State {
        var tenants: [TenantRecord] = []
        var applications: [ApplicationRecord] = []
        var secrets: [ClientSecretRecord] = []
        var grants: [AppRoleAssignmentRecord] = []
        var users: [UserRecord] = []
        var certificates: [ClientCertificateRecord] = []
        var delegatedGrants: [DelegatedGrantRecord] = []
        var codes: [String: AuthorizationCodeRecord] = [:]
        var deviceCodes: [String: DeviceCodeRecord] = [:]
        var refreshTokens: [String: RefreshTokenRecord] = [:]
        var keys: [SigningKeyRecord] = []
        var incidents: [String: [Int64: Incident]] = [:]
        var segments: [(id: Int64, segment: NewHuntingSegment)] = []
        var lastSegmentId: Int64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func insertTenant(_ tenant: TenantRecord) async throws {
        try state.withLock { state in
            guard !state.tenants.contains(where: { $0.id == tenant.id || $0.domain.lowercased() == tenant.domain.lowercased() }) else {
                throw StoreError.duplicate("tenant \(tenant.domain)")
            }
            state.tenants.append(tenant)
        }
    }

    public func tenant(idOrDomain: String) async throws -> TenantRecord? {
        let key = idOrDomain.lowercased()
        return state.withLock { $0.tenants.first { $0.id.lowercased() == key || $0.domain.lowercased() == key } }
    }

    public func tenants() async throws -> [TenantRecord] {
        state.withLock { $0.tenants }
    }

    public func insertApplication(_ application: ApplicationRecord, secrets: [ClientSecretRecord], grants: [AppRoleAssignmentRecord]) async throws {
        try state.withLock { state in
            guard !state.applications.contains(where: { $0.appId == application.appId }) else {
                throw StoreError.duplicate("application \(application.appId)")
            }
            state.applications.append(application)
            state.secrets += secrets
            state.grants += grants
        }
    }

    public func application(tenantId: String, appId: String) async throws -> ApplicationRecord? {
        state.withLock { $0.applications.first { $0.tenantId == tenantId && $0.appId == appId } }
    }

    public func application(appId: String) async throws -> ApplicationRecord? {
        state.withLock { $0.applications.first { $0.appId == appId } }
    }

    public func applications(tenantId: String) async throws -> [ApplicationRecord] {
        state.withLock { $0.applications.filter { $0.tenantId == tenantId } }
    }

    public func clientSecrets(appId: String) async throws -> [ClientSecretRecord] {
        state.withLock { $0.secrets.filter { $0.appId == appId } }
    }

    public func appRoleAssignments(tenantId: String, principalId: String) async throws -> [AppRoleAssignmentRecord] {
        state.withLock { $0.grants.filter { $0.tenantId == tenantId && $0.principalId == principalId } }
    }

    public func clientRegistration(tenant idOrDomain: String, appId: String) async throws -> ClientRegistration? {
        guard let tenant = try await tenant(idOrDomain: idOrDomain) else { return nil }
        guard let application = try await application(tenantId: tenant.id, appId: appId) else {
            return ClientRegistration(tenant: tenant, application: nil, secrets: [], roleAssignments: [])
        }
        return ClientRegistration(
            tenant: tenant,
            application: application,
            secrets: try await clientSecrets(appId: appId),
            roleAssignments: try await appRoleAssignments(tenantId: tenant.id, principalId: application.servicePrincipalId)
        )
    }

    public func insertUser(_ user: UserRecord) async throws {
        try state.withLock { state in
            guard !state.users.contains(where: { $0.userPrincipalName.lowercased() == user.userPrincipalName.lowercased() }) else {
                throw StoreError.duplicate("user \(user.userPrincipalName)")
            }
            state.users.append(user)
        }
    }

    public func user(tenantId: String, userPrincipalName: String) async throws -> UserRecord? {
        let key = userPrincipalName.lowercased()
        return state.withLock { $0.users.first { $0.tenantId == tenantId && $0.userPrincipalName.lowercased() == key } }
    }

    public func user(tenantId: String, objectId: String) async throws -> UserRecord? {
        state.withLock { $0.users.first { $0.tenantId == tenantId && $0.objectId == objectId } }
    }

    public func users(tenantId: String) async throws -> [UserRecord] {
        state.withLock { $0.users.filter { $0.tenantId == tenantId } }
    }

    public func updateUser(_ user: UserRecord) async throws {
        try state.withLock { state in
            guard let index = state.users.firstIndex(where: { $0.objectId == user.objectId && $0.tenantId == user.tenantId }) else {
                throw StoreError.notFound("user \(user.userPrincipalName)")
            }
            state.users[index] = user
        }
    }

    public func addClientSecret(_ secret: ClientSecretRecord) async throws {
        state.withLock { $0.secrets.append(secret) }
    }

    public func addClientCertificate(_ certificate: ClientCertificateRecord) async throws {
        try state.withLock { state in
            guard !state.certificates.contains(where: { $0.thumbprintSHA1 == certificate.thumbprintSHA1 && $0.appId == certificate.appId }) else {
                throw StoreError.duplicate("certificate \(certificate.thumbprintSHA1)")
            }
            state.certificates.append(certificate)
        }
    }

    public func clientCertificates(appId: String) async throws -> [ClientCertificateRecord] {
        state.withLock { $0.certificates.filter { $0.appId == appId } }
    }

    public func setRedirectURIs(_ uris: [String], appId: String) async throws {
        try state.withLock { state in
            guard let index = state.applications.firstIndex(where: { $0.appId == appId }) else { throw StoreError.notFound("application \(appId)") }
            state.applications[index].redirectURIs = uris
        }
    }

    public func addAppRoleAssignments(_ grants: [AppRoleAssignmentRecord]) async throws {
        state.withLock { state in
            for grant in grants
            where !state.grants.contains(where: { $0.principalId == grant.principalId && $0.appRoleId == grant.appRoleId }) {
                state.grants.append(grant)
            }
        }
    }

    public func saveDelegatedGrant(_ grant: DelegatedGrantRecord) async throws {
        state.withLock { state in
            if let index = state.delegatedGrants.firstIndex(where: {
                $0.clientAppId == grant.clientAppId && $0.resourceAppId == grant.resourceAppId && $0.principalId == grant.principalId
            }) {
                for scope in grant.scopes where !state.delegatedGrants[index].scopes.contains(scope) {
                    state.delegatedGrants[index].scopes.append(scope)
                }
            } else {
                state.delegatedGrants.append(grant)
            }
        }
    }

    public func delegatedGrants(tenantId: String, clientAppId: String) async throws -> [DelegatedGrantRecord] {
        state.withLock { $0.delegatedGrants.filter { $0.tenantId == tenantId && $0.clientAppId == clientAppId } }
    }

    public func insertAuthorizationCode(_ code: AuthorizationCodeRecord) async throws {
        state.withLock { $0.codes[code.codeHash] = code }
    }

    public func redeemAuthorizationCode(hash: String, at time: Timestamp) async throws -> AuthorizationCodeRecord? {
        state.withLock { state in
            guard let code = state.codes[hash] else { return nil }
            if code.redeemedAt == nil { state.codes[hash]?.redeemedAt = time }
            return code
        }
    }

    public func insertDeviceCode(_ code: DeviceCodeRecord) async throws {
        state.withLock { $0.deviceCodes[code.deviceCodeHash] = code }
    }

    public func deviceCode(hash: String) async throws -> DeviceCodeRecord? {
        state.withLock { $0.deviceCodes[hash] }
    }

    public func deviceCode(userCode: String) async throws -> DeviceCodeRecord? {
        state.withLock { $0.deviceCodes.values.first { $0.userCode == userCode } }
    }

    public func updateDeviceCode(_ code: DeviceCodeRecord) async throws {
        state.withLock { $0.deviceCodes[code.deviceCodeHash] = code }
    }

    public func insertRefreshToken(_ token: RefreshTokenRecord) async throws {
        state.withLock { $0.refreshTokens[token.tokenHash] = token }
    }

    public func refreshToken(hash: String) async throws -> RefreshTokenRecord? {
        state.withLock { $0.refreshTokens[hash] }
    }

    public func setRefreshTokenStatus(_ status: RefreshTokenRecord.Status, hash: String, family: Bool) async throws {
        state.withLock { state in
            guard let token = state.refreshTokens[hash] else { return }
            for (key, other) in state.refreshTokens where key == hash || (family && other.familyId == token.familyId) {
                state.refreshTokens[key]?.status = status
            }
        }
    }

    public func revokeRefreshTokens(tenantId: String, userObjectId: String) async throws -> Int {
        state.withLock { state in
            var count = 0
            for (key, token) in state.refreshTokens
            where token.session.tenantId == tenantId && token.session.userObjectId == userObjectId && token.status == .active {
                state.refreshTokens[key]?.status = .revoked
                count += 1
            }
            return count
        }
    }

    public func signingKeys() async throws -> [SigningKeyRecord] {
        state.withLock { $0.keys }
    }

    public func insertSigningKey(_ key: SigningKeyRecord) async throws {
        state.withLock { $0.keys.append(key) }
    }

    public func saveIncident(_ incident: Incident, tenantId: String) async throws {
        state.withLock { $0.incidents[tenantId, default: [:]][incident.incidentId] = incident.linked(tenantId: tenantId) }
    }

    public func incident(id: Int64, tenantId: String) async throws -> Incident? {
        state.withLock { $0.incidents[tenantId]?[id] }
    }

    public func updateIncidents(
        ids: [Int64],
        tenantId: String,
        _ change: @escaping @Sendable ([Incident]) throws -> [Incident]
    ) async throws
        -> [Incident]?
    {
        try state.withLock { state in
            let stored = ids.compactMap { state.incidents[tenantId]?[$0] }
            guard stored.count == ids.count else { return nil }
            let updated = try change(stored).map { $0.linked(tenantId: tenantId) }
            for incident in updated { state.incidents[tenantId]?[incident.incidentId] = incident }
            return updated
        }
    }

    public func incidents(tenantId: String, query: IncidentQuery) async throws -> [Incident] {
        let all = state.withLock { Array(($0.incidents[tenantId] ?? [:]).values) }
        let ordered = all.filter(query.filter.matches).sorted {
            ($0.lastUpdateTime, $0.incidentId) > ($1.lastUpdateTime, $1.incidentId)
        }
        return Array(ordered.dropFirst(query.skip).prefix(query.top))
    }

    public func incidentDocuments(tenantId: String, query: IncidentQuery) async throws -> [String] {
        try await incidents(tenantId: tenantId, query: query).map { try $0.wireJSON() }
    }

    public func nextIncidentId() async throws -> Int64 {
        state.withLock { state in (state.incidents.values.flatMap(\.keys).max() ?? 0) + 1 }
    }

    public func commitSegments(adding added: [NewHuntingSegment], removing removed: [Int64]) async throws -> [Int64] {
        state.withLock { state in
            let gone = Set(removed)
            state.segments.removeAll { gone.contains($0.id) }
            return added.map { segment in
                state.lastSegmentId += 1
                state.segments.append((state.lastSegmentId, segment))
                return state.lastSegmentId
            }
        }
    }

    public func forEachSegment(_ body: (StoredHuntingSegment) throws -> Void) throws {
        for (id, segment) in state.withLock({ $0.segments }) {
            try segment.bytes.withUnsafeBytes { try body(StoredHuntingSegment(id: id, tenantId: segment.tenantId, table: segment.table, bytes: $0)) }
        }
    }
}
