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
        try await store.incidents(tenantId: tenantId, query: query)
    }

    /// The same page as the API's JSON text of each incident, as stored (no decoding on the way out).
    public func incidentDocuments(tenantId: String, query: IncidentQuery) async throws -> [String] {
        try await store.incidentDocuments(tenantId: tenantId, query: query)
    }

    /// The incident with the id given in the URL path.
    public func incident(id text: String, tenantId: String) async throws -> Incident {
        let id = try Self.incidentId(text)
        guard let incident = try await store.incident(id: id, tenantId: tenantId) else {
            throw DefenderError.notFound("Incident \(id)")
        }
        return incident
    }

    /// Applies `update` to the incident at `time`, comments signed by `author`, in one atomic store update.
    public func update(id text: String, tenantId: String, with update: IncidentUpdate, by author: String, at time: Timestamp) async throws -> Incident
    {
        let id = try Self.incidentId(text)
        let updated = try await store.updateIncidents(ids: [id], tenantId: tenantId) {
            try $0.map { try update.applied(to: $0, by: author, at: time) }
        }
        guard let updated = updated?.first else { throw DefenderError.notFound("Incident \(id)") }
        return updated
    }

    /// A page of the tenant's alerts across its incidents, most recently created first; `query.filter` reads
    /// `createdTime` as the alert's creation, `lastUpdateTime` as its last update.
    public func alerts(tenantId: String, query: IncidentQuery) async throws -> [Alert] {
        let all = try await store.incidents(tenantId: tenantId, query: IncidentQuery(top: .max)).flatMap(\.alerts)
        let matching = all.filter { alert in query.filter.matches { Self.value(of: alert, $0) } }
            .sorted { ($0.creationTime, $0.alertId) > ($1.creationTime, $1.alertId) }
        return Array(matching.dropFirst(query.skip).prefix(query.top))
    }

    /// The alert with this id, wherever its incident is.
    public func alert(id: String, tenantId: String) async throws -> Alert {
        let incidents = try await store.incidents(tenantId: tenantId, query: IncidentQuery(top: .max))
        guard let alert = incidents.lazy.flatMap(\.alerts).first(where: { $0.alertId == id }) else { throw DefenderError.notFound("Alert \(id)") }
        return alert
    }

    /// Applies `update` to one alert; its incident's `lastUpdateTime` moves with it.
    public func update(alertId: String, tenantId: String, with update: AlertUpdate, at time: Timestamp) async throws -> Alert {
        let owner = try await alert(id: alertId, tenantId: tenantId).incidentId
        let updated = try await store.updateIncidents(ids: [owner], tenantId: tenantId) { incidents in
            try incidents.map { incident in
                var incident = incident
                incident.alerts = try incident.alerts.map { $0.alertId == alertId ? try update.applied(to: $0, at: time) : $0 }
                incident.lastUpdateTime = time
                return incident
            }
        }
        guard let alert = updated?.first?.alerts.first(where: { $0.alertId == alertId }) else { throw DefenderError.notFound("Alert \(alertId)") }
        return alert
    }

    /// Merges the incidents `sources` into `target`, as Defender does when it finds they are one attack: their
    /// alerts move to the target, which takes the highest severity; each source becomes `Redirected` with
    /// `redirectIncidentId` naming the target and keeps no alerts. All in one store update.
    public func merge(_ sources: [Int64], into target: Int64, tenantId: String, at time: Timestamp) async throws -> Incident {
        guard !sources.isEmpty, !sources.contains(target), Set(sources).count == sources.count else {
            throw DefenderError.invalidInput("merge: name other incidents than \(target), each once.")
        }
        let merged = try await store.updateIncidents(ids: [target] + sources, tenantId: tenantId) { incidents in
            var result = incidents[0]
            var redirected: [Incident] = []
            for var source in incidents.dropFirst() {
                guard source.status != .redirected else {
                    throw DefenderError.invalidInput(
                        "merge: incident \(source.incidentId) was already merged into \(source.redirectIncidentId ?? 0)."
                    )
                }
                result.alerts += source.alerts.map { alert in
                    var moved = alert
                    moved.incidentId = target
                    return moved
                }
                if Self.severityOrder.firstIndex(of: source.severity) ?? 0 > Self.severityOrder.firstIndex(of: result.severity) ?? 0 {
                    result.severity = source.severity
                }
                source.alerts = []
                source.status = .redirected
                source.redirectIncidentId = target
                source.lastUpdateTime = time
                redirected.append(source)
            }
            result.alerts.sort { $0.firstActivity < $1.firstActivity }
            result.lastUpdateTime = time
            return [result] + redirected
        }
        guard let incident = merged?.first else {
            throw DefenderError.notFound("Incident \(([target] + sources).map(String.init).joined(separator: ", "))")
        }
        return incident
    }

    private static let severityOrder: [Severity] = [.unspecified, .informational, .low, .medium, .high]

    private static func value(of alert: Alert, _ field: IncidentFilter.Field) -> IncidentFilter.Operand {
        switch field {
        case .lastUpdateTime: .timestamp(alert.lastUpdatedTime)
        case .createdTime: .timestamp(alert.creationTime)
        case .status: .string(alert.status.rawValue)
        case .assignedTo: alert.assignedTo.map(IncidentFilter.Operand.string) ?? .null
        }
    }

    private static func incidentId(_ text: String) throws(DefenderError) -> Int64 {
        guard let id = Int64(text) else { throw .invalidInput("incident id '\(text)': it must be a number.") }
        return id
    }

}
