import Foundation
import Hummingbird
import Identity
import Logging
import OpenMTPModels
import Store

/// The device code flow: `POST /{tenant}/oauth2/v2.0/devicecode` (and v1 `/oauth2/devicecode`) starts it; the
/// verification page `/devicelogin` takes the user code and the user's credentials (and consent when needed).
struct DeviceCodeController {
    let devices: DeviceAuthorizationService
    let users: UserAuthenticator
    let directory: any DirectoryStore
    let tickets: InteractionTickets
    let clock: IdentityClock

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post(":tenant/oauth2/v2.0/devicecode") { request, context in try await self.start(request, context, version: .v2) }
        router.post(":tenant/oauth2/devicecode") { request, context in try await self.start(request, context, version: .v1) }
        router.get("devicelogin") { _, _ in Self.codePage(error: nil) }
        router.post("devicelogin") { request, context in try await self.verify(request, context) }
    }

    private func start(_ request: Request, _ context: AppRequestContext, version: TokenEndpointVersion) async throws -> Response {
        var request = request
        let requestId = SecureRandom.uuidString()
        let body = try await request.collectBody(upTo: 64 * 1024)
        do {
            let response = try await devices.start(
                tenantName: try context.parameters.require("tenant"),
                version: version,
                parameters: FormEncoding.decode(body.readableBytesView),
                verificationURI: request.publicBaseURL + "/devicelogin"
            )
            return try JSONResponses.token(response, requestId: requestId)
        } catch let error as IdentityError {
            return try JSONResponses.token(
                error.body(traceId: requestId, correlationId: requestId, at: clock.now()),
                status: .init(code: error.httpStatus),
                requestId: requestId
            )
        }
    }

    private func verify(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        var request = request
        let form = FormEncoding.decode(try await request.collectBody(upTo: 64 * 1024).readableBytesView)
        let record: DeviceCodeRecord
        do {
            record = try await devices.pending(userCode: form["otc"] ?? "")
        } catch let error as IdentityError {
            return Self.codePage(error: error.message)
        }
        guard let tenant = try await directory.tenant(idOrDomain: record.tenantId),
            let application = try await directory.application(tenantId: record.tenantId, appId: record.clientId)
        else { return Self.codePage(error: "The application of this code no longer exists.") }

        let user: UserRecord
        if let ticket = form["ticket"], let userId = tickets.verify(ticket, tenantId: tenant.id),
            let found = try await directory.user(tenantId: tenant.id, objectId: userId)
        {
            guard form["consent"] == "accept" else {
                try await devices.decline(record)
                return HTMLPage.render(title: "Sign-in cancelled", paragraphs: ["You declined to sign in to \(application.displayName)."])
            }
            user = found
            try await devices.consent(record, user: user)
        } else {
            do {
                user = try await users.authenticate(tenant: tenant, username: form["login"] ?? "", password: form["passwd"] ?? "")
            } catch let error as IdentityError {
                context.logger.info("idp.device_sign_in_refused", metadata: ["idp.code": "\(error.code)"])
                return Self.signInPage(code: record.userCode, application: application.displayName, error: "AADSTS\(error.code): \(error.message)")
            }
        }
        do {
            let missing = try await devices.approve(record, user: user)
            guard missing.isEmpty else {
                return HTMLPage.render(
                    title: "Permissions requested",
                    paragraphs: ["\(application.displayName) wants to act for \(user.userPrincipalName) with: \(missing.joined(separator: ", "))."],
                    form: (
                        "/devicelogin",
                        [.hidden("otc", record.userCode), .hidden("ticket", tickets.issue(tenantId: tenant.id, userObjectId: user.objectId))],
                        [("consent", "accept", "Accept"), ("consent", "cancel", "Cancel")]
                    )
                )
            }
        } catch let error as IdentityError {
            return Self.codePage(error: "AADSTS\(error.code): \(error.message)")
        }
        return HTMLPage.render(
            title: "You're signed in",
            paragraphs: ["You have signed in to \(application.displayName) on your device. You may now close this window."]
        )
    }

    /// Code, user name and password in one form, as most device pages take them.
    static func codePage(error: String?) -> Response {
        HTMLPage.render(
            title: "Enter code",
            paragraphs: ["Enter the code displayed on your app or device, then sign in."],
            error: error,
            form: (
                "/devicelogin",
                [
                    .text(name: "otc", label: "Code"),
                    .text(name: "login", label: "Email, phone, or Skype", type: "email", autocomplete: "username"),
                    .text(name: "passwd", label: "Password", type: "password", autocomplete: "current-password"),
                ],
                [("action", "next", "Next")]
            )
        )
    }

    static func signInPage(code: String, application: String, error: String?) -> Response {
        HTMLPage.render(
            title: "Sign in",
            paragraphs: ["to continue to \(application) on your device"],
            error: error,
            form: (
                "/devicelogin",
                [
                    .hidden("otc", code),
                    .text(name: "login", label: "Email, phone, or Skype", type: "email", autocomplete: "username"),
                    .text(name: "passwd", label: "Password", type: "password", autocomplete: "current-password"),
                ],
                [("action", "signin", "Sign in")]
            )
        )
    }
}
