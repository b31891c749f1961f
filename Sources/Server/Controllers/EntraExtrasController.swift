import Foundation
import Hummingbird
import OpenMTPModels
import Store

/// The smaller Entra endpoints clients call: user realm discovery (msal's ROPC), instance discovery, and logout.
struct EntraExtrasController {
    let directory: any DirectoryStore

    func addRoutes(to router: Router<AppRequestContext>) {
        // `/common/userrealm/{user}`: every account here is managed (no federation), so msal goes on with ROPC.
        router.get(":tenant/userrealm/:user") { request, context in
            guard try context.parameters.require("tenant") == "common" else { throw HTTPError(.notFound) }
            let user = try context.parameters.require("user")
            let domain = user.split(separator: "@").last.map(String.init) ?? ""
            let body: JSONValue = .object([
                ("ver", .string("1.0")), ("account_type", .string("Managed")), ("domain_name", .string(domain)),
                ("cloud_instance_name", .string("microsoftonline.com")), ("cloud_audience_urn", .string("urn:federation:MicrosoftOnline")),
            ])
            return JSONResponses.discovery(body.serialized)
        }
        // `/common/discovery/instance`: this server is its own (only) cloud instance. The tenant comes from the
        // `authorization_endpoint` the client asks about, as Entra answers.
        router.get(":tenant/discovery/instance") { request, context in
            guard try context.parameters.require("tenant") == "common" else { throw HTTPError(.notFound) }
            let base = request.publicBaseURL
            let host = request.head.authority ?? "localhost"
            let endpoint = FormEncoding.decode((request.uri.query ?? "").utf8)["authorization_endpoint"].flatMap(URL.init(string:))
            let tenant = endpoint?.pathComponents.dropFirst().first ?? "common"
            let body: JSONValue = .object([
                ("tenant_discovery_endpoint", .string("\(base)/\(tenant)/v2.0/.well-known/openid-configuration")),
                ("api-version", .string("1.1")),
                (
                    "metadata",
                    .array([
                        .object([
                            ("preferred_network", .string(host)), ("preferred_cache", .string(host)), ("aliases", .array([.string(host)])),
                        ])
                    ])
                ),
            ])
            return JSONResponses.discovery(body.serialized)
        }
        // Logout: no server-side browser session is kept, so there is nothing to end. Go back when asked to, but only
        // to a redirect URI registered on one of the tenant's applications (no open redirect).
        for path in [":tenant/oauth2/v2.0/logout", ":tenant/oauth2/logout"] {
            router.get(RouterPath(path)) { request, context in
                let query = FormEncoding.decode((request.uri.query ?? "").utf8)
                if let target = query["post_logout_redirect_uri"],
                    let tenant = try await directory.tenant(idOrDomain: context.parameters.require("tenant")),
                    try await directory.applications(tenantId: tenant.id).contains(where: { $0.redirectURIs.contains(target) })
                {
                    return Response(status: .found, headers: [.location: target])
                }
                return HTMLPage.render(title: "You signed out of your account", paragraphs: ["It's a good idea to close all browser windows."])
            }
        }
    }
}
