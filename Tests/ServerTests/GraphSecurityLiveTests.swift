import Foundation
import OpenMTPModels
import Server
import TestSupport
import Testing

/// Graph's security routes as the Elastic Agent package (`security/incidents?$expand=alerts` filtered on
/// `lastUpdateDateTime`) and Splunk SOAR (`security/incidents`, `security/runHuntingQuery`) call them.
@Suite("Graph security API, live")
struct GraphSecurityLiveTests {
    static let graphScope = "https://graph.microsoft.com/.default"

    static func graphToken(_ server: LiveServer, _ demo: DemoManifest) async throws -> String {
        try await server.token(tenant: demo.tenantId, clientId: demo.apps.full.clientId, secret: demo.apps.full.clientSecret ?? "", scope: graphScope)
    }

    @Test("incidents with $expand=alerts, Graph's names and camelCase values; the same ids as the Defender API")
    func incidents() async throws {
        try await withDemoServer { server, demo in
            let token = try await Self.graphToken(server, demo)
            let reply = try await server.get(
                "/v1.0/security/incidents?$expand=alerts&$filter=lastUpdateDateTime+ge+2000-01-01T00:00:00Z&$count=true",
                bearer: token
            )
            #expect(reply.status == 200, "\(reply.text)")
            let body = try reply.json()
            let incidents = try #require(body["value"] as? [[String: Any]])
            #expect(body["@odata.count"] as? Int == incidents.count)
            #expect((body["@odata.context"] as? String)?.hasSuffix("$metadata#security/incidents") == true)
            let first = try #require(incidents.first)
            #expect(first["status"] as? String == "active" || first["status"] as? String == "inProgress")
            #expect(first["tenantId"] as? String == demo.tenantId)
            #expect(["low", "medium", "high", "informational"].contains(first["severity"] as? String ?? ""))
            let alerts = try #require(first["alerts"] as? [[String: Any]])
            #expect(!alerts.isEmpty)
            let evidence = try #require(alerts.first?["evidence"] as? [[String: Any]])
            #expect(evidence.contains { ($0["@odata.type"] as? String)?.hasPrefix("#microsoft.graph.security.") == true })

            // The Defender API shows the same incident under the same number.
            let defender = try await server.demoToken()
            let id = try #require(first["id"] as? String)
            let same = try await server.get("/api/incidents/\(id)", bearer: defender).json()
            #expect(same["incidentName"] as? String == first["displayName"] as? String)
            #expect((same["alerts"] as? [[String: Any]])?.compactMap { $0["alertId"] as? String } == alerts.compactMap { $0["id"] as? String })

            let filtered = try await server.get("/v1.0/security/incidents?$filter=status%20eq%20'inProgress'", bearer: token)
            #expect((try filtered.json()["value"] as? [[String: Any]])?.allSatisfy { $0["status"] as? String == "inProgress" } == true)
            #expect(try await server.get("/v1.0/security/incidents?$top=51", bearer: token).status == 400)
        }
    }

    @Test("updates, comments and alerts_v2 change what both APIs read")
    func updates() async throws {
        try await withDemoServer { server, demo in
            let token = try await Self.graphToken(server, demo)
            let list = try await server.get("/v1.0/security/incidents?$top=1&$expand=alerts", bearer: token).json()
            let incident = try #require((list["value"] as? [[String: Any]])?.first)
            let id = try #require(incident["id"] as? String)
            let patch = #"{"classification":"truePositive","determination":"compromisedUser","customTags":["graph"],"status":"inProgress"}"#
            let updated = try await server.sendJSON("PATCH", "/v1.0/security/incidents/\(id)", patch, bearer: token)
            #expect(updated.status == 200, "\(updated.text)")
            #expect(try updated.json()["determination"] as? String == "compromisedUser")
            #expect(try updated.json()["customTags"] as? [String] == ["graph"])

            let comment = #"{"@odata.type":"microsoft.graph.security.alertComment","comment":"from graph"}"#
            let comments = try await server.postJSON("/v1.0/security/incidents/\(id)/comments", comment, bearer: token)
            #expect((try comments.json()["value"] as? [[String: Any]])?.last?["comment"] as? String == "from graph")
            let defender = try await server.get("/api/incidents/\(id)", bearer: try await server.demoToken()).json()
            #expect(defender["determination"] as? String == "CompromisedAccount")
            #expect((defender["comments"] as? [[String: Any]])?.last?["comment"] as? String == "from graph")

            let alertId = try #require((incident["alerts"] as? [[String: Any]])?.first?["id"] as? String)
            let alert = try await server.sendJSON(
                "PATCH",
                "/v1.0/security/alerts_v2/\(alertId)",
                #"{"status":"resolved","assignedTo":"soc@contoso.test"}"#,
                bearer: token
            )
            #expect(alert.status == 200, "\(alert.text)")
            #expect(try alert.json()["status"] as? String == "resolved")
            #expect(try alert.json()["resolvedDateTime"] as? String != nil)
            let listed = try await server.get("/v1.0/security/alerts_v2?$filter=status%20eq%20'resolved'", bearer: token).json()
            #expect((listed["value"] as? [[String: Any]])?.contains { $0["id"] as? String == alertId } == true)
            #expect(try await server.get("/v1.0/security/alerts_v2/nope", bearer: token).status == 404)
            #expect(try await server.sendJSON("PATCH", "/v1.0/security/alerts_v2/\(alertId)", #"{"status":"closed"}"#, bearer: token).status == 400)
        }
    }

