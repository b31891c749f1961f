import Foundation
import Hunting
import KQL

/// Times the KQL front end (parse and analyze) over the whole dev corpus on one thread, beside the reference
/// grammar's parse-only time (the ANTLR peer, when `scripts/kql-coverage.sh` has installed it).
struct KQLFrontEndBenchmark {
    let corpus: String
    let peers: String
    let passes: Int

    struct Figures {
        let queries: Int
        let bestSeconds: Double
        let medianSeconds: Double
        let diagnostics: Int
        let antlrSeconds: Double?
    }

    func run() throws -> Figures {
        let queries = try Self.load(corpus)
        let engine = QueryEngine(catalog: try HuntingCatalog.bundled())
        var times: [Double] = []
        var diagnostics = 0
        for _ in 0..<passes {
            let clock = ContinuousClock()
            let started = clock.now
            diagnostics = 0
            for query in queries {
                diagnostics += engine.check(query).diagnostics.count
            }
            times.append(Self.seconds(started.duration(to: clock.now)))
        }
        times.sort()
        return Figures(
            queries: queries.count,
            bestSeconds: times[0],
            medianSeconds: times[times.count / 2],
            diagnostics: diagnostics,
            antlrSeconds: antlrSeconds()
        )
    }

    /// The reference grammar over the same corpus (one Python process, parse only), or nil when it is not installed.
    private func antlrSeconds() -> Double? {
        let python = ".build/kql-peers/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            say("the ANTLR peer is not installed (scripts/kql-coverage.sh installs it); its column stays empty")
            return nil
        }
        let clock = ContinuousClock()
        let started = clock.now
        guard (try? Shell.run(python, ["\(peers)/kql_peers.py", "antlr", "--queries", corpus])) != nil else { return nil }
        return Self.seconds(started.duration(to: clock.now))
    }

    static func load(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["query"] as? String
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
