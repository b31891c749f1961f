/// A permission a resource offers: an application permission (app role, `roles` claim) or a delegated
/// permission (scope, `scp` claim).
public struct ResourcePermission: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case application, delegated
    }

    public let kind: Kind
    /// The value as it appears in tokens, e.g. `Incident.Read.All`.
    public let value: String
    public let id: String
    public let displayName: String
}

/// The "Microsoft Threat Protection" resource: its app id, the identifier URIs that name it, and its
/// permissions with their real ids (spec §1.1, §1.2).
public enum ThreatProtectionResource {
    public static let appId = "8ee8fdad-f234-4243-8f3b-15c294843740"
    public static let displayName = "Microsoft Threat Protection"
    /// The identifier a token's `aud` carries when the client named the resource by its app id.
    public static let primaryIdentifier = "https://api.security.microsoft.com"

    /// Every accepted identifier, without trailing slash; `resource`, scope prefixes and `aud` may use any of them.
    public static let identifiers: [String] = [
        "https://api.security.microsoft.com",
        "https://api-us.security.microsoft.com",
        "https://api-eu.security.microsoft.com",
        "https://api-uk.security.microsoft.com",
        "https://api-gcc.security.microsoft.us",
        "https://api-gov.security.microsoft.us",
        "https://security.microsoft.com/mtp",
        appId,
    ]

    public static let permissions: [ResourcePermission] = [
        .init(kind: .application, value: "Incident.Read.All", id: "a9790345-4595-42e4-971a-ccdc79f19b7c", displayName: "Read all incidents"),
        .init(
            kind: .application,
            value: "Incident.ReadWrite.All",
            id: "8d90f441-09cf-4fdc-ab45-e874fa3a28e8",
            displayName: "Read and write all incidents"
        ),
        .init(
            kind: .application,
            value: "AdvancedHunting.Read.All",
            id: "7734e8e5-8dde-42fc-b5ae-6eafea078693",
            displayName: "Run advanced hunting queries"
        ),
        .init(
            kind: .application,
            value: "CustomDetections.ReadWrite.All",
            id: "a7deff90-e2f5-4e4e-83a3-2c74e7002e28",
            displayName: "Read and write all custom detection rules"
        ),
        .init(kind: .delegated, value: "Incident.Read", id: "12c153a4-4204-4224-aa3c-4626e2f47c2b", displayName: "Read incidents"),
        .init(kind: .delegated, value: "Incident.ReadWrite", id: "2af415cc-88cf-4146-a0c8-444c3a80d5db", displayName: "Read and write incidents"),
        .init(
            kind: .delegated,
            value: "AdvancedHunting.Read",
            id: "15f11de4-5113-4268-a2d1-0bad43d781f9",
            displayName: "Run advanced hunting queries"
        ),
        .init(
            kind: .delegated,
            value: "CustomDetections.ReadWrite",
            id: "ddbb8d0c-c86b-4ece-bcb7-0f031a9cf103",
            displayName: "Read and write custom detection rules"
        ),
    ]

    public static var applicationPermissions: [ResourcePermission] { permissions.filter { $0.kind == .application } }

    /// The application permission with this value (case-insensitive), if the resource offers it.
    public static func applicationPermission(_ value: String) -> ResourcePermission? {
        applicationPermissions.first { $0.value.lowercased() == value.lowercased() }
    }

    /// The canonical identifier for a `resource` value or a scope's resource part, if it names this resource.
    /// A trailing slash and letter case are ignored.
    public static func identifier(matching text: String) -> String? {
        var candidate = text.lowercased()
        while candidate.hasSuffix("/") { candidate.removeLast() }
        return identifiers.first { $0.lowercased() == candidate }
    }
}
