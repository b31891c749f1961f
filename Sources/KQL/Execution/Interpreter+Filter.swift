/// `where`: conjuncts applied one after another, each narrowing the chunk. Conjuncts on columns still in a segment
/// are decided on the segment: `Timestamp` ranges prune whole segments, text predicates are decided once per
/// distinct value (with the term index for `has`), and rows are tested by their packed codes.
extension Interpreter {
    func filter(_ relation: Relation, by predicate: Expression, in environment: Environment) throws(KQLError) -> Relation {
        let conjuncts = Self.conjuncts(of: predicate)
        let schema = relation.schema
        return Relation(
            schema: schema,
            chunks: try Parallel.map(relation.chunks) { (chunk: Chunk) throws(KQLError) -> Chunk in
                var chunk = chunk
                for conjunct in conjuncts where chunk.count > 0 {
                    try checkBudget(at: conjunct.span)
                    switch try StoredFilter.decide(conjunct, in: chunk, schema: schema, interpreter: self, environment: environment) {
                    case .all?: continue
                    case .none?: chunk.keep([])
                    case .rows(let positions)?: chunk.keep(positions)
                    case nil:
                        let scope = RowScope(schema: schema, chunk: chunk, environment: environment)
                        chunk.keep(Kernels.truePositions(try scalar(conjunct, in: scope)))
                    }
                }
                return chunk
            }
        )
    }

    static func conjuncts(of predicate: Expression) -> [Expression] {
        if case .binary("and", let a, let b) = predicate.kind { return conjuncts(of: a) + conjuncts(of: b) }
        return [predicate]
    }
}

/// Predicates decided on segment columns without reading them into vectors.
enum StoredFilter {
    enum Decision {
        case all
        case none
        case rows([Int32])
    }

    static func decide(
        _ predicate: Expression,
        in chunk: Chunk,
        schema: [ColumnSchema],
        interpreter: Interpreter,
        environment: Environment
    ) throws(KQLError) -> Decision? {
        guard let segment = chunk.segment else { return nil }
        /// The segment column behind a column reference, its number in the segment and its schema.
        func stored(_ expression: Expression) -> (SegmentColumn, Int, ColumnSchema)? {
            guard case .name(let name) = expression.kind, let index = schema.firstIndex(where: { $0.name == name }),
                let column = chunk.storedColumn(index)
            else { return nil }
            return (segment.columns[column], column, schema[index])
        }
        func constant(_ expression: Expression) throws(KQLError) -> ScalarValue? {
            guard Self.isConstant(expression, schema: schema) else { return nil }
            return try interpreter.constant(expression, in: environment)
        }
        switch predicate.kind {
        case .binary(let op, let lhs, let rhs):
            guard let (column, position, info) = stored(lhs), let value = try constant(rhs) else { return nil }
            if let comparison = Comparison(rawValue: op), case .integers(let packed, let nulls) = column, info.type != .bool {
                guard let bound = Conversions.integral(value, to: info.type), value != .null else { return nil }
                let shape: Shape = comparison == .equal ? .convex : (comparison == .notEqual ? .other : .monotone)
                // `null != value` is true; every other comparison with null is not.
                return integers(packed, nulls, chunk, shape, nullsMatch: comparison == .notEqual) {
                    comparison.holds($0 == bound ? 0 : ($0 < bound ? -1 : 1))
                }
            }
            guard case .text(let codes, let dictionary) = column, info.type != .dynamic else { return nil }
            let needle = Conversions.text(value)
            if let comparison = Comparison(rawValue: op) {
                guard comparison == .equal || comparison == .notEqual else { return nil }
                let predicate = TextPredicate(kind: .equals, caseSensitive: true, negated: comparison == .notEqual)
                return text(codes, dictionary, chunk) { TextMatching.matches(predicate, $0, needle) }
            }
            guard let predicate = TextPredicate.named(op) else { return nil }
            if predicate.kind == .has, let candidates = segment.termIndexCodes(column: position, term: needle) {
                return text(codes, dictionary, chunk, candidates: candidates, negated: predicate.negated) {
                    TextMatching.matches(TextPredicate(kind: .has, caseSensitive: predicate.caseSensitive, negated: false), $0, needle)
                }
            }
            return text(codes, dictionary, chunk) { TextMatching.matches(predicate, $0, needle) }
        case .inList(let op, let lhs, let items):
            guard let (column, position, info) = stored(lhs), case .text(let codes, let dictionary) = column, info.type != .dynamic else {
                return nil
            }
            var values: [ScalarValue] = []
            for item in items {
                guard Self.isConstant(item, schema: schema),
                    case .values(let constants) = try interpreter.listItem(item, in: RowScope(environment: environment))
                else { return nil }
                values += constants.flatMap(Interpreter.flattened)
            }
            let list = MembershipList(values, operator: op)
            if list.kind == .hasAny, !list.caseSensitive {
                var candidates: Set<UInt32> = []
                for term in list.terms {
                    guard let codes = segment.termIndexCodes(column: position, term: term) else {
                        return text(codes, dictionary, chunk) { list.contains(.string($0)) != list.negated }
                    }
                    candidates.formUnion(codes)
                }
                return text(codes, dictionary, chunk, candidates: candidates, negated: list.negated) { _ in true }
            }
            return text(codes, dictionary, chunk) { list.contains(.string($0)) != list.negated }
        case .between(let op, let lhs, let low, let high):
            guard let (column, _, info) = stored(lhs), case .integers(let packed, let nulls) = column, let lowValue = try constant(low),
                let highValue = try constant(high), let lower = Conversions.integral(lowValue, to: info.type),
                let upper = Conversions.integral(highValue, to: info.type)
            else { return nil }
            let negated = op.hasPrefix("!")
            return integers(packed, nulls, chunk, negated ? .other : .convex) { ($0 >= lower && $0 <= upper) != negated }
        default:
            return nil
        }
    }

