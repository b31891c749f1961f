import Foundation
import KQL
import OpenMTPModels
import Store
import Testing

@testable import Hunting

@Suite("Hunting segments: stored, reloaded, compacted, expired")
struct SegmentStoreTests {
    let tenant = "00000000-0000-0000-0000-00000000000b"
    let now = Timestamp(iso8601: "2026-11-24T12:00:00Z")!

    func batch(_ lines: [String], table: String = "DeviceProcessEvents") throws -> IngestBatch {
        var batch = IngestBatch(catalog: try HuntingCatalog.bundled())
        IngestParser.parse(Data(lines.joined(separator: "\n").utf8), format: .jsonl, table: table, into: &batch)
        #expect(batch.problems.isEmpty, "\(batch.problems)")
        return batch
    }

    func row(_ time: String, _ file: String) -> String {
        #"{"Timestamp":"\#(time)","DeviceName":"pc1","FileName":"\#(file)","ProcessId":7,"AdditionalFields":{"a": [1, 2]}}"#
    }

    func count(_ hunting: HuntingService, _ query: String) async throws -> Int64? {
        let response = try await hunting.run(query, tenantId: tenant, now: now)
        guard case .int(let value)? = response.results.first?["Count"] else { return nil }
        return value
    }

    @Test("a restart reloads exactly what was acknowledged, values and types intact")
    func reload() async throws {
        let store = InMemoryStore()
        let hunting = HuntingService(catalog: try HuntingCatalog.bundled(), store: store)
        try await hunting.ingest(try batch([row("2026-11-24T09:00:00.1234567Z", "a.exe"), row("2026-11-24T10:00:00Z", "b.exe")]), tenantId: tenant)
        let reloaded = HuntingService(catalog: try HuntingCatalog.bundled(), store: store)
        #expect(try reloaded.loadStoredSegments() == 2)
        #expect(reloaded.statistics().rows == 2 && reloaded.statistics().segments == hunting.statistics().segments)
        let export = EventExport(hunting: reloaded).lines(of: "DeviceProcessEvents", tenantId: tenant, format: .jsonl, limit: 1)
        #expect(export.first?.hasPrefix(#"{"Timestamp":"2026-11-24T09:00:00.1234567Z","DeviceId":"","DeviceName":"pc1""#) == true)
        #expect(export.first?.contains(#""ProcessId":7"#) == true)
        #expect(export.first?.contains(#""AdditionalFields":"{\"a\":[1,2]}""#) == true, "JSON in a string column is kept compact")
    }

    @Test("small segments are merged into one, in the store as well")
    func compaction() async throws {
        let store = InMemoryStore()
        let hunting = HuntingService(catalog: try HuntingCatalog.bundled(), store: store)
        for index in 0..<HuntingService.compactionFanIn + 1 {
            try await hunting.ingest(try batch([row("2026-11-24T09:00:0\(index)Z", "f\(index).exe")]), tenantId: tenant)
        }
        #expect(hunting.statistics().segments == HuntingService.compactionFanIn + 1)
        #expect(try await hunting.compact() == HuntingService.compactionFanIn)
        #expect(hunting.statistics().segments == 1)
        #expect(try await count(hunting, "DeviceProcessEvents | count") == Int64(HuntingService.compactionFanIn + 1))
        let reloaded = HuntingService(catalog: try HuntingCatalog.bundled(), store: store)
        try reloaded.loadStoredSegments()
        #expect(reloaded.statistics().segments == 1)
        #expect(try await count(reloaded, "DeviceProcessEvents | where FileName == 'f3.exe' | count") == 1)
        #expect(try await hunting.compact() == 0, "one segment is left alone")
    }

