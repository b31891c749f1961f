import Foundation
import Server
import TestSupport
import Testing

@Suite("Incidents API and durability, live")
struct IncidentsLiveTests {
    @Test("OData $top, $skip and $filter as the docs' samples send them")
    func odata() async throws {
        try await withDemoServer { server, demo in
            let token = try await server.demoToken()
            func ids(_ query: String) async throws -> [Int] {
                let reply = try await server.get("/api/incidents?\(query)", bearer: token)
                #expect(reply.status == 200, "\(query): \(reply.text)")
                return (try reply.json()["value"] as? [[String: Any]] ?? []).compactMap { $0["incidentId"] as? Int }
            }
            let all = try await ids("")
            #expect(all.count == 4)
            // Most recently updated first; pages continue where the last one ended.
            #expect(try await ids("$top=2") + ids("$top=2&$skip=2") == all)
            let page = try await server.get("/api/incidents?$top=2", bearer: token)
            #expect((try page.json()["@odata.nextLink"] as? String)?.contains("$skip=2") == true)

            // The hello-world sample: `+` for spaces, an unquoted datetime with 7 fractional digits.
            #expect(try await ids("$filter=lastUpdateTime+ge+2000-01-01T00:00:00.0000000Z") == all)
            #expect(try await ids("$filter=lastUpdateTime+ge+2999-01-01T00:00:00Z").isEmpty)
            #expect(try await ids("$filter=status%20eq%20'InProgress'").count == 1)
            #expect(try await ids("$filter=status eq 'Active' and assignedTo eq null").count == 2)

            let tooMany = try await server.get("/api/incidents?$top=101", bearer: token)
            #expect(tooMany.status == 400)
            let badFilter = try await server.get("/api/incidents?$filter=severity%20eq%20'High'", bearer: token)
            #expect(badFilter.status == 400)
            #expect((try badFilter.json()["error"] as? [String: String])?["code"] == "ODataError")
            #expect(try await server.get("/api/incidents/999999999", bearer: token).status == 404)
            #expect(try await server.get("/api/incidents/abc", bearer: token).status == 400)
        }
    }

    @Test("hunting errors are 400 with the position of the problem")
    func huntingErrors() async throws {
        try await withDemoServer { server, demo in
            let token = try await server.demoToken()
            let unknownColumn = try await server.postJSON(
                "/api/advancedhunting/run",
                #"{"Query":"DeviceProcessEvents\n| where FileNam == 'x'"}"#,
                bearer: token
            )
            #expect(unknownColumn.status == 400)
            let message = try #require((try unknownColumn.json()["error"] as? [String: String])?["message"])
            #expect(message.contains("line 2, column 9"))
            #expect(message.contains("FileNam"))
            let lowercaseName = try await server.postJSON("/api/advancedhunting/run", #"{"query":"DeviceProcessEvents | take 1"}"#, bearer: token)
            #expect(lowercaseName.status == 400)
            #expect((try lowercaseName.json()["error"] as? [String: String])?["code"] == "MissingRequiredParameter")
            let notJSON = try await server.postJSON("/api/advancedhunting/run", "Query=1", bearer: token)
            #expect((try notJSON.json()["error"] as? [String: String])?["code"] == "InvalidRequestBody")
        }
    }

    @Test("a restarted server keeps its signing keys, applications, incidents and events, and does not seed twice")
    func restart() async throws {
        try await withTemporaryDirectory { data in
            let query = #"{"Query":"DeviceNetworkEvents | count"}"#
            let (token, demo, seeded) = try await withLiveServer(dataDirectory: data) { server in
                let demo = try #require(server.demo)
                let token = try await server.demoToken()
                let seeded = try await server.postJSON("/api/advancedhunting/run", query, bearer: token).json()["Results"] as? [[String: Int]]
                return (token, demo, seeded)
            }
            #expect((seeded?.first?["Count"] ?? 0) > 8, "the demo's 8 scenario connections and the simulated background")
            try await withLiveServer(dataDirectory: data) { server in
                #expect(server.demo?.apps == demo.apps)
                #expect((try await server.get("/api/incidents", bearer: token).json()["value"] as? [Any])?.count == 4)
                let count = try await server.postJSON("/api/advancedhunting/run", query, bearer: token)
                #expect(try count.json()["Results"] as? [[String: Int]] == seeded)
                _ = try await server.token(tenant: "contoso.test", clientId: demo.apps.full.clientId, secret: demo.apps.full.clientSecret ?? "")
            }
        }
    }
}
