/// The body of every Entra token-endpoint error (spec §2.7).
///
/// `errorDescription` is `AADSTS<code>: <message>` followed by the trace, correlation and timestamp lines;
/// clients search it for the `AADSTS<code>` prefix.
public struct OAuthErrorBody: Codable, Sendable, Equatable {
    public var error: String
    public var errorDescription: String
    public var errorCodes: [Int]
    public var timestamp: String
    public var traceId: String
    public var correlationId: String
    public var errorURI: String?
    /// Set on some errors, e.g. `consent_required`; msal maps it to `classification`.
    public var suberror: String?

    public init(
        error: String,
        errorDescription: String,
        errorCodes: [Int],
        timestamp: String,
        traceId: String,
        correlationId: String,
        errorURI: String?,
        suberror: String? = nil
    ) {
        self.error = error
        self.errorDescription = errorDescription
        self.errorCodes = errorCodes
        self.timestamp = timestamp
        self.traceId = traceId
        self.correlationId = correlationId
        self.errorURI = errorURI
        self.suberror = suberror
    }

    enum CodingKeys: String, CodingKey {
        case error
        case errorDescription = "error_description"
        case errorCodes = "error_codes"
        case timestamp
        case traceId = "trace_id"
        case correlationId = "correlation_id"
        case errorURI = "error_uri"
        case suberror
    }
}
