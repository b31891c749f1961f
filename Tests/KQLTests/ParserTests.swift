import Foundation
import KQL
import Testing

/// Parser and lexer diagnostics, with the expected position marked by `⚑` in the query text.
@Suite("KQL parser")
struct ParserTests {
    /// Parses `marked` without its marker and checks the first diagnostic's code and that it starts at the marker.
    func expectDiagnostic(
        _ marked: String,
        _ code: DiagnosticCode,
        messageContains fragment: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let marker = marked.range(of: "⚑")!
        let offset = marked[..<marker.lowerBound].utf8.count
        let source = marked.replacingCharacters(in: marker, with: "")
        do {
            _ = try Parser.parse(source)
            Issue.record("expected \(code.rawValue) in: \(source)", sourceLocation: sourceLocation)
        } catch {
            let first = error.diagnostics.first
            #expect(first?.code == code, sourceLocation: sourceLocation)
            #expect(first?.span.start == offset, "\(String(describing: first))", sourceLocation: sourceLocation)
            if let fragment {
                #expect(first?.message.contains(fragment) == true, "\(String(describing: first?.message))", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("syntax errors point at the offending token")
    func syntaxErrors() {
        expectDiagnostic("DeviceProcessEvents | where ⚑", .syntaxError, messageContains: "end of the query")
        expectDiagnostic("DeviceProcessEvents | ⚑42", .syntaxError, messageContains: "query operator")
        expectDiagnostic("DeviceProcessEvents | where FileName == 'a' ⚑FileName", .syntaxError)
        expectDiagnostic("DeviceProcessEvents | where FileName in ('a', ⚑)", .syntaxError, messageContains: "Expected an expression")
        expectDiagnostic("DeviceProcessEvents | where FileName in ('a' ⚑1)", .syntaxError, messageContains: "')'")
        expectDiagnostic("DeviceProcessEvents | ⚑frobnicate", .syntaxError, messageContains: "'frobnicate'")
        expectDiagnostic("DeviceProcessEvents | where Timestamp > ⚑datetime(2024-13-01)", .invalidToken)
    }

    @Test("lexical errors: unterminated strings and stray characters")
    func lexicalErrors() {
        expectDiagnostic("T | where A == ⚑'abc", .invalidToken, messageContains: "Unterminated")
        expectDiagnostic("T | where A == ⚑@\"abc", .invalidToken)
        expectDiagnostic("T | where A ⚑# 1", .invalidToken)
    }

    @Test("operators the engine does not run yet parse, and binding reports them as unsupported, not as syntax errors")
    func unsupported() throws {
        struct OneTable: Catalog {
            func table(named name: String) -> TableSchema? {
                name == "T" ? TableSchema(name: "T", columns: [ColumnSchema(name: "A", type: .string)]) : nil
            }
        }
        for (marked, code) in [
            ("T | ⚑summarize count() by A", DiagnosticCode.unsupported), ("⚑let x = 1; T", .unsupported),
            ("T | where ⚑A has_any ('a')", .unsupported),
        ] {
            let marker = marked.range(of: "⚑")!
            let source = marked.replacingCharacters(in: marker, with: "")
            _ = try Parser.parse(source)
            #expect(throws: KQLError.self) { try QueryEngine(catalog: OneTable()).plan(source, now: 0) }
            do {
                _ = try QueryEngine(catalog: OneTable()).plan(source, now: 0)
            } catch {
                #expect(error.diagnostics.first?.code == code)
                #expect(error.diagnostics.first?.span.start == marked[..<marker.lowerBound].utf8.count, "\(error)")
            }
        }
    }

    @Test("tokens: timespans, verbatim and obfuscated strings, negated operators, comments")
    func tokens() throws {
        let kinds = try Lexer.tokenize(#"T // comment"# + "\n" + #"| where X !has @"C:\x" and Y in~ (h'a', 1.5h, 30m, 2d, 100ms) and Z !in ("q")"#)
            .map(\.kind)
        #expect(kinds.contains(.identifier("!has")))
        #expect(kinds.contains(.string(#"C:\x"#)))
        #expect(kinds.contains(.identifier("in~")))
        #expect(kinds.contains(.identifier("!in")))
        #expect(kinds.contains(.string("a")))
        #expect(kinds.contains(.timespan(54_000_000_000)))
        #expect(kinds.contains(.timespan(18_000_000_000)))
        #expect(kinds.contains(.timespan(1_728_000_000_000)))
        #expect(kinds.contains(.timespan(1_000_000)))
        #expect(!kinds.contains(.identifier("comment")))
        #expect(try Lexer.tokenize(#""a\"b\\c""#).first?.kind == .string(#"a"b\c"#))
        #expect(try Lexer.tokenize(#"@"say ""hi""""#).first?.kind == .string(#"say "hi""#))
    }

    @Test("precedence: and binds tighter than or, comparison tighter than and")
    func precedence() throws {
        let query = try Parser.parse("T | where A == 1 or B == 2 and C == 3")
        guard case .pipe(_, let op) = query.body?.kind, case .where(let predicate) = op.kind, case .binary("or", _, let right) = predicate.kind,
            case .binary("and", _, _) = right.kind
        else {
            Issue.record("unexpected tree \(query)")
            return
        }
    }
}
