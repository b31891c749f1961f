import Store

/// What a user flow asks for: one resource, delegated scopes on it (or `.default`: everything consented), and
/// OpenID scopes.
public struct ScopeRequest: Sendable, Equatable {
    public static let openIDScopes: Set<String> = ["openid", "profile", "email", "offline_access"]

    public let resource: APIResource
    /// The identifier the client named the resource by; the token's audience derives from it.
    public let identifier: String
    /// Requested delegated scope names; empty means `.default`.
    public let scopes: [String]
    /// OpenID scopes asked for, in request order.
    public let openID: [String]

    public var isDefault: Bool { scopes.isEmpty }

    /// Reads a v2 `scope` parameter: `https://api.security.microsoft.com/Incident.Read offline_access openid`.
    /// Unqualified names are Microsoft Graph scopes, as Entra reads them; only OpenID scopes means Graph `User.Read`.
    public static func v2(_ text: String) throws(IdentityError) -> ScopeRequest {
        let items = text.split(separator: " ").map(String.init)
        let openID = items.filter { openIDScopes.contains($0.lowercased()) }.map { $0.lowercased() }
        var resource: (APIResource, String)?
        var scopes: [String] = []
        for item in items where !openIDScopes.contains(item.lowercased()) {
            let (resourceText, name) = split(item)
            guard let named = APIResource.named(resourceText) else { throw IdentityError.resourceNotFound(resourceText, tenant: "") }
            if let current = resource, current.0 != named.resource { throw IdentityError.multipleResources() }
            resource = resource ?? (named.resource, named.identifier)
            if name != ".default" {
                guard let permission = named.resource.permission(name, kind: .delegated) else {
                    throw IdentityError.unknownScope(name, resource: named.identifier)
                }
                scopes.append(permission.value)
            }
        }
        guard let (api, identifier) = resource else {
            return ScopeRequest(
                resource: GraphResource.resource,
                identifier: GraphResource.resource.primaryIdentifier,
                scopes: ["User.Read"],
                openID: openID
            )
        }
        return ScopeRequest(resource: api, identifier: identifier, scopes: scopes, openID: openID)
    }

    /// A v1 request names the resource; it gets every consented scope, and always an ID token and refresh token.
    public static func v1(resource text: String) throws(IdentityError) -> ScopeRequest {
        guard let named = APIResource.named(text) else { throw IdentityError.resourceNotFound(text, tenant: "") }
        return ScopeRequest(resource: named.resource, identifier: named.identifier, scopes: [], openID: ["openid", "offline_access"])
    }

    /// `https://host/path/Scope.Name` → (`https://host/path`, `Scope.Name`); an unqualified name is Graph's.
    private static func split(_ item: String) -> (String, String) {
        guard item.contains("/"), let slash = item.lastIndex(of: "/") else { return (GraphResource.resource.primaryIdentifier, item) }
        return (String(item[..<slash]), String(item[item.index(after: slash)...]))
    }
}

/// Decides which delegated scopes a client may use for a user: the ones consented by an administrator for every
/// user, or by the user.
struct DelegatedConsent {
    let directory: any DirectoryStore

    /// The scopes to grant, and the requested ones still lacking consent. With `.default`, everything consented is
    /// granted and nothing is missing; an empty grant then means no consent at all.
    func evaluate(
        _ request: ScopeRequest,
        tenantId: String,
        clientAppId: String,
        userObjectId: String
    ) async throws -> (granted: [String], missing: [String]) {
        let consented = try await directory.delegatedGrants(tenantId: tenantId, clientAppId: clientAppId)
            .filter { $0.resourceAppId == request.resource.appId && ($0.principalId == nil || $0.principalId == userObjectId) }
            .reduce(into: [String]()) { all, grant in all += grant.scopes.filter { !all.contains($0) } }
        if request.isDefault { return (consented, []) }
        return (request.scopes.filter(consented.contains), request.scopes.filter { !consented.contains($0) })
    }
}
