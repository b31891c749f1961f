/// A distinct-count sketch: the exact set of value hashes while it is small, then HyperLogLog registers. `dcount`
/// and `hll` build it, `hll_merge` unions it, `dcount_hll` estimates from it; as a dynamic value it is
/// `{"hll": precision, "hashes": [...]}` or `{"hll": precision, "registers": "<base64>"}`.
struct DistinctSketch {
    private(set) var precision: Int
    private var hashes: Set<UInt64> = []
    private var registers: [UInt8]?
    private static let exactLimit = 4096

    /// Kusto's accuracy levels 0–4 as register-index bits (1.6%, 0.8%, 0.4%, 0.28%, 0.2% error).
    static func precision(accuracy: Int64?) -> Int {
        [12, 14, 16, 17, 18][Int(max(0, min(4, accuracy ?? 1)))]
    }

    init(precision: Int) {
        self.precision = precision
    }

    mutating func insert(_ hash: UInt64) {
        if registers != nil {
            record(hash)
            return
        }
        hashes.insert(hash)
        if hashes.count > Self.exactLimit {
            registers = [UInt8](repeating: 0, count: 1 << precision)
            for value in hashes { record(value) }
            hashes = []
        }
    }

    mutating func merge(_ other: DistinctSketch) {
        if let theirs = other.registers {
            if registers == nil {
                let mine = hashes
                precision = min(precision, other.precision)
                registers = [UInt8](repeating: 0, count: 1 << precision)
                hashes = []
                for value in mine { record(value) }
            }
            // A finer sketch folds into a coarser one by its leading index bits (an approximation of re-hashing).
            let shift = other.precision - precision
            for (index, rank) in theirs.enumerated() {
                let target = shift >= 0 ? index >> shift : index
                registers![target] = max(registers![target], rank)
            }
        } else {
            for value in other.hashes { insert(value) }
        }
    }

    private mutating func record(_ hash: UInt64) {
        let index = Int(hash >> UInt64(64 - precision))
        let rest = hash << UInt64(precision) | (1 << UInt64(precision - 1))
        registers![index] = max(registers![index], UInt8(rest.leadingZeroBitCount + 1))
    }

    var estimate: Int64 {
        guard let registers else { return Int64(hashes.count) }
        let m = Double(registers.count)
        var sum = 0.0
        var zeros = 0
        for register in registers {
            sum += 1 / Double(UInt64(1) << UInt64(register))
            if register == 0 { zeros += 1 }
        }
        let alpha = 0.7213 / (1 + 1.079 / m)
        let raw = alpha * m * m / sum
        if raw <= 2.5 * m, zeros > 0 { return Int64((m * Math.log(m / Double(zeros))).rounded()) }
        return Int64(raw.rounded())
    }

    var dynamicValue: DynamicValue {
        if let registers { return .bag(PropertyBag([("hll", .long(Int64(precision))), ("registers", .string(Base64.encode(registers)))])) }
        let sorted = hashes.sorted().map { DynamicValue.long(Int64(bitPattern: $0)) }
        return .bag(PropertyBag([("hll", .long(Int64(precision))), ("hashes", .array(sorted))]))
    }

    init?(_ value: ScalarValue) {
        guard let bag = DynamicFunctions.bag(value), case .long(let bits)? = bag["hll"], (4...18).contains(bits) else { return nil }
        precision = Int(bits)
        if case .string(let text)? = bag["registers"] {
            guard let bytes = Base64.decode(text), bytes.count == 1 << precision else { return nil }
            registers = bytes
        } else if case .array(let items)? = bag["hashes"] {
            for case .long(let hash) in items { hashes.insert(UInt64(bitPattern: hash)) }
        } else {
            return nil
        }
    }
}

/// A quantile digest (t-digest): centroids of (mean, weight) kept sorted and merged so that each covers at most
/// `4·N·q(1−q)/δ` of the weight at its quantile q, exact while there are few distinct values. `tdigest` builds it,
/// `tdigest_merge` unions it, `percentile_tdigest` and `percentrank_tdigest` read it; as a dynamic value it is
/// `{"tdigest": type, "centroids": [[mean, weight], ...]}`.
struct QuantileDigest {
    private(set) var type: ScalarType
    private var centroids: [(mean: Double, weight: Double)] = []
    private var unsorted = 0
    private static let compression = 200.0
    private static let bufferLimit = 2000

    init(type: ScalarType) {
        self.type = type
    }

    mutating func add(_ value: Double, weight: Double) {
        guard weight > 0, value.isFinite else { return }
        centroids.append((value, weight))
        unsorted += 1
        if unsorted >= Self.bufferLimit { compress() }
    }

