import Defender
import Foundation
import Hummingbird
import Hunting
import Identity
import NIOFoundationEssentialsCompat
import OpenMTPModels

/// An error of the Graph routes in Graph's shape: `{"error":{"code","message","innerError":{"date","request-id",
/// "client-request-id"}}}` (spec §3.7).
struct GraphError: HTTPResponseError, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    var retryAfterSeconds: Int?

    init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// Graph's refusal of a token without the route's permissions, naming them and the caller's.
    static func forbidden(required: [String], held: Set<String>, application: Bool) -> GraphError {
        let kind = application ? "application roles" : "scopes"
        return GraphError(
            .forbidden,
            code: "Forbidden",
            message:
                "Missing \(kind). API required \(kind): \(required.joined(separator: ",")), \(kind) on the token: \(held.sorted().joined(separator: ","))."
        )
    }

    /// The same failure as the Defender routes would report it, in Graph's words.
    init(_ error: APIError) {
        switch error.status {
        case .unauthorized: self.init(.unauthorized, code: "InvalidAuthenticationToken", message: "Access token validation failure.")
        case .tooManyRequests: self.init(.tooManyRequests, code: "TooManyRequests", message: "Too many requests. \(error.message)")
        case .notFound: self.init(.notFound, code: "NotFound", message: error.message)
        case .forbidden: self.init(.forbidden, code: "Forbidden", message: error.message)
        case .internalServerError: self.init(.internalServerError, code: "InternalServerError", message: error.message)
        default: self.init(error.status, code: "BadRequest", message: error.message)
        }
        retryAfterSeconds = error.retryAfterSeconds
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let requestId = SecureRandom.uuidString()
        let body: JSONValue = .object([
            (
                "error",
                .object([
                    ("code", .string(code)), ("message", .string(message)),
                    (
                        "innerError",
                        .object([
                            ("date", .string(Timestamp(Date()).iso8601)), ("request-id", .string(requestId)),
                            ("client-request-id", .string(request.headers[.init("client-request-id")!] ?? requestId)),
                        ])
                    ),
                ])
            )
        ])
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .init("request-id")!: requestId]
        if status == .unauthorized { headers[.wwwAuthenticate] = #"Bearer realm="", error="invalid_token""# }
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body.serialized)))
    }
}

/// Turns every error under `/v1.0` into Graph's shape, going through ``APIError`` for the Defender-side ones.
struct GraphErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await APIErrorMiddleware<Context>().handle(request, context: context, next: next)
        } catch let error as GraphError {
            throw error
        } catch let error as APIError {
            throw GraphError(error)
        }
    }
}
