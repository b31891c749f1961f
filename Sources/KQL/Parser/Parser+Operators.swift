/// Tabular operators: the words after `|`, and the ones that start a query without an input.
extension Parser {
    /// Option names operators accept as `name=value` before their arguments.
    static let optionNames: Set<String> = [
        "kind", "withsource", "with_source", "isfuzzy", "bagexpansion", "with_itemindex", "flags", "bin_legacy", "decodeblocks",
        "pair_delimiter", "kv_delimiter", "quote", "escape", "greedy", "ignore_case", "with_match_id", "ingestionMappingReference",
    ]

    /// The operator after a `|`.
    mutating func tabularOperator() throws(KQLError) -> TabularOperator {
        if let source = try sourceOperator(afterPipe: true) { return source }
        let keyword = try operatorKeyword()
        let kind: OperatorKind
        switch keyword.name {
        case "where", "filter": kind = .where(try scalar())
        case "project": kind = .project(try namedExpressions())
        case "extend": kind = .extend(try namedExpressions())
        case "project-away": kind = .projectAway(try columnPatterns())
        case "project-keep": kind = .projectKeep(try columnPatterns())
        case "project-rename": kind = .projectRename(try namedExpressions())
        case "project-reorder": kind = .projectReorder(try sortKeys(allowingGranny: true))
        case "summarize":
            let parameters = try options()
            let aggregates = current.isWord("by") ? [] : try namedExpressions()
            let by = accept(word: "by") ? try namedExpressions() : []
            kind = .summarize(parameters: parameters, aggregates: aggregates, by: by)
        case "count": kind = .count(as: accept(word: "as") ? try identifier("a column name") : nil)
        case "take", "limit": kind = .take(try scalar())
        case "top": kind = try top()
        case "top-nested": kind = .topNested(try topNestedLevels())
        case "sort", "order":
            guard accept(word: "by") else { throw syntaxError("Expected 'by'") }
            kind = .sort(try sortKeys(allowingGranny: false))
        case "distinct": kind = .distinct(try namedExpressions())
        case "join", "lookup": kind = try join(lookup: keyword.name == "lookup")
        case "mv-expand", "mvexpand": kind = try mvExpand()
        case "mv-apply", "mvapply": kind = try mvApply()
        case "parse", "parse-where": kind = try parse(keyword.name == "parse" ? .parse : .parseWhere)
        case "parse-kv": kind = try parseKV()
        case "make-series": kind = try makeSeries()
        case "render": kind = try render()
        case "serialize": kind = .serialize(current.isSymbol("|") || atOperatorEnd ? [] : try namedExpressions())
        case "as":
            let parameters = try options()
            kind = .as(parameters: parameters, name: try identifier("a name"))
        case "invoke": kind = .invoke(try scalar())
        case "getschema": kind = .getschema
        case "consume": kind = .consume
        case "sample": kind = .sample(try scalar())
        case "sample-distinct":
            let count = try scalar()
            guard accept(word: "of") else { throw syntaxError("Expected 'of'") }
            kind = .sampleDistinct(count: count, of: try scalar())
        case "facet": kind = try facet()
        case "fork": kind = .fork(try forkBranches())
        case "partition": kind = try partition()
        case "scan": kind = try scan()
        case "as-is": kind = .consume
        default:
            throw KQLError(.syntaxError, "'\(keyword.name)' is not a query operator.", at: keyword.span)
        }
        return TabularOperator(kind: kind, keyword: keyword, span: keyword.span.union(previousSpan))
    }

