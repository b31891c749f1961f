import Defender
public import Foundation
import Hunting
import Identity
import OpenMTPModels
import Store

/// What `demo.json` holds: everything needed to try every flow against the demo tenant.
public struct DemoManifest: Codable, Sendable, Equatable {
    public struct App: Codable, Sendable, Equatable {
        public var clientId: String
        /// Absent for the public client.
        public var clientSecret: String?
        public var permissions: [String]
        public var delegatedPermissions: [String]?
        public var redirectURIs: [String]?
        /// A PEM file with the private key and the certificate registered on the app (the `full` app).
        public var certificateFile: String?
    }

    public struct Apps: Codable, Sendable, Equatable {
        /// `Incident.ReadWrite.All` and `AdvancedHunting.Read.All`; also a secret-less certificate and the delegated scopes.
        public var full: App
        /// `Incident.Read.All` only.
        public var incidentsReadOnly: App
        /// `AdvancedHunting.Read.All` only.
        public var huntingOnly: App
        /// A public (native) client with the delegated scopes, for user-context flows.
        public var `public`: App
    }

    public struct User: Codable, Sendable, Equatable {
        public var username: String
        public var password: String
    }

    public struct Users: Codable, Sendable, Equatable {
        /// Security Administrator.
        public var admin: User
        /// Security Operator.
        public var analyst: User
        /// Security Reader.
        public var reader: User
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

/// Creates the demo tenant `contoso.test`: four applications, three users, the incidents and hunting events of
/// ``DemoScenario``.
enum DemoTenant {
    static let domain = "contoso.test"
    /// The redirect URI the real-client harness (and msal samples) listen on.
    static let callback = "http://localhost:53123/callback"
    static let delegated = [
        "Incident.Read", "Incident.ReadWrite", "AdvancedHunting.Read", "SecurityIncident.Read.All", "SecurityIncident.ReadWrite.All",
        "SecurityAlert.Read.All", "SecurityAlert.ReadWrite.All", "ThreatHunting.Read.All",
    ]

    /// Seeds the tenant if it does not exist yet and returns its manifest; nil when it already existed (its
    /// credentials were shown once, in the `demo.json` written then).
    static func seedIfMissing(
        directory: DirectoryService,
        incidents: any IncidentStore,
        hunting: HuntingService,
        clock: IdentityClock,
        dataDirectory: URL
    ) async throws -> DemoManifest? {
        if try await directory.store.tenant(idOrDomain: domain) != nil { return nil }
        let tenant = try await directory.createTenant(domain: domain, displayName: "Contoso (OpenMTP demo)")
        func app(
            _ name: String,
            _ permissions: [String],
            delegated: [String] = [],
            publicClient: Bool = false,
            redirects: [String] = []
        ) async throws
            -> DemoManifest.App
        {
            let registered = try await directory.registerApplication(
                in: tenant,
                name: name,
                applicationPermissions: permissions,
                delegatedPermissions: delegated,
                publicClient: publicClient,
                redirectURIs: redirects
            )
            return DemoManifest.App(
                clientId: registered.clientId,
                clientSecret: registered.clientSecret,
                permissions: registered.permissions,
                delegatedPermissions: delegated.isEmpty ? nil : registered.delegatedPermissions,
                redirectURIs: redirects.isEmpty ? nil : redirects
            )
        }
        var full = try await app(
            "OpenMTP demo - full access",
            [
                "Incident.ReadWrite.All", "AdvancedHunting.Read.All", "AdvancedHunting.Import.All", "SecurityIncident.ReadWrite.All",
                "SecurityAlert.ReadWrite.All", "ThreatHunting.Read.All",
            ],
            delegated: delegated,
            redirects: [callback]
        )
        full.certificateFile = try await addCertificate(to: full.clientId, in: tenant, directory: directory, dataDirectory: dataDirectory)
        let apps = DemoManifest.Apps(
            full: full,
            incidentsReadOnly: try await app("OpenMTP demo - incidents read-only", ["Incident.Read.All"]),
            huntingOnly: try await app("OpenMTP demo - hunting only", ["AdvancedHunting.Read.All"]),
            public: try await app("OpenMTP demo - native app", [], delegated: delegated, publicClient: true, redirects: [callback])
        )
        func user(_ name: String, _ displayName: String, _ role: String) async throws -> DemoManifest.User {
            let password = SlowHash.generatePassword()
            let created = try await directory.createUser(in: tenant, userName: name, displayName: displayName, password: password, roles: [role])
            return DemoManifest.User(username: created.userPrincipalName, password: password)
        }
        let users = DemoManifest.Users(
            admin: try await user("admin", "Contoso Admin", "Security Administrator"),
            analyst: try await user("analyst", "Alex Analyst", "Security Operator"),
            reader: try await user("reader", "Riley Reader", "Security Reader")
        )
        let scenario = DemoScenario(now: clock.now(), firstIncidentId: try await incidents.nextIncidentId())
        for incident in scenario.incidents {
            try await incidents.saveIncident(incident, tenantId: tenant.id)
        }
        var batch = IngestBatch(catalog: hunting.catalog)
        for (table, records) in scenario.events.sorted(by: { $0.key < $1.key }) {
            IngestParser.parse(Data(records.joined(separator: "\n").utf8), format: .jsonl, table: table, into: &batch)
        }
        try await hunting.ingest(batch, tenantId: tenant.id)
        // Background activity around the incidents' story: a small simulated estate (see `mtp simulate`).
        var background = SimulationSettings(devices: 10, users: 6, days: 3, seed: 1, domain: domain, end: clock.now())
        background.attacks = false  // the demo's incidents tell their own story
        background.activity = 2
        var simulator = Simulator(background, catalog: hunting.catalog)
        for day in 0..<3 { try await hunting.ingest(simulator.day(day), tenantId: tenant.id) }
        return DemoManifest(tenantId: tenant.id, tenantDomain: tenant.domain, authority: "", caFile: nil, apps: apps, users: users)
    }

    /// Generates a key and certificate, registers the certificate on the app and writes both to a PEM file (0600).
    private static func addCertificate(
        to clientId: String,
        in tenant: TenantRecord,
        directory: DirectoryService,
        dataDirectory: URL
    ) async throws -> String {
        let (key, certificate) = try ClientCertificates.generateSelfSigned(commonName: "OpenMTP demo full-access app")
        _ = try await directory.addCertificate(pem: certificate, to: try await directory.application(clientId, in: tenant))
        let file = dataDirectory.appendingPathComponent("demo-full-app.pem")
        try Data((key + "\n" + certificate + "\n").utf8).write(to: file, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        return file.path
    }
}
