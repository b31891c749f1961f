public import Identity
import OpenMTPModels
public import Store

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
