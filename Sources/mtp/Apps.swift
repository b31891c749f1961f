import ArgumentParser
import Foundation
import Identity
import Store

struct Apps: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register applications and manage their credentials, redirect URIs and permissions.",
        subcommands: [Create.self, List.self, AddSecret.self, AddCertificate.self, SetRedirectURIs.self, Grant.self]
    )

    struct AppOptions: ParsableArguments {
        @OptionGroup var tenant: TenantOptions
        @Option(name: .customLong("client-id"), help: "The application (client) id.")
        var clientId: String

        func resolve() async throws -> (DirectoryService, TenantRecord, ApplicationRecord) {
            let (directory, tenantRecord) = try await tenant.resolve()
            return (directory, tenantRecord, try await reportingDomainErrors { try await directory.application(clientId, in: tenantRecord) })
        }
    }
}

extension Apps {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an application with admin consent for its permissions; a confidential one gets a secret.",
            discussion: """
                Application permissions of "Microsoft Threat Protection": \
                \(ThreatProtectionResource.applicationPermissions.map(\.value).joined(separator: ", ")).
                Delegated permissions: \(ThreatProtectionResource.resource.delegatedPermissions.map(\.value).joined(separator: ", ")).
                Graph permissions are named with their resource, e.g. https://graph.microsoft.com/User.Read.
                The secret is shown once; only a slow hash of it is stored.
                """
        )

        @OptionGroup var tenant: TenantOptions
        @Option(help: "The application's display name.")
        var name: String
        @Option(name: .customLong("permission"), help: "An application permission to grant; repeat for several.")
        var permissions: [String] = []
        @Option(name: .customLong("delegated-permission"), help: "A delegated permission to consent to for every user; repeat for several.")
        var delegatedPermissions: [String] = []
        @Flag(name: .customLong("public"), help: "A public client (native app): no secret, user flows only.")
        var publicClient = false
        @Option(name: .customLong("redirect-uri"), help: "A redirect URI for the authorization code flow; repeat for several.")
        var redirectURIs: [String] = []
        @Flag(help: "Print {\"clientId\",\"clientSecret\"} as JSON.")
        var json = false

        func run() async throws {
            let (directory, tenantRecord) = try await tenant.resolve()
            let registered = try await reportingDomainErrors {
                try await directory.registerApplication(
                    in: tenantRecord,
                    name: name,
                    applicationPermissions: permissions,
                    delegatedPermissions: delegatedPermissions,
                    publicClient: publicClient,
                    redirectURIs: redirectURIs
                )
            }
            if json {
                var output = ["clientId": registered.clientId]
                output["clientSecret"] = registered.clientSecret
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(output), as: UTF8.self))
                return
            }
            print("Registered '\(name)' in \(tenantRecord.domain)")
            print("  client id      \(registered.clientId)")
            if let secret = registered.clientSecret { print("  client secret  \(secret)   (shown once; store it now)") }
            print("  permissions    \(registered.permissions.isEmpty ? "(none)" : registered.permissions.joined(separator: ", "))")
            if !registered.delegatedPermissions.isEmpty { print("  delegated      \(registered.delegatedPermissions.joined(separator: ", "))") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the applications of a tenant with their granted permissions.")
        @OptionGroup var tenant: TenantOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let (directory, tenantRecord) = try await tenant.resolve()
            let views = try await directory.applicationViews(in: tenantRecord)
            try output.emit(
                views,
                text: (["Tenant \(tenantRecord.domain) (\(tenantRecord.id))"]
                    + views.map { "  \($0.clientId)  \($0.displayName)  [\(($0.permissions + $0.delegatedPermissions).joined(separator: ", "))]" })
                    .joined(separator: "\n")
            )
        }
    }

    struct AddSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-secret", abstract: "Add a client secret (several may be valid at once).")
        @OptionGroup var app: AppOptions
        @Option(help: "Days until the secret expires.")
        var days: Int64 = 730
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let (directory, _, application) = try await app.resolve()
            let secret = try await reportingDomainErrors { try await directory.addSecret(to: application, lifetimeDays: days) }
            try output.emit(["clientId": application.appId, "clientSecret": secret], text: "client secret  \(secret)   (shown once; store it now)")
        }
    }

    struct AddCertificate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-certificate",
            abstract: "Register a certificate for client assertions, from a PEM file or newly generated."
        )
        @OptionGroup var app: AppOptions
        @Option(help: "A PEM file with the certificate (its private key stays with you).")
        var certificate: String?
        @Option(help: "Generate a key and self-signed certificate and write both to this PEM file (mode 0600).")
        var generate: String?
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (certificate == nil) != (generate == nil) else { throw ValidationError("Give exactly one of --certificate and --generate.") }
        }

        func run() async throws {
            let (directory, _, application) = try await app.resolve()
            let pem: String
            if let generate {
                let (key, certificatePEM) = try ClientCertificates.generateSelfSigned(commonName: application.displayName)
                try Data((key + "\n" + certificatePEM + "\n").utf8).write(to: URL(fileURLWithPath: generate))
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: generate)
                pem = certificatePEM
            } else {
                pem = try String(contentsOfFile: certificate ?? "", encoding: .utf8)
            }
            let view = try await reportingDomainErrors { try await directory.addCertificateView(pem: pem, to: application) }
            try output.emit(view, text: "certificate  \(view.thumbprint)  expires \(view.expiresAt)")
        }
    }

    struct SetRedirectURIs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-redirect-uris", abstract: "Replace an application's redirect URIs.")
        @OptionGroup var app: AppOptions
        @Option(name: .customLong("redirect-uri"), help: "A redirect URI; repeat for several.")
        var redirectURIs: [String] = []

        func run() async throws {
            let (directory, _, application) = try await app.resolve()
            try await reportingDomainErrors { try await directory.store.setRedirectURIs(redirectURIs, appId: application.appId) }
            print("redirect URIs  \(redirectURIs.joined(separator: ", "))")
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Grant admin consent for more application permissions.")
        @OptionGroup var app: AppOptions
        @Option(name: .customLong("permission"), help: "An application permission; repeat for several.")
        var permissions: [String] = []

        func run() async throws {
            let (directory, _, application) = try await app.resolve()
            try await reportingDomainErrors { try await directory.grantApplicationPermissions(permissions, to: application) }
            print("granted  \(permissions.joined(separator: ", "))")
        }
    }
}
