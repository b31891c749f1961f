import Foundation
import KQL
import KustoTime
import Testing

/// Runs every `Resources/queries/*.test` golden file; `now()` is fixed at 2024-06-01T12:00:00Z.
@Suite("KQL golden files")
struct GoldenQueryTests {
    static let now = DateTimeTicks.parse("2024-06-01T12:00:00Z")!

    static var files: [String] {
        let directory = Bundle.module.url(forResource: "queries", withExtension: nil, subdirectory: "Resources")!
        return (try? FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".test") }.sorted()) ?? []
    }

    @Test("the golden files are found")
    func filesPresent() {
        #expect(Self.files.count >= 2)
    }

    @Test("golden file", arguments: files)
    func run(file: String) throws {
        let url = Bundle.module.url(forResource: "queries", withExtension: nil, subdirectory: "Resources")!.appendingPathComponent(file)
        let golden = try GoldenFile(text: String(contentsOf: url, encoding: .utf8))
        let tables = GoldenTables(tables: golden.tables)
        let engine = QueryEngine(catalog: tables)
        #expect(!golden.cases.isEmpty)
        for test in golden.cases {
            let where_ = Comment(rawValue: "\(file):\(test.line): \(test.query)")
            switch test.expectation {
            case .rows(let columns, let rows):
                do {
                    let result = try engine.run(test.query, over: tables, now: Self.now)
                    #expect(result.schema.columns == columns, where_)
                    let actual = (0..<result.rowCount).map { row in
                        (0..<result.schema.columns.count).map { GoldenFile.render(result.value(row: row, column: $0)) }
                    }
                    #expect(actual == rows, where_)
                } catch {
                    Issue.record("\(where_.rawValue) failed: \(error)")
                }
            case .error(let code):
                do {
                    _ = try engine.run(test.query, over: tables, now: Self.now)
                    Issue.record("\(where_.rawValue) should fail with \(code)")
                } catch {
                    #expect(error.diagnostics.first?.code.rawValue == code, where_)
                }
            }
        }
    }
}
