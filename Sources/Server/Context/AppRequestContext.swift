public import Hummingbird
import Identity

/// The request context of every route: Hummingbird's core storage plus the caller a valid bearer token proved.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``BearerAuthenticationMiddleware`` on `/api` routes.
    var caller: CallerIdentity?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// The authenticated caller; routes behind the bearer middleware always have one.
    func requireCaller() throws -> CallerIdentity {
        guard let caller else { throw APIError.unauthorized }
        return caller
    }

    /// The caller, when it holds at least one of the permissions (as application role or delegated scope);
    /// otherwise a 403 naming them.
    func requireCaller(holdingAnyOf permissions: [String]) throws -> CallerIdentity {
        let caller = try requireCaller()
        guard caller.holdsAny(of: permissions) else { throw APIError.forbidden(missing: permissions, application: caller.isApplication) }
        return caller
    }
}
