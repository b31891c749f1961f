/// An aggregation's state for every group, updated a chunk at a time.
protocol Aggregator: AnyObject {
    /// Adds the rows of a chunk: `groups[row]` is the row's group; `arguments` are the call's argument vectors.
    func add(groups: [Int32], groupCount: Int, arguments: [Vector])
    /// Folds in `other`, built over rows that follow this one's: its group `g` is this one's group `groups[g]`, of
    /// `groupCount` in all now. False when `other` is of another kind or type and cannot be merged.
    func merge(_ other: any Aggregator, groups: [Int32], groupCount: Int) -> Bool
    /// One vector per output column, one value per group.
    func finish(groupCount: Int) -> [Vector]
}

/// The aggregation functions this engine runs.
enum Aggregates {
    /// The aggregator for `name` whose (non-`*`) arguments have `types`; `outputs` is how many columns it yields.
    static func make(_ name: String, types: [ScalarType], constants: [ScalarValue?]) -> (any Aggregator)? {
        let first = types.first ?? .long
        /// The sketch precision for the accuracy level at argument `index`.
        func precision(_ index: Int) -> Int {
            DistinctSketch.precision(accuracy: index < constants.count ? constants[index].flatMap(Conversions.long) : nil)
        }
        func limit(_ index: Int) -> Int {
            index < constants.count ? Int(constants[index].flatMap(Conversions.long) ?? 1_048_576) : 1_048_576
        }
        switch name {
        case "count": return CountAggregator(conditional: false)
        case "countif": return CountAggregator(conditional: true)
        case "sum": return SumAggregator(type: sumType(first), conditional: false)
        case "sumif": return SumAggregator(type: sumType(first), conditional: true)
        case "avg": return MomentsAggregator(result: .mean, conditional: false)
        case "avgif": return MomentsAggregator(result: .mean, conditional: true)
        case "stdev": return MomentsAggregator(result: .stdev(sample: true), conditional: false)
        case "stdevif": return MomentsAggregator(result: .stdev(sample: true), conditional: true)
        case "stdevp": return MomentsAggregator(result: .stdev(sample: false), conditional: false)
        case "variance": return MomentsAggregator(result: .variance(sample: true), conditional: false)
        case "varianceif": return MomentsAggregator(result: .variance(sample: true), conditional: true)
        case "variancep": return MomentsAggregator(result: .variance(sample: false), conditional: false)
        case "min": return ExtremeAggregator(type: first, maximum: false, conditional: false)
        case "max": return ExtremeAggregator(type: first, maximum: true, conditional: false)
        case "minif": return ExtremeAggregator(type: first, maximum: false, conditional: true)
        case "maxif": return ExtremeAggregator(type: first, maximum: true, conditional: true)
        case "dcount", "count_distinct": return SketchAggregator(input: .values, output: .estimate, precision: precision(1), conditional: false)
        case "dcountif", "count_distinctif":
            return SketchAggregator(input: .values, output: .estimate, precision: precision(2), conditional: true)
        case "hll": return SketchAggregator(input: .values, output: .sketch, precision: precision(1), conditional: false)
        case "hll_if": return SketchAggregator(input: .values, output: .sketch, precision: precision(2), conditional: true)
        case "hll_merge": return SketchAggregator(input: .sketches, output: .sketch, precision: precision(1), conditional: false)
        case "tdigest": return DigestAggregator(type: first, merging: false)
        case "tdigest_merge", "merge_tdigest": return DigestAggregator(type: first, merging: true)
        case "make_set", "makeset": return CollectAggregator(kind: .set, limit: limit(1), conditional: false)
        case "make_set_if": return CollectAggregator(kind: .set, limit: limit(2), conditional: true)
        case "make_list", "makelist": return CollectAggregator(kind: .list, limit: limit(1), conditional: false)
        case "make_list_if": return CollectAggregator(kind: .list, limit: limit(2), conditional: true)
        case "make_list_with_nulls": return CollectAggregator(kind: .listWithNulls, limit: limit(1), conditional: false)
        case "make_bag": return CollectAggregator(kind: .bag, limit: limit(1), conditional: false)
        case "make_bag_if": return CollectAggregator(kind: .bag, limit: limit(2), conditional: true)
        case "arg_max", "argmax": return ArgExtremeAggregator(types: types, maximum: true)
        case "arg_min", "argmin": return ArgExtremeAggregator(types: types, maximum: false)
        case "take_any", "any": return AnyAggregator(types: types, conditional: false)
        case "take_anyif", "anyif": return AnyAggregator(types: Array(types.prefix(1)), conditional: true)
        case "percentile":
            return PercentileAggregator(type: first, percentiles: [constants.count > 1 ? constants[1].flatMap(Conversions.real) ?? 50 : 50])
        case "percentiles":
            return PercentileAggregator(type: first, percentiles: constants.dropFirst().map { $0.flatMap(Conversions.real) ?? 50 })
        case "percentiles_array":
            return PercentileAggregator(type: first, percentiles: constants.dropFirst().map { $0.flatMap(Conversions.real) ?? 50 }, asArray: true)
        case "percentilesw":
            return PercentileAggregator(type: first, percentiles: constants.dropFirst(2).map { $0.flatMap(Conversions.real) ?? 50 }, weighted: true)
        case "percentilesw_array":
            return PercentileAggregator(
                type: first,
                percentiles: constants.dropFirst(2).map { $0.flatMap(Conversions.real) ?? 50 },
                asArray: true,
                weighted: true
            )
        case "buildschema": return SchemaAggregator()
        case "binary_all_or": return BitwiseAggregator(operation: .or)
        case "binary_all_and": return BitwiseAggregator(operation: .and)
        case "binary_all_xor": return BitwiseAggregator(operation: .xor)
        default: return nil
        }
    }

