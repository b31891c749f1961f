import Hummingbird
import Identity
import Logging

/// Validates the `Authorization: Bearer` token of every `/api` request and puts the caller in the context;
/// a missing or invalid token is a 401 (the reason goes to the log, never the token itself).
struct BearerAuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let validator: TokenValidator

    func handle(_ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            context.logger.debug("api.token_missing")
            throw APIError.unauthorized
        }
        guard let token = Self.bearerToken(header) else { throw APIError.unauthorized }
        var context = context
        do {
            context.caller = try await validator.validate(String(token))
        } catch {
            context.logger.info("api.token_rejected", metadata: ["api.reason": "\(error.reason)"])
            throw APIError.unauthorized
        }
        context.logger[metadataKey: "api.tenant_id"] = "\(context.caller?.tenantId ?? "")"
        context.logger[metadataKey: "api.app_id"] = "\(context.caller?.appId ?? "")"
        return try await next(request, context)
    }

    /// The token of `Bearer <token>` (scheme case-insensitive, blanks around the token ignored), read as bytes: a
    /// token is over a kilobyte of ASCII, and Character-wise splitting would cost more than the rest of the check.
    static func bearerToken(_ header: String) -> String? {
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        let utf8 = Substring(header).utf8
        guard let space = utf8.firstIndex(where: blank), header[..<space].lowercased() == "bearer" else { return nil }
        var token = utf8[space...].drop(while: blank)
        while let last = token.last, blank(last) { token = token.dropLast() }
        guard !token.isEmpty, !token.contains(where: blank) else { return nil }
        return String(Substring(token))
    }
}
