/// Recursive-descent parser for the supported KQL subset: one tabular expression of `where`, `project`,
/// `take`/`limit` and `count`, over scalar expressions with Kusto's operator precedence.
public struct Parser {
    private let source: String
    private let tokens: [Token]
    private var position = 0

    /// Parses the whole text or throws the first syntax error with its position.
    public static func parse(_ source: String) throws(KQLError) -> QueryAST {
        var parser = Parser(source: source, tokens: try Lexer.tokenize(source))
        return try parser.query()
    }

    private init(source: String, tokens: [Token]) {
        self.source = source
        self.tokens = tokens
    }

    // MARK: Statements and tabular operators

    private mutating func query() throws(KQLError) -> QueryAST {
        while current.isSymbol(";") { advance() }
        if current.isWord("let") || current.isWord("set") || current.isWord("declare") {
            throw unsupported("'\(current.identifier ?? "")' statements are not supported yet.")
        }
        let body = try tabularExpression()
        while current.isSymbol(";") { advance() }
        guard current.kind == .end else { throw syntaxError("Expected '|' or the end of the query") }
        return QueryAST(body: body)
    }

    private mutating func tabularExpression() throws(KQLError) -> TabularExpression {
        guard let name = current.identifier, !name.hasPrefix("!") else { throw syntaxError("Expected a table name") }
        let source = Identifier(name: name, span: current.span)
        advance()
        var operators: [TabularOperator] = []
        while current.isSymbol("|") {
            advance()
            operators.append(try tabularOperator())
        }
        return TabularExpression(source: source, operators: operators)
    }

    private mutating func tabularOperator() throws(KQLError) -> TabularOperator {
        guard let word = current.identifier else { throw syntaxError("Expected a query operator after '|'") }
        let keyword = Identifier(name: word, span: current.span)
        advance()
        switch word {
        case "where", "filter":
            return TabularOperator(kind: .where(try expression()), keyword: keyword)
        case "project":
            var items = [try projectItem()]
            while current.isSymbol(",") {
                advance()
                items.append(try projectItem())
            }
            return TabularOperator(kind: .project(items), keyword: keyword)
        case "take", "limit":
            return TabularOperator(kind: .take(try expression()), keyword: keyword)
        case "count":
            return TabularOperator(kind: .count, keyword: keyword)
        case "extend", "summarize", "join", "sort", "order", "top", "distinct", "union", "project-away", "project-rename",
            "project-reorder", "project-keep", "mv-expand", "parse", "evaluate", "lookup", "invoke", "make-series", "render",
            "serialize", "sample", "search", "mv-apply", "as", "getschema", "top-nested", "fork", "facet", "partition", "scan":
            throw KQLError(.unsupported, "The '\(word)' operator is not supported yet.", at: keyword.span)
        default:
            throw KQLError(.syntaxError, "'\(word)' is not a query operator.", at: keyword.span)
        }
    }

    private mutating func projectItem() throws(KQLError) -> ProjectItem {
        if let name = current.identifier, tokens[position + 1].isSymbol("=") {
            let identifier = Identifier(name: name, span: current.span)
            advance()
            advance()
            return ProjectItem(name: identifier, expression: try expression())
        }
        return ProjectItem(name: nil, expression: try expression())
    }

    // MARK: Scalar expressions, loosest binding first

    private static let comparisonWords: Set<String> = [
        "has", "has_cs", "contains", "contains_cs", "startswith", "startswith_cs", "endswith", "endswith_cs", "hasprefix",
        "hasprefix_cs", "hassuffix", "hassuffix_cs",
    ]
    private static let comparisonSymbols: Set<String> = ["==", "!=", "<>", "<", "<=", ">", ">=", "=~", "!~"]
    private static let inWords: Set<String> = ["in", "!in", "in~", "!in~"]

    private mutating func expression() throws(KQLError) -> Expression {
        var left = try conjunction()
        while current.isWord("or") {
            advance()
            let right = try conjunction()
            left = Expression(kind: .binary("or", left, right), span: left.span.union(right.span))
        }
        return left
    }

    private mutating func conjunction() throws(KQLError) -> Expression {
        var left = try comparison()
        while current.isWord("and") {
            advance()
            let right = try comparison()
            left = Expression(kind: .binary("and", left, right), span: left.span.union(right.span))
        }
        return left
    }

    private mutating func comparison() throws(KQLError) -> Expression {
        let left = try additive()
        if case .symbol(let op) = current.kind, Self.comparisonSymbols.contains(op) {
            advance()
            let right = try additive()
            return Expression(kind: .binary(op == "<>" ? "!=" : op, left, right), span: left.span.union(right.span))
        }
        if let word = current.identifier {
            let bare = word.hasPrefix("!") ? String(word.dropFirst()) : word
            if Self.comparisonWords.contains(bare) {
                advance()
                let right = try additive()
                return Expression(kind: .binary(word, left, right), span: left.span.union(right.span))
            }
            if Self.inWords.contains(word) {
                advance()
                try expect("(")
                var items: [Expression] = []
                if !current.isSymbol(")") {
                    items.append(try expression())
                    while current.isSymbol(",") {
                        advance()
                        items.append(try expression())
                    }
                }
                let close = current.span
                try expect(")")
                return Expression(kind: .inList(word, left, items), span: left.span.union(close))
            }
            if ["has_any", "has_all", "!has_any", "!has_all", "between", "!between", "matches"].contains(word) {
                throw unsupported("The '\(word)' operator is not supported yet.")
            }
        }
        return left
    }

