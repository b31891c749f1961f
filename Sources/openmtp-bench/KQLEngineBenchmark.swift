import Foundation
import Hunting
import KQL
import OpenMTPModels
import Store
import StoreSQLite

/// Real hunting query shapes on the simulator's 10M-event estate, through OpenMTP's engine (in process, the data
/// loaded as `mtp serve` holds it) and through the peer engines over the same rows (`mtp export` JSON lines loaded by
/// `kql_peers.py`). Each figure is the median of `repeats` runs after a warm-up, as `kql_peers.py --repeat` measures.
struct KQLEngineBenchmark {
    let settings: SimulationSettings
    /// Where the simulated database and its export are kept between runs (simulating and exporting take minutes).
    let folder: URL
    let peers: String
    let python: String
    let repeats: Int

    struct Query {
        let id: String
        let shape: String
        let text: String
        var isTermSearch: Bool { shape == "has search" }
    }

    static let queries: [Query] = [
        Query(id: "q01", shape: "filter", text: #"DeviceProcessEvents | where FileName == "powershell.exe" | count"#),
        Query(
            id: "q02",
            shape: "has search",
            text: #"DeviceProcessEvents | where ProcessCommandLine has "whoami" | project Timestamp, DeviceName, ProcessCommandLine"#
        ),
        Query(
            id: "q03",
            shape: "has search",
            text: #"DeviceProcessEvents | where ProcessCommandLine has "-nop" and ProcessCommandLine has "hidden" | count"#
        ),
        Query(id: "q04", shape: "has search", text: #"DeviceFileEvents | where FolderPath has "Temp" and FileName endswith ".exe" | count"#),
        Query(
            id: "q05",
            shape: "has search",
            text: #"DeviceNetworkEvents | where RemoteUrl has_any ("pastebin", "ngrok", "duckdns") | project Timestamp, DeviceName, RemoteUrl"#
        ),
        Query(
            id: "q06",
            shape: "has search",
            text: #"DeviceRegistryEvents | where RegistryKey has "CurrentVersion" | summarize count() by DeviceName | top 5 by count_"#
        ),
        Query(id: "q07", shape: "filter", text: #"DeviceProcessEvents | where ProcessCommandLine contains "-enc" | count"#),
        Query(
            id: "q08",
            shape: "filter",
            text: #"DeviceProcessEvents | where InitiatingProcessFileName =~ "winword.exe" | project DeviceName, FileName"#
        ),
        Query(id: "q09", shape: "filter", text: #"DeviceNetworkEvents | where Timestamp > ago(1d) and RemotePort == 443 | count"#),
        Query(
            id: "q10",
            shape: "summarize",
            text: #"DeviceNetworkEvents | where RemotePort == 443 | summarize count() by RemoteIP | top 10 by count_"#
        ),
        Query(id: "q11", shape: "summarize by bin", text: #"DeviceNetworkEvents | summarize count() by bin(Timestamp, 1h) | sort by Timestamp asc"#),
        Query(id: "q12", shape: "summarize by bin", text: #"DeviceProcessEvents | summarize count() by bin(Timestamp, 1d), DeviceName | count"#),
        Query(id: "q13", shape: "summarize", text: #"DeviceProcessEvents | summarize dcount(FileName) by DeviceName | top 10 by dcount_FileName"#),
        Query(
            id: "q14",
            shape: "summarize",
            text: #"DeviceLogonEvents | where ActionType == "LogonFailed" | summarize count() by AccountName | top 10 by count_"#
        ),
        Query(id: "q15", shape: "summarize", text: #"DeviceImageLoadEvents | summarize count() by FileName | top 10 by count_"#),
        Query(id: "q16", shape: "summarize", text: #"DeviceEvents | summarize count() by ActionType"#),
        Query(
            id: "q17",
            shape: "summarize",
            text: #"DeviceProcessEvents | where Timestamp > ago(1d) | summarize count() by FileName | top 10 by count_"#
        ),
        Query(id: "q18", shape: "arg_max", text: #"DeviceInfo | summarize arg_max(Timestamp, *) by DeviceId | project DeviceName, OSPlatform"#),
        Query(id: "q19", shape: "arg_max", text: #"DeviceFileEvents | summarize arg_max(Timestamp, FileName, FolderPath) by DeviceId | count"#),
        Query(
            id: "q20",
            shape: "join",
            text:
                #"DeviceProcessEvents | where FileName =~ "powershell.exe" | join kind=inner (DeviceNetworkEvents | where RemotePort == 443) on DeviceId | count"#
        ),
        Query(
            id: "q21",
            shape: "join",
            text:
                #"DeviceLogonEvents | where ActionType == "LogonSuccess" | join kind=leftsemi (DeviceInfo | where OSPlatform == "WindowsServer2022") on DeviceId | count"#
        ),
        Query(
            id: "q22",
            shape: "mv-expand",
            text: #"AlertInfo | extend T = parse_json(AttackTechniques) | mv-expand T | summarize count() by tostring(T)"#
        ),
        Query(
            id: "q23",
            shape: "mv-expand",
            text: #"DeviceNetworkEvents | take 100000 | extend P = pack_array(LocalPort, RemotePort) | mv-expand P | summarize count()"#
        ),
        Query(id: "q24", shape: "filter", text: #"DeviceNetworkEvents | where Timestamp between (ago(2d) .. ago(1d)) | count"#),
    ]

    struct Timing {
        var milliseconds: Double?
        var rows: Int?
        var error: String?
    }

    struct Figures {
        var rows = 0
        var results: [String: [String: Timing]] = [:]
    }

    static let tenantId = "00000000-0000-0000-0000-0000000000ee"
    static let engines = ["openmtp", "duckdb_kql", "chdb"]

    func run() async throws -> Figures {
        let catalog = try HuntingCatalog.bundled()
        let database = folder.appendingPathComponent("engine.sqlite").path
        let export = folder.appendingPathComponent("export")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: database)
        if try await store.tenant(idOrDomain: Self.tenantId) == nil {
            try await store.insertTenant(TenantRecord(id: Self.tenantId, domain: "engine.test", displayName: "Engine", createdAt: Timestamp(Date())))
        }
        let hunting = HuntingService(catalog: catalog, store: store)
        var figures = Figures()
        figures.rows = try hunting.loadStoredSegments()
        if figures.rows == 0 {
            say("== simulate \(settings.devices) devices, \(settings.days) days into \(database)")
            var simulator = Simulator(settings, catalog: catalog)
            for day in 0..<settings.days {
                let (batch, _) = simulator.batch(ofDay: day, catalog: catalog)
                figures.rows += try await hunting.ingest(batch, tenantId: Self.tenantId).values.reduce(0, +)
            }
            try? FileManager.default.removeItem(at: export)
        }
        if !FileManager.default.fileExists(atPath: export.path) {
            say("== export \(figures.rows) rows to \(export.path) for the peers")
            _ = try EventExport(hunting: hunting).write(tenantId: Self.tenantId, to: export, format: .jsonl) { _ in }
        }
        let queryFile = folder.appendingPathComponent("queries.jsonl")
        let lines = Self.queries.map { query in
            String(decoding: try! JSONSerialization.data(withJSONObject: ["id": query.id, "query": query.text]), as: UTF8.self)
        }
        try (lines.joined(separator: "\n") + "\n").write(to: queryFile, atomically: true, encoding: .utf8)

        say("== OpenMTP: \(Self.queries.count) queries over \(figures.rows) rows, median of \(repeats)")
        let now = Timestamp(Date())
        for query in Self.queries {
            var timing = Timing()
            do {
                _ = try await hunting.execute(query.text, tenantId: Self.tenantId, now: now)
                var times: [Double] = []
                for _ in 0..<repeats {
                    let started = ContinuousClock.now
                    let result = try await hunting.execute(query.text, tenantId: Self.tenantId, now: now)
                    times.append(KQLFrontEndBenchmark.seconds(started.duration(to: .now)) * 1000)
                    timing.rows = result.rowCount
                }
                timing.milliseconds = times.sorted()[times.count / 2]
            } catch {
                timing.error = error.message
            }
            figures.results[query.id, default: [:]]["openmtp"] = timing
            say("  \(query.id) \(timing.milliseconds.map { String(format: "%.1f ms", $0) } ?? "error: \(timing.error ?? "")")")
        }
        for engine in Self.engines.dropFirst() {
            say("== \(engine): loading \(export.path) and running the queries")
            let output = try Shell.run(
                python,
                ["\(peers)/kql_peers.py", engine, "--data", export.path, "--queries", queryFile.path, "--repeat", String(repeats)]
            )
            for line in output.split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let id = object["id"] as? String else {
                    continue
                }
                var timing = Timing()
                if object["ok"] as? Bool == true {
                    timing.milliseconds = (object["ms"] as? NSNumber)?.doubleValue
                    timing.rows = (object["rows"] as? NSNumber)?.intValue
                } else {
                    timing.error = object["error"] as? String ?? "failed"
                }
                figures.results[id, default: [:]][engine] = timing
                say("  \(id) \(timing.milliseconds.map { String(format: "%.1f ms", $0) } ?? "refused: \(timing.error ?? "")")")
            }
        }
        return figures
    }
}

extension KQLEngineBenchmark.Figures {
    /// Median over the queries both engines ran of OpenMTP's latency divided by the peer's.
    func medianRatio(against engine: String, termSearchOnly: Bool = false) -> (ratio: Double, queries: Int)? {
        var ratios: [Double] = []
        for query in KQLEngineBenchmark.queries where !termSearchOnly || query.isTermSearch {
            guard let ours = results[query.id]?["openmtp"]?.milliseconds, let theirs = results[query.id]?[engine]?.milliseconds, theirs > 0
            else { continue }
            ratios.append(ours / theirs)
        }
        guard !ratios.isEmpty else { return nil }
        let sorted = ratios.sorted()
        let middle = sorted.count / 2
        return (sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2, ratios.count)
    }

    func markdown(command: String, repeats: Int) -> String {
        func cell(_ timing: KQLEngineBenchmark.Timing?) -> String {
            guard let timing else { return "–" }
            if let ms = timing.milliseconds { return String(format: ms < 10 ? "%.2f ms" : "%.1f ms", ms) }
            return "refused"
        }
        func ratio(_ engine: String, termSearch: Bool) -> String {
            medianRatio(against: engine, termSearchOnly: termSearch).map { String(format: "%.3f× (%d queries)", $0.ratio, $0.queries) } ?? "–"
        }
        var rows = ""
        for query in KQLEngineBenchmark.queries {
            let timings = results[query.id] ?? [:]
            let text = query.text.replacingOccurrences(of: "|", with: "\\|")
            rows += "| \(query.id) | \(query.shape) | `\(text)` | \(timings["openmtp"]?.rows.map(String.init) ?? "–") | "
            rows += "\(cell(timings["openmtp"])) | \(cell(timings["duckdb_kql"])) | \(cell(timings["chdb"])) |\n"
        }
        return """
            ## KQL engine: hunting queries against the peer engines

            Measured \(ISO8601DateFormatter().string(from: Date())), this machine (\(BenchmarkRunner.machine())), release build: `\(command)`.
            One simulated estate of \(self.rows) rows (the hunting data section's settings), loaded as `mtp serve` holds it
            for OpenMTP and from `mtp export` JSON lines for duckdb-kql and chdb (`../shared/tools/peers/kql_peers.py`, run by
            the Python of `.build/kql-peers`: `python3 -m venv .build/kql-peers && .build/kql-peers/bin/pip install duckdb
            duckdb-kql chdb`, or `--python PATH`). The estate and its export are kept in `.build/engine-bench` for later runs.
            Each figure is the median of \(repeats) runs after a warm-up; "refused" means the peer does not run that query.

            | | median of OpenMTP ÷ peer | goal |
            |---|---|---|
            | all queries vs duckdb-kql | \(ratio("duckdb_kql", termSearch: false)) | ≤ 0.5× |
            | `has` searches vs duckdb-kql | \(ratio("duckdb_kql", termSearch: true)) | ≤ 0.2× |
            | all queries vs chdb | \(ratio("chdb", termSearch: false)) | |

            | id | shape | query | rows | OpenMTP | duckdb-kql | chdb |
            |---|---|---|---:|---:|---:|---:|
            \(rows)
            """
    }
}
