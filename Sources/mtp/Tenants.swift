import ArgumentParser
import Foundation
import Identity
import Store

struct Tenants: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create and list tenants (directories).", subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tenant with a verified domain.")
        @OptionGroup var data: DataFolderOptions
        @Option(help: "The tenant's domain, e.g. fabrikam.test.")
        var domain: String
        @Option(help: "A display name (default: the domain).")
        var name: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let directory = try data.directory()
            let tenant = try await reportingDomainErrors { try await directory.createTenant(domain: domain, displayName: name ?? domain) }
            try output.emit(
                TenantView(tenant),
                text: "Created tenant \(tenant.domain) (\(tenant.id))"
            )
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a tenant by id or domain.")
        @OptionGroup var tenant: TenantOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let (_, record) = try await tenant.resolve()
            try output.emit(
                TenantView(record),
                text: "\(record.domain)  \(record.id)  \(record.displayName)"
            )
        }
    }
}
