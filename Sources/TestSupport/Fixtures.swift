public import Identity
import OpenMTPModels
public import Store
import Synchronization

/// A clock fixed at 2026-03-01T12:00:00Z unless moved.
public func fixedClock(_ iso8601: String = "2026-03-01T12:00:00Z") -> IdentityClock {
    let instant = Timestamp(iso8601: iso8601)!
    return IdentityClock { instant }
}

/// An in-memory directory with one tenant and one application holding the given permissions.
public struct DirectoryFixture: Sendable {
    public let store: InMemoryStore
    public let tenant: TenantRecord
    public let app: RegisteredApplication
    public let directory: DirectoryService

    /// The confidential app's secret.
    public var secret: String { app.clientSecret ?? "" }

    public static func make(permissions: [String], clock: IdentityClock) async throws -> DirectoryFixture {
        let store = InMemoryStore()
        let directory = DirectoryService(store: store, clock: clock)
        let tenant = try await directory.createTenant(domain: "contoso.test", displayName: "Contoso")
        let app = try await directory.registerApplication(in: tenant, name: "daemon", applicationPermissions: permissions)
        return DirectoryFixture(store: store, tenant: tenant, app: app, directory: directory)
    }
}

/// A token service over `store` with the given signing keys (or the store's, loaded), and the keys.
public func tokenService(
    over store: some DirectoryStore & GrantStore & SigningKeyStore,
    keys: SigningKeys? = nil,
    clock: IdentityClock
) async throws -> (TokenService, SigningKeys) {
    let ring: SigningKeys
    if let keys {
        ring = keys
    } else {
        ring = try await SigningKeys.load(from: store, clock: clock)
    }
    let service = TokenService(
        directory: store,
        grants: store,
        issuer: TokenIssuer(keys: ring, clock: clock),
        secrets: SecretVerifier(),
        clock: clock
    )
    return (service, ring)
}

/// A clock tests move by hand.
public final class ManualClock: Sendable {
    private let current: Mutex<Timestamp>

    public init(_ iso8601: String = "2026-03-01T12:00:00Z") {
        current = Mutex(Timestamp(iso8601: iso8601)!)
    }

    public func advance(seconds: Int64) {
        current.withLock { $0 = $0.adding(seconds: seconds) }
    }

    public var clock: IdentityClock {
        IdentityClock { self.current.withLock { $0 } }
    }
}

/// A tenant with a public client (redirect URI, admin consent for `Incident.Read`), a confidential client, and a
/// Security Operator user, over in-memory stores.
public struct UserContextFixture: Sendable {
    public static let redirectURI = "http://localhost:53123/callback"
    public let store: InMemoryStore
    public let tenant: TenantRecord
    public let publicClient: RegisteredApplication
    public let confidential: RegisteredApplication
    public let user: UserRecord
    public let password = "Correct-Horse-9!"
    public let directory: DirectoryService

    public static func make(clock: IdentityClock) async throws -> UserContextFixture {
        let store = InMemoryStore()
        let directory = DirectoryService(store: store, clock: clock)
        let tenant = try await directory.createTenant(domain: "contoso.test", displayName: "Contoso")
        let publicClient = try await directory.registerApplication(
            in: tenant,
            name: "native",
            applicationPermissions: [],
            delegatedPermissions: ["Incident.Read"],
            publicClient: true,
            redirectURIs: [redirectURI]
        )
        let confidential = try await directory.registerApplication(
            in: tenant,
            name: "web",
            applicationPermissions: [],
            delegatedPermissions: ["Incident.Read"],
            redirectURIs: [redirectURI]
        )
        let user = try await directory.createUser(
            in: tenant,
            userName: "alex",
            displayName: "Alex",
            password: "Correct-Horse-9!",
            roles: ["Security Operator"]
        )
        return UserContextFixture(
            store: store,
            tenant: tenant,
            publicClient: publicClient,
            confidential: confidential,
            user: user,
            directory: directory
        )
    }
}