    /// `sum` of ints and longs is a long; of anything else a real.
    static func sumType(_ type: ScalarType) -> ScalarType {
        type == .int || type == .long || type == .bool ? .long : (type == .timespan ? .timespan : .real)
    }

    /// Whether the row passes the condition of an `…if` aggregate (its last argument).
    static func passes(_ arguments: [Vector], _ row: Int) -> Bool {
        guard let condition = arguments.last else { return true }
        return Kernels.truth(condition, at: row) == true
    }
}

final class CountAggregator: Aggregator {
    private let conditional: Bool
    private var counts: [Int64] = []

    init(conditional: Bool) {
        self.conditional = conditional
    }

    func add(groups: [Int32], groupCount: Int, arguments: [Vector]) {
        grow(to: groupCount)
        if conditional {
            for (row, group) in groups.enumerated() where Aggregates.passes(arguments, row) { counts[Int(group)] += 1 }
        } else {
            for group in groups { counts[Int(group)] += 1 }
        }
    }

    func merge(_ other: any Aggregator, groups: [Int32], groupCount: Int) -> Bool {
        guard let other = other as? CountAggregator else { return false }
        grow(to: groupCount)
        for (group, count) in other.counts.enumerated() { counts[Int(groups[group])] += count }
        return true
    }

    private func grow(to groupCount: Int) {
        if counts.count < groupCount { counts += Array(repeating: 0, count: groupCount - counts.count) }
    }

    func finish(groupCount: Int) -> [Vector] {
        [Vector(.long, .integers(counts + Array(repeating: 0, count: max(0, groupCount - counts.count)), nulls: nil))]
    }
}

final class SumAggregator: Aggregator {
    private let type: ScalarType
    private let conditional: Bool
    private var integers: [Int64] = []
    private var reals: [Double] = []

    init(type: ScalarType, conditional: Bool) {
        self.type = type
        self.conditional = conditional
    }

    func add(groups: [Int32], groupCount: Int, arguments: [Vector]) {
        grow(to: groupCount)
        let values = arguments[0]
        if case .integers(let longs, let nulls) = values.storage, type != .real, !conditional {
            for (row, group) in groups.enumerated() where nulls?[row] != true { integers[Int(group)] &+= longs[row] }
            return
        }
        for (row, group) in groups.enumerated() where !conditional || Aggregates.passes(arguments, row) {
            let value = values.value(at: row)
            if type == .real {
                if let real = Conversions.real(value) { reals[Int(group)] += real }
            } else if let integral = Conversions.long(value) {
                integers[Int(group)] &+= integral
            }
        }
    }

