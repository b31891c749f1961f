import Foundation
import Hunting
import KQL
import OpenMTPModels
import Store
import Testing

@Suite("Hunting imports")
struct IngestTests {
    let tenant = "00000000-0000-0000-0000-00000000000a"

    func service() throws -> (HuntingService, InMemoryStore) {
        let store = InMemoryStore()
        return (HuntingService(catalog: try HuntingCatalog.bundled(), store: store), store)
    }

    func count(_ hunting: HuntingService, _ query: String) async throws -> Int64? {
        let response = try await hunting.run(query, tenantId: tenant, now: Timestamp(iso8601: "2026-11-24T12:00:00Z")!)
        guard case .int(let value)? = response.results.first?["Count"] else { return nil }
        return value
    }

    func parse(_ text: String, _ format: IngestFormat?, table: String? = nil, fileName: String = "") throws -> IngestBatch {
        try parse(Data(text.utf8), format, table: table, fileName: fileName)
    }

    func parse(_ data: Data, _ format: IngestFormat?, table: String? = nil, fileName: String = "") throws -> IngestBatch {
        var batch = IngestBatch(catalog: try HuntingCatalog.bundled())
        IngestParser.parse(data, format: format, table: table, fileName: fileName, into: &batch)
        return batch
    }

    static let streamingMessage = """
        {"records":[
          {"time":"2026-11-24T10:00:00.0000000Z","tenantId":"t","operationName":"Publish","category":"AdvancedHunting-DeviceProcessEvents",
           "properties":{"Timestamp":"2026-11-24T09:59:00.1234567Z","DeviceId":"d1","DeviceName":"pc1","FileName":"a.exe","ProcessId":42,"AdditionalFields":null}},
          {"time":"2026-11-24T10:00:00Z","tenantId":"t","operationName":"Publish","category":"AdvancedHunting-DeviceNetworkEvents",
           "properties":{"Timestamp":"2026-11-24T09:59:00Z","DeviceId":"d1","RemotePort":443,"RemoteIP":"10.0.0.1"}}
        ]}
        """

    @Test("Streaming API: an Event Hub message, storage lines with CRLF, and gzip; tables from the category")
    func streaming() async throws {
        let (hunting, _) = try service()
        let message = try parse(Self.streamingMessage, nil)
        #expect(message.problems.isEmpty)
        #expect(message.segments().map(\.table) == ["DeviceProcessEvents", "DeviceNetworkEvents"])
        #expect(try await hunting.ingest(message, tenantId: tenant) == ["DeviceProcessEvents": 1, "DeviceNetworkEvents": 1])

        let line =
            #"{"time":"2026-11-24T10:00:00Z","tenantId":"t","category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"2026-11-24T09:00:00Z","FileName":"b.exe"}}"#
        let lines = try parse(line + "\r\n" + line + "\r\n", .streaming)
        #expect(lines.problems.isEmpty)
        try await hunting.ingest(lines, tenantId: tenant)

        let fromGzip = try parse(try gzip(Self.streamingMessage), nil)
        #expect(fromGzip.problems.isEmpty)
        try await hunting.ingest(fromGzip, tenantId: tenant)
        #expect(try await count(hunting, "DeviceProcessEvents | count") == 4)
        #expect(try await count(hunting, "DeviceNetworkEvents | where RemotePort == 443 | count") == 2)
        #expect(try await count(hunting, "DeviceProcessEvents | where ProcessId == 42 and FileName == 'a.exe' | count") == 2)
    }

    @Test("the advanced hunting API's response replays into the named table")
    func huntingResponse() async throws {
        let (hunting, _) = try service()
        let text =
            #"{"Schema":[{"Name":"Timestamp","Type":"DateTime"},{"Name":"FileName","Type":"String"}],"Results":[{"Timestamp":"2026-11-24T09:00:00Z","FileName":"a.exe"},{"Timestamp":"2026-11-24T09:01:00Z","FileName":"b.exe"}],"Stats":{}}"#
        let batch = try parse(text, nil, table: "DeviceFileEvents")
        #expect(batch.problems.isEmpty)
        try await hunting.ingest(batch, tenantId: tenant)
        #expect(try await count(hunting, "DeviceFileEvents | where FileName in ('a.exe', 'b.exe') | count") == 2)
        #expect(try !parse(text, .hunting).problems.isEmpty, "the table is required")
    }

