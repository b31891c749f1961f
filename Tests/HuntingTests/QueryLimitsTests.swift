import Foundation
import KQL
import OpenMTPModels
import Store
import Testing

@testable import Hunting

@Suite("Hunting queries: row cap, memory budget, timeout, errors, other queries unaffected")
struct QueryLimitsTests {
    let tenant = "00000000-0000-0000-0000-00000000000c"
    let now = Timestamp(iso8601: "2026-11-24T12:00:00Z")!

    /// A service holding `rows` process events, with `limits`.
    func service(rows: Int, limits: HuntingService.Limits) async throws -> HuntingService {
        let hunting = HuntingService(catalog: try HuntingCatalog.bundled(), store: InMemoryStore(), limits: limits)
        let lines = (0..<rows).map { index in
            #"{"Timestamp":"2026-11-24T10:00:00Z","DeviceName":"pc\#(index % 50)","FileName":"f\#(index).exe","ProcessId":\#(index)}"#
        }
        var batch = IngestBatch(catalog: try HuntingCatalog.bundled())
        IngestParser.parse(Data(lines.joined(separator: "\n").utf8), format: .jsonl, table: "DeviceProcessEvents", into: &batch)
        try await hunting.ingest(batch, tenantId: tenant)
        return hunting
    }

    @Test("results stop at the row cap and Stats says the result was truncated")
    func rowCap() async throws {
        var limits = HuntingService.Limits()
        limits.maxResultRows = 100
        let hunting = try await service(rows: 300, limits: limits)
        let capped = try await hunting.run("DeviceProcessEvents | project FileName", tenantId: tenant, now: now)
        #expect(capped.results.count == 100)
        #expect(capped.stats.truncated == true)
        let small = try await hunting.run("DeviceProcessEvents | take 10", tenantId: tenant, now: now)
        #expect(small.results.count == 10)
        #expect(small.stats.truncated == nil)
    }

    @Test("a cartesian join ends in a clear error within the memory budget; the next query runs")
    func cartesianJoin() async throws {
        var limits = HuntingService.Limits()
        limits.maxCells = 200_000
        let hunting = try await service(rows: 2_000, limits: limits)
        let query = "DeviceProcessEvents | extend k = 1 | join kind=inner (DeviceProcessEvents | extend k = 1) on k | count"
        do {
            _ = try await hunting.run(query, tenantId: tenant, now: now)
            Issue.record("the cartesian join should exceed the budget")
        } catch {
            #expect(error.code == .queryTimedOut)
            #expect(error.message.contains("memory"), "\(error.message)")
        }
        let after = try await hunting.run("DeviceProcessEvents | count", tenantId: tenant, now: now)
        #expect(after.results.first?["Count"] == .int(2_000))
    }

    @Test("a summarize with a group per row is bounded by the same budget")
    func hugeSummarize() async throws {
        var limits = HuntingService.Limits()
        limits.maxCells = 1_000
        let hunting = try await service(rows: 2_000, limits: limits)
        await #expect(throws: HuntingError.self) {
            try await hunting.run("DeviceProcessEvents | summarize count() by FileName, ProcessId", tenantId: tenant, now: now)
        }
        let grouped = try await hunting.run("DeviceProcessEvents | summarize count() by DeviceName | count", tenantId: tenant, now: now)
        #expect(grouped.results.first?["Count"] == .int(50))
    }

    @Test("a query past its timeout stops with QueryTimedOut")
    func timeout() async throws {
        var limits = HuntingService.Limits()
        limits.timeout = .zero
        let hunting = try await service(rows: 10, limits: limits)
        do {
            _ = try await hunting.run("DeviceProcessEvents | count", tenantId: tenant, now: now)
            Issue.record("the query should time out")
        } catch {
            #expect(error.code == .queryTimedOut)
        }
    }

    @Test("syntax, semantic and run-time errors are InvalidQuery with the position")
    func errors() async throws {
        var limits = HuntingService.Limits()
        limits.externalData = nil
        let hunting = try await service(rows: 10, limits: limits)
        for (query, fragment) in [
            ("DeviceProcessEvents | where", "could not be parsed at line 1"),
            ("DeviceProcessEvents | where Nope == 1", "KQL102"),
            ("externaldata (a:string) [\"https://example.invalid/x.csv\"]", "Query execution failed at line 1"),
        ] {
            do {
                _ = try await hunting.run(query, tenantId: tenant, now: now)
                Issue.record("\(query) should fail")
            } catch {
                #expect(error.code == .invalidQuery)
                #expect(error.message.contains(fragment), "\(error.message)")
            }
        }
    }

    @Test("tenants see only their own rows")
    func tenantIsolation() async throws {
        let hunting = try await service(rows: 5, limits: HuntingService.Limits())
        let other = try await hunting.run("DeviceProcessEvents | count", tenantId: "00000000-0000-0000-0000-0000000000ff", now: now)
        #expect(other.results.first?["Count"] == .int(0))
    }
}

@Suite("externaldata: mirrored copies, and a clear error without the network")
struct ExternalDataTests {
    let tenant = "00000000-0000-0000-0000-00000000000d"
    let now = Timestamp(iso8601: "2026-11-24T12:00:00Z")!

    @Test("a URI with a copy in the mirror folder is read from it: CSV into typed columns, a folder from its index.html")
    func mirrored() async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("openmtp-mirror-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let mirror = base.appendingPathComponent("mirror")
        let folder = mirror.appendingPathComponent("lists.example.test/intel")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "sha256,score\nabc,5\n\"d,ef\",7\n".write(to: folder.appendingPathComponent("hashes.csv"), atomically: true, encoding: .utf8)
        var limits = HuntingService.Limits()
        limits.externalData = HTTPExternalData(mirror: mirror)
        let hunting = HuntingService(catalog: try HuntingCatalog.bundled(), store: InMemoryStore(), limits: limits)
        let query =
            #"externaldata (sha256: string, score: long) ["https://lists.example.test/intel/hashes.csv"] with (ignoreFirstRecord=true) | summarize sum(score), make_list(sha256)"#
        let response = try await hunting.run(query, tenantId: tenant, now: now)
        #expect(response.results.first?["sum_score"] == .int(12))
        #expect(response.results.first?["list_sha256"] == .array([.string("abc"), .string("d,ef")]))
        // A URI naming a folder is read from its index.html, as wget --mirror saves it.
        try "h1\nh2\n".write(to: folder.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        let listing = try await hunting.run(#"externaldata (h: string) ["https://lists.example.test/intel/"] | count"#, tenantId: tenant, now: now)
        #expect(listing.results.first?["Count"] == .int(2))
        // A path climbing out of the mirror is not read from the disk.
        try "secret\n".write(to: base.appendingPathComponent("outside.csv"), atomically: true, encoding: .utf8)
        await #expect(throws: HuntingError.self) {
            try await hunting.run(#"externaldata (a: string) ["https://lists.example.test/../../outside.csv"]"#, tenantId: tenant, now: now)
        }
    }

    @Test("an unreachable URI fails the query with its address in the message")
    func unreachable() async throws {
        var limits = HuntingService.Limits()
        limits.externalData = HTTPExternalData()
        let hunting = HuntingService(catalog: try HuntingCatalog.bundled(), store: InMemoryStore(), limits: limits)
        do {
            _ = try await hunting.run(#"externaldata (a: string) ["https://nothing.invalid/list.csv"]"#, tenantId: tenant, now: now)
            Issue.record("the query should fail")
        } catch {
            #expect(error.code == .invalidQuery)
            #expect(error.message.contains("could not read 'https://nothing.invalid/list.csv'"), "\(error.message)")
        }
    }
}