    mutating func merge(_ other: QuantileDigest) {
        for centroid in other.centroids { add(centroid.mean, weight: centroid.weight) }
    }

    mutating func compress() {
        unsorted = 0
        guard centroids.count > 1 else { return }
        centroids.sort { $0.mean < $1.mean }
        let total = centroids.reduce(0) { $0 + $1.weight }
        var merged: [(mean: Double, weight: Double)] = [centroids[0]]
        var before = 0.0
        for centroid in centroids.dropFirst() {
            let last = merged[merged.count - 1]
            let q = (before + (last.weight + centroid.weight) / 2) / total
            let allowed = max(1, 4 * total * q * (1 - q) / Self.compression)
            if last.mean == centroid.mean || last.weight + centroid.weight <= allowed {
                let weight = last.weight + centroid.weight
                merged[merged.count - 1] = ((last.mean * last.weight + centroid.mean * centroid.weight) / weight, weight)
            } else {
                before += last.weight
                merged.append(centroid)
            }
        }
        centroids = merged
    }

    /// The nearest-rank percentile, as `percentile` computes it on the exact values.
    mutating func percentile(_ percent: Double) -> Double? {
        compress()
        let total = centroids.reduce(0) { $0 + $1.weight }
        guard total > 0 else { return nil }
        let target = max(percent, 0) / 100 * total
        var cumulative = 0.0
        for centroid in centroids {
            cumulative += centroid.weight
            if cumulative >= target { return centroid.mean }
        }
        return centroids.last?.mean
    }

    /// The percentage of the weight at or below `value`.
    mutating func rank(of value: Double) -> Double? {
        compress()
        let total = centroids.reduce(0) { $0 + $1.weight }
        guard total > 0 else { return nil }
        return 100 * centroids.filter { $0.mean <= value }.reduce(0) { $0 + $1.weight } / total
    }

    var dynamicValue: DynamicValue {
        var copy = self
        copy.compress()
        return .bag(
            PropertyBag([
                ("tdigest", .string(type.rawValue)),
                ("centroids", .array(copy.centroids.map { .array([.real($0.mean), .real($0.weight)]) })),
            ])
        )
    }

    init?(_ value: ScalarValue) {
        guard let bag = DynamicFunctions.bag(value), case .string(let typeName)? = bag["tdigest"], let type = ScalarType(rawValue: typeName),
            case .array(let items)? = bag["centroids"]
        else { return nil }
        self.type = type
        for case .array(let pair) in items where pair.count == 2 {
            guard let mean = SeriesFunctions.number(pair[0]), let weight = SeriesFunctions.number(pair[1]) else { return nil }
            centroids.append((mean, weight))
        }
    }
}

/// `hll`, `hll_merge`, `dcount`, `dcountif`: a distinct-count sketch per group.
final class SketchAggregator: Aggregator {
    enum Input { case values, sketches }
    enum Output { case sketch, estimate }

    private let input: Input
    private let output: Output
    private let precision: Int
    private let conditional: Bool
    private var sketches: [DistinctSketch] = []

    init(input: Input, output: Output, precision: Int, conditional: Bool) {
        self.input = input
        self.output = output
        self.precision = precision
        self.conditional = conditional
    }

    func add(groups: [Int32], groupCount: Int, arguments: [Vector]) {
        grow(to: groupCount)
        let values = arguments[0]
        if input == .sketches {
            for (row, group) in groups.enumerated() {
                if let sketch = DistinctSketch(values.value(at: row)) { sketches[Int(group)].merge(sketch) }
            }
            return
        }
        if case .text(let codes, let strings) = values.storage {
            addText(codes, strings, groups: groups, groupCount: groupCount, arguments: arguments)
            return
        }
        for (row, group) in groups.enumerated() where !conditional || Aggregates.passes(arguments, row) {
            let value = values.value(at: row)
            if value.unwrapped == .null { continue }
            sketches[Int(group)].insert(Hashing.xxhash64(Conversions.text(value) + "\u{1}\(Interpreter.type(of: value.unwrapped).rawValue)"))
        }
    }

    /// Text hashes once per distinct code of the chunk; a (group, code) pair the chunk already inserted is skipped
    /// through a bitmap when the pairs number at most 32 per row (a few bytes per row), as grouping by device does.
    private func addText(_ codes: [Int32], _ strings: TextValues, groups: [Int32], groupCount: Int, arguments: [Vector]) {
        var perCode = [UInt64?](repeating: nil, count: strings.count)
        let pairs = groupCount * strings.count
        var seen = pairs <= 32 * max(codes.count, 2048) ? [UInt64](repeating: 0, count: (pairs + 63) / 64) : []
        for (row, group) in groups.enumerated() where !conditional || Aggregates.passes(arguments, row) {
            let code = Int(codes[row])
            if !seen.isEmpty {
                let pair = Int(group) * strings.count + code
                let bit = UInt64(1) << UInt64(pair & 63)
                if seen[pair >> 6] & bit != 0 { continue }
                seen[pair >> 6] |= bit
            }
            let hash: UInt64
            if let known = perCode[code] {
                hash = known
            } else {
                hash = Hashing.xxhash64(strings[code])
                perCode[code] = hash
            }
            sketches[Int(group)].insert(hash)
        }
    }