    func merge(_ other: any Aggregator, groups: [Int32], groupCount: Int) -> Bool {
        guard let other = other as? SumAggregator, other.type == type else { return false }
        grow(to: groupCount)
        for (group, target) in groups.enumerated() where group < other.integers.count {
            integers[Int(target)] &+= other.integers[group]
            reals[Int(target)] += other.reals[group]
        }
        return true
    }

    private func grow(to groupCount: Int) {
        if integers.count < groupCount {
            integers += Array(repeating: 0, count: groupCount - integers.count)
            reals += Array(repeating: 0, count: groupCount - reals.count)
        }
    }

    func finish(groupCount: Int) -> [Vector] {
        let pad = max(0, groupCount - integers.count)
        if type == .real { return [Vector(.real, .reals(reals + Array(repeating: 0, count: pad), nulls: nil))] }
        return [Vector(type, .integers(integers + Array(repeating: 0, count: pad), nulls: nil))]
    }
}

/// `avg`, `stdev`, `variance` from running count, mean and squared deviations (Welford).
final class MomentsAggregator: Aggregator {
    enum Result {
        case mean
        case stdev(sample: Bool)
        case variance(sample: Bool)
    }

    private let result: Result
    private let conditional: Bool
    private var counts: [Double] = []
    private var means: [Double] = []
    private var squares: [Double] = []

    init(result: Result, conditional: Bool) {
        self.result = result
        self.conditional = conditional
    }

    func add(groups: [Int32], groupCount: Int, arguments: [Vector]) {
        grow(to: groupCount)
        for (row, group) in groups.enumerated() where !conditional || Aggregates.passes(arguments, row) {
            guard let value = Conversions.real(arguments[0].value(at: row)) else { continue }
            let g = Int(group)
            counts[g] += 1
            let delta = value - means[g]
            means[g] += delta / counts[g]
            squares[g] += delta * (value - means[g])
        }
    }

    /// Two runs' moments combine by Chan's formula for the pooled mean and squared deviations.
    func merge(_ other: any Aggregator, groups: [Int32], groupCount: Int) -> Bool {
        guard let other = other as? MomentsAggregator else { return false }
        grow(to: groupCount)
        for (group, target) in groups.enumerated() where group < other.counts.count && other.counts[group] > 0 {
            let g = Int(target)
            let (n, m) = (counts[g], other.counts[group])
            let delta = other.means[group] - means[g]
            counts[g] = n + m
            means[g] += delta * m / (n + m)
            squares[g] += other.squares[group] + delta * delta * n * m / (n + m)
        }
        return true
    }

    private func grow(to groupCount: Int) {
        if counts.count < groupCount {
            let extra = groupCount - counts.count
            counts += Array(repeating: 0, count: extra)
            means += Array(repeating: 0, count: extra)
            squares += Array(repeating: 0, count: extra)
        }
    }

    func finish(groupCount: Int) -> [Vector] {
        var builder = VectorBuilder(type: .real, capacity: groupCount)
        for group in 0..<groupCount {
            let n = group < counts.count ? counts[group] : 0
            switch result {
            case .mean: builder.append(n > 0 ? .real(means[group]) : .null)
            case .variance(let sample), .stdev(let sample):
                let divisor = sample ? n - 1 : n
                var variance = divisor > 0 ? squares[group] / divisor : 0
                if case .stdev = result { variance = variance.squareRoot() }
                builder.append(.real(variance))
            }
        }
        return [builder.build()]
    }
}

final class ExtremeAggregator: Aggregator {
    private let type: ScalarType
    private let maximum: Bool
    private let conditional: Bool
    private var best: [ScalarValue] = []

    init(type: ScalarType, maximum: Bool, conditional: Bool) {
        self.type = type
        self.maximum = maximum
        self.conditional = conditional
    }

