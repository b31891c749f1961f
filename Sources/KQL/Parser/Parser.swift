/// Recursive-descent parser for KQL as hunting queries use it: statements, tabular operators and scalar
/// expressions with Kusto's operator precedence, every node with its source span.
///
/// The parser recovers from errors: a statement or operator that does not parse is recorded as a diagnostic, the
/// text up to the next `|` or `;` is skipped, and parsing goes on, so one pass reports every independent mistake.
public struct Parser {
    let source: [UInt8]
    let tokens: [Token]
    var position = 0
    var diagnostics: [Diagnostic]
    /// How deeply expressions, function bodies and subqueries are nested at the current token.
    var depth = 0
    /// Nesting beyond this is refused, so a hostile query cannot exhaust the stack of the thread parsing it.
    static let maxDepth = 64
    /// At most this many syntax diagnostics are reported for one text.
    static let maxDiagnostics = 100

    /// The syntax tree and every lexical and syntax diagnostic.
    public struct Result: Sendable {
        public let ast: QueryAST
        public let diagnostics: [Diagnostic]
    }

    /// Parses the whole text, recovering from errors.
    public static func parseRecovering(_ source: String) -> Result {
        let (tokens, lexical) = Lexer.tokenizeRecovering(source)
        var parser = Parser(source: Array(source.utf8), tokens: tokens, diagnostics: lexical)
        let statements = parser.statements(until: nil)
        // Recovery can meet the same bad token twice (an operator, then its statement): report each place once.
        var seen = Set<Int>()
        let diagnostics = parser.diagnostics.filter { seen.insert($0.span.start).inserted }.prefix(Self.maxDiagnostics)
        return Result(ast: QueryAST(statements: statements), diagnostics: Array(diagnostics))
    }

    /// Parses the whole text or throws every syntax error found.
    public static func parse(_ source: String) throws(KQLError) -> QueryAST {
        let result = parseRecovering(source)
        guard result.diagnostics.isEmpty else { throw KQLError(result.diagnostics) }
        return result.ast
    }

    // MARK: Statements

    /// Statements separated by `;`, up to the end of the text or (in a function body) a closing `}`.
    mutating func statements(until closer: String?) -> [Statement] {
        var statements: [Statement] = []
        while true {
            while current.isSymbol(";") { advance() }
            if current.kind == .end || (closer != nil && current.isSymbol(closer!)) { return statements }
            let start = position
            do throws(KQLError) {
                statements.append(try statement())
                if !(current.isSymbol(";") || current.kind == .end || (closer != nil && current.isSymbol(closer!))) {
                    throw syntaxError("Expected ';' or the end of the query")
                }
            } catch {
                diagnostics += error.diagnostics
                skipPast(start: start, stopAt: [";"] + (closer.map { [$0] } ?? []))
            }
        }
    }

    private mutating func statement() throws(KQLError) -> Statement {
        let start = current.span
        switch current.identifier {
        case "let":
            advance()
            let name = try identifier("a name after 'let'")
            try expect("=")
            let value = try functionOrExpression()
            return Statement(kind: .let(name, value), span: start.union(value.span))
        case "set":
            advance()
            let name = try dottedName()
            var value: Expression?
            if current.isSymbol("=") {
                advance()
                value = try scalar()
            }
            return Statement(kind: .set(name, value), span: start.union(previousSpan))
        case "declare" where peekToken(1).isWord("query_parameters"):
            advance()
            advance()
            try expect("(")
            let parameters = try parameterList(closer: ")")
            try expect(")")
            return Statement(kind: .declare(parameters), span: start.union(previousSpan))
        case "alias", "pattern", "restrict":
            let first = position
            while !(current.isSymbol(";") || current.kind == .end) { advance() }
            return Statement(kind: .other(text(from: tokens[first].span.start, to: previousSpan.end)), span: start.union(previousSpan))
        default:
            let expression = try expression()
            return Statement(kind: .query(expression), span: expression.span)
        }
    }

    /// A `let` value: a function `(params) { … }`, a `view () { … }`, or an expression.
    private mutating func functionOrExpression() throws(KQLError) -> Expression {
        try enterNesting()
        defer { depth -= 1 }
        let start = current.span
        var isView = false
        if current.isWord("view"), peekToken(1).isSymbol("(") {
            isView = true
            advance()
        }
        if current.isSymbol("("), isView || looksLikeParameterList() {
            advance()
            let parameters = try parameterList(closer: ")")
            try expect(")")
            try expect("{")
            let body = statements(until: "}")
            try expect("}")
            return Expression(kind: .function(parameters, body, isView: isView), span: start.union(previousSpan))
        }
        return try expression()
    }

    /// After `let f =`, `(` starts a parameter list when it is `()` followed by `{`, or `(name:` …
    private func looksLikeParameterList() -> Bool {
        if peekToken(1).isSymbol(")") { return peekToken(2).isSymbol("{") }
        return peekToken(1).identifier != nil && peekToken(2).isSymbol(":")
    }

