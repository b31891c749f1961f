import OpenMTPModels
public import Store

/// Reads the OData options of `GET /api/incidents`: `$top` (at most 100), `$skip`, and `$filter` over
/// `lastUpdateTime`, `createdTime`, `status` and `assignedTo` with `eq ne gt ge lt le`, `and`, `or`, `not` and
/// parentheses. Datetimes are unquoted ISO-8601 (0–7 fractional digits), strings single-quoted (`''` escapes a quote).
public enum IncidentODataQuery {
    public static let maxPageSize = IncidentQuery.largestPage

    /// How an API names the filterable properties and their values.
    public struct Dialect: Sendable {
        /// Wire property name → store field.
        let properties: [(String, IncidentFilter.Field)]
        /// The stored spelling of a `status` literal.
        let status: @Sendable (String) -> String
        public let maxPageSize: Int

        /// `/api/incidents`: `lastUpdateTime`, `createdTime`, `status` ('Active'), `assignedTo`; pages of 100.
        public static let defender = Dialect(
            properties: IncidentFilter.Field.allCases.map { ($0.rawValue, $0) },
            status: { $0 },
            maxPageSize: IncidentODataQuery.maxPageSize
        )
        /// Graph's `security/incidents` and `alerts_v2`: `lastUpdateDateTime`, `createdDateTime`, `status` ('active'),
        /// `assignedTo`; pages of at most 50 (OpenMTP's choice, docs/fidelity.md).
        public static let graph = Dialect(
            properties: [
                ("lastUpdateDateTime", .lastUpdateTime), ("createdDateTime", .createdTime), ("status", .status), ("assignedTo", .assignedTo),
            ],
            status: { GraphSecurityShapes.defenderName($0) },
            maxPageSize: 50
        )
    }

    /// - Parameter options: the query string's parameters, already percent- and `+`-decoded.
    public static func parse(_ options: [String: String], dialect: Dialect = .defender) throws(DefenderError) -> IncidentQuery {
        let maxPageSize = dialect.maxPageSize
        var query = IncidentQuery(top: maxPageSize)
        if let top = options["$top"] {
            guard let value = Int(top), value >= 0 else { throw .odata("'$top=\(top)': the value must be a non-negative integer.") }
            guard value <= maxPageSize else {
                throw DefenderError(
                    code: "BadRequest",
                    message: "The $top value \(value) exceeds the maximum page size of \(maxPageSize).",
                    httpStatus: 400
                )
            }
            query.top = value
        }
        if let skip = options["$skip"] {
            guard let value = Int(skip), value >= 0 else { throw .odata("'$skip=\(skip)': the value must be a non-negative integer.") }
            query.skip = value
        }
        if let filter = options["$filter"] {
            var parser = FilterParser(filter, dialect: dialect)
            query.filter = try parser.parse()
        }
        return query
    }
}

private struct FilterParser {
    private enum Token: Equatable {
        case word(String)
        case quoted(String)
        case open, close
    }

    private let text: String
    private let dialect: IncidentODataQuery.Dialect
    private var tokens: [Token] = []
    private var index = 0

    init(_ text: String, dialect: IncidentODataQuery.Dialect) {
        self.text = text
        self.dialect = dialect
    }

    mutating func parse() throws(DefenderError) -> IncidentFilter {
        tokens = try Self.tokenize(text)
        let filter = try disjunction()
        guard index == tokens.count else { throw error("unexpected text after the expression") }
        return filter
    }

    private mutating func disjunction() throws(DefenderError) -> IncidentFilter {
        var left = try conjunction()
        while peekWord("or") {
            index += 1
            left = .or(left, try conjunction())
        }
        return left
    }

    private mutating func conjunction() throws(DefenderError) -> IncidentFilter {
        var left = try term()
        while peekWord("and") {
            index += 1
            left = .and(left, try term())
        }
        return left
    }

    private mutating func term() throws(DefenderError) -> IncidentFilter {
        if peekWord("not") {
            index += 1
            return .not(try term())
        }
        if index < tokens.count, tokens[index] == .open {
            index += 1
            let inner = try disjunction()
            guard index < tokens.count, tokens[index] == .close else { throw error("missing ')'") }
            index += 1
            return inner
        }
        guard index + 2 < tokens.count, case .word(let fieldName) = tokens[index], case .word(let opName) = tokens[index + 1]
        else { throw error("expected '<property> <operator> <value>'") }
        guard let field = dialect.properties.first(where: { $0.0.lowercased() == fieldName.lowercased() })?.1 else {
            let names = dialect.properties.map(\.0)
            throw error("'\(fieldName)' is not a filterable property; use \(names.dropLast().joined(separator: ", ")) or \(names.last ?? "")")
        }
        guard let comparison = IncidentFilter.Comparison(rawValue: opName.lowercased()) else {
            throw error("'\(opName)' is not a comparison operator; use eq, ne, gt, ge, lt or le")
        }
        let operand = try value(for: field, tokens[index + 2])
        index += 3
        return .compare(field, comparison, operand)
    }

    private func value(for field: IncidentFilter.Field, _ token: Token) throws(DefenderError) -> IncidentFilter.Operand {
        if token == .word("null") { return .null }
        switch field {
        case .lastUpdateTime, .createdTime:
            let text: String
            switch token {
            case .word(let w): text = w
            case .quoted(let q): text = q
            default: throw error("expected a date-time value for \(field.rawValue)")
            }
            guard let timestamp = Timestamp(iso8601: text) else { throw error("'\(text)' is not a valid date-time for \(field.rawValue)") }
            return .timestamp(timestamp)
        case .status, .assignedTo:
            guard case .quoted(let string) = token else {
                throw error(
                    "expected a quoted string for \(field.rawValue), e.g. '\(field == .status ? dialect.status("Active") : "user@contoso.com")'"
                )
            }
            return .string(field == .status ? dialect.status(string) : string)
        }
    }

    private func peekWord(_ word: String) -> Bool {
        guard index < tokens.count, case .word(let w) = tokens[index] else { return false }
        return w.lowercased() == word
    }

    private func error(_ detail: String) -> DefenderError {
        .odata("'$filter=\(text)': \(detail).")
    }

    private static func tokenize(_ text: String) throws(DefenderError) -> [Token] {
        var tokens: [Token] = []
        var chars = Array(text)[...]
        while let c = chars.first {
            if c == " " || c == "\t" {
                chars = chars.dropFirst()
            } else if c == "(" || c == ")" {
                tokens.append(c == "(" ? .open : .close)
                chars = chars.dropFirst()
            } else if c == "'" {
                chars = chars.dropFirst()
                var value = ""
                var closed = false
                while let d = chars.first {
                    chars = chars.dropFirst()
                    if d == "'" {
                        if chars.first == "'" {
                            value.append("'")
                            chars = chars.dropFirst()
                            continue
                        }
                        closed = true
                        break
                    }
                    value.append(d)
                }
                guard closed else { throw .odata("'$filter=\(text)': unterminated string literal.") }
                tokens.append(.quoted(value))
            } else {
                var word = ""
                while let d = chars.first, !" \t()'".contains(d) {
                    word.append(d)
                    chars = chars.dropFirst()
                }
                tokens.append(.word(word))
            }
        }
        return tokens
    }
}
