import Foundation
import Hunting
import OpenMTPModels

/// `openmtp-bench`: the benchmarks of docs/benchmarks.md, each a section of that file.
///
/// - `token`: OpenMTP's v2 client-credentials endpoint (`mtp serve --demo`, the release build beside this executable)
///   against glewlwyd (`../shared/tools/peers/glewlwyd.sh`, HS256) under the same `wrk` load, and the raw RSA-2048
///   signing rate of `openssl speed -multi <cores> rsa2048`, the ceiling for RS256 tokens.
/// - `kql`: the KQL front end (parse and analyze) over the dev corpus on one thread, beside the reference grammar.
/// - `fuzz`: random mutations of corpus queries through the front end for `--fuzz-seconds`; fails on a hang.
/// - `data`: hunting data end to end: simulation at scale, resident bytes per row, reload, Streaming API ingestion.
/// - `engine`: 24 hunting queries on the simulated estate through OpenMTP, duckdb-kql and chdb (median latencies).
/// - `api`: authenticated `GET /api/incidents?$top=100` against the `/health` hello-world route of the same server.
/// Sections not run keep their text from the existing file.
///
/// Usage: `openmtp-bench [--sections token,api,kql,fuzz,data,engine] [--seconds N] [--connections N] [--fuzz-seconds N]
/// [--sim-devices N] [--sim-days N] [--sim-activity N] [--ingest-records N] [--engine-folder DIR] [--python PATH]
/// [--repeats N] [--output F]`
@main
struct TokenBenchmark {
    static func main() async throws {
        var options = Options(arguments: Array(CommandLine.arguments.dropFirst()))
        options.resolve()
        do {
            var sections: [String: String] = [:]
            if options.sections.contains("token") {
                let report = try await BenchmarkRunner(options: options).run()
                say(report.text)
                sections["token"] = report.markdown
            }
            if options.sections.contains("kql") { sections["kql"] = try kqlSection(options) }
            if options.sections.contains("fuzz") { sections["fuzz"] = try fuzzSection(options) }
            if options.sections.contains("data") { sections["data"] = try await dataSection(options) }
            if options.sections.contains("engine") { sections["engine"] = try await engineSection(options) }
            if options.sections.contains("api") {
                let figures = try await APIBenchmark(options: options).run()
                say(figures.summary())
                sections["api"] = figures.markdown(options: options)
            }
            let document = ReportDocument(path: options.output).merging(sections)
            try document.write(toFile: options.output, atomically: true, encoding: .utf8)
            say("wrote \(options.output)")
        } catch {
            FileHandle.standardError.write(Data("openmtp-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func kqlSection(_ options: Options) throws -> String {
        say("== KQL front end over \(options.corpus)")
        let figures = try KQLFrontEndBenchmark(corpus: options.corpus, peers: options.peers, passes: 5).run()
        let perQuery = figures.bestSeconds / Double(figures.queries) * 1e6
        let antlr = figures.antlrSeconds.map { String(format: "%.2f s", $0) } ?? "not installed"
        let ratio = figures.antlrSeconds.map { String(format: "OpenMTP is %.0f× faster", $0 / figures.bestSeconds) } ?? ""
        say(
            String(
                format: "OpenMTP parses and analyzes %d queries in %.3f s (median %.3f s, %.0f µs a query); ANTLR %@",
                figures.queries,
                figures.bestSeconds,
                figures.medianSeconds,
                perQuery,
                antlr
            )
        )
        return """
            ## KQL front end: the dev corpus, parsed and analyzed

            Measured \(ISO8601DateFormatter().string(from: Date())), one thread, release build:
            `swift build -c release --product openmtp-bench && .build/release/openmtp-bench --sections kql`.
            Every query of `\(options.corpus)` is parsed and analyzed against the 64-table schema, 5 passes.

            | | queries | time | per query | ratio |
            |---|---:|---:|---:|---|
            | OpenMTP `Parser` + `Analyzer` (best of 5; median \(String(format: "%.3f s", figures.medianSeconds))) | \(figures.queries) | \(String(format: "%.3f s", figures.bestSeconds)) | \(String(format: "%.0f µs", perQuery)) | goal: whole corpus < 1 s |
            | Microsoft's reference grammar (ANTLR, Python, parse only, one process) | \(figures.queries) | \(antlr) | | \(ratio) |

            The passes reported \(figures.diagnostics) diagnostics (broken corpus queries and names outside the schema; see
            docs/kql-coverage.md).

            """
    }

    static func dataSection(_ options: Options) async throws -> String {
        let settings = simulation(options, domain: "bench.test")
        let figures = try await HuntingDataBenchmark(settings: settings, ingestRecords: options.ingestRecords).run()
        say(figures.summary())
        let command =
            "swift build -c release --product openmtp-bench && .build/release/openmtp-bench --sections data --sim-devices \(options.simDevices) --sim-days \(options.simDays) --sim-activity \(options.simActivity) --ingest-records \(options.ingestRecords)"
        return figures.markdown(settings, command: command)
    }

    /// The simulated estate of the data and engine sections: `--sim-devices`, half as many users, `--sim-days` ending
    /// now, `--sim-activity`.
    static func simulation(_ options: Options, domain: String) -> SimulationSettings {
        var settings = SimulationSettings(
            devices: options.simDevices,
            users: options.simDevices / 2,
            days: options.simDays,
            seed: 1,
            domain: domain,
            end: Timestamp(Date())
        )
        settings.activity = options.simActivity
        return settings
    }

    static func engineSection(_ options: Options) async throws -> String {
        let benchmark = KQLEngineBenchmark(
            settings: simulation(options, domain: "engine.test"),
            folder: URL(fileURLWithPath: options.engineFolder, isDirectory: true),
            peers: options.peers,
            python: options.python,
            repeats: options.repeats
        )
        let figures = try await benchmark.run()
        for engine in KQLEngineBenchmark.engines.dropFirst() {
            if let all = figures.medianRatio(against: engine) {
                say(String(format: "median OpenMTP ÷ %@: %.3f× over %d queries", engine, all.ratio, all.queries))
            }
            if let search = figures.medianRatio(against: engine, termSearchOnly: true) {
                say(String(format: "median OpenMTP ÷ %@ on has searches: %.3f× over %d queries", engine, search.ratio, search.queries))
            }
        }
        let command =
            "swift build -c release --product openmtp-bench && .build/release/openmtp-bench --sections engine --sim-devices \(options.simDevices) --sim-days \(options.simDays) --sim-activity \(options.simActivity) --repeats \(options.repeats)"
        return figures.markdown(command: command, repeats: options.repeats)
    }

    static func fuzzSection(_ options: Options) throws -> String {
        say("== KQL fuzzing for \(options.fuzzSeconds) s")
        let fuzzer = KQLFuzzer(corpus: options.corpus, seconds: options.fuzzSeconds)
        let figures = try fuzzer.run()
        say(
            "fuzz: \(figures.cases) cases, slowest \(String(format: "%.1f", figures.slowest * 1000)) ms, \(figures.hangs.count) over \(fuzzer.slowLimit) s (seed \(figures.seed))"
        )
        for hang in figures.hangs.prefix(3) { say("slow case:\n\(hang)") }
        guard figures.hangs.isEmpty else { throw BenchmarkError("\(figures.hangs.count) fuzz cases took over \(fuzzer.slowLimit) s") }
        return """
            ## KQL front end: fuzzing

            Measured \(ISO8601DateFormatter().string(from: Date())): `.build/release/openmtp-bench --sections fuzz --fuzz-seconds \(options.fuzzSeconds)`.
            Corpus queries mutated at random (runs deleted, duplicated or truncated, fragments of KQL and other queries
            spliced in, brackets nested up to 200 deep) and run through the parser and analyzer; a crash would end the run.

            | duration | cases | crashes | slowest case | over \(fuzzer.slowLimit) s | seed |
            |---:|---:|---:|---:|---:|---|
            | \(options.fuzzSeconds) s | \(figures.cases) | 0 | \(String(format: "%.1f ms", figures.slowest * 1000)) | 0 | \(figures.seed) |

            """
    }
}

/// docs/benchmarks.md as sections keyed by name; a run replaces the sections it measured and keeps the others.
struct ReportDocument {
    static let order = ["token", "api", "kql", "fuzz", "data", "engine"]
    static let titles = [
        "token": "## Token endpoint", "api": "## Defender API", "kql": "## KQL front end: the dev corpus", "fuzz": "## KQL front end: fuzzing",
        "data": "## Hunting data", "engine": "## KQL engine",
    ]
    var sections: [String: String] = [:]

    init(path: String) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        let parts = text.components(separatedBy: "\n## ").dropFirst().map { "## " + $0 }
        for part in parts {
            if let key = Self.titles.first(where: { part.hasPrefix($0.value) })?.key {
                sections[key] = part.hasSuffix("\n") ? part : part + "\n"
            }
        }
    }

    func merging(_ fresh: [String: String]) -> String {
        let merged = sections.merging(fresh) { _, new in new }
        return "# Benchmarks\n\n" + Self.order.compactMap { merged[$0] }.joined(separator: "\n")
    }
}

struct Options {
    var seconds = 10
    var connections = 64
    var output = "docs/benchmarks.md"
    var peers = "../shared/tools/peers"
    var mtp = ""
    var sections: Set<String> = ["token", "kql"]
    var fuzzSeconds = 600
    var corpus = "../shared/kql-corpus/dev-queries.jsonl"
    var simDevices = 1_000
    var simDays = 10
    var simActivity = 64
    var ingestRecords = 2_000_000
    var engineFolder = ".build/engine-bench"
    var python = ".build/kql-peers/bin/python"
    var repeats = 5

    init(arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--seconds": seconds = iterator.next().flatMap(Int.init) ?? seconds
            case "--connections": connections = iterator.next().flatMap(Int.init) ?? connections
            case "--output": output = iterator.next() ?? output
            case "--peers": peers = iterator.next() ?? peers
            case "--mtp": mtp = iterator.next() ?? mtp
            case "--sections": sections = Set((iterator.next() ?? "").split(separator: ",").map(String.init))
            case "--fuzz-seconds": fuzzSeconds = iterator.next().flatMap(Int.init) ?? fuzzSeconds
            case "--corpus": corpus = iterator.next() ?? corpus
            case "--sim-devices": simDevices = iterator.next().flatMap(Int.init) ?? simDevices
            case "--sim-days": simDays = iterator.next().flatMap(Int.init) ?? simDays
            case "--sim-activity": simActivity = iterator.next().flatMap(Int.init) ?? simActivity
            case "--ingest-records": ingestRecords = iterator.next().flatMap(Int.init) ?? ingestRecords
            case "--engine-folder": engineFolder = iterator.next() ?? engineFolder
            case "--python": python = iterator.next() ?? python
            case "--repeats": repeats = iterator.next().flatMap(Int.init) ?? repeats
            default:
                FileHandle.standardError.write(Data("unknown option \(argument)\n".utf8))
                exit(2)
            }
        }
    }

    /// The `mtp` executable defaults to the one built beside this benchmark.
    mutating func resolve() {
        if mtp.isEmpty {
            mtp =
                URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("mtp")
                .path
        }
    }
}