    /// Sketches merge exactly: the union of exact hash sets, the maximum of HyperLogLog registers.
    func merge(_ other: any Aggregator, groups: [Int32], groupCount: Int) -> Bool {
        guard let other = other as? SketchAggregator, other.output == output, other.precision == precision else { return false }
        grow(to: groupCount)
        for (group, sketch) in other.sketches.enumerated() { sketches[Int(groups[group])].merge(sketch) }
        return true
    }

    private func grow(to groupCount: Int) {
        if sketches.count < groupCount { sketches += Array(repeating: DistinctSketch(precision: precision), count: groupCount - sketches.count) }
    }

    func finish(groupCount: Int) -> [Vector] {
        let finished = (0..<groupCount).map { $0 < sketches.count ? sketches[$0] : DistinctSketch(precision: precision) }
        switch output {
        case .estimate: return [Vector(.long, .integers(finished.map(\.estimate), nulls: nil))]
        case .sketch: return [Vector(.dynamic, .values(finished.map { .dynamic($0.dynamicValue) }))]
        }
    }
}

/// `tdigest(X [, Weight])` and `tdigest_merge(Digest)`: a quantile digest per group.
final class DigestAggregator: Aggregator {
    private let type: ScalarType
    private let merging: Bool
    private var digests: [QuantileDigest] = []

    init(type: ScalarType, merging: Bool) {
        self.type = type
        self.merging = merging
    }

    func add(groups: [Int32], groupCount: Int, arguments: [Vector]) {
        grow(to: groupCount)
        for (row, group) in groups.enumerated() {
            let value = arguments[0].value(at: row)
            if merging {
                if let digest = QuantileDigest(value) { digests[Int(group)].merge(digest) }
            } else if let number = DigestAggregator.number(value) {
                let weight = arguments.count > 1 ? Conversions.real(arguments[1].value(at: row)) ?? 0 : 1
                digests[Int(group)].add(number, weight: weight)
            }
        }
    }

    func merge(_ other: any Aggregator, groups: [Int32], groupCount: Int) -> Bool {
        guard let other = other as? DigestAggregator, other.type == type else { return false }
        grow(to: groupCount)
        for (group, digest) in other.digests.enumerated() { digests[Int(groups[group])].merge(digest) }
        return true
    }

    private func grow(to groupCount: Int) {
        if digests.count < groupCount { digests += Array(repeating: QuantileDigest(type: type), count: groupCount - digests.count) }
    }

    /// Numbers, datetimes and timespans as the digest's values (ticks for the latter two).
    static func number(_ value: ScalarValue) -> Double? {
        switch value.unwrapped {
        case .datetime(let ticks), .timespan(let ticks): Double(ticks)
        default: Conversions.real(value)
        }
    }

    func finish(groupCount: Int) -> [Vector] {
        let finished = (0..<groupCount).map { $0 < digests.count ? digests[$0] : QuantileDigest(type: type) }
        return [Vector(.dynamic, .values(finished.map { .dynamic($0.dynamicValue) }))]
    }
}

/// The scalar functions over sketches and digests.
enum SketchFunctions {
    typealias Function = ScalarLibrary.Function

    static func prepare(_ name: String) -> Function? {
        switch name {
        case "dcount_hll": return { args in DistinctSketch(args[0]).map { .long($0.estimate) } ?? .null }
        case "percentile_tdigest":
            return { args in
                guard var digest = QuantileDigest(args[0]), let percent = Conversions.real(args[1]), let value = digest.percentile(percent) else {
                    return .null
                }
                let type = args.count > 2 ? ScalarType(schemaName: Conversions.text(args[2])) ?? digest.type : digest.type
                switch type {
                case .datetime: return .datetime(Int64(value))
                case .timespan: return .timespan(Int64(value))
                case .long, .int: return .long(Int64(value.rounded()))
                default: return .real(value)
                }
            }
        case "percentrank_tdigest":
            return { args in
                guard var digest = QuantileDigest(args[0]), let value = DigestAggregator.number(args[1]) else { return .null }
                return digest.rank(of: value).map(ScalarValue.real) ?? .null
            }
        default: return nil
        }
    }
}
