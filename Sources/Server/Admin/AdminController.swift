import Defender
import Foundation
import Hummingbird
import Identity
import NIOFoundationEssentialsCompat
import Store

/// The admin API under `/admin/v1`: the operations of `mtp tenants|apps|users|roles|consent` over HTTPS, with the
/// same JSON as their `--json` output. Authenticated by the data folder's admin key (``AdminKey``).
struct AdminController {
    let directory: DirectoryService
    let grants: any GrantStore
    let incidents: IncidentService
    let clock: IdentityClock
    /// Admin requests are small; anything larger is refused before parsing.
    let maxBodySize = 256 * 1024

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("roles") { _, _ in try JSONResponses.api(RoleView.all) }
        group.get("tenants") { _, _ in try JSONResponses.api(try await directory.tenantViews()) }
        group.post("tenants") { request, context in
            let body = try await decode(AdminRequests.CreateTenant.self, request)
            let tenant = try await directory.createTenant(domain: body.domain, displayName: body.displayName ?? body.domain)
            return try JSONResponses.api(TenantView(tenant), status: .created)
        }
        group.get("tenants/:tenant") { _, context in try JSONResponses.api(TenantView(try await tenant(context))) }
        addApplicationRoutes(to: group.group("tenants/:tenant/applications"))
        addUserRoutes(to: group.group("tenants/:tenant/users"))
        // Defender merges incidents it finds to be one attack; here an operator does (`{"incidents":[ids]}`).
        group.post("tenants/:tenant/incidents/:id/merge") { request, context in
            let body = try await decode(AdminRequests.MergeIncidents.self, request)
            guard let target = Int64(try context.parameters.require("id")) else {
                throw APIError.badRequest("BadRequest", "The incident id in the path must be a number.")
            }
            let tenant = try await tenant(context)
            return try JSONResponses.api(try await incidents.merge(body.incidents, into: target, tenantId: tenant.id, at: clock.now()))
        }
    }

    private func addApplicationRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get { _, context in try JSONResponses.api(try await directory.applicationViews(in: try await tenant(context))) }
        group.post { request, context in
            let body = try await decode(AdminRequests.CreateApplication.self, request)
            let registered = try await directory.registerApplication(
                in: try await tenant(context),
                name: body.displayName,
                applicationPermissions: body.permissions ?? [],
                delegatedPermissions: body.delegatedPermissions ?? [],
                publicClient: body.publicClient ?? false,
                redirectURIs: body.redirectURIs ?? []
            )
            return try JSONResponses.api(registered, status: .created)
        }
        group.get(":clientId") { _, context in try JSONResponses.api(try await directory.view(of: try await application(context))) }
        group.post(":clientId/secrets") { request, context in
            let body = try await decode(AdminRequests.AddSecret.self, request, emptyAs: "{}")
            let app = try await application(context)
            let secret = try await directory.addSecret(to: app, lifetimeDays: body.days ?? 730)
            return try JSONResponses.api(AdminResponses.Secret(clientId: app.appId, clientSecret: secret), status: .created)
        }
        group.post(":clientId/certificates") { request, context in
            let body = try await decode(AdminRequests.AddCertificate.self, request)
            return try JSONResponses.api(try await directory.addCertificateView(pem: body.pem, to: try await application(context)), status: .created)
        }
        group.put(":clientId/redirectUris") { request, context in
            let body = try await decode(AdminRequests.RedirectURIs.self, request)
            let app = try await application(context)
            try await directory.store.setRedirectURIs(body.redirectURIs, appId: app.appId)
            return try JSONResponses.api(try await directory.view(of: try await application(context)))
        }
        group.post(":clientId/permissions") { request, context in
            let body = try await decode(AdminRequests.Permissions.self, request)
            let app = try await application(context)
            try await directory.grantApplicationPermissions(body.permissions, to: app)
            return try JSONResponses.api(try await directory.view(of: app))
        }
        group.post(":clientId/consent") { request, context in
            let body = try await decode(AdminRequests.Consent.self, request)
            let app = try await application(context)
            let principal = try await body.user.asyncMap { try await directory.user($0, in: try await tenant(context)) }
            try await directory.grantDelegatedPermissions(body.delegatedPermissions, to: app, userObjectId: principal?.objectId)
            return try JSONResponses.api(try await directory.view(of: app))
        }
    }

    private func addUserRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get { _, context in try JSONResponses.api(try await directory.userViews(in: try await tenant(context))) }
        group.post { request, context in
            let body = try await decode(AdminRequests.CreateUser.self, request)
            let password = body.password ?? SlowHash.generatePassword()
            let user = try await directory.createUser(
                in: try await tenant(context),
                userName: body.name,
                displayName: body.displayName ?? body.name,
                password: password,
                roles: body.roles ?? []
            )
            let created = AdminResponses.CreatedUser(username: user.userPrincipalName, password: password, objectId: user.objectId)
            return try JSONResponses.api(created, status: .created)
        }
        group.get(":user") { _, context in try JSONResponses.api(UserView(try await user(context))) }
        group.put(":user/roles") { request, context in
            let body = try await decode(AdminRequests.Roles.self, request)
            return try JSONResponses.api(UserView(try await directory.setRoles(body.roles, of: try await user(context))))
        }
        group.post(":user/enable") { _, context in
            try JSONResponses.api(UserView(try await directory.setEnabled(true, try await user(context))))
        }
        group.post(":user/disable") { _, context in
            let (view, ended) = try await directory.disable(try await user(context), endingSessionsIn: grants)
            return try JSONResponses.api(AdminResponses.Sessions(user: view, revokedSessions: ended))
        }
        group.post(":user/revokeSessions") { _, context in
            let user = try await user(context)
            let ended = try await grants.revokeRefreshTokens(tenantId: user.tenantId, userObjectId: user.objectId)
            return try JSONResponses.api(AdminResponses.Sessions(user: UserView(user), revokedSessions: ended))
        }
    }

    // MARK: Path parameters and bodies

    private func tenant(_ context: AppRequestContext) async throws -> TenantRecord {
        try await directory.tenant(try context.parameters.require("tenant"))
    }

    private func application(_ context: AppRequestContext) async throws -> ApplicationRecord {
        try await directory.application(try context.parameters.require("clientId"), in: try await tenant(context))
    }

    private func user(_ context: AppRequestContext) async throws -> UserRecord {
        try await directory.user(try context.parameters.require("user"), in: try await tenant(context))
    }

    /// The JSON body as `type`; a body that is not that JSON is a 400 saying what is wrong.
    private func decode<T: Decodable>(_ type: T.Type, _ request: Request, emptyAs empty: String? = nil) async throws -> T {
        var request = request
        var bytes = Data(buffer: try await request.collectBody(upTo: maxBodySize))
        if bytes.isEmpty, let empty { bytes = Data(empty.utf8) }
        do {
            return try JSONDecoder().decode(type, from: bytes)
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError.badRequest("BadRequest", "The body must contain '\(key.stringValue)'.")
        } catch let DecodingError.typeMismatch(_, detail), let DecodingError.valueNotFound(_, detail) {
            let path = detail.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.badRequest("BadRequest", "'\(path)' has the wrong type: \(detail.debugDescription)")
        } catch {
            throw APIError.badRequest("BadRequest", "The body is not valid JSON.")
        }
    }
}

extension Optional {
    fileprivate func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async throws -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