    /// True when an expression has no column references (it is the same on every row).
    static func isConstant(_ expression: Expression, schema: [ColumnSchema]) -> Bool {
        switch expression.kind {
        case .literal, .typedLiteral, .dynamic: return true
        case .name(let name): return !schema.contains { $0.name == name } && name != "$left" && name != "$right"
        case .call(let function, let arguments):
            let volatile: Set<String> = ["rand", "new_guid", "row_number", "prev", "next", "row_cumsum", "toscalar", "materialize", "pack_all"]
            return !volatile.contains(function.name) && FunctionCatalog.aggregate(function.name) == nil
                && arguments.allSatisfy { isConstant($0, schema: schema) }
        case .binary(_, let a, let b): return isConstant(a, schema: schema) && isConstant(b, schema: schema)
        case .negate(let a): return isConstant(a, schema: schema)
        case .member(let a, _): return isConstant(a, schema: schema)
        case .index(let a, let b): return isConstant(a, schema: schema) && isConstant(b, schema: schema)
        case .namedArgument(_, let a): return isConstant(a, schema: schema)
        default: return false
        }
    }

    /// How much a predicate's truth at a column's minimum and maximum says about the values between.
    enum Shape {
        /// `<`, `<=`, `>`, `>=`: true at both ends means true throughout; false at both, false throughout.
        case monotone
        /// `==`, `between`: true at both ends means true throughout.
        case convex
        /// `!=`, `!between`: nothing.
        case other
    }

    /// Rows of an integral column where `holds` (null rows only with `nullsMatch`). A segment is decided whole from the
    /// column's minimum and maximum when the predicate's shape allows (how `Timestamp` windows prune segments).
    private static func integers(
        _ packed: PackedIntegers,
        _ nulls: NullBitmap,
        _ chunk: Chunk,
        _ shape: Shape,
        nullsMatch: Bool = false,
        _ holds: (Int64) -> Bool
    ) -> Decision {
        if nulls == .all { return nullsMatch ? .all : Decision.none }
        let low = holds(packed.minimum)
        let high = holds(packed.maximum)
        if low && high && nulls == .none && shape != .other { return .all }
        if !low && !high && shape == .monotone { return Decision.none }
        var positions: [Int32] = []
        chunk.forEachRow { index, row in
            if nulls.isNull(row) ? nullsMatch : holds(packed[row]) { positions.append(Int32(index)) }
        }
        return .rows(positions)
    }

    /// Rows of a text column whose value satisfies `decide`, evaluated once per distinct value. With `candidates`
    /// (from the term index) only those values can match; `negated` flips the outcome.
    private static func text(
        _ codes: PackedIntegers,
        _ dictionary: TextDictionary,
        _ chunk: Chunk,
        candidates: Set<UInt32>? = nil,
        negated: Bool = false,
        _ decide: (String) -> Bool
    ) -> Decision {
        // 0 undecided, 1 false, 2 true.
        var decided = [UInt8](repeating: candidates == nil ? 0 : (negated ? 2 : 1), count: dictionary.count)
        if let candidates {
            for code in candidates { decided[Int(code)] = 0 }
        }
        var positions: [Int32] = []
        chunk.forEachRow { index, row in
            let code = Int(codes[row])
            if decided[code] == 0 {
                let matched = decide(dictionary[code])
                decided[code] = (candidates != nil ? (matched != negated) : matched) ? 2 : 1
            }
            if decided[code] == 2 { positions.append(Int32(index)) }
        }
        return positions.count == chunk.count ? .all : (positions.isEmpty ? .none : .rows(positions))
    }
}

extension Segment {
    /// Codes of the values of text column `column` that hold `term`, from the term index; nil when the term cannot
    /// be looked up there (short, or several terms).
    func termIndexCodes(column: Int, term: String) -> Set<UInt32>? {
        termIndex(column: column)?.codes(having: term).map(Set.init)
    }
}
