import Defender
import Foundation
public import Hummingbird
import Hunting
import Identity
import Logging
import NIOFoundationEssentialsCompat
import OpenMTPModels
import Store

/// An error of the Defender API as it goes on the wire: `{"error":{"code","message","target"}}`, where `target`
/// is a fresh tracking GUID (spec §3.0). A 401 also carries a `WWW-Authenticate: Bearer` challenge.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Seconds for a `Retry-After` header (429 answers).
    public var retryAfterSeconds: Int?

    init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// A quota refusal: 429 whose `code` is the string "429", as the service sends it, with `Retry-After`.
    init(_ refusal: APIQuotas.Refusal) {
        self.init(.tooManyRequests, code: "429", message: refusal.message)
        retryAfterSeconds = max(1, refusal.retryAfterSeconds)
    }

    static let unauthorized = APIError(.unauthorized, code: "Unauthorized", message: "Unauthorized")

    static func forbidden(missing permissions: [String], application: Bool) -> APIError {
        let kind = application ? "application" : "delegated"
        return APIError(
            .forbidden,
            code: "Forbidden",
            message:
                "The \(application ? "application" : "user") does not have any of the required \(kind) permissions (\(permissions.joined(separator: ", "))) to access the resource."
        )
    }

    static func badRequest(_ code: String, _ message: String) -> APIError { APIError(.badRequest, code: code, message: message) }

    /// The wire form of a domain error.
    init(_ error: DefenderError) {
        self.init(HTTPResponse.Status(code: error.httpStatus), code: error.code, message: error.message)
    }

    /// Directory errors of the admin API: a missing tenant, app or user is a 404, anything else the caller's to fix.
    init(_ error: IdentityError) {
        self.init(
            error.namesMissingObject ? .notFound : .badRequest,
            code: error.namesMissingObject ? "NotFound" : "BadRequest",
            message: error.description
        )
    }

    init(_ error: StoreError) {
        if error.isDuplicate {
            self.init(.conflict, code: "Conflict", message: "Already exists: \(error.message).")
        } else if error.isNotFound {
            self.init(.notFound, code: "NotFound", message: "Not found: \(error.message).")
        } else {
            self.init(.internalServerError, code: "InternalServerError", message: "An internal error occurred; retry the request.")
        }
    }

    /// Query errors (syntax, names, types, limits) are the caller's to fix: 400.
    init(_ error: HuntingError) {
        self.init(.badRequest, code: "BadRequest", message: error.message)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = APIErrorBody(code: code, message: message, target: SecureRandom.uuidString())
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if status == .unauthorized {
            headers[.wwwAuthenticate] = #"Bearer error="invalid_token", error_description="The access token is missing, invalid or expired.""#
        }
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: try JSONResponses.encode(body))))
    }
}

/// Turns domain errors thrown under `/api` into ``APIError`` responses; anything unexpected becomes a 500 in the
/// same shape, logged without request details.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as GraphError {
            throw error
        } catch let error as DefenderError {
            throw APIError(error)
        } catch let refusal as APIQuotas.Refusal {
            throw APIError(refusal)
        } catch let error as HuntingError {
            throw APIError(error)
        } catch let error as IdentityError {
            throw APIError(error)
        } catch let error as StoreError where error.isDuplicate || error.isNotFound {
            throw APIError(error)
        } catch let error as HTTPError {
            throw APIError(error.status, code: error.status.code == 404 ? "NotFound" : "BadRequest", message: error.body ?? error.status.reasonPhrase)
        } catch {
            context.logger.error("api.unexpected_error", metadata: ["api.error": "\(error)"])
            throw APIError(.internalServerError, code: "InternalServerError", message: "An internal error occurred; retry the request.")
        }
    }
}
