import Foundation
import Hunting
import OpenMTPModels
import Store
import StoreSQLite

/// The data side of advanced hunting, end to end on the embedded store (SQLite in a temporary folder):
/// simulate a large estate into it, measure the memory its segments hold, reload it as a restart does, and ingest
/// Streaming API records exported from it, two request streams at once.
struct HuntingDataBenchmark {
    let settings: SimulationSettings
    /// Streaming API records ingested in the last step.
    let ingestRecords: Int

    struct Figures {
        var simulatedRows = 0
        var simulationSeconds = 0.0
        var databaseBytes = 0
        var all = HuntingStatistics()
        var processEvents = HuntingStatistics()
        var processTermIndexBytes = 0
        var reloadedRows = 0
        var reloadSeconds = 0.0
        var ingestedRecords = 0
        var ingestedBytes = 0
        var ingestSeconds = 0.0
    }

    static let tenantId = "00000000-0000-0000-0000-0000000000be"

    func run() async throws -> Figures {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("openmtp-data-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let catalog = try HuntingCatalog.bundled()
        var figures = Figures()

        say("== simulate \(settings.devices) devices, \(settings.users) users, \(settings.days) days, \(settings.activity) background events an hour")
        let path = folder.appendingPathComponent("simulated.sqlite").path
        let hunting = HuntingService(catalog: catalog, store: try await Self.store(at: path))
        var simulator = Simulator(settings, catalog: catalog)
        var started = ContinuousClock.now
        for day in 0..<settings.days {
            let (batch, _) = simulator.batch(ofDay: day, catalog: catalog)
            figures.simulatedRows += try await hunting.ingest(batch, tenantId: Self.tenantId).values.reduce(0, +)
            say("  day \(day + 1): \(figures.simulatedRows) rows, \(String(format: "%.1f", Self.seconds(since: started))) s")
        }
        figures.simulationSeconds = Self.seconds(since: started)
        figures.databaseBytes = Self.fileSize(path) + Self.fileSize(path + "-wal")
        figures.all = hunting.statistics()
        figures.processEvents = hunting.statistics(table: "DeviceProcessEvents")

        say("== reload from \(figures.databaseBytes / 1_000_000) MB")
        let reloaded = HuntingService(catalog: catalog, store: try await Self.store(at: path))
        started = ContinuousClock.now
        figures.reloadedRows = try reloaded.loadStoredSegments()
        figures.reloadSeconds = Self.seconds(since: started)
        figures.processTermIndexBytes = reloaded.buildTermIndexes(table: "DeviceProcessEvents")

        say("== ingest \(ingestRecords) Streaming API records, two streams at once")
        let streams = exportedRecords(from: hunting, catalog: catalog)
        figures.ingestedRecords = streams.reduce(0) { $0 + $1.records }
        figures.ingestedBytes = streams.reduce(0) { $0 + $1.data.count }
        let target = HuntingService(catalog: catalog, store: try await Self.store(at: folder.appendingPathComponent("ingest.sqlite").path))
        started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for stream in streams {
                group.addTask {
                    var offset = 0
                    while offset < stream.data.count {
                        let chunkEnd = Self.lineBoundary(in: stream.data, from: offset, bytes: Self.requestBytes) ?? stream.data.count
                        var batch = IngestBatch(catalog: catalog)
                        IngestParser.parse(Data(stream.data[offset..<chunkEnd]), format: .streaming, table: nil, into: &batch)
                        try await target.ingest(batch, tenantId: Self.tenantId)
                        offset = chunkEnd
                    }
                }
            }
            try await group.waitForAll()
        }
        figures.ingestSeconds = Self.seconds(since: started)
        guard target.statistics().rows == figures.ingestedRecords else {
            throw BenchmarkError("ingested \(target.statistics().rows) rows of \(figures.ingestedRecords) records")
        }
        return figures
    }

    /// Each request of the ingest step carries about this much JSON (Event Hub messages are at most 1 MB; storage
    /// files are larger).
    static let requestBytes = 16 << 20