    @Test("runHuntingQuery answers lower-case schema and results; errors and refusals are Graph bodies")
    func hunting() async throws {
        try await withDemoServer { server, demo in
            let token = try await Self.graphToken(server, demo)
            let reply = try await server.postJSON(
                "/v1.0/security/runHuntingQuery",
                #"{"Query":"DeviceInfo | take 2 | project Timestamp, DeviceName"}"#,
                bearer: token
            )
            #expect(reply.status == 200, "\(reply.text)")
            let body = try reply.json()
            #expect((body["schema"] as? [[String: String]])?.map { $0["name"] ?? "" } == ["Timestamp", "DeviceName"])
            #expect((body["results"] as? [[String: Any]])?.count == 2)

            // A Timespan limits every table to its interval: the demo's events span three days, a day sees fewer.
            let span = #"DeviceProcessEvents | summarize Rows = count(), Oldest = min(Timestamp)"#
            func rows(_ timespan: String?) async throws -> [String: Any] {
                let extra = timespan.map { #","Timespan":"\#($0)""# } ?? ""
                let reply = try await server.postJSON("/v1.0/security/runHuntingQuery", #"{"Query":"\#(span)"\#(extra)}"#, bearer: token)
                #expect(reply.status == 200, "\(reply.text)")
                return try #require((try reply.json()["results"] as? [[String: Any]])?.first)
            }
            let all = try await rows(nil)
            let lastDay = try await rows("P1D")
            #expect((lastDay["Rows"] as? Int ?? 0) < (all["Rows"] as? Int ?? 0))
            #expect((lastDay["Rows"] as? Int ?? 0) > 0)
            let oldest = try #require(Timestamp(iso8601: lastDay["Oldest"] as? String ?? ""))
            #expect(oldest.date > Date().addingTimeInterval(-86_400 - 60))
            let badSpan = try await server.postJSON("/v1.0/security/runHuntingQuery", #"{"Query":"DeviceInfo","Timespan":"P1M"}"#, bearer: token)
            #expect(badSpan.status == 400)

            let bad = try await server.postJSON("/v1.0/security/runHuntingQuery", #"{"Query":"DeviceInfo | where Nope == 1"}"#, bearer: token)
            #expect(bad.status == 400)
            let error = try #require(try bad.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "BadRequest")
            #expect((error["innerError"] as? [String: String])?["request-id"] != nil)

            // A Defender-audience token is not a Graph token, and a Graph token is not a Defender one.
            let defender = try await server.demoToken()
            let wrongAudience = try await server.get("/v1.0/security/incidents", bearer: defender)
            #expect(wrongAudience.status == 401)
            #expect((try wrongAudience.json()["error"] as? [String: Any])?["code"] as? String == "InvalidAuthenticationToken")
            #expect(try await server.get("/api/incidents", bearer: token).status == 401)

            // An app without Graph permissions: 403 naming the roles needed.
            let readOnly = try await server.token(
                tenant: demo.tenantId,
                clientId: demo.apps.incidentsReadOnly.clientId,
                secret: demo.apps.incidentsReadOnly.clientSecret ?? "",
                scope: Self.graphScope
            )
            let refused = try await server.get("/v1.0/security/incidents", bearer: readOnly)
            #expect(refused.status == 403)
            #expect(((try refused.json()["error"] as? [String: Any])?["message"] as? String)?.contains("SecurityIncident.Read.All") == true)
        }
    }

    @Test("user context: the delegated scope as far as the user's role allows it (Security Reader reads, Security Operator writes)")
    func delegated() async throws {
        try await withDemoServer { server, demo in
            let scope = "https://graph.microsoft.com/SecurityIncident.ReadWrite.All"
            let analyst = try await server.userToken(\.analyst, scope: scope)
            let list = try await server.get("/v1.0/security/incidents?$top=1", bearer: analyst)
            #expect(list.status == 200, "\(list.text)")
            let id = try #require((try list.json()["value"] as? [[String: Any]])?.first?["id"] as? String)
            let comment = #"{"comment":"seen by the analyst"}"#
            let added = try await server.postJSON("/v1.0/security/incidents/\(id)/comments", comment, bearer: analyst)
            #expect(added.status == 200, "\(added.text)")
            #expect((try added.json()["value"] as? [[String: Any]])?.last?["createdByDisplayName"] as? String == demo.users.analyst.username)

            let reader = try await server.userToken(\.reader, scope: "https://graph.microsoft.com/SecurityIncident.Read.All")
            #expect(try await server.get("/v1.0/security/incidents/\(id)", bearer: reader).status == 200)
            let refused = try await server.postJSON("/v1.0/security/incidents/\(id)/comments", comment, bearer: reader)
            #expect(refused.status == 403)
            #expect(((try refused.json()["error"] as? [String: Any])?["message"] as? String)?.contains("scopes") == true)
        }
    }
}
