import ArgumentParser
import Foundation
import Identity
import Store
import StoreSQLite

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create users and manage their directory roles and sign-in.",
        subcommands: [Create.self, List.self, SetRoles.self, Disable.self, Enable.self, RevokeSessions.self]
    )

    struct UserOptions: ParsableArguments {
        @OptionGroup var tenant: TenantOptions
        @Option(help: "The user's name (user principal name) or object id.")
        var user: String

        func resolve() async throws -> (DirectoryService, TenantRecord, UserRecord) {
            let (directory, tenantRecord) = try await tenant.resolve()
            return (directory, tenantRecord, try await reportingDomainErrors { try await directory.user(user, in: tenantRecord) })
        }
    }
}

extension Users {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user <name>@<tenant domain> with a password (generated if not given).")
        @OptionGroup var tenant: TenantOptions
        @Option(help: "The part before @.")
        var name: String
        @Option(name: .customLong("display-name"), help: "The display name (default: the name).")
        var displayName: String?
        @Option(help: "The password (default: a generated one, printed once).")
        var password: String?
        @Option(name: .customLong("role"), help: "A directory role (see `mtp roles`); repeat for several.")
        var roles: [String] = []
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let (directory, tenantRecord) = try await tenant.resolve()
            let secret = password ?? SlowHash.generatePassword()
            let user = try await reportingDomainErrors {
                try await directory.createUser(in: tenantRecord, userName: name, displayName: displayName ?? name, password: secret, roles: roles)
            }
            try output.emit(
                ["username": user.userPrincipalName, "password": secret, "objectId": user.objectId],
                text: "\(UserView(user).line)\n  password  \(secret)"
            )
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the users of a tenant.")
        @OptionGroup var tenant: TenantOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let (directory, tenantRecord) = try await tenant.resolve()
            let views = try await directory.userViews(in: tenantRecord)
            try output.emit(views, text: views.map(\.line).joined(separator: "\n"))
        }
    }

    struct SetRoles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-roles", abstract: "Replace a user's directory roles.")
        @OptionGroup var user: UserOptions
        @Option(name: .customLong("role"), help: "A directory role; repeat for several; none removes all.")
        var roles: [String] = []
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let (directory, _, record) = try await user.resolve()
            let updated = try await reportingDomainErrors { try await directory.setRoles(roles, of: record) }
            try output.emit(UserView(updated), text: UserView(updated).line)
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Block a user's sign-in and end their sessions (refresh tokens).")
        @OptionGroup var user: UserOptions

        func run() async throws {
            let (directory, _, record) = try await user.resolve()
            let (_, ended) = try await reportingDomainErrors { try await directory.disable(record, endingSessionsIn: user.tenant.data.openStore()) }
            print("disabled \(record.userPrincipalName); ended \(ended) session(s)")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Allow a disabled user to sign in again.")
        @OptionGroup var user: UserOptions

        func run() async throws {
            let (directory, _, record) = try await user.resolve()
            _ = try await reportingDomainErrors { try await directory.setEnabled(true, record) }
            print("enabled \(record.userPrincipalName)")
        }
    }

    struct RevokeSessions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke-sessions", abstract: "Revoke every refresh token of a user.")
        @OptionGroup var user: UserOptions

        func run() async throws {
            let (_, tenantRecord, record) = try await user.resolve()
            let ended = try await user.tenant.data.openStore().revokeRefreshTokens(tenantId: tenantRecord.id, userObjectId: record.objectId)
            print("revoked \(ended) refresh token(s) of \(record.userPrincipalName)")
        }
    }
}

struct Roles: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the directory roles and the delegated permissions each allows.")
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let views = RoleView.all
        try output.emit(views, text: views.map { "\($0.name)  \($0.templateId)  [\($0.allows.joined(separator: ", "))]" }.joined(separator: "\n"))
    }
}

struct Consent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Consent to delegated permissions for an application: for every user (admin consent) or for one user."
    )
    @OptionGroup var app: Apps.AppOptions
    @Option(name: .customLong("delegated-permission"), help: "A delegated permission; repeat for several.")
    var permissions: [String] = []
    @Option(help: "Consent for this user only (name or object id); default: every user (admin consent).")
    var user: String?

    func run() async throws {
        let (directory, tenantRecord, application) = try await app.resolve()
        var principal: UserRecord?
        if let user { principal = try await reportingDomainErrors { try await directory.user(user, in: tenantRecord) } }
        try await reportingDomainErrors {
            try await directory.grantDelegatedPermissions(permissions, to: application, userObjectId: principal?.objectId)
        }
        print("consented \(permissions.joined(separator: ", ")) for \(principal?.userPrincipalName ?? "every user") of \(tenantRecord.domain)")
    }
}

extension UserView {
    var line: String { "\(username)  \(objectId)  [\(roles.joined(separator: ", "))]\(enabled ? "" : "  (disabled)")" }
}
