/// The directory roles that govern what a user may do in Defender, with Entra's role template ids (the `wids`
/// claim) and the delegated permissions each allows. In user context the effective permission is the token's
/// scope intersected with what the user's roles allow.
public struct DirectoryRole: Sendable, Equatable {
    public let name: String
    public let templateId: String
    /// Delegated permission values this role lets a user exercise.
    public let allows: Set<String>

    public static let securityReader = DirectoryRole(
        name: "Security Reader",
        templateId: "5d6b6bb7-de71-4623-b4af-96380a352509",
        allows: [
            "Incident.Read", "AdvancedHunting.Read", "User.Read", "SecurityIncident.Read.All", "SecurityAlert.Read.All", "ThreatHunting.Read.All",
        ]
    )
    public static let securityOperator = DirectoryRole(
        name: "Security Operator",
        templateId: "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f",
        allows: securityReader.allows.union(["Incident.ReadWrite", "SecurityIncident.ReadWrite.All", "SecurityAlert.ReadWrite.All"])
    )
    public static let securityAdministrator = DirectoryRole(
        name: "Security Administrator",
        templateId: "194ae4cb-b126-40b2-bd5b-6091b380977d",
        allows: securityOperator.allows.union(["CustomDetections.ReadWrite"])
    )
    public static let globalAdministrator = DirectoryRole(
        name: "Global Administrator",
        templateId: "62e90394-69f5-4237-9190-012177145e10",
        allows: securityAdministrator.allows
    )

    public static let all: [DirectoryRole] = [securityReader, securityOperator, securityAdministrator, globalAdministrator]

    /// The role with this name (case-insensitive) or template id.
    public static func named(_ text: String) -> DirectoryRole? {
        all.first { $0.name.lowercased() == text.lowercased() || $0.templateId == text.lowercased() }
    }

    /// Whether these roles (by template id) allow any of `permissions`.
    public static func allowAny(of permissions: [String], templateIds: [String]) -> Bool {
        let allowed = all.filter { templateIds.contains($0.templateId) }.reduce(into: Set<String>()) { $0.formUnion($1.allows) }
        return permissions.contains(where: allowed.contains)
    }
}
