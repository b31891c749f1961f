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

/// An API that tokens can be issued for: its app id, the identifier URIs that name it, and its permissions.
public struct APIResource: Sendable, Equatable {
    public let appId: String
    public let displayName: String
    /// The identifier a token's `aud` carries when the client named the resource by its app id.
    public let primaryIdentifier: String
    /// Every accepted identifier, without trailing slash; `resource`, scope prefixes and `aud` may use any of them.
    public let identifiers: [String]
    public let permissions: [ResourcePermission]

    public var applicationPermissions: [ResourcePermission] { permissions.filter { $0.kind == .application } }
    public var delegatedPermissions: [ResourcePermission] { permissions.filter { $0.kind == .delegated } }

    /// The permission of `kind` with this value (case-insensitive), if the resource offers it.
    public func permission(_ value: String, kind: ResourcePermission.Kind) -> ResourcePermission? {
        permissions.first { $0.kind == kind && $0.value.lowercased() == value.lowercased() }
    }

    /// The canonical identifier for a `resource` value or a scope's resource part, if it names this resource.
    /// A trailing slash and letter case are ignored.
    public func identifier(matching text: String) -> String? {
        var candidate = text.lowercased()
        while candidate.hasSuffix("/") { candidate.removeLast() }
        return identifiers.first { $0.lowercased() == candidate }
    }

    /// The audience a token carries when the client asked for `identifier`.
    public func audience(for identifier: String) -> String {
        identifier == appId ? primaryIdentifier : identifier
    }

    /// Every resource tokens can be issued for.
    public static let all: [APIResource] = [ThreatProtectionResource.resource, GraphResource.resource]

    /// The resource named by `text` and its canonical identifier.
    public static func named(_ text: String) -> (resource: APIResource, identifier: String)? {
        for resource in all {
            if let identifier = resource.identifier(matching: text) { return (resource, identifier) }
        }
        return nil
    }
}

/// The "Microsoft Threat Protection" resource: app id, identifier URIs and permissions with their real ids
/// (spec §1.1, §1.2).
public enum ThreatProtectionResource {
    public static let appId = "8ee8fdad-f234-4243-8f3b-15c294843740"
    public static let displayName = "Microsoft Threat Protection"
    public static let primaryIdentifier = "https://api.security.microsoft.com"

    public static let resource = APIResource(
        appId: appId,
        displayName: displayName,
        primaryIdentifier: primaryIdentifier,
        identifiers: [
            "https://api.security.microsoft.com",
            "https://api-us.security.microsoft.com",
            "https://api-eu.security.microsoft.com",
            "https://api-uk.security.microsoft.com",
            "https://api-gcc.security.microsoft.us",
            "https://api-gov.security.microsoft.us",
            "https://security.microsoft.com/mtp",
            appId,
        ],
        permissions: [
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
            // OpenMTP's own: the real service has no way to load events; see docs/decisions.md.
            .init(
                kind: .application,
                value: "AdvancedHunting.Import.All",
                id: "b47ae178-b890-4d51-9722-a2bffc621392",
                displayName: "Import events into advanced hunting tables (OpenMTP)"
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
    )

    public static var applicationPermissions: [ResourcePermission] { resource.applicationPermissions }

}

/// Microsoft Graph, with the application and delegated permissions its `/security` routes use (spec §3.7), under
/// Graph's published permission ids, and `User.Read`.
public enum GraphResource {
    public static let appId = "00000003-0000-0000-c000-000000000000"

    public static let resource = APIResource(
        appId: appId,
        displayName: "Microsoft Graph",
        primaryIdentifier: "https://graph.microsoft.com",
        identifiers: ["https://graph.microsoft.com", "https://graph.microsoft.com/", appId],
        permissions: [
            .init(
                kind: .application,
                value: "SecurityIncident.Read.All",
                id: "45cc0394-e837-488b-a098-1918f48d186c",
                displayName: "Read all security incidents"
            ),
            .init(
                kind: .application,
                value: "SecurityIncident.ReadWrite.All",
                id: "34bf0e97-1971-4929-b999-9e2442d941d7",
                displayName: "Read and write to all security incidents"
            ),
            .init(
                kind: .application,
                value: "SecurityAlert.Read.All",
                id: "472e4a4d-bb4a-4026-98d1-0b0d74cb74a5",
                displayName: "Read all security alerts"
            ),
            .init(
                kind: .application,
                value: "SecurityAlert.ReadWrite.All",
                id: "ed4fca05-be46-441f-9803-1873825f8fdb",
                displayName: "Read and write to all security alerts"
            ),
            .init(
                kind: .application,
                value: "ThreatHunting.Read.All",
                id: "dd98c7f5-2d42-42d3-a0e4-633161547251",
                displayName: "Run hunting queries"
            ),
            .init(kind: .delegated, value: "SecurityIncident.Read.All", id: "b9abcc4f-94fc-4457-9141-d20ce80ec952", displayName: "Read incidents"),
            .init(
                kind: .delegated,
                value: "SecurityIncident.ReadWrite.All",
                id: "128ca929-1a19-45e6-a3b8-435ec44a36ba",
                displayName: "Read and write to incidents"
            ),
            .init(
                kind: .delegated,
                value: "SecurityAlert.Read.All",
                id: "bc257fb8-46b4-4b15-8713-01e91bfbe4ea",
                displayName: "Read all security alerts"
            ),
            .init(
                kind: .delegated,
                value: "SecurityAlert.ReadWrite.All",
                id: "471f2a7f-2a42-4d45-a2bf-594d0838070d",
                displayName: "Read and write to all security alerts"
            ),
            .init(kind: .delegated, value: "ThreatHunting.Read.All", id: "b152eca8-ea73-4a48-8c98-1a6742673d99", displayName: "Run hunting queries"),
            .init(kind: .delegated, value: "User.Read", id: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", displayName: "Sign in and read user profile"),
        ]
    )
}
