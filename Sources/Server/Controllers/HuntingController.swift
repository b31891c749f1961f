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
    let quotas: APIQuotas
    let clock: IdentityClock
    /// A query text larger than this is refused.
    let maxBodySize = 1024 * 1024

    static let permissions = ["AdvancedHunting.Read.All", "AdvancedHunting.Read"]

    /// OpenMTP's own permission for loading events (the real service has no such endpoint).
    static let importPermissions = ["AdvancedHunting.Import.All"]
    /// An import body larger than this (as sent, before any gzip) is refused.
    let maxImportSize = 64 * 1024 * 1024

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("advancedhunting/run") { request, context in try await self.run(request, context) }
        // msticpy and the MDE samples call the Defender for Endpoint name of the same operation.
        group.post("advancedqueries/run") { request, context in try await self.run(request, context) }
        group.post("advancedhunting/import") { request, context in try await self.importEvents(request, context) }
    }

    /// `POST /api/advancedhunting/import?format=streaming|hunting|csv|jsonl[&table=T]`: every row is validated; all
    /// are stored, or (with a report of every problem) none.
    private func importEvents(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller(holdingAnyOf: Self.importPermissions)
        let options = FormEncoding.decode((request.uri.query ?? "").utf8)
        guard let formatName = options["format"], let format = IngestFormat(rawValue: formatName) else {
            let names = IngestFormat.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.badRequest("InvalidRequest", "Parameter format is missing or unknown; use one of \(names).")
        }
        var request = request
        let body = Data(buffer: try await request.collectBody(upTo: maxImportSize))
        var batch = IngestBatch(catalog: hunting.catalog)
        IngestParser.parse(body, format: format, table: options["table"], into: &batch)
        let counts = try await hunting.ingest(batch, tenantId: caller.tenantId)
        context.logger.info("hunt.imported", metadata: ["hunt.rows": "\(counts.values.reduce(0, +))"])
        return try JSONResponses.api(ImportResult(importedRows: counts.values.reduce(0, +), tables: counts))
    }

    struct ImportResult: Encodable {
        let importedRows: Int
        let tables: [String: Int]

        enum CodingKeys: String, CodingKey {
            case importedRows = "ImportedRows"
            case tables = "Tables"
        }
    }

    private func run(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller(holdingAnyOf: Self.permissions)
        try quotas.admit(tenantId: caller.tenantId, family: .hunting, now: clock.now().unixSeconds)
        var request = request
        let body = try await request.collectBody(upTo: maxBodySize)
        let query = try Self.queryText(Data(buffer: body))
        let response = try await hunting.run(query, tenantId: caller.tenantId, now: clock.now())
        quotas.recordHunting(tenantId: caller.tenantId, seconds: response.stats.executionTime, now: clock.now().unixSeconds)
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