    /// Operators that also start a query: `print`, `range`, `datatable`, `union`, `search`, `find`, `externaldata`,
    /// `evaluate`. Returns nil (consuming nothing) when the current word does not start one.
    mutating func sourceOperator(afterPipe: Bool = false) throws(KQLError) -> TabularOperator? {
        guard let word = current.identifier else { return nil }
        let next = peekToken(1)
        let kind: OperatorKind
        switch word {
        case "print" where !next.isSymbol("(") || afterPipe:
            advance()
            kind = .print(atOperatorEnd ? [] : try namedExpressions())
        case "range" where next.identifier != nil:
            advance()
            let name = try identifier("a column name")
            guard accept(word: "from") else { throw syntaxError("Expected 'from'") }
            let from = try scalar()
            guard accept(word: "to") else { throw syntaxError("Expected 'to'") }
            let to = try scalar()
            guard accept(word: "step") else { throw syntaxError("Expected 'step'") }
            kind = .range(name: name, from: from, to: to, step: try scalar())
        case "datatable" where next.isSymbol("("):
            advance()
            let columns = try columnDeclarations()
            try expect("[")
            var values: [Expression] = []
            while !current.isSymbol("]") {
                values.append(try scalar())
                guard accept(",") else { break }
            }
            try expect("]")
            kind = .datatable(columns: columns, values: values)
        case "externaldata" where next.isSymbol("("):
            advance()
            let columns = try columnDeclarations()
            try expect("[")
            let uris = try expressionList(closer: "]")
            try expect("]")
            var parameters: [OperatorParameter] = []
            if accept(word: "with") {
                try expect("(")
                parameters = try optionList()
                try expect(")")
            }
            kind = .externaldata(columns: columns, uris: uris, parameters: parameters)
        case "union" where !next.isSymbol("=") || afterPipe:
            advance()
            let parameters = try options()
            kind = .union(parameters: parameters, tables: try unionTables())
        case "search" where !next.isSymbol("=") || afterPipe:
            advance()
            let parameters = try options()
            let tables = try inTables()
            kind = .search(parameters: parameters, tables: tables, predicate: try scalar())
        case "find" where !next.isSymbol("=") || afterPipe:
            advance()
            let parameters = try options()
            let tables = try inTables()
            guard accept(word: "where") else { throw syntaxError("Expected 'where'") }
            let predicate = try scalar()
            var project: [NamedExpression] = []
            if current.isWord("project-smart") || current.isWord("project") {
                advance()
                if current.isSymbol("-") { _ = try operatorKeyword() }
                project = atOperatorEnd ? [] : try namedExpressions()
            }
            kind = .find(parameters: parameters, tables: tables, predicate: predicate, project: project)
        case "evaluate" where next.identifier != nil:
            advance()
            let parameters = try options()
            let plugin = try scalar()
            // `evaluate bag_unpack(x) : (Col: type, …)` declares the plugin's output columns.
            if accept(":") { _ = try columnDeclarations() }
            kind = .evaluate(parameters: parameters, plugin: plugin)
        default:
            return nil
        }
        let start = tokens[max(0, position - 1)].span
        return TabularOperator(kind: kind, keyword: Identifier(name: word, span: start), span: start.union(previousSpan))
    }

    // MARK: Operator pieces

    /// The keyword after `|`, joining hyphenated ones (`project-away`, `mv-expand`, `top-nested`).
    mutating func operatorKeyword() throws(KQLError) -> Identifier {
        var keyword = try identifier("a query operator after '|'")
        while current.isSymbol("-"), current.span.start == keyword.span.end, let next = peekToken(1).identifier,
            peekToken(1).span.start == current.span.end
        {
            advance()
            advance()
            keyword = Identifier(name: keyword.name + "-" + next, span: keyword.span.union(previousSpan))
        }
        return keyword
    }

    /// Whether the operator's text has ended (`|`, `;`, `)` or the end).
    var atOperatorEnd: Bool {
        current.kind == .end || current.isSymbol("|") || current.isSymbol(";") || current.isSymbol(")")
    }

    /// `name=value` options before an operator's arguments (`kind=inner`, `hint.strategy=shuffle`).
    mutating func options() throws(KQLError) -> [OperatorParameter] {
        var parameters: [OperatorParameter] = []
        while let name = current.identifier, Self.optionNames.contains(name) || name == "hint" {
            let save = position
            let option = try dottedName()
            guard option.name == name ? Self.optionNames.contains(name) : option.name.hasPrefix("hint."), accept("=") else {
                position = save
                break
            }
            let value: Expression
            if let word = current.identifier, !word.hasPrefix("!") {
                value = Expression(kind: .name(word), span: current.span)
                advance()
            } else {
                value = try primary()
            }
            parameters.append(OperatorParameter(name: option, value: value))
        }
        return parameters
    }

    /// `(name = value, …)` property lists of `with (…)`.
    private mutating func optionList() throws(KQLError) -> [OperatorParameter] {
        var parameters: [OperatorParameter] = []
        while !current.isSymbol(")") {
            let name = try dottedName()
            try expect("=")
            parameters.append(OperatorParameter(name: name, value: try scalar()))
            guard accept(",") else { break }
        }
        return parameters
    }

    /// `[name =] expression` or `(a, b) = expression`, comma-separated.
    mutating func namedExpressions() throws(KQLError) -> [NamedExpression] {
        var items: [NamedExpression] = []
        repeat {
            items.append(try namedExpression())
        } while accept(",")
        return items
    }

