/// Evaluates bound expressions over a set of rows, column at a time.
///
/// Text predicates and comparisons against a constant are decided once per distinct dictionary value and
/// then looked up per row; everything else takes the general row-at-a-time path.
struct Evaluator {
    let columns: [ColumnData]
    /// The rows to evaluate, as positions in `columns`; nil means every row.
    let selection: [Int32]?
    let count: Int

    init(columns: [ColumnData], selection: [Int32]?, rowCount: Int) {
        self.columns = columns
        self.selection = selection
        self.count = selection?.count ?? rowCount
    }

    func evaluate(_ expression: BoundExpression) -> Vector {
        switch expression {
        case .column(let index, let type):
            let data = columns[index]
            return .data(selection.map(data.gather) ?? data, type)
        case .constant(let value, _):
            return .constant(value)
        case .compare(let comparison, let a, let b):
            return .data(compare(comparison, evaluate(a), evaluate(b)).column, .bool)
        case .text(let predicate, let a, let b):
            return .data(text(predicate, evaluate(a), evaluate(b)).column, .bool)
        case .membership(let operand, let values, let caseSensitive, let negated):
            return .data(membership(evaluate(operand), values, caseSensitive: caseSensitive, negated: negated).column, .bool)
        case .and(let a, let b):
            return .data(logic(evaluate(a), evaluate(b), and: true).column, .bool)
        case .or(let a, let b):
            return .data(logic(evaluate(a), evaluate(b), and: false).column, .bool)
        case .not(let a):
            let input = evaluate(a)
            var out = BoolVector(count: count)
            for row in 0..<count { out.set(row, Self.truth(input.value(at: row)).map { !$0 }) }
            return .data(out.column, .bool)
        case .isNull(let a, let negated):
            let input = evaluate(a)
            var out = BoolVector(count: count)
            for row in 0..<count { out.set(row, (input.value(at: row) == .null) != negated) }
            return .data(out.column, .bool)
        case .arithmetic(let op, let a, let b, let type):
            let left = evaluate(a)
            let right = evaluate(b)
            var builder = ColumnBuilder(type: type)
            for row in 0..<count { builder.append(ScalarOps.arithmetic(op, left.value(at: row), right.value(at: row), type: type)) }
            return .data(builder.build(), type)
        case .negate(let a):
            let input = evaluate(a)
            var builder = ColumnBuilder(type: expression.type)
            for row in 0..<count { builder.append(ScalarOps.negate(input.value(at: row))) }
            return .data(builder.build(), expression.type)
        }
    }

    /// The positions (within the evaluated rows) where a bool expression is true.
    func truePositions(_ predicate: BoundExpression) -> [Int32] {
        guard case .data(.int64(let values, let nulls), _) = evaluate(predicate) else {
            if case .constant(.bool(true)) = evaluate(predicate) { return (0..<Int32(count)).map { $0 } }
            return []
        }
        var positions: [Int32] = []
        for row in 0..<values.count where values[row] == 1 && !nulls.isNull(row) {
            positions.append(Int32(row))
        }
        return positions
    }

    // MARK: Operators

    private func compare(_ comparison: Comparison, _ a: Vector, _ b: Vector) -> BoolVector {
        var out = BoolVector(count: count)
        switch (a, b) {
        case (.data(.int64(let values, let nulls), let type), .constant(let constant)) where type != .real:
            guard let bound = Self.integral(constant) else { return general(comparison, a, b) }
            for row in 0..<count where !nulls.isNull(row) {
                let v = values[row]
                out.values[row] = comparison.holds(v == bound ? 0 : (v < bound ? -1 : 1)) ? 1 : 0
            }
            for row in 0..<count where nulls.isNull(row) { out.nulls[row] = true }
            return out
        case (.data(.text(let codes, let dictionary), _), .constant(.string(let constant))):
            let decided = DictionaryCache(dictionary) { comparison.holds(ScalarOps.ordinal($0, constant)) }
            return decided.apply(codes, into: &out)
        default:
            return general(comparison, a, b)
        }
    }

