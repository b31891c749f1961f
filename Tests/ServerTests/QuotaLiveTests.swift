import Foundation
import TestSupport
import Testing

@testable import Server

/// Per-tenant quotas, lowered so a test can reach them: 429 with the service's body and a `Retry-After` header.
@Suite("API quotas, live")
struct QuotaLiveTests {
    static var lowered: QuotaSettings {
        var settings = QuotaSettings()
        // Hour windows: a test does not straddle an hour boundary (minutes are checked with a fixed clock below).
        settings.incidents = .init(perMinute: 100, perHour: 3)
        settings.hunting = .init(perMinute: 100, perHour: 2)
        return settings
    }

    @Test("minute windows start on the minute; the next window admits again; tenants count apart")
    func minuteWindows() throws {
        var settings = QuotaSettings()
        settings.incidents = .init(perMinute: 2, perHour: 1500)
        let quotas = APIQuotas(settings: settings)
        let minute: Int64 = 1_800_000_000 - 1_800_000_000 % 60
        try quotas.admit(tenantId: "a", family: .incidents, now: minute + 10)
        try quotas.admit(tenantId: "a", family: .incidents, now: minute + 20)
        #expect(throws: APIQuotas.Refusal(message: "API calls quota exceeded! maximum allowed 2 per 00:01:00", retryAfterSeconds: 15)) {
            try quotas.admit(tenantId: "a", family: .incidents, now: minute + 45)
        }
        try quotas.admit(tenantId: "b", family: .incidents, now: minute + 45)
        try quotas.admit(tenantId: "a", family: .hunting, now: minute + 45)
        try quotas.admit(tenantId: "a", family: .incidents, now: minute + 60)
    }

    @Test("the call after the per-hour limits is 429 naming the quota; families count apart")
    func calls() async throws {
        try await withDemoServer(quotas: Self.lowered) { server, demo in
            let token = try await server.demoToken()
            for _ in 0..<3 { #expect(try await server.get("/api/incidents?$top=1", bearer: token).status == 200) }
            let refused = try await server.get("/api/incidents?$top=1", bearer: token)
            #expect(refused.status == 429)
            let error = try #require(try refused.json()["error"] as? [String: String])
            #expect(error["code"] == "429")
            #expect(error["message"] == "API calls quota exceeded! maximum allowed 3 per 01:00:00")
            #expect(UUID(uuidString: error["target"] ?? "") != nil)
            let retryAfter = try #require(refused.header("Retry-After").flatMap(Int.init))
            #expect((1...3600).contains(retryAfter))

            let query = #"{"Query":"DeviceInfo | take 1"}"#
            #expect(try await server.postJSON("/api/advancedhunting/run", query, bearer: token).status == 200)
            #expect(try await server.postJSON("/api/advancedqueries/run", query, bearer: token).status == 200)
            let hourly = try await server.postJSON("/api/advancedhunting/run", query, bearer: token)
            #expect(hourly.status == 429)
            #expect((try hourly.json()["error"] as? [String: String])?["message"] == "API calls quota exceeded! maximum allowed 2 per 01:00:00")
            #expect((1...3600).contains(hourly.header("Retry-After").flatMap(Int.init) ?? 0))
        }
    }

    @Test("once a tenant's queries have used the cycle's execution time, the next query is 429 until the cycle ends")
    func huntingTime() async throws {
        var settings = QuotaSettings()
        settings.huntingSecondsPerCycle = 0.000_001
        try await withDemoServer(quotas: settings) { server, demo in
            let token = try await server.demoToken()
            let query = #"{"Query":"DeviceProcessEvents | summarize count() by DeviceName"}"#
            #expect(try await server.postJSON("/api/advancedhunting/run", query, bearer: token).status == 200)
            let refused = try await server.postJSON("/api/advancedhunting/run", query, bearer: token)
            #expect(refused.status == 429)
            #expect((try refused.json()["error"] as? [String: String])?["message"]?.hasPrefix("Query execution time quota exceeded!") == true)
            #expect((1...900).contains(refused.header("Retry-After").flatMap(Int.init) ?? 0))
            // Incidents are not hunting: they still answer.
            #expect(try await server.get("/api/incidents?$top=1", bearer: token).status == 200)
        }
    }
}