    private mutating func additive() throws(KQLError) -> Expression {
        var left = try multiplicative()
        while case .symbol(let op) = current.kind, op == "+" || op == "-" {
            advance()
            let right = try multiplicative()
            left = Expression(kind: .binary(op, left, right), span: left.span.union(right.span))
        }
        return left
    }

    private mutating func multiplicative() throws(KQLError) -> Expression {
        var left = try unary()
        while case .symbol(let op) = current.kind, op == "*" || op == "/" || op == "%" {
            advance()
            let right = try unary()
            left = Expression(kind: .binary(op, left, right), span: left.span.union(right.span))
        }
        return left
    }

    private mutating func unary() throws(KQLError) -> Expression {
        if current.isSymbol("-") {
            let start = current.span
            advance()
            let operand = try unary()
            return Expression(kind: .negate(operand), span: start.union(operand.span))
        }
        if current.isSymbol("+") { advance() }
        return try primary()
    }

    private mutating func primary() throws(KQLError) -> Expression {
        let token = current
        switch token.kind {
        case .string(let text):
            advance()
            var value = text
            var span = token.span
            // Adjacent string literals concatenate.
            while case .string(let more) = current.kind {
                value += more
                span = span.union(current.span)
                advance()
            }
            return Expression(kind: .literal(.string(value)), span: span)
        case .long(let value):
            advance()
            return Expression(kind: .literal(.long(value)), span: token.span)
        case .real(let value):
            advance()
            return Expression(kind: .literal(.real(value)), span: token.span)
        case .timespan(let value):
            advance()
            return Expression(kind: .literal(.timespan(value)), span: token.span)
        case .symbol("("):
            advance()
            let inner = try expression()
            try expect(")")
            return inner
        case .identifier(let name) where !name.hasPrefix("!"):
            advance()
            if name == "true" || name == "false" { return Expression(kind: .literal(.bool(name == "true")), span: token.span) }
            guard current.isSymbol("(") else { return Expression(kind: .name(name), span: token.span) }
            if let literal = try typedLiteral(name, start: token.span) { return literal }
            advance()
            var arguments: [Expression] = []
            if !current.isSymbol(")") {
                arguments.append(try expression())
                while current.isSymbol(",") {
                    advance()
                    arguments.append(try expression())
                }
            }
            let close = current.span
            try expect(")")
            return Expression(kind: .call(Identifier(name: name, span: token.span), arguments), span: token.span.union(close))
        default:
            throw syntaxError("Expected an expression")
        }
    }

    /// `datetime(…)`, `timespan(…)`/`time(…)`, `bool(…)`, `long(…)`, `int(…)`, `real(…)` literals, whose argument is raw text.
    private mutating func typedLiteral(_ name: String, start: SourceSpan) throws(KQLError) -> Expression? {
        guard ["datetime", "timespan", "time", "bool", "long", "int", "real", "double"].contains(name) else { return nil }
        let open = current.span
        var depth = 0
        var closeIndex = position
        repeat {
            if tokens[closeIndex].isSymbol("(") { depth += 1 }
            if tokens[closeIndex].isSymbol(")") { depth -= 1 }
            if tokens[closeIndex].kind == .end { throw KQLError(.syntaxError, "Expected ')' to close \(name)(…).", at: tokens[closeIndex].span) }
            closeIndex += 1
        } while depth > 0
        let close = tokens[closeIndex - 1].span
        let raw = String(decoding: Array(source.utf8)[open.end..<close.start], as: UTF8.self).trimmingWhitespace()
        let span = start.union(close)
        position = closeIndex
        guard let literal = LiteralText.parse(raw, as: name) else {
            throw KQLError(.invalidToken, "'\(raw)' is not a valid \(name) literal.", at: span)
        }
        return Expression(kind: .literal(literal), span: span)
    }

    // MARK: Tokens

    private var current: Token { tokens[position] }

    private mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    private mutating func expect(_ symbol: String) throws(KQLError) {
        guard current.isSymbol(symbol) else { throw syntaxError("Expected '\(symbol)'") }
        advance()
    }

    private func syntaxError(_ expectation: String) -> KQLError {
        let found: String
        switch current.kind {
        case .end: found = "the end of the query"
        default: found = "'" + String(decoding: Array(source.utf8)[current.span.start..<current.span.end], as: UTF8.self) + "'"
        }
        return KQLError(.syntaxError, "\(expectation), found \(found).", at: current.span)
    }

    private func unsupported(_ message: String) -> KQLError {
        KQLError(.unsupported, message, at: current.span)
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
