/// `join` of every kind and `lookup`: a hash table on the right side's keys, probed with the left rows.
extension Interpreter {
    func join(
        _ left: Relation,
        _ right: Relation,
        kind: String,
        on conditions: [Expression],
        lookup: Bool,
        at span: SourceSpan
    )
        throws(KQLError) -> Relation
    {
        let pairs = try Self.keyPairs(conditions, left: left.schema, right: right.schema)
        let leftRows = try merge(left, at: span)
        let rightRows = try merge(right, at: span)
        let leftKeys = pairs.map { leftRows.column($0.left) }
        let rightKeys = pairs.map { rightRows.column($0.right) }
        let leftCount = leftRows.rowCount
        let rightCount = rightRows.rowCount

        // Both sides' keys are numbered by one table, so equal keys get equal numbers: the smaller side's keys first,
        // then the other side's looked up (-1 where the key is not on the smaller side). Null keys match nothing.
        let keys = GroupTable(hasKeys: true, keyCount: pairs.count)
        let leftFirst = leftCount <= rightCount
        var leftIds: [Int32] = []
        if leftFirst { leftIds = keys.assign(leftKeys.map(Self.joinable), count: leftCount) }
        let rightIds = keys.assign(rightKeys.map(Self.joinable), count: rightCount, insert: !leftFirst)
        if !leftFirst { leftIds = keys.assign(leftKeys.map(Self.joinable), count: leftCount, insert: false) }
        var buckets = [[Int32]](repeating: [], count: keys.count)
        for (row, id) in rightIds.enumerated() where id >= 0 && !keys.hasNull(id) { buckets[Int(id)].append(Int32(row)) }
        var leftPositions: [Int32?] = []
        var rightPositions: [Int32?] = []
        var rightMatched = [Bool](repeating: false, count: rightCount)
        var seenLeftKeys = [Bool](repeating: false, count: keys.count)
        let normalized = kind.lowercased()
        for (row, id) in leftIds.enumerated() {
            if row & 0xFFFF == 0 { try checkBudget(at: span) }
            let isNull = id < 0 || keys.hasNull(id)
            if normalized == "innerunique", !isNull {
                if seenLeftKeys[Int(id)] { continue }
                seenLeftKeys[Int(id)] = true
            }
            let matches = isNull ? [] : buckets[Int(id)]
            switch normalized {
            case "leftsemi":
                if !matches.isEmpty { leftPositions.append(Int32(row)) }
            case "leftanti", "anti", "leftantisemi":
                if matches.isEmpty { leftPositions.append(Int32(row)) }
            case "rightsemi", "rightanti", "rightantisemi":
                for match in matches { rightMatched[Int(match)] = true }
            default:
                if matches.isEmpty {
                    if normalized == "leftouter" || normalized == "fullouter" {
                        leftPositions.append(Int32(row))
                        rightPositions.append(nil)
                    }
                    continue
                }
                for match in matches {
                    leftPositions.append(Int32(row))
                    rightPositions.append(match)
                    rightMatched[Int(match)] = true
                }
                // Output columns are built only when read: the pairs of row positions are what the join holds.
                try checkSize(rows: leftPositions.count, columns: 2, at: span)
            }
        }
        switch normalized {
        case "leftsemi", "leftanti", "anti", "leftantisemi":
            return leftRows.keepingRows(leftPositions.map { $0! })
        case "rightsemi", "rightanti", "rightantisemi":
            let keep = normalized == "rightsemi"
            let positions = (0..<Int32(rightCount)).filter { rightMatched[Int($0)] == keep }
            return rightRows.keepingRows(positions)
        case "rightouter", "fullouter":
            for row in 0..<rightCount where !rightMatched[row] {
                leftPositions.append(nil)
                rightPositions.append(Int32(row))
            }
        default: break
        }
        let rightKeyNames = Set(pairs.map { right.schema[$0.right].name })
        let rightColumns = rightRows.schema.indices.filter { !lookup || !rightKeyNames.contains(rightRows.schema[$0].name) }
        let renamed = ColumnNaming.joinRenamed(rightColumns.map { rightRows.schema[$0] }, besides: leftRows.schema)
        let picked = [leftPositions, rightPositions]
        let sources = leftRows.schema.indices.map { (leftRows, $0, 0) } + rightColumns.map { (rightRows, $0, 1) }
        let columns = sources.map { relation, index, side in
            Chunk.Column.deferred(DeferredVector { relation.column(index).gather(optional: picked[side]) })
        }
        return Relation(schema: leftRows.schema + renamed, chunks: [Chunk(columns: columns, count: leftPositions.count)])
    }

    /// The equality pairs of an `on` clause: `Col`, `$left.A == $right.B`, joined by commas or `and`.
    private static func keyPairs(
        _ conditions: [Expression],
        left: [ColumnSchema],
        right: [ColumnSchema]
    ) throws(KQLError) -> [(left: Int, right: Int)] {
        var pairs: [(left: Int, right: Int)] = []
        func side(_ expression: Expression) -> (String, String)? {
            guard case .member(let base, let member) = expression.kind, case .name(let name) = base.kind else { return nil }
            return (name, member.name)
        }
        func add(_ condition: Expression) throws(KQLError) {
            switch condition.kind {
            case .name(let name):
                guard let l = left.firstIndex(where: { $0.name == name }), let r = right.firstIndex(where: { $0.name == name }) else {
                    throw KQLError(.unknownName, "The join key '\(name)' must be a column of both sides.", at: condition.span)
                }
                pairs.append((l, r))
            case .binary("and", let a, let b):
                try add(a)
                try add(b)
            case .binary("==", let a, let b):
                guard let first = side(a), let second = side(b) else {
                    throw KQLError(.unsupported, "Join conditions compare $left and $right columns with ==.", at: condition.span)
                }
                let (leftName, rightName) = first.0 == "$left" ? (first.1, second.1) : (second.1, first.1)
                guard let l = left.firstIndex(where: { $0.name == leftName }), let r = right.firstIndex(where: { $0.name == rightName }) else {
                    throw KQLError(.unknownName, "The join key '\(leftName)' or '\(rightName)' is not a column of its side.", at: condition.span)
                }
                pairs.append((l, r))
            default:
                throw KQLError(.unsupported, "Join conditions compare $left and $right columns with ==.", at: condition.span)
            }
        }
        for condition in conditions { try add(condition) }
        return pairs
    }

    /// Key values in the form equal keys share: reals with whole values as longs (`1 == 1.0`), dynamic scalars
    /// unwrapped.
    private static func joinable(_ vector: Vector) -> Vector {
        switch vector.storage {
        case .integers, .text: return vector
        default:
            return Kernels.map(vector, type: .dynamic) { value in
                if case .real(let v) = value.unwrapped, v == v.rounded(), abs(v) < 9e18 { return .long(Int64(v)) }
                return value.unwrapped
            }
        }
    }
}

extension Vector {
    /// The rows at `positions`; nil positions give null.
    func gather(optional positions: [Int32?]) -> Vector {
        if !positions.contains(nil) { return gather(positions.map { $0! }) }
        var builder = VectorBuilder(type: type, capacity: positions.count)
        for position in positions { builder.append(position.map { value(at: Int($0)) } ?? .null) }
        return builder.build()
    }
}