    private mutating func namedExpression() throws(KQLError) -> NamedExpression {
        if current.isSymbol("("), let names = tupleNames() {
            try expect("=")
            return NamedExpression(names: names, expression: try scalar())
        }
        let save = position
        if let name = try? columnName(), current.isSymbol("=") {
            advance()
            return NamedExpression(names: [name], expression: try scalar())
        }
        position = save
        return NamedExpression(names: [], expression: try scalar())
    }

    /// `(a, b)` followed by `=`: the names of a multi-column assignment; nil (consuming nothing) otherwise.
    private mutating func tupleNames() -> [Identifier]? {
        let save = position
        advance()
        var names: [Identifier] = []
        while let name = try? columnName() {
            names.append(name)
            if !accept(",") { break }
        }
        if accept(")"), current.isSymbol("="), !names.isEmpty { return names }
        position = save
        return nil
    }

    /// Column names or wildcard patterns, comma-separated.
    private mutating func columnPatterns() throws(KQLError) -> [Expression] {
        var items: [Expression] = []
        repeat {
            items.append(try columnPattern())
        } while accept(",")
        return items
    }

    private mutating func columnPattern() throws(KQLError) -> Expression {
        if current.isSymbol("*") {
            let start = current.span
            advance()
            return wildcardPattern("*", start)
        }
        let name = try columnName()
        if current.isSymbol("*"), current.span.start == name.span.end { return wildcardPattern(name.name, name.span) }
        return Expression(kind: .name(name.name), span: name.span)
    }

    /// `expression [asc|desc] [nulls first|last]`, comma-separated.
    private mutating func sortKeys(allowingGranny: Bool) throws(KQLError) -> [SortKey] {
        var keys: [SortKey] = []
        repeat {
            let expression = allowingGranny ? try columnPattern() : try scalar()
            var ascending: Bool?
            if accept(word: "asc") {
                ascending = true
            } else if accept(word: "desc") {
                ascending = false
            } else if allowingGranny, current.isWord("granny") {
                // `granny-asc` / `granny-desc`: natural ("granny") sort order of project-reorder.
                ascending = try operatorKeyword().name == "granny-asc"
            }
            var nullsFirst: Bool?
            if accept(word: "nulls") {
                if accept(word: "first") {
                    nullsFirst = true
                } else if accept(word: "last") {
                    nullsFirst = false
                } else {
                    throw syntaxError("Expected 'first' or 'last'")
                }
            }
            keys.append(SortKey(expression: expression, ascending: ascending, nullsFirst: nullsFirst))
        } while accept(",")
        return keys
    }

    private mutating func top() throws(KQLError) -> OperatorKind {
        let count = try scalar()
        guard accept(word: "by") else { throw syntaxError("Expected 'by'") }
        let keys = try sortKeys(allowingGranny: false)
        var others: Expression?
        if accept(word: "with") {
            guard accept(word: "others") else { throw syntaxError("Expected 'others'") }
            try expect("=")
            others = try scalar()
        }
        return .top(count: count, by: keys, withOthers: others)
    }

    private mutating func topNestedLevels() throws(KQLError) -> [TopNestedLevel] {
        var levels: [TopNestedLevel] = []
        repeat {
            let count = current.isWord("of") ? nil : try scalar()
            guard accept(word: "of") else { throw syntaxError("Expected 'of'") }
            let of = try namedExpression()
            var others: Expression?
            if accept(word: "with") {
                guard accept(word: "others") else { throw syntaxError("Expected 'others'") }
                try expect("=")
                others = try scalar()
            }
            guard accept(word: "by") else { throw syntaxError("Expected 'by'") }
            let by = try namedExpression()
            let ascending: Bool? = accept(word: "asc") ? true : (accept(word: "desc") ? false : nil)
            levels.append(TopNestedLevel(count: count, of: of, withOthers: others, by: by, ascending: ascending))
        } while accept(",")
        return levels
    }

    private mutating func join(lookup: Bool) throws(KQLError) -> OperatorKind {
        let parameters = try options()
        let right = try primary()
        // `join T` without `on` joins on the columns both sides share (Kusto accepts it with a warning).
        var conditions: [Expression] = []
        if accept(word: "on") {
            repeat {
                conditions.append(try scalar())
            } while accept(",")
        } else if lookup {
            throw syntaxError("Expected 'on'")
        }
        return lookup ? .lookup(parameters: parameters, right: right, on: conditions) : .join(parameters: parameters, right: right, on: conditions)
    }

