/// An aggregation's state for every group, updated a chunk at a time.
protocol Aggregator: AnyObject {
    /// Adds the rows of a chunk: `groups[row]` is the row's group; `arguments` are the call's argument vectors.
    func add(groups: [Int32], groupCount: Int, arguments: [Vector])
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
        case "binary_all_or": return BitwiseAggregator(operation: { $0 | $1 })
        case "binary_all_and": return BitwiseAggregator(operation: { $0 & $1 })
        case "binary_all_xor": return BitwiseAggregator(operation: { $0 ^ $1 })
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
        if counts.count < groupCount { counts += Array(repeating: 0, count: groupCount - counts.count) }
        if conditional {
            for (row, group) in groups.enumerated() where Aggregates.passes(arguments, row) { counts[Int(group)] += 1 }
        } else {
            for group in groups { counts[Int(group)] += 1 }
        }
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
        if integers.count < groupCount {
            integers += Array(repeating: 0, count: groupCount - integers.count)
            reals += Array(repeating: 0, count: groupCount - reals.count)
        }
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
        if counts.count < groupCount {
            let extra = groupCount - counts.count
            counts += Array(repeating: 0, count: extra)
            means += Array(repeating: 0, count: extra)
            squares += Array(repeating: 0, count: extra)
        }
        for (row, group) in groups.enumerated() where !conditional || Aggregates.passes(arguments, row) {
            guard let value = Conversions.real(arguments[0].value(at: row)) else { continue }
            let g = Int(group)
            counts[g] += 1
            let delta = value - means[g]
            means[g] += delta / counts[g]
            squares[g] += delta * (value - means[g])
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
        if best.count < groupCount { best += Array(repeating: .null, count: groupCount - best.count) }
        for (row, group) in groups.enumerated() where !conditional || Aggregates.passes(arguments, row) {
            let value = arguments[0].value(at: row)
            if value == .null { continue }
            let current = best[Int(group)]
            if current == .null {
                best[Int(group)] = value
            } else if let order = ScalarOps.order(value, current), maximum ? order > 0 : order < 0 {
                best[Int(group)] = value
            }
        }
    }

    func finish(groupCount: Int) -> [Vector] {
        var builder = VectorBuilder(type: type, capacity: groupCount)
        for group in 0..<groupCount { builder.append(group < best.count ? best[group] : .null) }
        return [builder.build()]
    }
}

