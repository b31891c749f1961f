import ArgumentParser
import Foundation
import Hunting
import KQL

struct KQLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kql",
        abstract: "Work with KQL queries offline.",
        subcommands: [Check.self]
    )
}

extension KQLCommand {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse and bind hunting queries against the advanced hunting schema, reporting every problem.",
            discussion: """
                Each argument is a query file, a folder (every .kql and .csl file in it and below), or, when no \
                such file exists, the query text itself:
                  mtp kql check 'DeviceProcessEvents | where FileNam == "x"'
                  mtp kql check hunting/

                With --batch, JSON lines {"id","query"} are read from standard input and one JSON line is written \
                per query: {"id","ok","diagnostics":[{"stage","code","severity","line","column","message"}],\
                "schema":[{"name","type"}]}. The exit code is 1 when any query has an error.
                """
        )

        @Argument(help: "Query files, or query text.")
        var queries: [String] = []
        @Flag(help: "Read JSON lines {\"id\",\"query\"} from standard input and write JSON lines.")
        var batch = false
        @Flag(help: "Write JSON lines instead of text.")
        var json = false

        func validate() throws {
            guard batch || !queries.isEmpty else { throw ValidationError("Give a query, a query file, or --batch.") }
        }

        func run() async throws {
            let checker = QueryChecker(catalog: try HuntingCatalog.bundled())
            var failed = 0
            var total = 0
            let items = try inputs()
            for (id, text) in items {
                let report = checker.check(text, id: id)
                total += 1
                if !report.ok { failed += 1 }
                if batch || json {
                    print(try report.jsonLine())
                } else {
                    print(report.text(showingId: items.count > 1))
                }
            }
            if !(batch || json) && total > 1 { print("\(total - failed) of \(total) queries are valid.") }
            if failed > 0 { throw ExitCode(1) }
        }

        private func inputs() throws -> [(String, String)] {
            if batch {
                var items: [(String, String)] = []
                var lineNumber = 0
                while let line = readLine(strippingNewline: true) {
                    lineNumber += 1
                    guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                        let query = object["query"] as? String
                    else {
                        throw ValidationError("Line \(lineNumber) of the input is not a JSON object with a \"query\" string.")
                    }
                    items.append(((object["id"] as? String) ?? (object["id"].map { "\($0)" } ?? "\(lineNumber)"), query))
                }
                return items
            }
            var items: [(String, String)] = []
            for argument in queries {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue {
                    let files = (FileManager.default.enumerator(atPath: argument)?.allObjects as? [String] ?? [])
                        .filter { $0.hasSuffix(".kql") || $0.hasSuffix(".csl") }
                        .sorted()
                    for file in files {
                        let path = URL(fileURLWithPath: argument).appendingPathComponent(file).path
                        items.append((path, try String(contentsOfFile: path, encoding: .utf8)))
                    }
                } else if FileManager.default.fileExists(atPath: argument) {
                    items.append((argument, try String(contentsOfFile: argument, encoding: .utf8)))
                } else {
                    items.append(("query", argument))
                }
            }
            return items
        }
    }
}

/// Parses and binds one query and reports its diagnostics and result schema.
struct QueryChecker {
    let catalog: any Catalog

    struct Report: Encodable {
        struct Problem: Encodable {
            let stage: String
            let code: String
            let severity: String
            let line: Int
            let column: Int
            let message: String
        }

        struct Column: Encodable {
            let name: String
            let type: String
        }

        let id: String
        let ok: Bool
        let diagnostics: [Problem]
        let schema: [Column]

        func jsonLine() throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        }

        func text(showingId: Bool) -> String {
            let prefix = showingId ? "\(id):" : ""
            if ok {
                let columns = schema.count > 8 ? "\(schema.count) columns" : schema.map { "\($0.name):\($0.type)" }.joined(separator: ", ")
                return "\(prefix)\(showingId ? " " : "")ok  (\(columns))"
            }
            return diagnostics.map { "\(prefix)\($0.line):\($0.column)  \($0.code)  \($0.severity)  \($0.message)" }.joined(separator: "\n")
        }
    }

    func check(_ text: String, id: String) -> Report {
        let checked = QueryEngine(catalog: catalog).check(text)
        let problems =
            checked.syntax.map { problem($0, stage: "syntax", in: text) } + checked.semantic.map { problem($0, stage: "semantic", in: text) }
        let schema = checked.schema?.columns.map { Report.Column(name: $0.name, type: $0.type.rawValue) } ?? []
        return Report(id: id, ok: problems.isEmpty, diagnostics: problems, schema: schema)
    }

    private func problem(_ diagnostic: Diagnostic, stage: String, in text: String) -> Report.Problem {
        let (line, column) = diagnostic.position(in: text)
        return Report.Problem(
            stage: stage,
            code: diagnostic.code.rawValue,
            severity: "error",
            line: line,
            column: column,
            message: diagnostic.message
        )
    }
}
