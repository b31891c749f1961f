public import OpenMTPModels
public import Store

/// Reads incidents for a tenant.
public struct IncidentService: Sendable {
    let store: any IncidentStore

    public init(store: any IncidentStore) {
        self.store = store
    }

    /// A page of the tenant's incidents, most recently updated first.
    public func incidents(tenantId: String, query: IncidentQuery) async throws -> [Incident] {
        try await store.incidents(tenantId: tenantId, query: query).map { Self.linked($0, tenantId: tenantId) }
    }

    /// The incident with the id given in the URL path.
    public func incident(id text: String, tenantId: String) async throws -> Incident {
        guard let id = Int64(text) else { throw DefenderError.invalidInput("incident id '\(text)': it must be a number.") }
        guard let incident = try await store.incident(id: id, tenantId: tenantId) else {
            throw DefenderError.notFound("Incident \(id)")
        }
        return Self.linked(incident, tenantId: tenantId)
    }

    /// Sets `incidentUri` as the service writes it: the portal page of the incident in the tenant.
    static func linked(_ incident: Incident, tenantId: String) -> Incident {
        var linked = incident
        linked.incidentUri = "https://security.microsoft.com/incidents/\(incident.incidentId)?tid=\(tenantId)"
        return linked
    }
}