    @Test("CSV as the portal exports it: header, quoted fields with commas, quotes and line breaks, BOM, empty as null")
    func csv() async throws {
        let (hunting, _) = try service()
        let text =
            "\u{FEFF}Timestamp,DeviceName,ProcessCommandLine,ProcessId\r\n"
            + "2026-11-24T09:00:00Z,pc1,\"cmd.exe /c \"\"a, b\"\"\",7\r\n"
            + "2026-11-24T09:01:00Z,pc2,\"two\nlines\",\r\n"
        let batch = try parse(text, nil, table: "DeviceProcessEvents", fileName: "export.csv")
        #expect(batch.problems.isEmpty)
        #expect(batch.rowCount == 2)
        try await hunting.ingest(batch, tenantId: tenant)
        #expect(try await count(hunting, #"DeviceProcessEvents | where ProcessCommandLine == 'cmd.exe /c "a, b"' and ProcessId == 7 | count"#) == 1)
        #expect(try await count(hunting, "DeviceProcessEvents | where ProcessCommandLine == 'two\\nlines' | count") == 1)
        let ragged = try parse("Timestamp,DeviceName\n2026-11-24T09:00:00Z\n", .csv, table: "DeviceProcessEvents")
        #expect(ragged.problems.map(\.description) == ["record 1: The record has 1 fields; the header has 2."])
    }

    @Test("JSON lines per table; a line that is not an object is reported by its number")
    func jsonLines() async throws {
        let (hunting, _) = try service()
        let good = #"{"Timestamp":"2026-11-24T09:00:00Z","AccountUpn":"a@contoso.test"}"#
        let bad = try parse(good + "\n\n" + "[1]\n" + #"{"AccountUpn": "x" "Port": 1}"# + "\n", .jsonl, table: "IdentityLogonEvents")
        #expect(bad.rowCount == 1)
        #expect(
            bad.problems.map(\.description) == [
                "record 3: The line is not a JSON object.",
                "record 4: The line is not valid JSON at character 20: expected ',' or '}'.",
            ]
        )
        await #expect(throws: HuntingError.self) { try await hunting.ingest(bad, tenantId: tenant) }
        try await hunting.ingest(try parse(good + "\n\n" + good, .jsonl, table: "IdentityLogonEvents"), tenantId: tenant)
        #expect(try await count(hunting, "IdentityLogonEvents | count") == 2)
    }

    @Test("unknown columns and tables, wrong types and bad timestamps are each reported, and nothing of the batch is stored")
    func rejection() async throws {
        let (hunting, store) = try service()
        let text = [
            #"{"category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"2026-11-24T09:00:00Z","FileName":"ok.exe"}}"#,
            #"{"category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"yesterday","ProcessId":"many","Colour":"red"}}"#,
            #"{"category":"AdvancedHunting-NoSuchTable","properties":{}}"#,
            #"{"category":"AdvancedHunting-DeviceNetworkEvents","properties":{"RemotePort":true}}"#,
            #"{"properties":{}}"#,
        ].joined(separator: "\n")
        let batch = try parse(text, .streaming)
        do {
            try await hunting.ingest(batch, tenantId: tenant)
            Issue.record("the batch should be refused")
        } catch let error as HuntingError {
            #expect(error.code == .invalidRecords)
            let described = error.problems.map(\.description)
            #expect(described.contains("record 2, column 'Colour': DeviceProcessEvents has no such column."))
            #expect(described.contains(#"record 2, column 'Timestamp': "yesterday" is not a valid datetime value."#))
            #expect(described.contains(#"record 2, column 'ProcessId': "many" is not a valid long value."#))
            #expect(described.contains("record 3: 'NoSuchTable' is not an advanced hunting table."))
            #expect(described.contains(#"record 5: A Streaming API record needs "category": "AdvancedHunting-<Table>"."#))
            #expect(error.message.hasPrefix("Nothing was imported: 5 problems"))
        }
        var stored = 0
        try store.forEachSegment { _ in stored += 1 }
        #expect(stored == 0)
        #expect(try await count(hunting, "DeviceProcessEvents | count") == 0)
    }

