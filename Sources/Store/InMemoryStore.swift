public import OpenMTPModels
import Synchronization

/// Every store protocol kept in process memory: for unit tests, never for a running server.
public final class InMemoryStore: DirectoryStore, SigningKeyStore, IncidentStore, HuntingEventStore {
    private struct State {
        var tenants: [TenantRecord] = []
        var applications: [ApplicationRecord] = []
        var secrets: [ClientSecretRecord] = []
        var grants: [AppRoleAssignmentRecord] = []
        var users: [UserRecord] = []
        var keys: [SigningKeyRecord] = []
        var incidents: [String: [Int64: Incident]] = [:]
        var events: [HuntingEventBatch] = []
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

    public func applications(tenantId: String) async throws -> [ApplicationRecord] {
        state.withLock { $0.applications.filter { $0.tenantId == tenantId } }
    }

    public func clientSecrets(appId: String) async throws -> [ClientSecretRecord] {
        state.withLock { $0.secrets.filter { $0.appId == appId } }
    }

    public func appRoleAssignments(tenantId: String, principalId: String) async throws -> [AppRoleAssignmentRecord] {
        state.withLock { $0.grants.filter { $0.tenantId == tenantId && $0.principalId == principalId } }
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

    public func signingKeys() async throws -> [SigningKeyRecord] {
        state.withLock { $0.keys }
    }

    public func insertSigningKey(_ key: SigningKeyRecord) async throws {
        state.withLock { $0.keys.append(key) }
    }

    public func saveIncident(_ incident: Incident, tenantId: String) async throws {
        state.withLock { $0.incidents[tenantId, default: [:]][incident.incidentId] = incident }
    }

    public func incident(id: Int64, tenantId: String) async throws -> Incident? {
        state.withLock { $0.incidents[tenantId]?[id] }
    }

    public func incidents(tenantId: String, query: IncidentQuery) async throws -> [Incident] {
        let all = state.withLock { Array(($0.incidents[tenantId] ?? [:]).values) }
        let ordered = all.filter(query.filter.matches).sorted {
            ($0.lastUpdateTime, $0.incidentId) > ($1.lastUpdateTime, $1.incidentId)
        }
        return Array(ordered.dropFirst(query.skip).prefix(query.top))
    }

    public func nextIncidentId() async throws -> Int64 {
        state.withLock { state in (state.incidents.values.flatMap(\.keys).max() ?? 0) + 1 }
    }

    public func appendEvents(_ records: [String], table: String, tenantId: String) async throws {
        state.withLock { $0.events.append(HuntingEventBatch(tenantId: tenantId, table: table, records: records)) }
    }

    public func allEvents() async throws -> [HuntingEventBatch] {
        state.withLock { $0.events }
    }
}