    /// The tables of `union`: names, wildcard patterns or parenthesized expressions, comma-separated.
    private mutating func unionTables() throws(KQLError) -> [Expression] {
        var tables: [Expression] = []
        repeat {
            if current.isSymbol("(") {
                tables.append(try primary())
            } else {
                tables.append(try columnPattern())
            }
        } while accept(",")
        return tables
    }

    /// `in (T1, T2*)` of `search` and `find`.
    private mutating func inTables() throws(KQLError) -> [Expression] {
        guard current.isWord("in"), peekToken(1).isSymbol("(") else { return [] }
        advance()
        advance()
        var tables: [Expression] = []
        while !current.isSymbol(")") {
            tables.append(try columnPattern())
            guard accept(",") else { break }
        }
        try expect(")")
        return tables
    }

    private mutating func mvExpandItems() throws(KQLError) -> [MvExpandItem] {
        var items: [MvExpandItem] = []
        repeat {
            let named = try namedExpression()
            var type: String?
            if accept(word: "to") {
                guard accept(word: "typeof") else { throw syntaxError("Expected 'typeof'") }
                try expect("(")
                type = try identifier("a type name").name
                try expect(")")
            }
            items.append(MvExpandItem(name: named.names.first, expression: named.expression, type: type))
        } while accept(",")
        return items
    }

    private mutating func mvExpand() throws(KQLError) -> OperatorKind {
        let parameters = try options()
        let items = try mvExpandItems()
        return .mvExpand(parameters: parameters, items: items, limit: accept(word: "limit") ? try scalar() : nil)
    }

    private mutating func mvApply() throws(KQLError) -> OperatorKind {
        let parameters = try options()
        let items = try mvExpandItems()
        if accept(word: "limit") { _ = try scalar() }
        guard accept(word: "on") else { throw syntaxError("Expected 'on'") }
        return .mvApply(parameters: parameters, items: items, on: try subquery())
    }

    /// `( operator | operator … )` applied to an implicit input, as `mv-apply … on (…)` and `facet … with (…)` take.
    private mutating func subquery() throws(KQLError) -> Expression {
        try enterNesting()
        defer { depth -= 1 }
        let start = current.span
        try expect("(")
        var operators: [TabularOperator] = []
        repeat {
            operators.append(try tabularOperator())
        } while accept("|")
        try expect(")")
        return Expression(kind: .subquery(operators), span: start.union(previousSpan))
    }

    private mutating func parse(_ kind: ParseKind) throws(KQLError) -> OperatorKind {
        let parameters = try options()
        let input = try scalar()
        guard accept(word: "with") else { throw syntaxError("Expected 'with'") }
        var pattern: [ParsePatternPart] = []
        while !atOperatorEnd {
            switch current.kind {
            case .string(let text):
                pattern.append(.text(text))
                advance()
            case .symbol("*"):
                pattern.append(.wildcard)
                advance()
            default:
                let name = try columnName()
                var type: String?
                if accept(":") { type = try identifier("a type name").name }
                pattern.append(.column(name, type: type))
            }
            _ = accept(",")
        }
        return .parse(kind: kind, parameters: parameters, input: input, pattern: pattern)
    }

    private mutating func parseKV() throws(KQLError) -> OperatorKind {
        let input = try scalar()
        guard accept(word: "as") else { throw syntaxError("Expected 'as'") }
        let columns = try columnDeclarations()
        var parameters: [OperatorParameter] = []
        if accept(word: "with") {
            try expect("(")
            parameters = try optionList()
            try expect(")")
        }
        return .parseKV(input: input, columns: columns, parameters: parameters)
    }

    /// `(name: type, …)`.
    private mutating func columnDeclarations() throws(KQLError) -> [ColumnDeclaration] {
        try expect("(")
        var columns: [ColumnDeclaration] = []
        while !current.isSymbol(")") {
            columns.append(try columnDeclaration())
            guard accept(",") else { break }
        }
        try expect(")")
        return columns
    }