    func add(groups: [Int32], groupCount: Int, arguments: [Vector]) {
        grow(to: groupCount)
        for (row, group) in groups.enumerated() where !conditional || Aggregates.passes(arguments, row) {
            offer(arguments[0].value(at: row), to: Int(group))
        }
    }

    func merge(_ other: any Aggregator, groups: [Int32], groupCount: Int) -> Bool {
        guard let other = other as? ExtremeAggregator, other.type == type else { return false }
        grow(to: groupCount)
        for (group, value) in other.best.enumerated() { offer(value, to: Int(groups[group])) }
        return true
    }

    private func offer(_ value: ScalarValue, to group: Int) {
        if value == .null { return }
        let current = best[group]
        if current == .null {
            best[group] = value
        } else if let order = ScalarOps.order(value, current), maximum ? order > 0 : order < 0 {
            best[group] = value
        }
    }

    private func grow(to groupCount: Int) {
        if best.count < groupCount { best += Array(repeating: .null, count: groupCount - best.count) }
    }

    func finish(groupCount: Int) -> [Vector] {
        var builder = VectorBuilder(type: type, capacity: groupCount)
        for group in 0..<groupCount { builder.append(group < best.count ? best[group] : .null) }
        return [builder.build()]
    }
}

/// `make_set`, `make_list`, `make_list_with_nulls`, `make_bag` (and `_if` forms), each bounded by its size limit.
final class CollectAggregator: Aggregator {
    enum Kind { case set, list, listWithNulls, bag }

    private let kind: Kind
    private let limit: Int
    private let conditional: Bool
    private var items: [[DynamicValue]] = []
    private var seen: [Set<DynamicValue>] = []
    private var bags: [PropertyBag] = []

    init(kind: Kind, limit: Int, conditional: Bool) {
        self.kind = kind
        self.limit = max(0, limit)
        self.conditional = conditional
    }

    func add(groups: [Int32], groupCount: Int, arguments: [Vector]) {
        grow(to: groupCount)
        for (row, group) in groups.enumerated() where !conditional || Aggregates.passes(arguments, row) {
            let g = Int(group)
            let value = arguments[0].value(at: row)
            switch kind {
            case .bag:
                guard case .dynamic(.bag(let bag)) = Conversions.parseJSON(value) else { continue }
                include(bag, in: g)
            case .listWithNulls:
                if items[g].count < limit { items[g].append(value.asDynamic) }
            case .list, .set:
                if value.unwrapped != .null { include(value.asDynamic, in: g) }
            }
        }
    }

    func merge(_ other: any Aggregator, groups: [Int32], groupCount: Int) -> Bool {
        guard let other = other as? CollectAggregator, other.kind == kind else { return false }
        grow(to: groupCount)
        for (group, target) in groups.enumerated() where group < other.items.count {
            let g = Int(target)
            switch kind {
            case .bag: include(other.bags[group], in: g)
            case .listWithNulls: items[g] += other.items[group].prefix(max(0, limit - items[g].count))
            case .list, .set: for element in other.items[group] { include(element, in: g) }
            }
        }
        return true
    }

    /// A bag's keys not yet in the group's bag, while it has room.
    private func include(_ bag: PropertyBag, in group: Int) {
        for (key, member) in bag.members where bags[group][key] == nil && bags[group].count < limit { bags[group][key] = member }
    }

    /// A non-null element, while the group has room (and, for a set, when it is new).
    private func include(_ element: DynamicValue, in group: Int) {
        if items[group].count >= limit { return }
        if kind == .set {
            guard seen[group].insert(element).inserted else { return }
        }
        items[group].append(element)
    }

    private func grow(to groupCount: Int) {
        if items.count < groupCount {
            let extra = groupCount - items.count
            items += Array(repeating: [], count: extra)
            seen += Array(repeating: [], count: extra)
            bags += Array(repeating: PropertyBag(), count: extra)
        }
    }

    func finish(groupCount: Int) -> [Vector] {
        let values = (0..<groupCount).map { group -> ScalarValue in
            if kind == .bag { return .dynamic(.bag(group < bags.count ? bags[group] : PropertyBag())) }
            return .dynamic(.array(group < items.count ? items[group] : []))
        }
        return [Vector(.dynamic, .values(values))]
    }
}

