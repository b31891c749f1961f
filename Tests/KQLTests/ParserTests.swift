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

    @Test("every operator and expression form hunting queries use parses without diagnostics")
    func languageForms() {
        let forms = [
            "let x = 1; let f = (a: string, b: long = 5) { strcat(a, tostring(b)) }; let t = view () { T }; t | take x",
            "let g = (T: (Timestamp: datetime, *)) { T | take 1 }; T | invoke g()",
            "T | project-away A*, B | project-keep C | project-rename D = E | project-reorder F asc, G*",
            "T | summarize hint.shufflekey = A count(), dcount(B) by bin(Timestamp, 1h), C | top 10 by count_ desc nulls last",
            "T | top-nested 3 of A with others = 'x' by count() desc, top-nested of B by sum(C)",
            "T | sort by A asc nulls first, B desc | order by C | distinct A, B | sample 10 | sample-distinct 5 of A",
            "T | join kind=leftouter hint.strategy=broadcast (U | where x) on $left.A == $right.B, C",
            "T | lookup kind=inner U on A | union kind=outer withsource=S isfuzzy=true U, V*, (W | take 1)",
            "T | mv-expand bagexpansion=array with_itemindex=I A to typeof(string), B limit 10",
            "T | mv-apply x = A to typeof(long) on (summarize max(x) | where max_x > 1)",
            "T | parse kind=regex flags=Ui A with * 'user=' U:string ' ' * | parse-where B with 'a' C | parse-kv D as (k: string) with (pair_delimiter=';')",
            "T | evaluate bag_unpack(A) : (x: long) | evaluate pivot(B, count(), C)",
            "T | make-series Count = count() default = 0 on Timestamp from ago(7d) to now() step 1d by A",
            "T | make-series avg(A) on Timestamp in range(ago(1d), now(), 1h)",
            "T | render timechart with (title = 'x', ycolumns = (A, B)) | serialize n = row_number() | as hint.materialized=true X | getschema",
            "externaldata (A: string) [@'https://x.test/a.csv'] with (format = 'csv') | take 1",
            "datatable (A: string, B: dynamic) ['a', dynamic({'k': [1, 2.5, -3, true, null]})] | take 1",
            "print x = 1, 'y', now(); range i from 1 to 10 step 2; search in (T, U) 'text'; find in (T*) where A has 'x' project A",
            "T | where A in~ ('a', 'b') and B !in (dynamic([1])) and C has_any (L) and D !has_all ('x') and E between (1 .. 2) and F !between (3 .. 4)",
            "T | where A matches regex @'\\d+' and B !startswith_cs 'x' and C =~ h'secret' and D != ```multi\nline``` and E <> 1",
            "T | extend a = d.b.c, b = d['k'][0], c = d.['k'], e = split(F, '.')[-1], f = -A * (B + 1) % 3 / 2.5",
            "T | extend t = datetime(2024-01-31 10:00:00), s = timespan(1.02:03:04), g = guid(00000000-0000-0000-0000-000000000000), n = int(null)",
            "T | extend x = toscalar(U | summarize count()), y = materialize(U), z = 0x1F + 1e3 + 1.5h + 100ms + 2tick",
            "set query_now = datetime(2024-01-01); declare query_parameters(p: string = 'x'); T | where A == p",
            "T | facet by A, B with (take 5) | fork (take 1) (count) | partition hint.strategy=native by A (take 1)",
            "T | scan declare (s: long = 0) with (step x: A > 0 => s = 1;) | consume",
            "union (T), (U) | mvexpand A | where ['Column Name'] == 1 | project ['x y'] = A",
        ]
        for form in forms {
            let result = Parser.parseRecovering(form)
            #expect(result.diagnostics.isEmpty, "\(form): \(result.diagnostics)")
        }
    }

    @Test("recovery: independent mistakes in separate statements and operators are all reported")
    func recovery() {
        let source = "let a = ; let b = 1; T | where | take 1 | frobnicate; U | project"
        let starts = Parser.parseRecovering(source).diagnostics.map { String(source.utf8.prefix($0.span.start))!.count }
        #expect(starts.count == 4, "\(starts)")
        #expect(starts.first == 8)
    }
}
