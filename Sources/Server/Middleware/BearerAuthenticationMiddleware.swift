import Foundation
import Hummingbird
import Identity
import Logging

/// Validates the `Authorization: Bearer` token of every `/api` request and puts the caller in the context;
/// a missing or invalid token is a 401 (the reason goes to the log, never the token itself).
struct BearerAuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let validator: TokenValidator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            context.logger.debug("api.token_missing")
            throw APIError.unauthorized
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw APIError.unauthorized }
        var context = context
        do {
            context.caller = try await validator.validate(String(parts[1]).trimmingCharacters(in: .whitespaces))
        } catch {
            context.logger.info("api.token_rejected", metadata: ["api.reason": "\(error.reason)"])
            throw APIError.unauthorized
        }
        context.logger[metadataKey: "api.tenant_id"] = "\(context.caller?.tenantId ?? "")"
        context.logger[metadataKey: "api.app_id"] = "\(context.caller?.appId ?? "")"
        return try await next(request, context)
    }
}
