import Foundation
import Server
import TestSupport
import Testing

/// `PATCH /api/incidents/{id}` as the docs' sample and XSOAR's `microsoft-365-defender-incident-update` send it.
@Suite("Incident updates, live")
struct IncidentUpdateLiveTests {
    /// The first incident of the demo tenant, as the list returns it.
    static func firstIncident(_ server: LiveServer, _ token: String) async throws -> [String: Any] {
        let list = try await server.get("/api/incidents?$top=1", bearer: token).json()
        return try #require((list["value"] as? [[String: Any]])?.first)
    }

    @Test("the docs' update body changes every field, keeps the comment with its author, resolves the alerts")
    func docsSample() async throws {
        try await withDemoServer { server, demo in
            let token = try await server.demoToken()
            let before = try await Self.firstIncident(server, token)
            let id = try #require(before["incidentId"] as? Int)
            let body = #"""
                {"status":"Resolved","assignedTo":"secop2@contoso.com","classification":"TruePositive","determination":"Malware","tags":["Yossi's playground","Don't mess with the Zohan"],"comment":"pen testing"}
                """#
            let reply = try await server.sendJSON("PATCH", "/api/incidents/\(id)", body, bearer: token)
            #expect(reply.status == 200, "\(reply.text)")
            let updated = try reply.json()
            #expect(updated["status"] as? String == "Resolved")
            #expect(updated["assignedTo"] as? String == "secop2@contoso.com")
            #expect(updated["classification"] as? String == "TruePositive")
            #expect(updated["determination"] as? String == "Malware")
            #expect(updated["tags"] as? [String] == ["Yossi's playground", "Don't mess with the Zohan"])
            let comment = try #require((updated["comments"] as? [[String: Any]])?.last)
            #expect(comment["comment"] as? String == "pen testing")
            #expect(comment["createdBy"] as? String == "API-App:\(demo.apps.full.clientId)")
            let beforeTime = try #require(before["lastUpdateTime"] as? String)
            let afterTime = try #require(updated["lastUpdateTime"] as? String)
            #expect(afterTime > beforeTime)
            let alerts = try #require(updated["alerts"] as? [[String: Any]])
            #expect(alerts.allSatisfy { $0["status"] as? String == "Resolved" && $0["resolvedTime"] as? String != nil })
            #expect(alerts.allSatisfy { $0["classification"] as? String == "TruePositive" })

            // What was written is what the incident reads back; it now sorts first (most recently updated).
            let read = try await server.get("/api/incidents/\(id)", bearer: token).json()
            #expect(read["comments"] as? [[String: String]] == updated["comments"] as? [[String: String]])
            #expect(try await Self.firstIncident(server, token)["incidentId"] as? Int == id)
        }
    }

    @Test("XSOAR's update: an empty assignedTo unassigns, determinations must fit the classification, bad values are 400")
    func validation() async throws {
        try await withDemoServer { server, demo in
            let token = try await server.demoToken()
            let id = try #require(try await Self.firstIncident(server, token)["incidentId"] as? Int)
            let path = "/api/incidents/\(id)"
            let assigned = try await server.sendJSON("PATCH", path, #"{"assignedTo":"analyst@contoso.test","status":"InProgress"}"#, bearer: token)
            #expect(try assigned.json()["assignedTo"] as? String == "analyst@contoso.test")
            let unassigned = try await server.sendJSON("PATCH", path, #"{"assignedTo":""}"#, bearer: token)
            #expect(try unassigned.json()["assignedTo"] is NSNull)

            let alias = try await server.sendJSON("PATCH", path, #"{"classification":"FalsePositive","determination":"NotMalicious"}"#, bearer: token)
            #expect(try alias.json()["determination"] as? String == "Clean")
            let misfit = try await server.sendJSON("PATCH", path, #"{"classification":"FalsePositive","determination":"Malware"}"#, bearer: token)
            #expect(misfit.status == 400)
            #expect((try misfit.json()["error"] as? [String: String])?["code"] == "InvalidInput")
            // The stored classification decides when the body has none.
            #expect(try await server.sendJSON("PATCH", path, #"{"determination":"Phishing"}"#, bearer: token).status == 400)

            for bad in [#"{"status":"Closed"}"#, #"{"status":"Redirected"}"#, #"{"tags":"one"}"#, #"{"severity":"High"}"#, "[1]", "not json"] {
                let reply = try await server.sendJSON("PATCH", path, bad, bearer: token)
                #expect(reply.status == 400, "\(bad): \(reply.text)")
            }
            // Failed updates changed nothing.
            #expect(try await server.get(path, bearer: token).json()["determination"] as? String == "Clean")
            #expect(try await server.sendJSON("PATCH", "/api/incidents/999999999", #"{"status":"Active"}"#, bearer: token).status == 404)
        }
    }

    @Test("writing needs Incident.ReadWrite(.All): a read-only app and a Security Reader get 403, a Security Operator may")
    func permissions() async throws {
        try await withDemoServer { server, demo in
            let reader = try await server.demoToken(\.incidentsReadOnly)
            let id = try #require(try await Self.firstIncident(server, reader)["incidentId"] as? Int)
            let path = "/api/incidents/\(id)"
            let refused = try await server.sendJSON("PATCH", path, #"{"status":"InProgress"}"#, bearer: reader)
            #expect(refused.status == 403)
            #expect((try refused.json()["error"] as? [String: String])?["message"]?.contains("Incident.ReadWrite.All") == true)

            let scope = "https://api.security.microsoft.com/Incident.ReadWrite"
            let securityReader = try await server.userToken(\.reader, scope: scope)
            #expect(try await server.sendJSON("PATCH", path, #"{"status":"InProgress"}"#, bearer: securityReader).status == 403)
            #expect(try await server.get(path, bearer: securityReader).status == 403, "the token's scope is write-only and the role cannot write")

            let analyst = try await server.userToken(\.analyst, scope: scope)
            let done = try await server.sendJSON("PATCH", path, #"{"status":"InProgress","comment":"looking"}"#, bearer: analyst)
            #expect(done.status == 200, "\(done.text)")
            let comment = try #require((try done.json()["comments"] as? [[String: Any]])?.last)
            #expect(comment["createdBy"] as? String == demo.users.analyst.username)
        }
    }
}

/// The alerts incidents carry are the alerts advanced hunting shows: same ids, titles and evidence.
@Suite("Alerts in incidents and in hunting, live")
struct AlertConsistencyLiveTests {
    @Test("every incident alert has its AlertInfo row and its devices and entities as AlertEvidence rows")
    func sameAlerts() async throws {
        try await withDemoServer { server, demo in
            let token = try await server.demoToken()
            let incidents = try await server.get("/api/incidents", bearer: token).json()["value"] as? [[String: Any]] ?? []
            let alerts = incidents.flatMap { $0["alerts"] as? [[String: Any]] ?? [] }
            #expect(alerts.count >= 4)
            func rows(_ query: String) async throws -> [[String: Any]] {
                let reply = try await server.postJSON("/api/advancedhunting/run", #"{"Query":"\#(query)"}"#, bearer: token)
                return try reply.json()["Results"] as? [[String: Any]] ?? []
            }
            let infos = try await rows("AlertInfo | project AlertId, Title")
            let titles = Dictionary(
                uniqueKeysWithValues: infos.compactMap { row in (row["AlertId"] as? String).map { ($0, row["Title"] as? String) } }
            )
            let evidence = try await rows("AlertEvidence | summarize count() by AlertId")
            let counts = Dictionary(
                uniqueKeysWithValues: evidence.compactMap { row in (row["AlertId"] as? String).map { ($0, row["count_"] as? Int ?? 0) } }
            )
            for alert in alerts {
                let id = try #require(alert["alertId"] as? String)
                #expect(titles[id] == alert["title"] as? String, "AlertInfo row of \(id)")
                let expected = (alert["devices"] as? [Any] ?? []).count + (alert["entities"] as? [Any] ?? []).count
                #expect(counts[id] == expected, "AlertEvidence rows of \(id)")
            }
        }
    }
}

/// Merged incidents: the merged-away ones are `Redirected` with `redirectIncidentId`, their alerts in the target.
@Suite("Incident merges, live")
struct IncidentMergeLiveTests {
    @Test("merging moves the alerts, redirects the sources, and refuses repeats, self-merges and unknown ids")
    func merge() async throws {
        try await withDemoServer { server, demo in
            let token = try await server.demoToken()
            let incidents = try await server.get("/api/incidents", bearer: token).json()["value"] as? [[String: Any]] ?? []
            let ids = incidents.compactMap { $0["incidentId"] as? Int }.sorted()
            try #require(ids.count >= 3)
            let alertCount = { (id: Int) in (incidents.first { $0["incidentId"] as? Int == id }?["alerts"] as? [Any])?.count ?? 0 }
            let expected = alertCount(ids[0]) + alertCount(ids[1]) + alertCount(ids[2])

            let merged = try await AdminAPILiveTests().admin(
                server,
                "POST",
                "/tenants/contoso.test/incidents/\(ids[0])/merge",
                #"{"incidents":[\#(ids[1]),\#(ids[2])]}"#
            )
            #expect(merged.status == 200, "\(merged.text)")
            let target = try await server.get("/api/incidents/\(ids[0])", bearer: token).json()
            let alerts = target["alerts"] as? [[String: Any]] ?? []
            #expect(alerts.count == expected)
            #expect(alerts.allSatisfy { $0["incidentId"] as? Int == ids[0] })
            for source in ids[1...2] {
                let redirected = try await server.get("/api/incidents/\(source)", bearer: token).json()
                #expect(redirected["status"] as? String == "Redirected")
                #expect(redirected["redirectIncidentId"] as? Int == ids[0])
                #expect((redirected["alerts"] as? [Any])?.isEmpty == true)
            }
            let graph = try await server.get(
                "/v1.0/security/incidents/\(ids[1])",
                bearer: try await server.token(
                    tenant: demo.tenantId,
                    clientId: demo.apps.full.clientId,
                    secret: demo.apps.full.clientSecret ?? "",
                    scope: "https://graph.microsoft.com/.default"
                )
            )
            #expect(try graph.json()["redirectIncidentId"] as? String == String(ids[0]))

            let admin = AdminAPILiveTests()
            #expect(
                try await admin.admin(server, "POST", "/tenants/contoso.test/incidents/\(ids[0])/merge", #"{"incidents":[\#(ids[1])]}"#).status == 400
            )
            #expect(
                try await admin.admin(server, "POST", "/tenants/contoso.test/incidents/\(ids[0])/merge", #"{"incidents":[\#(ids[0])]}"#).status == 400
            )
            #expect(
                try await admin.admin(server, "POST", "/tenants/contoso.test/incidents/\(ids[0])/merge", #"{"incidents":[987654]}"#).status == 404
            )
        }
    }
}
