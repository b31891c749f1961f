import Foundation
import Hunting
import KQL
import Testing

/// Runs every `Resources/analysis/*.test` file against the advanced hunting catalog. A case is a query (lines
/// starting `> `) followed by its expected result schema (`= Name:type, …`, `= open …` for an open schema) or
/// its expected diagnostics (`! KQL102 3:5` per diagnostic, in order). Cases are separated by blank lines;
/// `#` lines are comments.
@Suite("KQL analysis golden files")
struct AnalysisGoldenTests {
    struct Case {
        let line: Int
        var query = ""
        var schema: String?
        var diagnostics: [String] = []
    }

    static let directory = Bundle.module.url(forResource: "analysis", withExtension: nil, subdirectory: "Resources")!

    static var files: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".test") }.sorted()) ?? []
    }

    static func cases(in text: String) -> [Case] {
        var cases: [Case] = []
        var current: Case?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("#") { continue }
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                if let finished = current { cases.append(finished) }
                current = nil
            } else if line.hasPrefix("> ") || line == ">" {
                if current == nil { current = Case(line: index + 1) }
                current!.query += (current!.query.isEmpty ? "" : "\n") + line.dropFirst(2)
            } else if line.hasPrefix("= ") {
                current?.schema = String(line.dropFirst(2))
            } else if line.hasPrefix("! ") {
                current?.diagnostics.append(String(line.dropFirst(2)))
            }
        }
        if let finished = current { cases.append(finished) }
        return cases
    }

    @Test("there are at least 150 cases")
    func enoughCases() throws {
        let count = try Self.files.reduce(0) { total, file in
            total + Self.cases(in: try String(contentsOf: Self.directory.appendingPathComponent(file), encoding: .utf8)).count
        }
        #expect(count >= 150)
    }

    @Test("analysis golden file", arguments: files)
    func run(file: String) throws {
        let catalog = try HuntingCatalog.bundled()
        let cases = Self.cases(in: try String(contentsOf: Self.directory.appendingPathComponent(file), encoding: .utf8))
        #expect(!cases.isEmpty)
        for test in cases {
            let place = Comment(rawValue: "\(file):\(test.line): \(test.query)")
            let parsed = Parser.parseRecovering(test.query)
            var diagnostics = parsed.diagnostics
            var schema: RowSchema?
            if diagnostics.isEmpty {
                let analysis = Analyzer(catalog: catalog).analyze(parsed.ast)
                diagnostics = analysis.diagnostics
                schema = analysis.schema
            }
            let actual = diagnostics.map { diagnostic in
                let (line, column) = diagnostic.position(in: test.query)
                return "\(diagnostic.code.rawValue) \(line):\(column)"
            }
            #expect(actual == test.diagnostics, Comment(rawValue: "\(place.rawValue) \(diagnostics.map(\.message))"))
            if let expected = test.schema {
                let columns = schema.map { ($0.isOpen ? "open " : "") + $0.columns.map { "\($0.name):\($0.type.rawValue)" }.joined(separator: ", ") }
                #expect(columns == expected, place)
            } else {
                #expect(!test.diagnostics.isEmpty, Comment(rawValue: "\(place.rawValue): a case needs a schema or diagnostics"))
            }
        }
    }
}
