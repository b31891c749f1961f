/// Expressions, loosest binding first: `|` pipes, `or`, `and`, comparisons and string operators, `+ -`, `* / %`,
/// unary minus, then member access, indexing and calls on primaries.
extension Parser {
    static let stringOperators: Set<String> = [
        "has", "has_cs", "contains", "contains_cs", "startswith", "startswith_cs", "endswith", "endswith_cs", "hasprefix",
        "hasprefix_cs", "hassuffix", "hassuffix_cs", "like", "like_cs",
    ]
    static let comparisonSymbols: Set<String> = ["==", "!=", "<>", "<", "<=", ">", ">=", "=~", "!~"]
    static let listOperators: Set<String> = ["in", "!in", "in~", "!in~", "has_any", "!has_any", "has_all", "!has_all"]

    /// A full expression: scalar or tabular, with `|` operators applied left to right.
    mutating func expression() throws(KQLError) -> Expression {
        try enterNesting()
        defer { depth -= 1 }
        var result = try scalar()
        while current.isSymbol("|") {
            advance()
            let start = position
            do {
                let op = try tabularOperator()
                result = Expression(kind: .pipe(result, op), span: result.span.union(op.span))
            } catch {
                diagnostics += error.diagnostics
                skipPast(start: start, stopAt: ["|", ";"])
                result = Expression(kind: .error, span: result.span.union(previousSpan))
            }
        }
        return result
    }

    /// An expression without top-level pipes (operator arguments).
    mutating func scalar() throws(KQLError) -> Expression {
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
        guard let word = current.identifier else { return left }
        let bare = word.hasPrefix("!") ? String(word.dropFirst()) : word
        if Self.stringOperators.contains(bare) {
            advance()
            let right = try additive()
            return Expression(kind: .binary(word, left, right), span: left.span.union(right.span))
        }
        if word == "matches", peekToken(1).isWord("regex") {
            advance()
            advance()
            let right = try additive()
            return Expression(kind: .binary("matches regex", left, right), span: left.span.union(right.span))
        }
        if Self.listOperators.contains(word) {
            advance()
            try expect("(")
            let items = try expressionList(closer: ")")
            try expect(")")
            return Expression(kind: .inList(word, left, items), span: left.span.union(previousSpan))
        }
        if bare == "between" {
            advance()
            try expect("(")
            let low = try additive()
            try expect("..")
            let high = try additive()
            try expect(")")
            return Expression(kind: .between(word, left, low, high), span: left.span.union(previousSpan))
        }
        return left
    }

    mutating func additive() throws(KQLError) -> Expression {
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
        try enterNesting()
        defer { depth -= 1 }
        if current.isSymbol("-") {
            let start = current.span
            advance()
            let operand = try unary()
            return Expression(kind: .negate(operand), span: start.union(operand.span))
        }
        if current.isSymbol("+") { advance() }
        return try postfix(try primary())
    }

    /// `.member`, `[index]` after a primary.
    private mutating func postfix(_ base: Expression) throws(KQLError) -> Expression {
        var result = base
        while true {
            if current.isSymbol("."), let name = peekToken(1).identifier, !name.hasPrefix("!") {
                advance()
                let member = Identifier(name: name, span: current.span)
                advance()
                result = Expression(kind: .member(result, member), span: result.span.union(member.span))
            } else if current.isSymbol("."), peekToken(1).isSymbol("[") {
                // `a.['key']` is `a['key']`.
                advance()
            } else if current.isSymbol("."), case .string(let key) = peekToken(1).kind {
                advance()
                let member = Identifier(name: key, span: current.span)
                advance()
                result = Expression(kind: .member(result, member), span: result.span.union(member.span))
            } else if current.isSymbol("[") {
                advance()
                let index = try expression()
                try expect("]")
                result = Expression(kind: .index(result, index), span: result.span.union(previousSpan))
            } else {
                return result
            }
        }
    }

    /// Whether the current `[` opens a bracketed name such as `['Column Name']`.
    private var startsBracketedName: Bool {
        if case .string = peekToken(1).kind { return peekToken(2).isSymbol("]") }
        return false
    }

