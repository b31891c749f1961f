import Defender
import Hummingbird
import Identity
import OpenMTPModels
import Store

/// `GET /api/incidents` and `GET /api/incidents/{id}` (spec §3.1, §3.2).
struct IncidentsController {
    let incidents: IncidentService

    /// Any one of these lets a caller read incidents.
    static let readPermissions = ["Incident.Read.All", "Incident.ReadWrite.All", "Incident.Read", "Incident.ReadWrite"]

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("incidents") { request, context in try await self.list(request, context) }
        group.get("incidents/:id") { request, context in try await self.get(request, context) }
    }

    private func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller(holdingAnyOf: Self.readPermissions)
        let options = FormEncoding.decode(Substring(request.uri.query ?? ""))
        let query = try IncidentODataQuery.parse(options)
        let page = try await incidents.incidents(tenantId: caller.tenantId, query: query)
        let base = request.publicBaseURL
        var nextLink: String?
        if query.top > 0, page.count == query.top {
            var next = options
            next["$skip"] = String(query.skip + query.top)
            next["$top"] = String(query.top)
            nextLink =
                "\(base)/api/incidents?" + next.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.formURLEncoded)" }.joined(separator: "&")
        }
        return try JSONResponses.api(ODataCollection(context: "\(base)/api/$metadata#Incidents", value: page, nextLink: nextLink))
    }

    private func get(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller(holdingAnyOf: Self.readPermissions)
        let incident = try await incidents.incident(id: try context.parameters.require("id"), tenantId: caller.tenantId)
        return try JSONResponses.api(incident)
    }
}
