import Foundation
import Hummingbird
import Identity
import Logging
import Store

/// `GET|POST /{tenant}/oauth2/v2.0/authorize` and `/{tenant}/oauth2/authorize`: the authorization code flow's
/// sign-in page, then the consent page when the user has not consented yet, then the redirect with the code.
///
/// The request's parameters travel through the pages as hidden fields and are validated again on every step.
struct AuthorizeController {
    let authorization: AuthorizationService
    let users: UserAuthenticator
    let directory: DirectoryService
    let tickets: InteractionTickets

    /// The authorize parameters carried from page to page.
    static let carried = [
        "client_id", "response_type", "redirect_uri", "scope", "resource", "state", "nonce", "code_challenge", "code_challenge_method",
        "response_mode", "prompt", "login_hint", "domain_hint", "client_info",
    ]

    func addRoutes(to router: Router<AppRequestContext>) {
        for (path, version) in [(":tenant/oauth2/v2.0/authorize", TokenEndpointVersion.v2), (":tenant/oauth2/authorize", .v1)] {
            router.get(RouterPath(path)) { request, context in
                try await self.handle(request, context, version: version, form: FormEncoding.decode((request.uri.query ?? "").utf8))
            }
            router.post(RouterPath(path)) { request, context in
                var request = request
                let body = try await request.collectBody(upTo: 64 * 1024)
                return try await self.handle(request, context, version: version, form: FormEncoding.decode(body.readableBytesView))
            }
        }
    }

    private func handle(
        _ request: Request,
        _ context: AppRequestContext,
        version: TokenEndpointVersion,
        form: [String: String]
    ) async throws -> Response {
        let tenantName = try context.parameters.require("tenant")
        let authorize: AuthorizationRequest
        do {
            authorize = try await authorization.begin(tenantName: tenantName, version: version, parameters: form)
        } catch let failure as AuthorizationFailure {
            return Self.respond(failure)
        }
        let action = request.uri.path
        let carried = Self.carried.compactMap { name in form[name].map { HTMLPage.Field.hidden(name, $0) } }

        if let ticket = form["ticket"], let consent = form["consent"] {
            guard let userId = tickets.verify(ticket, tenantId: authorize.tenant.id),
                let user = try await directory.store.user(tenantId: authorize.tenant.id, objectId: userId)
            else { return signInPage(authorize, action: action, carried: carried, error: "Your sign-in expired. Sign in again.") }
            guard consent == "accept" else { return Self.redirect(authorization.declined(authorize)) }
            try await authorization.consent(authorize, user: user)
            return Self.redirect(try await authorization.complete(authorize, user: user))
        }

        guard let username = form["login"], let password = form["passwd"], request.method == .post else {
            return signInPage(authorize, action: action, carried: carried, error: nil)
        }
        let user: UserRecord
        do {
            user = try await users.authenticate(tenant: authorize.tenant, username: username, password: password)
        } catch let error as IdentityError {
            context.logger.info("idp.sign_in_refused", metadata: ["idp.code": "\(error.code)"])
            return signInPage(authorize, action: action, carried: carried, error: "AADSTS\(error.code): \(error.message)")
        }
        let missing = try await authorization.missingConsent(authorize, user: user)
        guard missing.isEmpty else {
            return HTMLPage.render(
                title: "Permissions requested",
                paragraphs: ["\(authorize.application.displayName) wants to act for \(user.userPrincipalName) with these permissions:"]
                    + missing.map { "• \($0) (\(authorize.scopes.resource.displayName))" },
                form: (
                    action,
                    carried + [.hidden("ticket", tickets.issue(tenantId: authorize.tenant.id, userObjectId: user.objectId))],
                    [("consent", "accept", "Accept"), ("consent", "cancel", "Cancel")]
                )
            )
        }
        return Self.redirect(try await authorization.complete(authorize, user: user))
    }

    private func signInPage(_ authorize: AuthorizationRequest, action: String, carried: [HTMLPage.Field], error: String?) -> Response {
        HTMLPage.render(
            title: "Sign in",
            paragraphs: ["to continue to \(authorize.application.displayName) (\(authorize.tenant.domain))"],
            error: error,
            form: (
                action,
                carried + [
                    .text(name: "login", label: "Email, phone, or Skype", value: authorize.loginHint ?? "", type: "email", autocomplete: "username"),
                    .text(name: "passwd", label: "Password", type: "password", autocomplete: "current-password"),
                ],
                [("action", "signin", "Sign in")]
            )
        )
    }

    static func redirect(_ response: AuthorizationResponse) -> Response {
        if response.responseMode == "form_post" { return HTMLPage.autoPost(to: response.redirectURI, parameters: response.parameters) }
        return Response(status: .found, headers: [.location: response.location, .cacheControl: "no-store"])
    }

    /// A failure the client can be told about goes back to it; otherwise an error page (never redirect to an
    /// unregistered URI).
    static func respond(_ failure: AuthorizationFailure) -> Response {
        if let response = failure.response { return redirect(response) }
        return HTMLPage.render(
            title: "Sign-in error",
            paragraphs: ["AADSTS\(failure.error.code): \(failure.error.message)"],
            status: .badRequest
        )
    }
}
