import Foundation
import Hunting
import KQL
import Testing

/// The front end on the real hunting corpus (`../shared/kql-corpus/dev-queries.jsonl`): every query and every
/// prefix of it cut at a token boundary must parse and analyze without crashing or hanging.
@Suite("KQL front end on the corpus")
struct CorpusRobustnessTests {
    static let corpusURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/kql-corpus/dev-queries.jsonl")

    static func queries() throws -> [String]? {
        guard let text = try? String(contentsOf: corpusURL, encoding: .utf8) else { return nil }
        return try text.split(separator: "\n").compactMap { line in
            try (JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["query"] as? String
        }
    }

    @Test("every corpus query, and its truncation at every token, parses and analyzes", .timeLimit(.minutes(10)))
    func truncations() throws {
        guard let queries = try Self.queries() else {
            print("SKIPPED corpus truncations: \(Self.corpusURL.path) is not there")
            return
        }
        #expect(queries.count > 1000)
        let analyzer = Analyzer(catalog: try HuntingCatalog.bundled())
        var prefixes = 0
        for query in queries {
            let bytes = Array(query.utf8)
            let (tokens, _) = Lexer.tokenizeRecovering(query)
            for token in tokens {
                let prefix = String(decoding: bytes[..<token.span.end], as: UTF8.self)
                let parsed = Parser.parseRecovering(prefix)
                _ = analyzer.analyze(parsed.ast)
                prefixes += 1
            }
        }
        #expect(prefixes > queries.count * 10)
    }
}
