import Defender
public import Foundation
import Hunting
import Identity
import OpenMTPModels
import Store

/// What `demo.json` holds: everything needed to walk the three steps against the demo tenant.
public struct DemoManifest: Codable, Sendable, Equatable {
    public struct App: Codable, Sendable, Equatable {
        public var clientId: String
        public var clientSecret: String
        public var permissions: [String]
    }

    public struct Apps: Codable, Sendable, Equatable {
        /// `Incident.ReadWrite.All` and `AdvancedHunting.Read.All`.
        public var full: App
        /// `Incident.Read.All` only.
        public var incidentsReadOnly: App
        /// `AdvancedHunting.Read.All` only.
        public var huntingOnly: App
    }

    public struct User: Codable, Sendable, Equatable {
        public var username: String
        public var password: String
    }

    public struct Users: Codable, Sendable, Equatable {
        public var admin: User
    }

    public var tenantId: String
    public var tenantDomain: String
    /// `https://<host>:<port>/<tenantId>`, filled in once the server listens.
    public var authority: String
    public var caFile: String?
    public var apps: Apps
    public var users: Users

    public static func read(from url: URL) throws -> DemoManifest {
        try JSONDecoder().decode(DemoManifest.self, from: Data(contentsOf: url))
    }

    func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }
}

/// Creates the demo tenant `contoso.test`: three applications, an admin user, the incidents and hunting events of
/// ``DemoScenario``.
enum DemoTenant {
    static let domain = "contoso.test"

    /// Seeds the tenant if it does not exist yet and returns its manifest; nil when it already existed (its
    /// credentials were shown once, in the `demo.json` written then).
    static func seedIfMissing(
        directory: DirectoryService,
        incidents: any IncidentStore,
        hunting: HuntingService,
        clock: IdentityClock
    ) async throws
        -> DemoManifest?
    {
        if try await directory.store.tenant(idOrDomain: domain) != nil { return nil }
        let tenant = try await directory.createTenant(domain: domain, displayName: "Contoso (OpenMTP demo)")
        func app(_ name: String, _ permissions: [String]) async throws -> DemoManifest.App {
            let registered = try await directory.registerApplication(in: tenant, name: name, applicationPermissions: permissions)
            return DemoManifest.App(clientId: registered.clientId, clientSecret: registered.clientSecret, permissions: registered.permissions)
        }
        let apps = DemoManifest.Apps(
            full: try await app("OpenMTP demo - full access", ["Incident.ReadWrite.All", "AdvancedHunting.Read.All"]),
            incidentsReadOnly: try await app("OpenMTP demo - incidents read-only", ["Incident.Read.All"]),
            huntingOnly: try await app("OpenMTP demo - hunting only", ["AdvancedHunting.Read.All"])
        )
        let password = Passwords.generate()
        let admin = try await directory.createUser(
            in: tenant,
            userName: "admin",
            displayName: "Contoso Admin",
            password: password,
            roles: ["Security Administrator"]
        )
        let scenario = DemoScenario(now: clock.now(), firstIncidentId: try await incidents.nextIncidentId())
        for incident in scenario.incidents {
            try await incidents.saveIncident(incident, tenantId: tenant.id)
        }
        for (table, records) in scenario.events.sorted(by: { $0.key < $1.key }) {
            try await hunting.ingest(records, table: table, tenantId: tenant.id)
        }
        return DemoManifest(
            tenantId: tenant.id,
            tenantDomain: tenant.domain,
            authority: "",
            caFile: nil,
            apps: apps,
            users: DemoManifest.Users(admin: .init(username: admin.userPrincipalName, password: password))
        )
    }
}
