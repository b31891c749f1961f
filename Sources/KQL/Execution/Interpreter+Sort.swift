/// `sort`, `order` and `top`: descending by default, nulls last when descending and first when ascending.
extension Interpreter {
    func sort(_ rows: Relation, by keys: [SortKey], limit: Int?, in environment: Environment) throws(KQLError) -> Relation {
        let merged = try merge(rows, at: keys.first?.expression.span ?? SourceSpan(start: 0, end: 0))
        guard let chunk = merged.chunks.first else { return merged }
        let scope = RowScope(schema: merged.schema, chunk: chunk, environment: environment)
        var orderings: [SortOrdering] = []
        for key in keys {
            let ascending = key.ascending ?? false
            orderings.append(
                SortOrdering(values: try scalar(key.expression, in: scope), ascending: ascending, nullsFirst: key.nullsFirst ?? ascending)
            )
        }
        var positions = Array(0..<Int32(chunk.count))
        let precedes: (Int32, Int32) -> Bool = { a, b in
            for ordering in orderings {
                let order = ordering.compare(Int(a), Int(b))
                if order != 0 { return order < 0 }
            }
            return a < b
        }
        if let limit, limit < positions.count {
            positions = Self.smallest(limit, of: positions, by: precedes)
        } else {
            positions.sort(by: precedes)
        }
        var output = merged
        output.chunks[0].keep(positions)
        return output
    }

    /// The `k` first positions in order, by a bounded max-heap: O(n log k).
    private static func smallest(_ k: Int, of positions: [Int32], by precedes: (Int32, Int32) -> Bool) -> [Int32] {
        guard k > 0 else { return [] }
        var heap: [Int32] = []
        heap.reserveCapacity(k)
        func siftUp(_ index: Int) {
            var child = index
            while child > 0 {
                let parent = (child - 1) / 2
                guard precedes(heap[parent], heap[child]) else { return }
                heap.swapAt(parent, child)
                child = parent
            }
        }
        func siftDown() {
            var parent = 0
            while true {
                let left = parent * 2 + 1
                let right = left + 1
                var largest = parent
                if left < heap.count, precedes(heap[largest], heap[left]) { largest = left }
                if right < heap.count, precedes(heap[largest], heap[right]) { largest = right }
                if largest == parent { return }
                heap.swapAt(parent, largest)
                parent = largest
            }
        }
        for position in positions {
            if heap.count < k {
                heap.append(position)
                siftUp(heap.count - 1)
            } else if precedes(position, heap[0]) {
                heap[0] = position
                siftDown()
            }
        }
        return heap.sorted(by: precedes)
    }
}

/// One sort key's values and direction.
struct SortOrdering {
    let values: Vector
    let ascending: Bool
    let nullsFirst: Bool

    /// Negative when row `a` sorts before row `b`.
    func compare(_ a: Int, _ b: Int) -> Int {
        switch values.storage {
        case .integers(let integers, let nulls):
            let aNull = nulls?[a] ?? false
            let bNull = nulls?[b] ?? false
            if aNull || bNull { return nullOrder(aNull, bNull) }
            let order = integers[a] == integers[b] ? 0 : (integers[a] < integers[b] ? -1 : 1)
            return ascending ? order : -order
        case .reals(let reals, let nulls):
            let aNull = (nulls?[a] ?? false) || reals[a].isNaN
            let bNull = (nulls?[b] ?? false) || reals[b].isNaN
            if aNull || bNull { return nullOrder(aNull, bNull) }
            let order = reals[a] == reals[b] ? 0 : (reals[a] < reals[b] ? -1 : 1)
            return ascending ? order : -order
        case .text(let codes, let strings):
            if codes[a] == codes[b] { return 0 }
            let order = ScalarOps.ordinal(strings[Int(codes[a])], strings[Int(codes[b])])
            return ascending ? order : -order
        default:
            let x = values.value(at: a)
            let y = values.value(at: b)
            let aNull = x.unwrapped == .null
            let bNull = y.unwrapped == .null
            if aNull || bNull { return nullOrder(aNull, bNull) }
            let order = ScalarOps.order(x, y) ?? 0
            return ascending ? order : -order
        }
    }

    private func nullOrder(_ aNull: Bool, _ bNull: Bool) -> Int {
        if aNull && bNull { return 0 }
        return aNull == nullsFirst ? -1 : 1
    }
}
