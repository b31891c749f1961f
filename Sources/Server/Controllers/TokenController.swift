import Foundation
import Hummingbird
import Identity
import Logging
import OpenMTPModels

/// `POST /{tenant}/oauth2/token` (v1) and `POST /{tenant}/oauth2/v2.0/token` (v2).
///
/// The body is read as a form whatever the Content-Type says (msticpy sends none); errors are Entra bodies with
/// the status the AADSTS code calls for.
struct TokenController {
    let tokens: TokenService
    let clock: IdentityClock
    /// Token requests are small; anything larger is refused before parsing.
    let maxBodySize = 64 * 1024

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post(":tenant/oauth2/token") { request, context in try await self.token(request, context, version: .v1) }
        router.post(":tenant/oauth2/v2.0/token") { request, context in try await self.token(request, context, version: .v2) }
    }

    private func token(_ request: Request, _ context: AppRequestContext, version: TokenEndpointVersion) async throws -> Response {
        var request = request
        let requestId = SecureRandom.uuidString()
        let body = try await request.collectBody(upTo: maxBodySize)
        let tokenRequest = TokenRequest(
            tenant: try context.parameters.require("tenant"),
            version: version,
            parameters: FormEncoding.decode(body.readableBytesView),
            authorizationHeader: request.headers[.authorization],
            issuerBase: request.publicBaseURL
        )
        do {
            switch try await tokens.token(for: tokenRequest) {
            case .v1(let response): return try JSONResponses.token(response, requestId: requestId)
            case .v2(let response): return try JSONResponses.token(response, requestId: requestId)
            }
        } catch let error as IdentityError {
            context.logger.info("idp.token_refused", metadata: ["idp.error": "\(error.error)", "idp.code": "\(error.code)"])
            let correlationId = request.headers[.init("client-request-id")!] ?? SecureRandom.uuidString()
            let body = error.body(traceId: requestId, correlationId: correlationId, at: clock.now())
            return try JSONResponses.token(body, status: .init(code: error.httpStatus), requestId: requestId)
        }
    }
}
