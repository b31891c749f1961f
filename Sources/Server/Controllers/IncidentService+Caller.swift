import Defender
import Hummingbird
import Identity
import OpenMTPModels

extension IncidentService {
    /// Applies `update` to the incident named by the route's `{id}`, in the caller's tenant, signed by the caller.
    func update(
        _ update: IncidentUpdate,
        from context: AppRequestContext,
        by caller: CallerIdentity,
        at time: Timestamp
    ) async throws
        -> Incident
    {
        try await self.update(id: try context.parameters.require("id"), tenantId: caller.tenantId, with: update, by: caller.actorName, at: time)
    }
}