    private func general(_ comparison: Comparison, _ a: Vector, _ b: Vector) -> BoolVector {
        var out = BoolVector(count: count)
        for row in 0..<count {
            out.set(row, ScalarOps.order(a.value(at: row), b.value(at: row)).map(comparison.holds))
        }
        return out
    }

    private func text(_ predicate: TextPredicate, _ a: Vector, _ b: Vector) -> BoolVector {
        var out = BoolVector(count: count)
        if case .data(.text(let codes, let dictionary), _) = a, case .constant(.string(let needle)) = b {
            let decided = DictionaryCache(dictionary) { TextMatching.matches(predicate, $0, needle) }
            return decided.apply(codes, into: &out)
        }
        for row in 0..<count {
            guard case .string(let haystack) = a.value(at: row), case .string(let needle) = b.value(at: row) else {
                out.set(row, nil)
                continue
            }
            out.set(row, TextMatching.matches(predicate, haystack, needle))
        }
        return out
    }

    private func membership(_ operand: Vector, _ values: [ScalarValue], caseSensitive: Bool, negated: Bool) -> BoolVector {
        var out = BoolVector(count: count)
        let strings = values.compactMap { value -> [UInt8]? in
            if case .string(let s) = value { return Array((caseSensitive ? s : s.asciiLowercased()).utf8) }
            return nil
        }
        let stringSet = Set(strings)
        if case .data(.text(let codes, let dictionary), _) = operand {
            let decided = DictionaryCache(dictionary) {
                stringSet.contains(Array((caseSensitive ? $0 : $0.asciiLowercased()).utf8)) != negated
            }
            return decided.apply(codes, into: &out)
        }
        for row in 0..<count {
            let value = operand.value(at: row)
            if value == .null {
                out.set(row, nil)
                continue
            }
            let found = values.contains { ScalarOps.order(value, $0) == 0 }
            out.set(row, found != negated)
        }
        return out
    }

    private func logic(_ a: Vector, _ b: Vector, and: Bool) -> BoolVector {
        var out = BoolVector(count: count)
        for row in 0..<count {
            let x = Self.truth(a.value(at: row))
            let y = Self.truth(b.value(at: row))
            if and {
                out.set(row, x == false || y == false ? false : (x == nil || y == nil ? nil : true))
            } else {
                out.set(row, x == true || y == true ? true : (x == nil || y == nil ? nil : false))
            }
        }
        return out
    }

    static func truth(_ value: ScalarValue) -> Bool? {
        if case .bool(let v) = value { return v }
        return nil
    }

    private static func integral(_ value: ScalarValue) -> Int64? {
        switch value {
        case .long(let v), .datetime(let v), .timespan(let v): v
        case .bool(let v): v ? 1 : 0
        default: nil
        }
    }
}

/// A predicate decided lazily, once per distinct value of a dictionary.
private struct DictionaryCache {
    private let dictionary: StringDictionary
    private let decide: (String) -> Bool

    init(_ dictionary: StringDictionary, _ decide: @escaping (String) -> Bool) {
        self.dictionary = dictionary
        self.decide = decide
    }

    func apply(_ codes: [Int32], into out: inout BoolVector) -> BoolVector {
        // 0 undecided, 1 false, 2 true.
        var decided = [UInt8](repeating: 0, count: dictionary.values.count)
        for row in 0..<codes.count {
            let code = Int(codes[row])
            if decided[code] == 0 { decided[code] = decide(dictionary.values[code]) ? 2 : 1 }
            out.values[row] = decided[code] == 2 ? 1 : 0
        }
        return out
    }
}

extension String {
    /// Lower-cases ASCII letters only, as Kusto's case-insensitive operators do.
    func asciiLowercased() -> String {
        String(decoding: utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