    private mutating func makeSeries() throws(KQLError) -> OperatorKind {
        let parameters = try options()
        var aggregates: [NamedExpression] = []
        repeat {
            aggregates.append(try namedExpression())
            if accept(word: "default") {
                try expect("=")
                _ = try scalar()
            }
        } while accept(",")
        guard accept(word: "on") else { throw syntaxError("Expected 'on'") }
        let axis = try additive()
        var from: Expression?
        var to: Expression?
        let step: Expression
        if accept(word: "in") {
            // The older form: `in range(from, to, step)`.
            let range = try scalar()
            guard case .call(_, let arguments) = range.kind, arguments.count == 3 else {
                throw KQLError(.syntaxError, "Expected range(start, stop, step).", at: range.span)
            }
            (from, to, step) = (arguments[0], arguments[1], arguments[2])
        } else {
            if accept(word: "from") { from = try scalar() }
            if accept(word: "to") { to = try scalar() }
            guard accept(word: "step") else { throw syntaxError("Expected 'step'") }
            step = try scalar()
        }
        let by = accept(word: "by") ? try namedExpressions() : []
        return .makeSeries(parameters: parameters, aggregates: aggregates, on: axis, from: from, to: to, step: step, by: by)
    }

    private mutating func render() throws(KQLError) -> OperatorKind {
        let visualization = try identifier("a visualization")
        var properties: [OperatorParameter] = []
        if accept(word: "with") {
            try expect("(")
            while !current.isSymbol(")") {
                let name = try dottedName()
                try expect("=")
                let value: Expression
                if current.isSymbol("(") {
                    advance()
                    let items = try expressionList(closer: ")")
                    try expect(")")
                    value = items.first ?? Expression(kind: .literal(.null), span: previousSpan)
                } else {
                    value = try scalar()
                }
                properties.append(OperatorParameter(name: name, value: value))
                guard accept(",") else { break }
            }
            try expect(")")
        }
        return .render(visualization: visualization, properties: properties)
    }

    private mutating func facet() throws(KQLError) -> OperatorKind {
        guard accept(word: "by") else { throw syntaxError("Expected 'by'") }
        var columns: [Expression] = []
        repeat {
            columns.append(try columnPattern())
        } while accept(",")
        var with: Expression?
        if accept(word: "with") {
            with = current.isSymbol("(") ? try subquery() : Expression(kind: .subquery([try tabularOperator()]), span: previousSpan)
        }
        return .facet(by: columns, with: with)
    }

    private mutating func forkBranches() throws(KQLError) -> [Expression] {
        var branches: [Expression] = []
        while !atOperatorEnd || current.isSymbol("(") {
            if current.identifier != nil, peekToken(1).isSymbol("=") {
                advance()
                advance()
            }
            branches.append(try subquery())
        }
        return branches
    }

    private mutating func partition() throws(KQLError) -> OperatorKind {
        let parameters = try options()
        guard accept(word: "by") else { throw syntaxError("Expected 'by'") }
        let column = try columnName()
        let key = Expression(kind: .name(column.name), span: column.span)
        let body: Expression
        if current.isSymbol("{") {
            advance()
            body = try expression()
            try expect("}")
        } else {
            body = try subquery()
        }
        return .partition(parameters: parameters, by: key, body: body)
    }

    /// After `scan`: options, `declare (…)`, then `with (step …; …)`.
    private mutating func scan() throws(KQLError) -> OperatorKind {
        let parameters = try options()
        var declared: [Parameter] = []
        if accept(word: "declare") {
            try expect("(")
            declared = try parameterList(closer: ")")
            try expect(")")
        }
        guard accept(word: "with") else { throw syntaxError("Expected 'with'") }
        try expect("(")
        var steps: [ScanStep] = []
        while !current.isSymbol(")") {
            guard accept(word: "step") else { throw syntaxError("Expected 'step'") }
            let name = try identifier("a step name")
            var output = ScanStep.Output.all
            if accept(word: "output") {
                try expect("=")
                let word = try identifier("all, last or none")
                guard let chosen = ScanStep.Output(rawValue: word.name) else {
                    throw KQLError(.syntaxError, "A step's output is all, last or none.", at: word.span)
                }
                output = chosen
            }
            try expect(":")
            let condition = try scalar()
            var assignments: [NamedExpression] = []
            // `=>` is two tokens: the lexer has no such symbol elsewhere in KQL.
            if current.isSymbol("=") && peekToken(1).isSymbol(">") {
                advance()
                advance()
                assignments = try namedExpressions()
            }
            steps.append(ScanStep(name: name, output: output, condition: condition, assignments: assignments))
            guard accept(";") else { break }
        }
        try expect(")")
        guard !steps.isEmpty else { throw syntaxError("Expected 'step'") }
        return .scan(ScanDefinition(parameters: parameters, declared: declared, steps: steps))
    }
}
