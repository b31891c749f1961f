/// Binary operators, `in` lists and their null rules.
extension Interpreter {
    func binary(_ op: String, _ lhs: Expression, _ rhs: Expression, in scope: RowScope, at span: SourceSpan) throws(KQLError) -> Vector {
        let left = try scalar(lhs, in: scope)
        if op == "and" || op == "or" {
            return Self.logic(left, try scalar(rhs, in: scope), and: op == "and")
        }
        let right = try scalar(rhs, in: scope)
        switch op {
        case "+", "-", "*", "/", "%":
            let arithmetic = ArithmeticOperator(rawValue: op)!
            let type =
                left.type == .dynamic || right.type == .dynamic ? .dynamic : (Typing.arithmetic(arithmetic, left.type, right.type) ?? .real)
            return Kernels.map2(left, right, type: type) { ScalarOps.arithmetic(arithmetic, $0, $1, type: type) }
        case "==", "!=", "<", "<=", ">", ">=":
            let comparison = Comparison(rawValue: op)!
            return Kernels.map2(left, right, type: .bool) { Self.compare(comparison, $0, $1) }
        case "matches regex":
            return try Self.regexMatch(left, right, at: rhs.span)
        default:
            guard let predicate = TextPredicate.named(op) else {
                throw KQLError(.unsupported, "The operator '\(op)' is not supported.", at: span)
            }
            return Self.text(predicate, left, right)
        }
    }

    /// Kusto's comparison rules: null against a value is false for `==` and true for `!=`; two nulls give null.
    static func compare(_ comparison: Comparison, _ a: ScalarValue, _ b: ScalarValue) -> ScalarValue {
        let x = a.unwrapped
        let y = b.unwrapped
        if x == .null || y == .null {
            if x == .null && y == .null { return .null }
            switch comparison {
            case .equal: return .bool(false)
            case .notEqual: return .bool(true)
            default: return .null
            }
        }
        if let order = ScalarOps.order(x, y) { return .bool(comparison.holds(order)) }
        // A string literal compared with a number is converted (`LocalPort == "443"`).
        switch (x, y) {
        case (.string(let text), _):
            return Conversions.real(.string(text)).flatMap { ScalarOps.order(.real($0), y) }.map { .bool(comparison.holds($0)) }
                ?? .bool(comparison == .notEqual)
        case (_, .string(let text)):
            return Conversions.real(.string(text)).flatMap { ScalarOps.order(x, .real($0)) }.map { .bool(comparison.holds($0)) }
                ?? .bool(comparison == .notEqual)
        default: return comparison == .notEqual ? .bool(true) : (comparison == .equal ? .bool(false) : .null)
        }
    }

    static func text(_ predicate: TextPredicate, _ left: Vector, _ right: Vector) -> Vector {
        if let needle = right.constantValue {
            let needleText = Conversions.text(needle)
            return Kernels.map(left, type: .bool) { .bool(TextMatching.matches(predicate, Conversions.text($0), needleText)) }
        }
        return Kernels.map2(left, right, type: .bool) { .bool(TextMatching.matches(predicate, Conversions.text($0), Conversions.text($1))) }
    }

    private static func regexMatch(_ left: Vector, _ right: Vector, at span: SourceSpan) throws(KQLError) -> Vector {
        guard let pattern = right.constantValue else {
            throw KQLError(.invalidArgument, "'matches regex' needs a constant pattern.", at: span)
        }
        let regex = try KQLRegex(Conversions.text(pattern), at: span)
        return Kernels.map(left, type: .bool) { .bool(regex.matches(Conversions.text($0))) }
    }

    /// Three-valued `and` / `or`.
    static func logic(_ left: Vector, _ right: Vector, and: Bool) -> Vector {
        let count = max(left.count, right.count)
        if left.constantValue != nil, right.constantValue != nil {
            return .constant(logicValue(Kernels.truth(left, at: 0), Kernels.truth(right, at: 0), and: and), .bool, count: count)
        }
        var values = [Int64](repeating: 0, count: count)
        var nulls: [Bool]?
        for row in 0..<count {
            switch logicValue(Kernels.truth(left, at: row), Kernels.truth(right, at: row), and: and) {
            case .bool(true): values[row] = 1
            case .bool(false): break
            default:
                if nulls == nil { nulls = [Bool](repeating: false, count: count) }
                nulls![row] = true
            }
        }
        return Vector(.bool, .integers(values, nulls: nulls))
    }