/// `arg_max(By, Col…)` / `arg_min`: the columns of the row with the largest (smallest) `By`; `*` has been expanded
/// into the argument list by the caller.
final class ArgExtremeAggregator: Aggregator {
    private let types: [ScalarType]
    private let maximum: Bool
    private var best: [ScalarValue] = []
    private var rows: [[ScalarValue]] = []

    init(types: [ScalarType], maximum: Bool) {
        self.types = types
        self.maximum = maximum
    }

    func add(groups: [Int32], groupCount: Int, arguments: [Vector]) {
        grow(to: groupCount)
        for (row, group) in groups.enumerated() {
            let g = Int(group)
            let value = arguments[0].value(at: row)
            if beats(value, g) {
                best[g] = value
                rows[g] = arguments.map { $0.value(at: row) }
            }
        }
    }

    func merge(_ other: any Aggregator, groups: [Int32], groupCount: Int) -> Bool {
        guard let other = other as? ArgExtremeAggregator, other.maximum == maximum, other.types == types else { return false }
        grow(to: groupCount)
        for (group, target) in groups.enumerated() where group < other.rows.count && !other.rows[group].isEmpty {
            let g = Int(target)
            if beats(other.best[group], g) {
                best[g] = other.best[group]
                rows[g] = other.rows[group]
            }
        }
        return true
    }

    /// Whether a later row with `value` replaces the group's row: a null only fills an empty group, a value beats a
    /// null, ties keep the earlier row.
    private func beats(_ value: ScalarValue, _ group: Int) -> Bool {
        if value.unwrapped == .null { return rows[group].isEmpty }
        if best[group].unwrapped == .null { return true }
        return ScalarOps.order(value, best[group]).map { maximum ? $0 > 0 : $0 < 0 } ?? false
    }

    private func grow(to groupCount: Int) {
        if best.count < groupCount {
            best += Array(repeating: .null, count: groupCount - best.count)
            rows += Array(repeating: [], count: groupCount - rows.count)
        }
    }

    func finish(groupCount: Int) -> [Vector] {
        types.indices.map { column in
            var builder = VectorBuilder(type: types[column], capacity: groupCount)
            for group in 0..<groupCount { builder.append(group < rows.count && !rows[group].isEmpty ? rows[group][column] : .null) }
            return builder.build()
        }
    }

    /// The rows of a chunk that can win: each group's first row with the largest (smallest) value, or its first row
    /// when all its values are null. Groups are numbered densely below `groupCount`, so the best rows are an array.
    static func candidates(groups: [Int32], groupCount: Int, by values: Vector, maximum: Bool) -> [Int32] {
        var best = [Int32](repeating: -1, count: groupCount)
        if case .integers(let integers, nil) = values.storage {
            for (row, group) in groups.enumerated() {
                let current = best[Int(group)]
                if current < 0 || (maximum ? integers[row] > integers[Int(current)] : integers[row] < integers[Int(current)]) {
                    best[Int(group)] = Int32(row)
                }
            }
        } else {
            for (row, group) in groups.enumerated() {
                let current = best[Int(group)]
                if current < 0 {
                    best[Int(group)] = Int32(row)
                    continue
                }
                let x = values.value(at: row)
                if x.unwrapped == .null { continue }
                let y = values.value(at: Int(current))
                if y.unwrapped == .null || ScalarOps.order(x, y).map({ maximum ? $0 > 0 : $0 < 0 }) ?? false { best[Int(group)] = Int32(row) }
            }
        }
        return best.filter { $0 >= 0 }.sorted()
    }
}

/// `take_any(Col…)`: the values of some row of the group (here the first seen with a non-null first value).
final class AnyAggregator: Aggregator {
    private let types: [ScalarType]
    private let conditional: Bool
    private var rows: [[ScalarValue]] = []

    init(types: [ScalarType], conditional: Bool) {
        self.types = types
        self.conditional = conditional
    }

