import Foundation
public import OpenMTPModels

/// The one error type of the authorization server: an Entra `error` value, the AADSTS code and message,
/// and the HTTP status the token endpoint answers with (spec §2.7).
public struct IdentityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The OAuth `error` string, e.g. `invalid_client`.
    public let error: String
    /// The AADSTS number, e.g. 7000215.
    public let code: Int
    /// The message after `AADSTS<code>: `.
    public let message: String
    public let httpStatus: Int
    /// A finer reason some errors carry, e.g. `consent_required`.
    public let suberror: String?

    init(_ error: String, _ code: Int, _ message: String, status: Int = 400, suberror: String? = nil) {
        self.error = error
        self.code = code
        self.message = message
        self.httpStatus = status
        self.suberror = suberror
    }

    public var description: String { code > 0 ? "AADSTS\(code): \(message)" : message }

    /// The Entra error body, with the trace/correlation/timestamp trailer clients expect in `error_description`.
    public func body(traceId: String, correlationId: String, at time: Timestamp) -> OAuthErrorBody {
        let stamp = Self.entraTimestamp(time)
        return OAuthErrorBody(
            error: error,
            errorDescription: "AADSTS\(code): \(message)\r\nTrace ID: \(traceId)\r\nCorrelation ID: \(correlationId)\r\nTimestamp: \(stamp)",
            errorCodes: [code],
            timestamp: stamp,
            traceId: traceId,
            correlationId: correlationId,
            errorURI: "https://login.microsoftonline.com/error?code=\(code)",
            suberror: suberror
        )
    }

    /// `yyyy-MM-dd HH:mm:ssZ`, the form Entra uses in error bodies.
    static func entraTimestamp(_ time: Timestamp) -> String {
        let iso = Timestamp(ticks: time.ticks - time.ticks % Timestamp.ticksPerSecond).iso8601
        return iso.replacingOccurrences(of: "T", with: " ")
    }
}

extension IdentityError {
    static func missingParameter(_ name: String) -> IdentityError {
        IdentityError("invalid_request", 900144, "The request body must contain the following parameter: '\(name)'.")
    }

    /// Whether the error says a tenant, application or user does not exist (the admin API answers 404).
    public var namesMissingObject: Bool { [90002, 700016, 50034].contains(code) }

    static func tenantNotFound(_ tenant: String) -> IdentityError {
        IdentityError(
            "invalid_request",
            90002,
            "Tenant '\(tenant)' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
        )
    }

    static func applicationNotFound(_ appId: String, tenant: String) -> IdentityError {
        IdentityError(
            "unauthorized_client",
            700016,
            "Application with identifier '\(appId)' was not found in the directory '\(tenant)'. This can happen if the application has not "
                + "been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your "
                + "authentication request to the wrong tenant."
        )
    }

    static func invalidClientSecret(appId: String) -> IdentityError {
        IdentityError(
            "invalid_client",
            7_000_215,
            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client "
                + "secret ID, for a secret added to app '\(appId)'.",
            status: 401
        )
    }

    static func expiredClientSecret(appId: String) -> IdentityError {
        IdentityError(
            "invalid_client",
            7_000_222,
            "The provided client secret keys for app '\(appId)' are expired. Visit the Azure portal to create new keys for your app.",
            status: 401
        )
    }

    static let missingClientCredential = IdentityError(
        "invalid_client",
        7_000_218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        status: 401
    )

    static func publicClientWithCredential() -> IdentityError {
        IdentityError(
            "invalid_client",
            700025,
            "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
            status: 401
        )
    }

    static func unsupportedGrantType(_ grant: String) -> IdentityError {
        IdentityError("unsupported_grant_type", 70003, "The app requested an unsupported grant type '\(grant)'.")
    }

    static func invalidScope(_ scope: String) -> IdentityError {
        IdentityError(
            "invalid_scope",
            70011,
            "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' isn't valid. "
                + "The scope \(scope) is not valid."
        )
    }

    static func scopeMustBeDefault(_ scope: String) -> IdentityError {
        IdentityError(
            "invalid_scope",
            1_002_012,
            "The provided value for scope \(scope) is not valid. Client credential flows must have a scope value with /.default suffixed "
                + "to the resource identifier (application ID URI)."
        )
    }

    static func multipleResources() -> IdentityError {
        IdentityError(
            "invalid_scope",
            700022,
            "The provided value for the input parameter scope is not valid because it contains more than one resource."
        )
    }

    static func resourceNotFound(_ resource: String, tenant: String) -> IdentityError {
        IdentityError(
            "invalid_resource",
            500011,
            "The resource principal named \(resource) was not found in the tenant named \(tenant). This can happen if the application has "
                + "not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent "
                + "your authentication request to the wrong tenant."
        )
    }

}
