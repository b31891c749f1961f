import Foundation
import Server
import TestSupport
import Testing

/// The requests of real Defender clients (spec real-clients.md §4) as they send them, and the fields they read.
@Suite("Real client request shapes, live")
struct ClientReplayLiveTests {
    @Test("XSOAR Microsoft365Defender: paged list with its filter, get, hunting with a limit appended")
    func xsoar() async throws {
        try await withDemoServer { server, demo in
            let token = try await server.demoToken()
            let filter =
                "status eq 'Active' and createdTime gt 2000-01-01T00:00:00Z".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
            let list = try await server.get("/api/incidents?$top=100&$skip=0&$filter=\(filter)", bearer: token)
            #expect(list.status == 200, "\(list.text)")
            let incidents = try #require(try list.json()["value"] as? [[String: Any]])
            #expect(!incidents.isEmpty)
            for incident in incidents {
                for field in [
                    "incidentId", "incidentName", "tags", "severity", "status", "classification", "determination", "createdTime", "lastUpdateTime",
                    "comments",
                ] {
                    #expect(incident[field] != nil, "incident.\(field)")
                }
                #expect(incident.keys.contains("assignedTo"), "assignedTo is present, null when unassigned")
                #expect(incident["status"] as? String == "Active")
                for alert in incident["alerts"] as? [[String: Any]] ?? [] {
                    for field in ["status", "firstActivity", "lastActivity", "category", "serviceSource", "detectionSource", "entities", "devices"] {
                        #expect(alert[field] != nil, "alert.\(field)")
                    }
                    for entity in alert["entities"] as? [[String: Any]] ?? [] {
                        #expect(["entityType", "domainName", "mailboxAddress", "mailboxDisplayName"].allSatisfy(entity.keys.contains))
                    }
                    for device in alert["devices"] as? [[String: Any]] ?? [] {
                        #expect(device["deviceDnsName"] is String && device["riskScore"] is String && device["tags"] is [Any])
                    }
                }
            }
            let id = try #require(incidents.first?["incidentId"] as? Int)
            #expect(try await server.get("/api/incidents/\(id)", bearer: token).json()["incidentId"] as? Int == id)

            let hunt = try await server.postJSON(
                "/api/advancedhunting/run",
                #"{"Query":"DeviceProcessEvents | project Timestamp, FileName | limit 3"}"#,
                bearer: token
            )
            let body = try hunt.json()
            #expect((body["Schema"] as? [[String: String]])?.map { $0["Name"] ?? "" } == ["Timestamp", "FileName"])
            #expect((body["Results"] as? [Any])?.count == 3)
        }
    }

    @Test("msticpy and the MDE Python sample: /api/advancedqueries/run, DateTime columns as 7-digit UTC text")
    func msticpy() async throws {
        try await withDemoServer { server, demo in
            let token = try await server.demoToken(\.huntingOnly)
            let reply = try await server.postJSON("/api/advancedqueries/run", #"{"Query":"DeviceNetworkEvents | take 5"}"#, bearer: token)
            #expect(reply.status == 200)
            let body = try reply.json()
            let schema = try #require(body["Schema"] as? [[String: String]])
            #expect(schema.first { $0["Name"] == "Timestamp" }?["Type"] == "DateTime")
            let first = try #require((body["Results"] as? [[String: Any]])?.first)
            let timestamp = try #require(first["Timestamp"] as? String)
            #expect(timestamp.hasSuffix("Z"))
            #expect(timestamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z/) != nil)
            #expect((body["Stats"] as? [String: Any])?["ExecutionTime"] is Double)
        }
    }

    @Test("Filebeat's m365_defender cursor: lastUpdateTime gt with 0 to 7 fraction digits, unquoted")
    func filebeat() async throws {
        try await withDemoServer { server, demo in
            let token = try await server.demoToken(\.incidentsReadOnly)
            for cursor in ["2000-01-01T00:00:00Z", "2000-01-01T00:00:00.5Z", "2000-01-01T00:00:00.1234567Z"] {
                let reply = try await server.get("/api/incidents?$filter=lastUpdateTime%20gt%20\(cursor)", bearer: token)
                #expect(reply.status == 200, "\(cursor): \(reply.text)")
                #expect((try reply.json()["value"] as? [Any])?.isEmpty == false)
            }
        }
    }
}