    @Test("retention drops whole segments and the old rows of mixed ones, keeps inventories, and the store agrees")
    func retention() async throws {
        let store = InMemoryStore()
        let hunting = HuntingService(catalog: try HuntingCatalog.bundled(), store: store)
        try await hunting.ingest(try batch([row("2026-10-01T00:00:00Z", "old.exe")]), tenantId: tenant)
        try await hunting.ingest(try batch([row("2026-10-02T00:00:00Z", "old2.exe"), row("2026-11-20T00:00:00Z", "new.exe")]), tenantId: tenant)
        try await hunting.ingest(
            try batch([#"{"DeviceId":"d1","SoftwareName":"edge"}"#], table: "DeviceTvmSoftwareInventory"),
            tenantId: tenant
        )
        let cutoff = Timestamp(iso8601: "2026-10-25T12:00:00Z")!.ticks
        #expect(try await hunting.dropRows(before: cutoff) == 2)
        #expect(try await count(hunting, "DeviceProcessEvents | count") == 1)
        #expect(try await count(hunting, "DeviceProcessEvents | where FileName == 'new.exe' | count") == 1)
        #expect(try await count(hunting, "DeviceTvmSoftwareInventory | count") == 1)
        let reloaded = HuntingService(catalog: try HuntingCatalog.bundled(), store: store)
        #expect(try reloaded.loadStoredSegments() == 2)
        #expect(try await hunting.dropRows(before: cutoff) == 0)
    }

    @Test("segments survive the byte format; damaged bytes are refused with a clear error")
    func codec() throws {
        let schema = try #require(try HuntingCatalog.bundled().table(named: "DeviceProcessEvents"))
        let batch = try batch([row("2026-11-24T09:00:00Z", "a.exe"), row("2026-11-24T09:00:01Z", "b.exe")])
        let segment = try #require(batch.segments().first?.segments.first)
        let bytes = SegmentCodec.encode(segment)
        let decoded = try bytes.withUnsafeBytes { try SegmentCodec.decode($0, schema: schema) }
        #expect(decoded.columns == segment.columns)
        #expect(decoded.timeRange == segment.timeRange)
        for cut in [0, 3, 20, bytes.count / 2, bytes.count - 1] {
            #expect(throws: HuntingError.self) { try Array(bytes.prefix(cut)).withUnsafeBytes { try SegmentCodec.decode($0, schema: schema) } }
        }
        let narrower = TableSchema(name: schema.name, columns: [schema.columns[0], ColumnSchema(name: "Added", type: .long)])
        let evolved = try bytes.withUnsafeBytes { try SegmentCodec.decode($0, schema: narrower) }
        #expect(evolved.value(row: 1, column: 0) == segment.value(row: 1, column: 0))
        #expect(evolved.value(row: 1, column: 1) == .null, "a column the stored segment lacks reads as null")
    }

    @Test("JSON escapes, surrogate pairs, numbers and nested values are read as the columns' types")
    func jsonValues() async throws {
        let hunting = HuntingService(catalog: try HuntingCatalog.bundled(), store: InMemoryStore())
        let record =
            #"{"properties":{"Timestamp":"2026-11-24T09:00:00Z","FileName":"caf\u00e9 \ud83d\ude00\n.exe","ProcessId":4.0,"AdditionalFields":{ "k" : "v w" }},"category":"AdvancedHunting-DeviceProcessEvents"}"#
        var batch = IngestBatch(catalog: hunting.catalog)
        IngestParser.parse(Data(record.utf8), format: .streaming, table: nil, into: &batch)
        #expect(batch.problems.isEmpty, "properties may come before the category")
        try await hunting.ingest(batch, tenantId: tenant)
        #expect(try await count(hunting, "DeviceProcessEvents | where FileName == 'café 😀\\n.exe' and ProcessId == 4 | count") == 1)
        let line = EventExport(hunting: hunting).lines(of: "DeviceProcessEvents", tenantId: tenant, format: .jsonl, limit: 1).first ?? ""
        #expect(line.contains(#""AdditionalFields":"{\"k\":\"v w\"}""#))

        var bad = IngestBatch(catalog: hunting.catalog)
        IngestParser.parse(
            Data(#"{"records":[{"category":"AdvancedHunting-DeviceProcessEvents","properties":{"ProcessId":1.5}}, {"#.utf8),
            format: .streaming,
            table: nil,
            into: &bad
        )
        #expect(bad.problems.map(\.description).contains("record 1, column 'ProcessId': 1.5 is not a valid long value."))
        #expect(bad.problems.contains { $0.position == 2 && $0.message.hasPrefix("The message is not valid JSON") })
    }
}