/// `dcount`: exact while a group has few values, then a HyperLogLog sketch (2^14 registers, about 0.8% standard
/// error), so memory per group stays bounded as in Kusto.
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
        if items.count < groupCount {
            let extra = groupCount - items.count
            items += Array(repeating: [], count: extra)
            seen += Array(repeating: [], count: extra)
            bags += Array(repeating: PropertyBag(), count: extra)
        }
        for (row, group) in groups.enumerated() where !conditional || Aggregates.passes(arguments, row) {
            let g = Int(group)
            let value = arguments[0].value(at: row)
            switch kind {
            case .bag:
                guard case .dynamic(.bag(let bag)) = Conversions.parseJSON(value) else { continue }
                for (key, member) in bag.members where bags[g][key] == nil && bags[g].count < limit { bags[g][key] = member }
            case .listWithNulls:
                if items[g].count < limit { items[g].append(value.asDynamic) }
            case .list, .set:
                if value.unwrapped == .null || items[g].count >= limit { continue }
                let element = value.asDynamic
                if kind == .set {
                    guard seen[g].insert(element).inserted else { continue }
                }
                items[g].append(element)
            }
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
        if best.count < groupCount {
            best += Array(repeating: .null, count: groupCount - best.count)
            rows += Array(repeating: [], count: groupCount - rows.count)
        }
        for (row, group) in groups.enumerated() {
            let g = Int(group)
            let value = arguments[0].value(at: row)
            let isBetter: Bool
            if value.unwrapped == .null {
                isBetter = rows[g].isEmpty
            } else if best[g].unwrapped == .null {
                isBetter = true
            } else {
                isBetter = ScalarOps.order(value, best[g]).map { maximum ? $0 > 0 : $0 < 0 } ?? false
            }
            if isBetter {
                best[g] = value
                rows[g] = arguments.map { $0.value(at: row) }
            }
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
    /// when all its values are null.
    static func candidates(groups: [Int32], by values: Vector, maximum: Bool) -> [Int32] {
        var best: [Int32: Int32] = [:]
        func better(_ row: Int, than current: Int) -> Bool {
            let x = values.value(at: row)
            let y = values.value(at: current)
            if x.unwrapped == .null { return false }
            if y.unwrapped == .null { return true }
            return ScalarOps.order(x, y).map { maximum ? $0 > 0 : $0 < 0 } ?? false
        }
        if case .integers(let integers, nil) = values.storage {
            for (row, group) in groups.enumerated() {
                if let current = best[group] {
                    let (x, y) = (integers[row], integers[Int(current)])
                    if maximum ? x > y : x < y { best[group] = Int32(row) }
                } else {
                    best[group] = Int32(row)
                }
            }
        } else {
            for (row, group) in groups.enumerated() {
                if let current = best[group] {
                    if better(row, than: Int(current)) { best[group] = Int32(row) }
                } else {
                    best[group] = Int32(row)
                }
            }
        }
        return best.values.sorted()
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
        if rows.count < groupCount { rows += Array(repeating: [], count: groupCount - rows.count) }
        let values = conditional ? Array(arguments.prefix(1)) : arguments
        for (row, group) in groups.enumerated() where rows[Int(group)].isEmpty {
            if conditional, !Aggregates.passes(arguments, row) { continue }
            rows[Int(group)] = values.map { $0.value(at: row) }
        }
    }

    func finish(groupCount: Int) -> [Vector] {
        types.indices.map { column in
            var builder = VectorBuilder(type: types[column], capacity: groupCount)
            for group in 0..<groupCount { builder.append(group < rows.count && !rows[group].isEmpty ? rows[group][column] : .null) }
            return builder.build()
        }
    }
}

/// `percentile(s)`: nearest-rank percentiles of each group's values (Kusto estimates them; exact values lie within
/// its error).
/// `percentile(s)` and `percentilesw` (weighted), nearest rank: the smallest value whose cumulative weight reaches
/// the percentile of the total.
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
        if values.count < groupCount { values += Array(repeating: [], count: groupCount - values.count) }
        for (row, group) in groups.enumerated() {
            guard let value = Conversions.real(arguments[0].value(at: row)) else { continue }
            let weight = weighted ? Conversions.long(arguments[1].value(at: row)) ?? 0 : 1
            if weight > 0 { values[Int(group)].append((value, weight)) }
        }
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
        if schemas.count < groupCount { schemas += Array(repeating: nil, count: groupCount - schemas.count) }
        for (row, group) in groups.enumerated() {
            guard case .dynamic(let value) = Conversions.dynamic(arguments[0].value(at: row)), value != .null else { continue }
            schemas[Int(group)] = Self.union(schemas[Int(group)], Self.schema(of: value))
        }
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

final class BitwiseAggregator: Aggregator {
    private let operation: (Int64, Int64) -> Int64
    private var values: [Int64?] = []

    init(operation: @escaping (Int64, Int64) -> Int64) {
        self.operation = operation
    }

    func add(groups: [Int32], groupCount: Int, arguments: [Vector]) {
        if values.count < groupCount { values += Array(repeating: nil, count: groupCount - values.count) }
        for (row, group) in groups.enumerated() {
            guard let value = Conversions.long(arguments[0].value(at: row)) else { continue }
            values[Int(group)] = values[Int(group)].map { operation($0, value) } ?? value
        }
    }

    func finish(groupCount: Int) -> [Vector] {
        var builder = VectorBuilder(type: .long, capacity: groupCount)
        for group in 0..<groupCount { builder.append((group < values.count ? values[group] : nil).map(ScalarValue.long) ?? .null) }
        return [builder.build()]
    }
}
