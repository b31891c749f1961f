import Glibc
import KustoTime

/// Row-level implementations of KQL's scalar functions. ``prepare(_:constants:at:)`` builds a function once per call
/// site, so constant arguments (a regex, a format) are compiled once.
enum ScalarLibrary {
    typealias Function = ([ScalarValue]) -> ScalarValue

    /// The function `name` with the call's constant arguments known (nil where an argument varies); nil when this
    /// engine has no implementation.
    static func prepare(_ name: String, constants: [ScalarValue?], now: Int64, at span: SourceSpan) throws(KQLError) -> Function? {
        if let function = try TextFunctions.prepare(name, constants: constants, at: span) { return function }
        if let function = DateFunctions.prepare(name, now: now) { return function }
        if let function = DynamicFunctions.prepare(name) { return function }
        if let function = ArrayFunctions.prepare(name) { return function }
        if let function = EncodingFunctions.prepare(name) { return function }
        if let function = SketchFunctions.prepare(name) { return function }
        if let function = GeoFunctions.prepare(name) { return function }
        if let function = NetworkFunctions.prepare(name) { return function }
        if let function = SeriesFunctions.prepare(name) { return function }
        return general(name)
    }

    private static func general(_ name: String) -> Function? {
        switch name {
        case "tostring": return { .string(Conversions.text($0[0])) }
        case "tolong", "toint64": return { Conversions.long($0[0]).map(ScalarValue.long) ?? .null }
        case "toint": return { Conversions.long($0[0]).map { .long(Int64(Int32(truncatingIfNeeded: $0))) } ?? .null }
        case "todouble", "toreal", "todecimal", "tofloat": return { Conversions.real($0[0]).map(ScalarValue.real) ?? .null }
        case "tobool", "toboolean": return { Conversions.boolean($0[0]).map(ScalarValue.bool) ?? .null }
        case "toguid":
            return { args in
                let text = Conversions.text(args[0])
                return Guids.isValid(text) ? .string(text.lowercased()) : .null
            }
        case "isnull": return { .bool($0[0].unwrapped == .null) }
        case "isnotnull": return { .bool($0[0].unwrapped != .null) }
        case "isempty": return { .bool(Self.isEmpty($0[0])) }
        case "isnotempty": return { .bool(!Self.isEmpty($0[0])) }
        case "not": return { Conversions.boolean($0[0]).map { .bool(!$0) } ?? .null }
        case "iff", "iif": return { Conversions.boolean($0[0]) == true ? $0[1] : $0[2] }
        case "case":
            return { args in
                var index = 0
                while index + 1 < args.count {
                    if Conversions.boolean(args[index]) == true { return args[index + 1] }
                    index += 2
                }
                return args[args.count - 1]
            }
        case "coalesce": return { args in args.first { !Self.isEmpty($0) || ($0.unwrapped != .null && !Self.isText($0)) } ?? args.last ?? .null }
        case "abs":
            return { args in
                switch args[0].unwrapped {
                case .long(let v): .long(v == .min ? v : abs(v))
                case .real(let v): .real(abs(v))
                case .timespan(let v): .timespan(v == .min ? v : abs(v))
                default: .null
                }
            }
        case "round":
            return { args in
                guard let value = Conversions.real(args[0]) else { return .null }
                let digits = args.count > 1 ? (Conversions.long(args[1]) ?? 0) : 0
                let scale = Self.power10(digits)
                let rounded = (value * scale).rounded(.toNearestOrAwayFromZero) / scale
                if case .long = args[0].unwrapped, digits >= 0 { return .long(Int64(rounded)) }
                return .real(rounded)
            }
        case "floor", "bin": return { Self.bin($0[0], $0.count > 1 ? $0[1] : .long(1), at: nil) }
        case "bin_at": return { Self.bin($0[0], $0[1], at: $0[2]) }
        case "ceiling": return { Conversions.real($0[0]).map { .real($0.rounded(.up)) } ?? .null }
        case "sqrt": return real { $0.squareRoot() }
        case "exp": return real { Math.exp($0) }
        case "exp2": return real { Math.pow(2, $0) }
        case "exp10": return real { Math.pow(10, $0) }
        case "log": return real { Math.log($0) }
        case "log2": return real { Glibc.log2($0) }
        case "log10": return real { Glibc.log10($0) }
        case "pow":
            return { args in
                guard let x = Conversions.real(args[0]), let y = Conversions.real(args[1]) else { return .null }
                return .real(Math.pow(x, y))
            }
        case "pi": return { _ in .real(Double.pi) }
        case "cos": return real { Glibc.cos($0) }
        case "sin": return real { Glibc.sin($0) }
        case "tan": return real { Glibc.tan($0) }
        case "cot": return real { 1 / Glibc.tan($0) }
        case "acos": return real { Glibc.acos($0) }
        case "asin": return real { Glibc.asin($0) }
        case "atan": return real { Glibc.atan($0) }
        case "atan2":
            return { args in
                guard let y = Conversions.real(args[0]), let x = Conversions.real(args[1]) else { return .null }
                return .real(Glibc.atan2(y, x))
            }
        case "degrees": return real { $0 * 180 / Double.pi }
        case "radians": return real { $0 * Double.pi / 180 }
        case "gamma": return real { Glibc.tgamma($0) }
        case "loggamma": return real { Glibc.lgamma($0) }
        case "isnan": return { .bool(Conversions.real($0[0])?.isNaN ?? false) }
        case "isinf": return { .bool(Conversions.real($0[0])?.isInfinite ?? false) }
        case "isfinite": return { .bool(Conversions.real($0[0])?.isFinite ?? false) }
        case "min_of": return { args in args.filter { $0.unwrapped != .null }.min { (ScalarOps.order($0, $1) ?? 0) < 0 } ?? .null }
        case "max_of": return { args in args.filter { $0.unwrapped != .null }.max { (ScalarOps.order($0, $1) ?? 0) < 0 } ?? .null }
        case "binary_and": return integers { $0 & $1 }
        case "binary_or": return integers { $0 | $1 }
        case "binary_xor": return integers { $0 ^ $1 }
        case "binary_shift_left": return integers { $1 >= 0 && $1 < 64 ? $0 << $1 : 0 }
        case "binary_shift_right": return integers { $1 >= 0 && $1 < 64 ? $0 >> $1 : 0 }
        case "binary_not": return { Conversions.long($0[0]).map { .long(~$0) } ?? .null }
        case "bitset_count_ones": return { Conversions.long($0[0]).map { .long(Int64($0.nonzeroBitCount)) } ?? .null }
        case "gettype":
            return { args in
                switch args[0] {
                case .null: .string("null")
                case .bool: .string("bool")
                case .long: .string("long")
                case .real: .string("real")
                case .string: .string("string")
                case .datetime: .string("datetime")
                case .timespan: .string("timespan")
                case .dynamic(let value): .string(value.typeName)
                }
            }
        case "new_guid": return { _ in .string(Guids.random()) }
        case "rand":
            return { args in
                guard let limit = args.first.flatMap(Conversions.long) else { return .real(Double.random(in: 0..<1)) }
                return .long(limit > 0 ? Int64.random(in: 0..<limit) : 0)
            }
        case "estimate_data_size": return { args in .long(args.reduce(0) { $0 + Int64(Conversions.text($1).utf8.count) }) }
        case "hash", "hash_xxhash64":
            return { args in
                let hash = Hashing.xxhash64(Conversions.text(args[0]))
                guard args.count > 1, let modulo = Conversions.long(args[1]), modulo > 0 else { return .long(Int64(bitPattern: hash)) }
                return .long(Int64(hash % UInt64(modulo)))
            }
        case "hash_sha256": return { .string(Hashing.sha256Hex(Conversions.text($0[0]))) }
        case "hash_md5": return { .string(Hashing.md5Hex(Conversions.text($0[0]))) }
        case "hash_sha1": return { .string(Hashing.sha1Hex(Conversions.text($0[0]))) }
        default: return nil
        }
    }

