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
        let id = try Self.incidentId(text)
        guard let incident = try await store.incident(id: id, tenantId: tenantId) else {
            throw DefenderError.notFound("Incident \(id)")
        }
        return Self.linked(incident, tenantId: tenantId)
    }

    /// Applies `update` to the incident at `time`, comments signed by `author`, in one atomic store update.
    public func update(id text: String, tenantId: String, with update: IncidentUpdate, by author: String, at time: Timestamp) async throws -> Incident
    {
        let id = try Self.incidentId(text)
        guard let updated = try await store.updateIncident(id: id, tenantId: tenantId, { try update.applied(to: $0, by: author, at: time) }) else {
            throw DefenderError.notFound("Incident \(id)")
        }
        return Self.linked(updated, tenantId: tenantId)
    }

    private static func incidentId(_ text: String) throws(DefenderError) -> Int64 {
        guard let id = Int64(text) else { throw .invalidInput("incident id '\(text)': it must be a number.") }
        return id
    }

    /// Sets `incidentUri` as the service writes it: the portal page of the incident in the tenant.
    static func linked(_ incident: Incident, tenantId: String) -> Incident {
        var linked = incident
        linked.incidentUri = "https://security.microsoft.com/incidents/\(incident.incidentId)?tid=\(tenantId)"
        return linked
    }
}
