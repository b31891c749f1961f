import Foundation
import Hummingbird
import Hunting
import Identity
import Logging
import NIOFoundationEssentialsCompat
import OpenMTPModels

/// `POST /api/advancedhunting/run` with `{"Query": "<KQL>"}` (spec §3.4).
struct HuntingController {
    let hunting: HuntingService
    let clock: IdentityClock
    /// A query text larger than this is refused.
    let maxBodySize = 1024 * 1024

    static let permissions = ["AdvancedHunting.Read.All", "AdvancedHunting.Read"]

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("advancedhunting/run") { request, context in try await self.run(request, context) }
    }

    private func run(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller(holdingAnyOf: Self.permissions)
        var request = request
        let body = try await request.collectBody(upTo: maxBodySize)
        let query = try Self.queryText(Data(buffer: body))
        let response = try await hunting.run(query, tenantId: caller.tenantId, now: clock.now())
        context.logger.debug("hunt.query_done", metadata: ["hunt.rows": "\(response.results.count)"])
        return JSONResponses.api(text: response.serialized)
    }

    /// The `Query` member of the body; the name is case-sensitive, as on the real service.
    static func queryText(_ body: Data) throws -> String {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw APIError.badRequest("InvalidRequestBody", "Invalid request body.")
        }
        guard let query = object["Query"] as? String, !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.badRequest("MissingRequiredParameter", "Parameter Query is missing.")
        }
        return query
    }
}