    /// `name: type [= default]`, or a tabular parameter `name: (col: type, *)`, comma-separated.
    mutating func parameterList(closer: String) throws(KQLError) -> [Parameter] {
        var parameters: [Parameter] = []
        while !current.isSymbol(closer) {
            let name = try identifier("a parameter name")
            try expect(":")
            if current.isSymbol("(") {
                advance()
                var columns: [ColumnDeclaration] = []
                while !current.isSymbol(")") {
                    if current.isSymbol("*") {
                        columns.append(ColumnDeclaration(name: Identifier(name: "*", span: current.span), type: "*"))
                        advance()
                    } else {
                        columns.append(try columnDeclaration())
                    }
                    guard current.isSymbol(",") else { break }
                    advance()
                }
                try expect(")")
                parameters.append(Parameter(name: name, type: nil, tabularColumns: columns, defaultValue: nil))
            } else {
                let type = try identifier("a type name").name
                var defaultValue: Expression?
                if current.isSymbol("=") {
                    advance()
                    defaultValue = try scalar()
                }
                parameters.append(Parameter(name: name, type: type, tabularColumns: nil, defaultValue: defaultValue))
            }
            guard current.isSymbol(",") else { break }
            advance()
        }
        return parameters
    }

    /// `name: type` (the type may be `dynamic`, `string` …).
    mutating func columnDeclaration() throws(KQLError) -> ColumnDeclaration {
        let name = try columnName()
        try expect(":")
        return ColumnDeclaration(name: name, type: try identifier("a type name").name)
    }

    // MARK: Tokens

    var current: Token { tokens[position] }

    func peekToken(_ offset: Int) -> Token { tokens[min(position + offset, tokens.count - 1)] }

    var previousSpan: SourceSpan { tokens[max(0, position - 1)].span }

    mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    mutating func expect(_ symbol: String) throws(KQLError) {
        guard current.isSymbol(symbol) else { throw syntaxError("Expected '\(symbol)'") }
        advance()
    }

    /// Consumes `word` when it is the current token.
    mutating func accept(word: String) -> Bool {
        guard current.isWord(word) else { return false }
        advance()
        return true
    }

    mutating func accept(_ symbol: String) -> Bool {
        guard current.isSymbol(symbol) else { return false }
        advance()
        return true
    }

    /// A plain name (not a negated operator word).
    mutating func identifier(_ what: String) throws(KQLError) -> Identifier {
        guard let name = current.identifier, !name.hasPrefix("!") else { throw syntaxError("Expected \(what)") }
        let identifier = Identifier(name: name, span: current.span)
        advance()
        return identifier
    }

    /// A column name: a plain name or a bracketed one (`['Name with spaces']`).
    mutating func columnName() throws(KQLError) -> Identifier {
        if current.isSymbol("["), case .string(let text) = peekToken(1).kind, peekToken(2).isSymbol("]") {
            let start = current.span
            advance()
            advance()
            advance()
            return Identifier(name: text, span: start.union(previousSpan))
        }
        return try identifier("a column name")
    }

    /// `a.b.c` as one name (option and hint names).
    mutating func dottedName() throws(KQLError) -> Identifier {
        var name = try identifier("a name")
        while current.isSymbol("."), let next = peekToken(1).identifier, peekToken(1).span.start == current.span.end {
            advance()
            advance()
            name = Identifier(name: name.name + "." + next, span: name.span.union(previousSpan))
        }
        return name
    }

    func text(from start: Int, to end: Int) -> String {
        String(decoding: source[start..<max(start, end)], as: UTF8.self)
    }

    /// Enters one more level of nesting; callers leave it with `defer { depth -= 1 }`.
    mutating func enterNesting() throws(KQLError) {
        guard depth < Self.maxDepth else {
            // Nothing after this point can be parsed sensibly: stop at the end of the text.
            defer { position = tokens.count - 1 }
            throw KQLError(.syntaxError, "The query is nested more than \(Self.maxDepth) levels deep.", at: current.span)
        }
        depth += 1
    }

    func syntaxError(_ expectation: String) -> KQLError {
        let found: String
        switch current.kind {
        case .end: found = "the end of the query"
        default: found = "'" + text(from: current.span.start, to: current.span.end) + "'"
        }
        return KQLError(.syntaxError, "\(expectation), found \(found).", at: current.span)
    }

    /// Error recovery: skips to one of `symbols` outside brackets (or a closing bracket of an enclosing one), moving
    /// at least one token past `start`.
    mutating func skipPast(start: Int, stopAt symbols: [String]) {
        if position == start { advance() }
        var depth = 0
        while current.kind != .end {
            if depth == 0, symbols.contains(where: current.isSymbol) { return }
            if current.isSymbol("(") || current.isSymbol("[") || current.isSymbol("{") { depth += 1 }
            if current.isSymbol(")") || current.isSymbol("]") || current.isSymbol("}") {
                if depth == 0 { return }
                depth -= 1
            }
            advance()
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