    func add(groups: [Int32], groupCount: Int, arguments: [Vector]) {
        grow(to: groupCount)
        let values = conditional ? Array(arguments.prefix(1)) : arguments
        for (row, group) in groups.enumerated() where rows[Int(group)].isEmpty {
            if conditional, !Aggregates.passes(arguments, row) { continue }
            rows[Int(group)] = values.map { $0.value(at: row) }
        }
    }

    func merge(_ other: any Aggregator, groups: [Int32], groupCount: Int) -> Bool {
        guard let other = other as? AnyAggregator, other.types == types else { return false }
        grow(to: groupCount)
        for (group, target) in groups.enumerated() where group < other.rows.count && rows[Int(target)].isEmpty {
            rows[Int(target)] = other.rows[group]
        }
        return true
    }

    private func grow(to groupCount: Int) {
        if rows.count < groupCount { rows += Array(repeating: [], count: groupCount - rows.count) }
    }

    func finish(groupCount: Int) -> [Vector] {
        types.indices.map { column in
            var builder = VectorBuilder(type: types[column], capacity: groupCount)
            for group in 0..<groupCount { builder.append(group < rows.count && !rows[group].isEmpty ? rows[group][column] : .null) }
            return builder.build()
        }
    }
}

/// `percentile(s)` and `percentilesw` (weighted), nearest rank: the smallest value whose cumulative weight reaches
/// the percentile of the total (Kusto estimates them; exact values lie within its error).
final class PercentileAggregator: Aggregator {
    private let type: ScalarType
    private let percentiles: [Double]
    private let asArray: Bool
    private let weighted: Bool
    private var values: [[(value: Double, weight: Int64)]] = []

    init(type: ScalarType, percentiles: [Double], asArray: Bool = false, weighted: Bool = false) {
        self.type = type
        self.percentiles = percentiles
        self.asArray = asArray
        self.weighted = weighted
    }

    func add(groups: [Int32], groupCount: Int, arguments: [Vector]) {
        grow(to: groupCount)
        for (row, group) in groups.enumerated() {
            guard let value = Conversions.real(arguments[0].value(at: row)) else { continue }
            let weight = weighted ? Conversions.long(arguments[1].value(at: row)) ?? 0 : 1
            if weight > 0 { values[Int(group)].append((value, weight)) }
        }
    }

    func merge(_ other: any Aggregator, groups: [Int32], groupCount: Int) -> Bool {
        guard let other = other as? PercentileAggregator, other.type == type else { return false }
        grow(to: groupCount)
        for (group, target) in groups.enumerated() where group < other.values.count { values[Int(target)] += other.values[group] }
        return true
    }

    private func grow(to groupCount: Int) {
        if values.count < groupCount { values += Array(repeating: [], count: groupCount - values.count) }
    }

    func finish(groupCount: Int) -> [Vector] {
        let sorted = (0..<groupCount).map { group in group < values.count ? values[group].sorted { $0.value < $1.value } : [] }
        func pick(_ group: [(value: Double, weight: Int64)], _ percentile: Double) -> ScalarValue {
            guard !group.isEmpty else { return .null }
            let total = group.reduce(Int64(0)) { $0 + $1.weight }
            let rank = max(1, Int64((percentile / 100 * Double(total)).rounded(.up)))
            var cumulative: Int64 = 0
            var value = group[group.count - 1].value
            for entry in group {
                cumulative += entry.weight
                if cumulative >= rank {
                    value = entry.value
                    break
                }
            }
            return type == .real || type == .decimal ? .real(value) : Vector.integral(Int64(value), type)
        }
        if asArray {
            return [Vector(.dynamic, .values(sorted.map { group in .dynamic(.array(percentiles.map { pick(group, $0).asDynamic })) }))]
        }
        return percentiles.map { percentile in
            var builder = VectorBuilder(type: type, capacity: groupCount)
            for group in sorted { builder.append(pick(group, percentile)) }
            return builder.build()
        }
    }
}

/// `buildschema(Dynamic)`: the union of the values' shapes — a bag's keys with the schema of their values, an
/// array as `{"indexer": schema}`, a scalar as its type name, several shapes at one place as an array of them.
final class SchemaAggregator: Aggregator {
    private var schemas: [DynamicValue?] = []

