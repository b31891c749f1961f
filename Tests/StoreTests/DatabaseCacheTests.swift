import Foundation
import OpenMTPModels
import Store
import StoreSQLite
import Testing

/// The SQLite store remembers tenants and client registrations for every request; a change made through another
/// connection to the same file (as `mtp apps …` does while `mtp serve` runs) must be seen on the next request.
@Suite("Directory caches of the SQLite store")
struct DatabaseCacheTests {
    @Test("changes made through another store on the same file are seen at once")
    func seesOtherWriters() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("openmtp-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("openmtp.sqlite").path
        let server = try SQLiteStore(path: path)
        let command = try SQLiteStore(path: path)
        let now = Timestamp(ticks: 0)

        #expect(try await server.clientRegistration(tenant: "one.test", appId: "app-1") == nil)
        #expect(try await server.tenant(idOrDomain: "one.test") == nil)
        try await command.insertTenant(TenantRecord(id: "t1", domain: "one.test", displayName: "One", createdAt: now))
        #expect(try await server.tenant(idOrDomain: "one.test")?.id == "t1")
        #expect(try await server.clientRegistration(tenant: "one.test", appId: "app-1")?.application == nil)
        #expect(try await server.clientRegistration(tenant: "one.test", appId: "app-1")?.tenant.id == "t1")

        let application = ApplicationRecord(
            tenantId: "t1",
            appId: "app-1",
            objectId: "o1",
            servicePrincipalId: "sp1",
            displayName: "App",
            isPublicClient: false,
            createdAt: now
        )
        try await command.insertApplication(application, secrets: [Self.secret("k1")], grants: [])
        #expect(try await server.clientRegistration(tenant: "one.test", appId: "app-1")?.secrets.map(\.keyId) == ["k1"])

        try await command.addClientSecret(Self.secret("k2"))
        #expect(try await server.clientRegistration(tenant: "one.test", appId: "app-1")?.secrets.map(\.keyId).sorted() == ["k1", "k2"])

        let grant = AppRoleAssignmentRecord(
            tenantId: "t1",
            principalId: "sp1",
            resourceAppId: "r",
            appRoleId: "role",
            value: "Incident.Read.All",
            createdAt: now
        )
        try await command.addAppRoleAssignments([grant])
        #expect(try await server.clientRegistration(tenant: "t1", appId: "app-1")?.roleAssignments.map(\.value) == ["Incident.Read.All"])
        #expect(try await server.clientRegistration(tenant: "one.test", appId: "app-1")?.roleAssignments.map(\.value) == ["Incident.Read.All"])
    }

    static func secret(_ keyId: String) -> ClientSecretRecord {
        ClientSecretRecord(
            keyId: keyId,
            appId: "app-1",
            hint: "abc",
            salt: [1],
            hash: [2],
            rounds: 1,
            createdAt: Timestamp(ticks: 0),
            expiresAt: Timestamp(ticks: 1)
        )
    }
}
