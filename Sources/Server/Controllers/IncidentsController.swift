import Defender
import Hummingbird
import Identity
import OpenMTPModels
import Store

/// `GET /api/incidents`, `GET /api/incidents/{id}` and `PATCH /api/incidents/{id}` (spec §3.1–3.3).
struct IncidentsController {
    let incidents: IncidentService
    let quotas: APIQuotas
    let clock: IdentityClock
    /// An update body larger than this is refused.
    let maxBodySize = 256 * 1024

    /// Any one of these lets a caller read incidents.
    static let readPermissions = ["Incident.Read.All", "Incident.ReadWrite.All", "Incident.Read", "Incident.ReadWrite"]
    static let writePermissions = ["Incident.ReadWrite.All", "Incident.ReadWrite"]

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("incidents") { request, context in try await self.list(request, context) }
        group.get("incidents/:id") { request, context in try await self.get(request, context) }
        group.patch("incidents/:id") { request, context in try await self.update(request, context) }
    }

    private func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller(holdingAnyOf: Self.readPermissions)
        try quotas.admit(tenantId: caller.tenantId, family: .incidents, now: clock.now().unixSeconds)
        let options = FormEncoding.decode((request.uri.query ?? "").utf8)
        let query = try IncidentODataQuery.parse(options)
        let page = try await incidents.incidentDocuments(tenantId: caller.tenantId, query: query)
        let base = request.publicBaseURL
        let nextLink = ODataPaging.nextLink("\(base)/api/incidents", options: options, query: query, returned: page.count)
        return JSONResponses.api(text: ODataPaging.collection(context: "\(base)/api/$metadata#Incidents", documents: page, nextLink: nextLink))
    }

    private func get(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller(holdingAnyOf: Self.readPermissions)
        try quotas.admit(tenantId: caller.tenantId, family: .incidents, now: clock.now().unixSeconds)
        let incident = try await incidents.incident(id: try context.parameters.require("id"), tenantId: caller.tenantId)
        return try JSONResponses.api(incident)
    }

    private func update(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller(holdingAnyOf: Self.writePermissions)
        try quotas.admit(tenantId: caller.tenantId, family: .incidents, now: clock.now().unixSeconds)
        var request = request
        guard let members = try await request.jsonObjectMembers(upTo: maxBodySize) else {
            throw APIError.badRequest("InvalidRequestBody", "Invalid request body.")
        }
        let incident = try await incidents.update(try IncidentUpdate.parse(members), from: context, by: caller, at: clock.now())
        return try JSONResponses.api(incident)
    }
}
