import ArgumentParser
import Foundation
import Identity
import Server
import Store
import StoreSQLite

struct Apps: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register and list applications (service principals) of a tenant.",
        subcommands: [Create.self, List.self]
    )
}

extension Apps {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a confidential application with a new client secret and admin consent for its permissions.",
            discussion: """
                Application permissions of "Microsoft Threat Protection": \
                \(ThreatProtectionResource.applicationPermissions.map(\.value).joined(separator: ", ")).
                The secret is shown once; only a hash of it is stored.
                """
        )

        @OptionGroup var data: DataFolderOptions

        @Option(help: "The tenant id or domain (e.g. contoso.test).")
        var tenant: String

        @Option(help: "The application's display name.")
        var name: String

        @Option(name: .customLong("permission"), help: "An application permission to grant; repeat for several.")
        var permissions: [String] = []

        @Flag(help: "Print {\"clientId\",\"clientSecret\"} as JSON.")
        var json = false

        func run() async throws {
            let directory = DirectoryService(store: try data.openStore())
            let registered: RegisteredApplication
            do {
                registered = try await directory.registerApplication(in: directory.tenant(tenant), name: name, applicationPermissions: permissions)
            } catch let error as IdentityError {
                throw CommandFailure(error.description)
            }
            if json {
                let output = ["clientId": registered.clientId, "clientSecret": registered.clientSecret ?? ""]
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(output), as: UTF8.self))
            } else {
                print("Registered '\(name)' in \(tenant)")
                print("  client id      \(registered.clientId)")
                print("  client secret  \(registered.clientSecret ?? "")   (shown once; store it now)")
                print("  permissions    \(registered.permissions.isEmpty ? "(none)" : registered.permissions.joined(separator: ", "))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the applications of a tenant with their granted permissions.")

        @OptionGroup var data: DataFolderOptions

        @Option(help: "The tenant id or domain.")
        var tenant: String

        func run() async throws {
            let store = try data.openStore()
            let directory = DirectoryService(store: store)
            let tenantRecord: TenantRecord
            do {
                tenantRecord = try await directory.tenant(tenant)
            } catch let error as IdentityError {
                throw CommandFailure(error.description)
            }
            print("Tenant \(tenantRecord.domain) (\(tenantRecord.id))")
            for app in try await store.applications(tenantId: tenantRecord.id) {
                let roles = try await store.appRoleAssignments(tenantId: tenantRecord.id, principalId: app.servicePrincipalId).map(\.value)
                print("  \(app.appId)  \(app.displayName)  [\(roles.joined(separator: ", "))]")
            }
        }
    }
}

extension DataFolderOptions {
    var configuration: ServerConfiguration {
        ServerConfiguration(
            dataDirectory: dataDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? ServerConfiguration.defaultDataDirectory
        )
    }

    /// The data folder's database; a folder `mtp serve` has not initialised yet is an error, not a new empty database.
    func openStore() throws -> SQLiteStore {
        let path = configuration.databasePath
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure("No OpenMTP database at \(path). Start `mtp serve` on this data folder first, or pass --data-dir.")
        }
        return try SQLiteStore(path: path)
    }
}

/// A failure to report as `Error: <message>` without the usage text.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