    func add(groups: [Int32], groupCount: Int, arguments: [Vector]) {
        grow(to: groupCount)
        for (row, group) in groups.enumerated() {
            guard case .dynamic(let value) = Conversions.dynamic(arguments[0].value(at: row)), value != .null else { continue }
            schemas[Int(group)] = Self.union(schemas[Int(group)], Self.schema(of: value))
        }
    }

    func merge(_ other: any Aggregator, groups: [Int32], groupCount: Int) -> Bool {
        guard let other = other as? SchemaAggregator else { return false }
        grow(to: groupCount)
        for (group, schema) in other.schemas.enumerated() { schemas[Int(groups[group])] = Self.union(schemas[Int(groups[group])], schema) }
        return true
    }

    private func grow(to groupCount: Int) {
        if schemas.count < groupCount { schemas += Array(repeating: nil, count: groupCount - schemas.count) }
    }

    func finish(groupCount: Int) -> [Vector] {
        [Vector(.dynamic, .values((0..<groupCount).map { $0 < schemas.count ? schemas[$0].map(ScalarValue.dynamic) ?? .null : .null }))]
    }

    private static func schema(of value: DynamicValue) -> DynamicValue? {
        switch value {
        case .null: return nil
        case .bool: return .string("bool")
        case .long: return .string("long")
        case .real: return .string("double")
        case .string: return .string("string")
        case .array(let items):
            let element = items.reduce(DynamicValue?.none) { union($0, schema(of: $1)) }
            return .bag(PropertyBag([("indexer", element ?? .null)]))
        case .bag(let bag):
            var result = PropertyBag()
            for (key, member) in bag.members {
                if let shape = schema(of: member) { result[key] = shape }
            }
            return .bag(result)
        }
    }

    private static func union(_ a: DynamicValue?, _ b: DynamicValue?) -> DynamicValue? {
        guard let a else { return b }
        guard let b, a != b else { return a }
        func alternatives(_ schema: DynamicValue) -> [DynamicValue] {
            if case .array(let items) = schema { return items }
            return [schema]
        }
        var options = alternatives(a)
        for option in alternatives(b) {
            if case .bag(let incoming) = option, let index = options.firstIndex(where: { if case .bag = $0 { true } else { false } }),
                case .bag(var existing) = options[index]
            {
                for (key, member) in incoming.members { existing[key] = union(existing[key], member) }
                options[index] = .bag(existing)
            } else if !options.contains(option) {
                options.append(option)
            }
        }
        return options.count == 1 ? options[0] : .array(options)
    }
}

/// `binary_all_or`, `binary_all_and`, `binary_all_xor`.
final class BitwiseAggregator: Aggregator {
    enum Operation { case or, and, xor }

    private let operation: Operation
    private var values: [Int64?] = []

    init(operation: Operation) {
        self.operation = operation
    }

    func add(groups: [Int32], groupCount: Int, arguments: [Vector]) {
        grow(to: groupCount)
        for (row, group) in groups.enumerated() {
            guard let value = Conversions.long(arguments[0].value(at: row)) else { continue }
            combine(value, into: Int(group))
        }
    }

    func merge(_ other: any Aggregator, groups: [Int32], groupCount: Int) -> Bool {
        guard let other = other as? BitwiseAggregator, other.operation == operation else { return false }
        grow(to: groupCount)
        for (group, value) in other.values.enumerated() {
            if let value { combine(value, into: Int(groups[group])) }
        }
        return true
    }

    private func combine(_ value: Int64, into group: Int) {
        guard let current = values[group] else {
            values[group] = value
            return
        }
        switch operation {
        case .or: values[group] = current | value
        case .and: values[group] = current & value
        case .xor: values[group] = current ^ value
        }
    }

    private func grow(to groupCount: Int) {
        if values.count < groupCount { values += Array(repeating: nil, count: groupCount - values.count) }
    }

    func finish(groupCount: Int) -> [Vector] {
        var builder = VectorBuilder(type: .long, capacity: groupCount)
        for group in 0..<groupCount { builder.append((group < values.count ? values[group] : nil).map(ScalarValue.long) ?? .null) }
        return [builder.build()]
    }
}
