import Defender
import Foundation
import Hummingbird
import Hunting
import Identity
import KQL
import NIOFoundationEssentialsCompat
import OpenMTPModels
import Store

/// Microsoft Graph's security routes over the same incidents, alerts and hunting data (spec §3.7), on the Graph
/// audience with Graph's permission names: `security/incidents` (`$expand=alerts`, comments), `security/alerts_v2`,
/// `security/runHuntingQuery`.
struct GraphSecurityController {
    let incidents: IncidentService
    let hunting: HuntingService
    let quotas: APIQuotas
    let clock: IdentityClock
    let maxBodySize = 1024 * 1024

    static let incidentRead = ["SecurityIncident.Read.All", "SecurityIncident.ReadWrite.All"]
    static let incidentWrite = ["SecurityIncident.ReadWrite.All"]
    static let alertRead = ["SecurityAlert.Read.All", "SecurityAlert.ReadWrite.All"]
    static let alertWrite = ["SecurityAlert.ReadWrite.All"]
    static let huntingRead = ["ThreatHunting.Read.All"]
    static let metadata = "https://graph.microsoft.com/v1.0/$metadata"

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("security/incidents") { request, context in try await self.listIncidents(request, context) }
        group.get("security/incidents/:id") { request, context in try await self.getIncident(request, context) }
        group.patch("security/incidents/:id") { request, context in try await self.updateIncident(request, context) }
        group.post("security/incidents/:id/comments") { request, context in try await self.addComment(request, context) }
        group.get("security/alerts_v2") { request, context in try await self.listAlerts(request, context) }
        group.get("security/alerts_v2/:id") { request, context in try await self.getAlert(request, context) }
        group.patch("security/alerts_v2/:id") { request, context in try await self.updateAlert(request, context) }
        group.post("security/runHuntingQuery") { request, context in try await self.runHuntingQuery(request, context) }
    }

    // MARK: Incidents

    private func listIncidents(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try admit(context, Self.incidentRead, .incidents)
        let options = FormEncoding.decode((request.uri.query ?? "").utf8)
        let expand = try Self.expandsAlerts(options)
        return try await listing("security/incidents", request, options) { query in
            try await incidents.incidents(tenantId: caller.tenantId, query: query)
        } shape: {
            GraphSecurityShapes.incident($0, tenantId: caller.tenantId, alerts: expand)
        }
    }

    private func getIncident(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try admit(context, Self.incidentRead, .incidents)
        let options = FormEncoding.decode((request.uri.query ?? "").utf8)
        let incident = try await incidents.incident(id: try context.parameters.require("id"), tenantId: caller.tenantId)
        return entity(
            "security/incidents",
            GraphSecurityShapes.incident(incident, tenantId: caller.tenantId, alerts: try Self.expandsAlerts(options))
        )
    }

    /// Graph's update body: `status`, `assignedTo`, `classification`, `determination`, `customTags`.
    private func updateIncident(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try admit(context, Self.incidentWrite, .incidents)
        var fields: [(String, JSONValue)] = []
        for (name, value) in try await body(request) {
            switch (name, value) {
            case ("customTags", _): fields.append(("tags", value))
            case ("status", .string(let text)), ("classification", .string(let text)), ("determination", .string(let text)):
                fields.append((name, .string(GraphSecurityShapes.defenderName(text))))
            case ("@odata.type", _): continue
            case ("comment", _):
                throw GraphError(.badRequest, code: "BadRequest", message: "Comments are added with POST /security/incidents/{id}/comments.")
            default: fields.append((name, value))
            }
        }
        let incident = try await incidents.update(try IncidentUpdate.parse(fields), from: context, by: caller, at: clock.now())
        return entity("security/incidents", GraphSecurityShapes.incident(incident, tenantId: caller.tenantId, alerts: false))
    }

    /// `POST …/comments` with `{"@odata.type":"microsoft.graph.security.alertComment","comment":"…"}`: answers with
    /// the incident's comments.
    private func addComment(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try admit(context, Self.incidentWrite, .incidents)
        guard let comment = try await body(request).first(where: { $0.0 == "comment" })?.1, case .string(let text) = comment, !text.isEmpty else {
            throw GraphError(.badRequest, code: "BadRequest", message: "The request body needs a non-empty comment.")
        }
        var update = IncidentUpdate()
        update.comment = text
        let incident = try await incidents.update(update, from: context, by: caller, at: clock.now())
        let comments = GraphSecurityShapes.incident(incident, tenantId: caller.tenantId, alerts: false)["comments"] ?? .array([])
        return json(
            .object([("@odata.context", .string("\(Self.metadata)#Collection(microsoft.graph.security.alertComment)")), ("value", comments)])
        )
    }

    // MARK: Alerts

    private func listAlerts(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try admit(context, Self.alertRead, .incidents)
        let options = FormEncoding.decode((request.uri.query ?? "").utf8)
        return try await listing("security/alerts_v2", request, options) { query in
            try await incidents.alerts(tenantId: caller.tenantId, query: query)
        } shape: {
            GraphSecurityShapes.alert($0, tenantId: caller.tenantId)
        }
    }

    private func getAlert(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try admit(context, Self.alertRead, .incidents)
        let alert = try await incidents.alert(id: try context.parameters.require("id"), tenantId: caller.tenantId)
        return entity("security/alerts_v2", GraphSecurityShapes.alert(alert, tenantId: caller.tenantId))
    }

    private func updateAlert(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try admit(context, Self.alertWrite, .incidents)
        let members = try await body(request).filter { $0.0 != "@odata.type" }
        let alert = try await incidents.update(
            alertId: try context.parameters.require("id"),
            tenantId: caller.tenantId,
            with: try AlertUpdate.parse(members),
            at: clock.now()
        )
        return entity("security/alerts_v2", GraphSecurityShapes.alert(alert, tenantId: caller.tenantId))
    }

    // MARK: Hunting

    /// `{"Query": "…", "Timespan": "…"}` → `huntingQueryResults` with lower-case `schema` and `results`; a
    /// `Timespan` (``HuntingTimespan``) limits every table's rows to that interval.
    private func runHuntingQuery(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try admit(context, Self.huntingRead, .hunting)
        let members = try await body(request)
        guard case .string(let query)? = members.first(where: { $0.0 == "Query" })?.1, !query.isEmpty else {
            throw GraphError(.badRequest, code: "BadRequest", message: "The request body needs a Query.")
        }
        let now = clock.now()
        var window: TimeWindow?
        switch members.first(where: { $0.0 == "Timespan" })?.1 {
        case .string(let text)?: window = try HuntingTimespan.window(text, now: now)
        case nil, .null?: window = nil
        default: throw GraphError(.badRequest, code: "BadRequest", message: "Timespan must be an ISO-8601 interval string.")
        }
        let response = try await hunting.run(query, tenantId: caller.tenantId, now: now, window: window)
        quotas.recordHunting(tenantId: caller.tenantId, seconds: response.stats.executionTime, now: clock.now().unixSeconds)
        return json(
            .object([
                ("@odata.context", .string("\(Self.metadata)#microsoft.graph.security.huntingQueryResults")),
                ("schema", .array(response.schema.map { .object([("name", .string($0.name)), ("type", .string($0.type))]) })),
                ("results", .array(response.results)),
            ])
        )
    }

    // MARK: Shared steps

    /// The caller when its token holds one of `permissions` (Graph names them in its 403) and its quota admits the call.
    private func admit(_ context: AppRequestContext, _ permissions: [String], _ family: APIQuotas.Family) throws -> CallerIdentity {
        let caller = try context.requireCaller()
        guard caller.holdsAny(of: permissions) else {
            throw GraphError.forbidden(
                required: permissions,
                held: caller.isApplication ? caller.roles : caller.scopes,
                application: caller.isApplication
            )
        }
        try quotas.admit(tenantId: caller.tenantId, family: family, now: clock.now().unixSeconds)
        return caller
    }

    private func body(_ request: Request) async throws -> [(String, JSONValue)] {
        var request = request
        guard let members = try await request.jsonObjectMembers(upTo: maxBodySize) else {
            throw GraphError(.badRequest, code: "BadRequest", message: "Unable to read JSON request payload.")
        }
        return members
    }

    /// `$expand=alerts` (the only expansion); anything else is refused as Graph refuses unknown navigation properties.
    private static func expandsAlerts(_ options: [String: String]) throws -> Bool {
        guard let expand = options["$expand"] else { return false }
        guard expand.lowercased() == "alerts" else {
            throw GraphError(
                .badRequest,
                code: "BadRequest",
                message: "Could not find a property named '\(expand)' on type 'microsoft.graph.security.incident'."
            )
        }
        return true
    }

    /// A page of the collection `set` under the request's OData options (Graph's dialect), each item shaped by
    /// `shape`; `@odata.count` (a second, unpaged fetch) with `$count=true`, `@odata.nextLink` when the page is full.
    private func listing<Item>(
        _ set: String,
        _ request: Request,
        _ options: [String: String],
        fetch: (IncidentQuery) async throws -> [Item],
        shape: (Item) -> JSONValue
    ) async throws -> Response {
        let query = try IncidentODataQuery.parse(options, dialect: .graph)
        let page = try await fetch(query)
        var members: [(String, JSONValue)] = [("@odata.context", .string("\(Self.metadata)#\(set)"))]
        if options["$count"]?.lowercased() == "true" {
            members.append(("@odata.count", .int(Int64(try await fetch(IncidentQuery(filter: query.filter, top: .max)).count))))
        }
        members.append(("value", .array(page.map(shape))))
        let url = "\(request.publicBaseURL)/v1.0/\(set)"
        if let nextLink = ODataPaging.nextLink(url, options: options, query: query, returned: page.count) {
            members.append(("@odata.nextLink", .string(nextLink)))
        }
        return json(.object(members))
    }

    private func entity(_ set: String, _ value: JSONValue) -> Response {
        guard case .object(let members) = value else { return json(value) }
        return json(.object([("@odata.context", .string("\(Self.metadata)#\(set)/$entity"))] + members))
    }

    private func json(_ value: JSONValue) -> Response { JSONResponses.api(text: value.serialized) }
}
