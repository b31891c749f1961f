import Foundation
import Hunting
import KQL

/// Mutates corpus queries at random for a while and runs each mutant through the parser and analyzer: a crash
/// ends the process (and the run), and a mutant that takes longer than `slowLimit` is reported as a hang.
struct KQLFuzzer {
    let corpus: String
    let seconds: Int
    let slowLimit: Double = 1.0

    struct Figures {
        let cases: Int
        let slowest: Double
        let hangs: [String]
        let seed: UInt64
    }

    /// Fragments spliced into queries: operators, keywords, brackets and literals the grammar treats specially.
    private static let fragments = [
        "|", "(", ")", "[", "]", "{", "}", ",", ";", "=", "==", "!~", "..", ".", "*", "-", "$left", "$right", "let", "view", "where",
        "summarize", "by", "join", "on", "kind=inner", "mv-apply", "mv-expand", "parse", "with", "extend", "project", "union",
        "datatable", "dynamic(", "datetime(", "toscalar(", "materialize(", "'", "\"", "@\"", "```", "h'", "1d", "0x", "1e", "//",
        "\n", "has_any", "!in~", "between", "matches regex", "arg_max(", "count()", "*)", "invoke", "FileProfile()", "evaluate",
        "bag_unpack(", "make-series", "step", "top-nested", "of", "render", "with (", "\\", "é", "\u{00A0}",
    ]

    func run() throws -> Figures {
        let queries = try KQLFrontEndBenchmark.load(corpus)
        let catalog = try HuntingCatalog.bundled()
        let seed = UInt64.random(in: 1...UInt64.max)
        var generator = SeededRandom(seed: seed)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(seconds))
        var cases = 0
        var slowest = 0.0
        var hangs: [String] = []
        var lastReport = clock.now
        while clock.now < deadline {
            let mutant = mutate(queries, using: &generator)
            let started = clock.now
            let parsed = Parser.parseRecovering(mutant)
            _ = Analyzer(catalog: catalog).analyze(parsed.ast)
            let elapsed = KQLFrontEndBenchmark.seconds(started.duration(to: clock.now))
            slowest = max(slowest, elapsed)
            if elapsed > slowLimit { hangs.append(mutant) }
            cases += 1
            if lastReport.duration(to: clock.now) > .seconds(30) {
                lastReport = clock.now
                say("  fuzz: \(cases) cases, slowest \(String(format: "%.1f", slowest * 1000)) ms")
            }
        }
        return Figures(cases: cases, slowest: slowest, hangs: hangs, seed: seed)
    }

    private func mutate(_ queries: [String], using generator: inout SeededRandom) -> String {
        var text = Array(queries[Int(generator.next() % UInt64(queries.count))].unicodeScalars)
        for _ in 0..<(1 + Int(generator.next() % 4)) {
            let position = text.isEmpty ? 0 : Int(generator.next() % UInt64(text.count + 1))
            switch generator.next() % 6 {
            case 0:  // delete a run
                let length = min(text.count - position, Int(generator.next() % 12))
                text.removeSubrange(position..<position + length)
            case 1:  // insert a fragment
                let fragment = Self.fragments[Int(generator.next() % UInt64(Self.fragments.count))]
                text.insert(contentsOf: fragment.unicodeScalars, at: position)
            case 2:  // duplicate a run
                let length = min(text.count - position, Int(generator.next() % 40))
                text.insert(contentsOf: text[position..<position + length], at: position)
            case 3:  // splice in part of another query
                let other = Array(queries[Int(generator.next() % UInt64(queries.count))].unicodeScalars)
                let start = other.isEmpty ? 0 : Int(generator.next() % UInt64(other.count))
                text.insert(contentsOf: other[start..<min(other.count, start + Int(generator.next() % 200))], at: position)
            case 4:  // truncate
                text.removeSubrange(position...)
            default:  // deep nesting
                let depth = Int(generator.next() % 200)
                text.insert(contentsOf: String(repeating: "(", count: depth).unicodeScalars, at: position)
            }
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: text)
        return String(result)
    }
}
