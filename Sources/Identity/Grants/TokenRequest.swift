import Foundation

/// Which token endpoint a request came to: v1 (`/oauth2/token`, `resource=`) or v2 (`/oauth2/v2.0/token`, `scope=`).
public enum TokenEndpointVersion: Sendable {
    case v1, v2
}

/// A token request as the endpoint received it: the tenant segment of the path, the form fields, and the client
/// credentials of an HTTP Basic `Authorization` header if one was sent.
public struct TokenRequest: Sendable {
    public let tenant: String
    public let version: TokenEndpointVersion
    public let parameters: [String: String]
    public let basicCredentials: (clientId: String, secret: String)?
    /// The scheme and host the client called (`https://localhost:8443`): v2 ID tokens name it as issuer, and client
    /// assertions must be addressed to it.
    public let issuerBase: String

    public init(
        tenant: String,
        version: TokenEndpointVersion,
        parameters: [String: String],
        authorizationHeader: String?,
        issuerBase: String = "https://localhost"
    ) {
        self.tenant = tenant
        self.version = version
        self.parameters = parameters
        self.basicCredentials = authorizationHeader.flatMap(Self.basicCredentials)
        self.issuerBase = issuerBase
    }

    /// A non-empty form field.
    func parameter(_ name: String) -> String? {
        parameters[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    func required(_ name: String) throws(IdentityError) -> String {
        guard let value = parameter(name) else { throw .missingParameter(name) }
        return value
    }

    /// RFC 6749 §2.3.1: `Basic base64(urlencode(id) ":" urlencode(secret))`.
    private static func basicCredentials(_ header: String) -> (String, String)? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let decoded = Data(base64Encoded: String(parts[1])).flatMap({ String(data: $0, encoding: .utf8) }),
            let colon = decoded.firstIndex(of: ":")
        else { return nil }
        let id = String(decoded[..<colon]).removingPercentEncoding ?? String(decoded[..<colon])
        let secret = String(decoded[decoded.index(after: colon)...])
        return (id, secret.removingPercentEncoding ?? secret)
    }
}