    /// Records of every table in proportion to its rows, as JSON lines split into two streams.
    private func exportedRecords(from hunting: HuntingService, catalog: HuntingCatalog) -> [(data: Data, records: Int)] {
        let export = EventExport(hunting: hunting)
        let total = max(1, hunting.statistics().rows)
        var streams = [(Data(), 0), (Data(), 0)]
        for table in catalog.tableNames {
            let share = Int((Double(hunting.statistics(table: table).rows) / Double(total) * Double(ingestRecords)).rounded(.up))
            for (index, line) in export.lines(of: table, tenantId: Self.tenantId, format: .streaming, limit: share).enumerated() {
                streams[index % 2].0.append(contentsOf: line.utf8)
                streams[index % 2].0.append(UInt8(ascii: "\n"))
                streams[index % 2].1 += 1
            }
        }
        return streams.map { (data: $0.0, records: $0.1) }
    }

    /// The end of the first line that ends at least `bytes` after `offset`.
    static func lineBoundary(in data: Data, from offset: Int, bytes: Int) -> Int? {
        guard offset + bytes < data.count else { return nil }
        return data[(offset + bytes)...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }
    }

    /// The store at `path`, with the benchmark's tenant (segments belong to a tenant).
    private static func store(at path: String) async throws -> SQLiteStore {
        let store = try SQLiteStore(path: path)
        if try await store.tenant(idOrDomain: tenantId) == nil {
            try await store.insertTenant(TenantRecord(id: tenantId, domain: "bench.test", displayName: "Benchmark", createdAt: Timestamp(Date())))
        }
        return store
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        KQLFrontEndBenchmark.seconds(start.duration(to: .now))
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}

extension HuntingDataBenchmark.Figures {
    func summary() -> String {
        String(
            format: "simulated %d rows in %.1f s; DeviceProcessEvents %.0f B/row resident; reload %.2fM rows/s; ingest %.0fk events/s",
            simulatedRows,
            simulationSeconds,
            Double(processEvents.residentBytes) / Double(max(1, processEvents.rows)),
            Double(reloadedRows) / reloadSeconds / 1e6,
            Double(ingestedRecords) / ingestSeconds / 1e3
        )
    }

    func markdown(_ settings: SimulationSettings, command: String) -> String {
        func perRow(_ bytes: Int, _ rows: Int) -> String { String(format: "%.0f B", Double(bytes) / Double(max(1, rows))) }
        let simulationRate = Double(simulatedRows) / simulationSeconds
        let reloadRate = Double(reloadedRows) / reloadSeconds
        let ingestRate = Double(ingestedRecords) / ingestSeconds
        return """
            ## Hunting data: simulation, memory, reload and ingestion

            Measured \(ISO8601DateFormatter().string(from: Date())) on this project's machine kind (\(BenchmarkRunner.machine())), release build:
            `\(command)`. The embedded store (SQLite, WAL) in a temporary folder.

            | step | figure | goal |
            |---|---:|---|
            | simulate \(settings.devices) devices, \(settings.users) users, \(settings.days) days, `--activity \(settings.activity)` (generate, build segments, store) | \(simulatedRows) rows in \(String(format: "%.1f s", simulationSeconds)) (\(String(format: "%.0f", simulationRate)) rows/s) | 10M events < 2 min |
            | `DeviceProcessEvents` resident, \(processEvents.rows) rows in \(processEvents.segments) segments | \(perRow(processEvents.residentBytes, processEvents.rows))/row | ≤ 150 B/row |
            | … with the term indexes of all its text columns built | \(perRow(processEvents.residentBytes + processTermIndexBytes, processEvents.rows))/row | |
            | all \(all.rows) rows, \(all.segments) segments | \(perRow(all.residentBytes, all.rows))/row resident, \(perRow(databaseBytes, all.rows))/row on disk | |
            | reload at start-up (read and decode every segment) | \(String(format: "%.2f s", reloadSeconds)), \(String(format: "%.2fM", reloadRate / 1e6)) rows/s | ≥ 1M rows/s |
            | ingest \(ingestedRecords) Streaming API records (\(ingestedBytes / 1_000_000) MB of JSON lines, two streams at once, \(HuntingDataBenchmark.requestBytes >> 20) MB a batch, each batch durable before the next) | \(String(format: "%.2f s", ingestSeconds)), \(String(format: "%.0f", ingestRate)) events/s (\(String(format: "%.0f", Double(ingestedBytes) / ingestSeconds / 1e6)) MB/s) | ≥ 300k events/s |

            The records ingested are the simulated rows of every table in proportion, exported as the Streaming API writes
            them (`mtp export --format streaming`). Resident bytes are the segments' buffers (packed integers, null
            bitmaps, dictionaries); term indexes are built on first use and counted apart.

            """
    }
}