    @Test("corrupt gzip and formats that need a table are clear errors about the input")
    func inputErrors() throws {
        let corrupt = try parse(Data([0x1F, 0x8B, 0x08, 0x00, 0x01]), nil)
        #expect(corrupt.problems.first?.position == 0)
        #expect(corrupt.problems.first?.message.contains("gzip") == true)
        #expect(try parse("{}", .jsonl).problems.first?.message.contains("give the table") == true)
    }

    /// Gzip through the system's `gzip`, as files arrive from storage exports.
    func gzip(_ text: String) throws -> Data {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("records.json")
        try Data(text.utf8).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = [file.path]
        try process.run()
        process.waitUntilExit()
        return try Data(contentsOf: file.appendingPathExtension("gz"))
    }

    @Test("export writes <Table>.jsonl with every column in schema order, for the tenant's rows only, and imports back")
    func export() async throws {
        let (hunting, _) = try service()
        try await hunting.ingest(try parse(Self.streamingMessage, nil), tenantId: tenant)
        try await hunting.ingest(try parse(Self.streamingMessage, nil), tenantId: "someone-else")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let counts = try EventExport(hunting: hunting).write(tenantId: tenant, to: folder)
        #expect(counts == ["DeviceProcessEvents": 1, "DeviceNetworkEvents": 1])
        let text = try String(contentsOf: folder.appendingPathComponent("DeviceProcessEvents.jsonl"), encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let schema = try #require(try HuntingCatalog.bundled().table(named: "DeviceProcessEvents"))
        #expect(object.count == schema.columns.count)
        #expect(line.hasPrefix(#"{"Timestamp":"2026-11-24T09:59:00.1234567Z","DeviceId":"d1","DeviceName":"pc1""#))
        #expect(object["ProcessId"] as? Int == 42)

        let (reloaded, _) = try service()
        let back = try parse(try Data(contentsOf: folder.appendingPathComponent("DeviceProcessEvents.jsonl")), .jsonl, table: "DeviceProcessEvents")
        #expect(back.problems.isEmpty)
        try await reloaded.ingest(back, tenantId: tenant)
        #expect(try await count(reloaded, "DeviceProcessEvents | where FileName == 'a.exe' | count") == 1)
    }

    @Test("export across blocks: every row once and in order, the same text after a reimport, records wrap the same objects")
    func exportAcrossBlocks() async throws {
        let (hunting, _) = try service()
        var settings = SimulatorTests.settings
        settings.activity = 60
        var simulator = Simulator(settings, catalog: try HuntingCatalog.bundled())
        for day in 0..<settings.days {
            let (batch, _) = simulator.batch(ofDay: day, catalog: try HuntingCatalog.bundled())
            try await hunting.ingest(batch, tenantId: tenant)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let export = EventExport(hunting: hunting)
        let counts = try export.write(tenantId: tenant, to: folder)
        let largest = try #require(counts.max { $0.value < $1.value })
        #expect(largest.value > 2 * EventExport.blockRows, "the test needs a table spanning several blocks")

        let jsonl = try String(contentsOf: folder.appendingPathComponent("\(largest.key).jsonl"), encoding: .utf8)
        let lines = jsonl.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines.count == largest.value)
        #expect(lines == export.lines(of: largest.key, tenantId: tenant, format: .jsonl, limit: .max))

        let (reloaded, _) = try service()
        let back = try parse(Data(jsonl.utf8), .jsonl, table: largest.key)
        #expect(back.problems.isEmpty)
        try await reloaded.ingest(back, tenantId: tenant)
        let again = folder.appendingPathComponent("again")
        _ = try EventExport(hunting: reloaded).write(tenantId: tenant, to: again)
        #expect(try String(contentsOf: again.appendingPathComponent("\(largest.key).jsonl"), encoding: .utf8) == jsonl)

        let records = folder.appendingPathComponent("records")
        _ = try export.write(tenantId: tenant, to: records, format: .streaming)
        let recordLines = try String(contentsOf: records.appendingPathComponent("\(largest.key).records.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        #expect(recordLines.count == lines.count)
        for (record, line) in zip(recordLines, lines).prefix(3) + zip(recordLines, lines).suffix(3) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])
            let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["category"] as? String == "AdvancedHunting-\(largest.key)")
            #expect(object["tenantId"] as? String == tenant)
            #expect(object["time"] as? String == row["Timestamp"] as? String)
            #expect(NSDictionary(dictionary: object["properties"] as? [String: Any] ?? [:]).isEqual(to: row))
        }
    }
}