    private static func logicValue(_ x: Bool?, _ y: Bool?, and: Bool) -> ScalarValue {
        if and {
            if x == false || y == false { return .bool(false) }
            return x == nil || y == nil ? .null : .bool(true)
        }
        if x == true || y == true { return .bool(true) }
        return x == nil || y == nil ? .null : .bool(false)
    }

    /// `in`, `!in`, `in~`, `!in~`, `has_any`, `has_all` (and `_cs` forms): the list may hold values, dynamic arrays
    /// (flattened) and one-column tables.
    func membership(_ op: String, _ lhs: Expression, _ items: [Expression], in scope: RowScope) throws(KQLError) -> Vector {
        let operand = try scalar(lhs, in: scope)
        var values: [ScalarValue] = []
        var perRow: [Vector] = []
        for item in items {
            switch try listItem(item, in: scope) {
            case .values(let constants): values += constants
            case .row(let vector): perRow.append(vector)
            }
        }
        let constants = values.flatMap(Self.flattened)
        let list = MembershipList(constants, operator: op)
        if perRow.isEmpty { return Kernels.map(operand, type: .bool) { list.test($0) } }
        return Kernels.mapN([operand] + perRow, count: scope.count, type: .bool) { row in
            MembershipList(constants + row.dropFirst().flatMap(Self.flattened), operator: op).test(row[0])
        }
    }

    enum ListItem {
        /// Values that are the same on every row: constants and the first column of a table.
        case values([ScalarValue])
        case row(Vector)
    }

    /// One item of an `in` list.
    func listItem(_ item: Expression, in scope: RowScope) throws(KQLError) -> ListItem {
        switch try evaluate(item, in: scope) {
        case .tabular(let relation):
            guard !relation.schema.isEmpty else { return .values([]) }
            let column = relation.column(0)
            return .values((0..<column.count).map { column.value(at: $0) })
        case .scalar(let vector):
            if let value = vector.constantValue { return .values([value]) }
            return .row(vector)
        }
    }

    /// Dynamic arrays in an `in` list stand for their elements.
    static func flattened(_ value: ScalarValue) -> [ScalarValue] {
        guard case .dynamic(.array(let items)) = value else { return [value.unwrapped] }
        return items.flatMap { flattened(Conversions.dynamic(.dynamic($0))) }
    }
}

/// The values of an `in`/`has_any` list, prepared once for testing many rows.
struct MembershipList {
    enum Kind { case equals, equalsIgnoringCase, hasAny, hasAll }

    let kind: Kind
    let negated: Bool
    let caseSensitive: Bool
    private let texts: Set<String>
    private let needles: [String]
    private let others: [ScalarValue]

    init(_ values: [ScalarValue], operator op: String) {
        negated = op.hasPrefix("!")
        let word = negated ? String(op.dropFirst()) : op
        switch word {
        case "in~": kind = .equalsIgnoringCase
        case "has_any", "has_any_cs": kind = .hasAny
        case "has_all", "has_all_cs": kind = .hasAll
        default: kind = .equals
        }
        caseSensitive = word == "in" || word.hasSuffix("_cs")
        var texts: Set<String> = []
        var needles: [String] = []
        var others: [ScalarValue] = []
        for value in values {
            if case .string(let text) = value {
                texts.insert(kind == .equalsIgnoringCase ? text.asciiLowercased() : text)
                needles.append(text)
            } else if value != .null {
                others.append(value)
                needles.append(Conversions.text(value))
            }
        }
        self.texts = texts
        self.needles = needles
        self.others = others
    }

    /// The needles of a `has_any`, for the term index.
    var terms: [String] { needles }

    func test(_ value: ScalarValue) -> ScalarValue {
        .bool(contains(value) != negated)
    }

    func contains(_ value: ScalarValue) -> Bool {
        switch kind {
        case .equals, .equalsIgnoringCase:
            let plain = value.unwrapped
            if case .string(let text) = plain {
                if texts.contains(kind == .equalsIgnoringCase ? text.asciiLowercased() : text) { return true }
                // `"443" in (443)`: text compared with numbers by value.
                return others.contains { Conversions.text($0) == text }
            }
            if plain == .null { return false }
            if others.contains(where: { ScalarOps.order(plain, $0) == 0 }) { return true }
            return texts.contains(Conversions.text(plain))
        case .hasAny, .hasAll:
            let text = Conversions.text(value)
            let predicate = TextPredicate(kind: .has, caseSensitive: caseSensitive, negated: false)
            if kind == .hasAny { return needles.contains { TextMatching.matches(predicate, text, $0) } }
            return !needles.isEmpty && needles.allSatisfy { TextMatching.matches(predicate, text, $0) }
        }
    }
}