    static func isText(_ value: ScalarValue) -> Bool {
        if case .string = value { return true }
        return false
    }

    /// `isempty`: null, or an empty string (also an empty dynamic string).
    static func isEmpty(_ value: ScalarValue) -> Bool {
        switch value {
        case .null, .dynamic(.null): true
        case .string(let text), .dynamic(.string(let text)): text.isEmpty
        default: false
        }
    }

    private static func real(_ f: @escaping (Double) -> Double) -> Function {
        { args in Conversions.real(args[0]).map { .real(f($0)) } ?? .null }
    }

    private static func integers(_ f: @escaping (Int64, Int64) -> Int64) -> Function {
        { args in
            guard let x = Conversions.long(args[0]), let y = Conversions.long(args[1]) else { return .null }
            return .long(f(x, y))
        }
    }

    static func power10(_ digits: Int64) -> Double {
        var result = 1.0
        for _ in 0..<min(abs(digits), 20) { result *= 10 }
        return digits < 0 ? 1 / result : result
    }

    /// `bin(value, size)`: rounded down to a multiple of `size` (on the grid through `at` for `bin_at`).
    static func bin(_ value: ScalarValue, _ size: ScalarValue, at origin: ScalarValue?) -> ScalarValue {
        switch (value.unwrapped, size.unwrapped) {
        case (.datetime(let t), .timespan(let step)) where step > 0:
            let base = origin.flatMap { Conversions.datetime($0) } ?? 0
            return .datetime(base + DateTimeTicks.floorDivide(t - base, step) * step)
        case (.timespan(let t), .timespan(let step)) where step > 0:
            let base = origin.flatMap { Conversions.timespan($0) } ?? 0
            return .timespan(base + DateTimeTicks.floorDivide(t - base, step) * step)
        case (.long(let x), .long(let step)) where step > 0:
            let base = origin.flatMap { Conversions.long($0) } ?? 0
            return .long(base + DateTimeTicks.floorDivide(x - base, step) * step)
        default:
            guard let x = Conversions.real(value), let step = Conversions.real(size), step > 0 else { return .null }
            let base = origin.flatMap { Conversions.real($0) } ?? 0
            return .real(base + ((x - base) / step).rounded(.down) * step)
        }
    }
}

/// Elementary functions from the C library.
enum Math {
    static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    static func log(_ x: Double) -> Double { Glibc.log(x) }
    static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
}

enum Guids {
    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else if !((48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte)) {
                return false
            }
        }
        return true
    }

    static func random() -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        for index in 0..<36 {
            if [8, 13, 18, 23].contains(index) {
                text.append("-")
            } else if index == 14 {
                text.append("4")
            } else {
                text.append(digits[Int.random(in: 0..<16)])
            }
        }
        return text
    }
}