    mutating func primary() throws(KQLError) -> Expression {
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
            return Expression(kind: inner.kind, span: token.span.union(previousSpan))
        case .symbol("*"):
            advance()
            return Expression(kind: .star, span: token.span)
        case .symbol("[") where startsBracketedName:
            let name = try columnName()
            return Expression(kind: .name(name.name), span: name.span)
        case .identifier(let name) where !name.hasPrefix("!"):
            return try namedPrimary(name, token)
        default:
            throw syntaxError("Expected an expression")
        }
    }

    private mutating func namedPrimary(_ name: String, _ token: Token) throws(KQLError) -> Expression {
        if let source = try sourceOperator() { return Expression(kind: .source(source), span: source.span) }
        advance()
        switch name {
        case "true", "false": return Expression(kind: .literal(.bool(name == "true")), span: token.span)
        case "null": return Expression(kind: .literal(.null), span: token.span)
        default: break
        }
        guard current.isSymbol("(") else { return Expression(kind: .name(name), span: token.span) }
        if let literal = try typedLiteral(name, start: token.span) { return literal }
        advance()
        let arguments = try argumentList()
        try expect(")")
        return Expression(kind: .call(Identifier(name: name, span: token.span), arguments), span: token.span.union(previousSpan))
    }

    /// `Device*Events`: a name with `*` wildcards written without spaces.
    mutating func wildcardPattern(_ prefix: String, _ start: SourceSpan) -> Expression {
        var text = prefix
        var span = start
        while current.span.start == span.end {
            switch current.kind {
            case .symbol("*"): text += "*"
            case .identifier(let word) where !word.hasPrefix("!"): text += word
            case .long: text += self.text(from: current.span.start, to: current.span.end)
            default: return Expression(kind: .pattern(text), span: span)
            }
            span = span.union(current.span)
            advance()
        }
        return Expression(kind: .pattern(text), span: span)
    }

    /// Call arguments: expressions, `*`, or `name = expression`.
    private mutating func argumentList() throws(KQLError) -> [Expression] {
        var arguments: [Expression] = []
        while !current.isSymbol(")") {
            if let name = current.identifier, !name.hasPrefix("!"), peekToken(1).isSymbol("=") {
                let identifier = Identifier(name: name, span: current.span)
                advance()
                advance()
                let value = try expression()
                arguments.append(Expression(kind: .namedArgument(identifier, value), span: identifier.span.union(value.span)))
            } else {
                arguments.append(try expression())
            }
            guard current.isSymbol(",") else { break }
            advance()
        }
        return arguments
    }

    /// Comma-separated expressions up to `closer` (not consumed).
    mutating func expressionList(closer: String) throws(KQLError) -> [Expression] {
        guard !current.isSymbol(closer) else { return [] }
        var items: [Expression] = []
        repeat {
            items.append(try expression())
        } while accept(",")
        return items
    }

    // MARK: Typed literals

    private static let rawLiteralTypes: Set<String> = [
        "datetime", "date", "timespan", "time", "bool", "boolean", "long", "int", "real", "double", "decimal", "guid",
    ]

    /// `datetime(…)`, `timespan(…)`, `guid(…)`, `dynamic(…)` and the other typed literals.
    private mutating func typedLiteral(_ name: String, start: SourceSpan) throws(KQLError) -> Expression? {
        if name == "dynamic" {
            advance()
            let value = try dynamicValue()
            try expect(")")
            return Expression(kind: .dynamic(value), span: start.union(previousSpan))
        }
        guard Self.rawLiteralTypes.contains(name) else { return nil }
        let openIndex = position
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
        let raw = text(from: open.end, to: close.start).trimmingWhitespace()
        let span = start.union(close)
        position = closeIndex
        // Types a `ScalarValue` cannot carry (`guid`, `decimal`, `int`) and typed nulls keep their type by name.
        if name == "decimal" || name == "guid" || raw == "null" || (name == "int" && Int32(raw) != nil) {
            return Expression(kind: .typedLiteral(type: name, text: raw), span: span)
        }
        // A typed "literal" whose argument is an expression is a conversion call, as in `bool(x)`.
        guard let literal = LiteralText.parse(raw, as: name) else {
            if ["datetime", "date", "timespan", "time"].contains(name) {
                throw KQLError(.invalidToken, "'\(raw)' is not a valid \(name) literal.", at: span)
            }
            position = openIndex
            return nil
        }
        return Expression(kind: .literal(literal), span: span)
    }

    /// A JSON-like value inside `dynamic(…)`: arrays, property bags, strings, numbers, `true`/`false`/`null`,
    /// nested typed literals.
    private mutating func dynamicValue() throws(KQLError) -> DynamicLiteral {
        try enterNesting()
        defer { depth -= 1 }
        switch current.kind {
        case .symbol("["):
            advance()
            var items: [DynamicLiteral] = []
            while !current.isSymbol("]") {
                items.append(try dynamicValue())
                guard accept(",") else { break }
            }
            try expect("]")
            return .array(items)
        case .symbol("{"):
            advance()
            var members: [(String, DynamicLiteral)] = []
            while !current.isSymbol("}") {
                let key: String
                if case .string(let text) = current.kind {
                    key = text
                    advance()
                } else {
                    key = try identifier("a property name").name
                }
                try expect(":")
                members.append((key, try dynamicValue()))
                guard accept(",") else { break }
            }
            try expect("}")
            return .object(members)
        case .symbol(")"):
            return .null
        default:
            let value = try scalar()
            switch value.kind {
            case .literal(.null): return .null
            case .literal(let scalar): return .scalar(scalar)
            case .negate(let inner):
                if case .literal(.long(let v)) = inner.kind { return .scalar(.long(-v)) }
                if case .literal(.real(let v)) = inner.kind { return .scalar(.real(-v)) }
                if case .literal(.timespan(let v)) = inner.kind { return .scalar(.timespan(-v)) }
            case .typedLiteral(_, let text): return .scalar(.string(text))
            default: break
            }
            throw KQLError(.syntaxError, "A dynamic literal holds only constants.", at: value.span)
        }
    }
}
