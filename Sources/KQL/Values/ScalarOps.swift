/// Row-at-a-time semantics of scalar operators, shared by folding and by the executor's general path.
enum ScalarOps {
    /// The ordering of two values (negative, zero, positive), or nil when either is null or they do not compare.
    static func order(_ a: ScalarValue, _ b: ScalarValue) -> Int? {
        switch (a.unwrapped, b.unwrapped) {
        case (.long(let x), .long(let y)), (.datetime(let x), .datetime(let y)), (.timespan(let x), .timespan(let y)):
            return x == y ? 0 : (x < y ? -1 : 1)
        case (.bool(let x), .bool(let y)):
            return x == y ? 0 : (!x ? -1 : 1)
        case (.string(let x), .string(let y)):
            return ordinal(x, y)
        case (.dynamic(let x), .dynamic(let y)):
            return x == y ? 0 : ordinal(x.json, y.json)
        case (.string(let x), .datetime(let y)):
            return Conversions.parseDatetime(x).map { $0 == y ? 0 : ($0 < y ? -1 : 1) }
        case (.datetime(let x), .string(let y)):
            return Conversions.parseDatetime(y).map { x == $0 ? 0 : (x < $0 ? -1 : 1) }
        default:
            guard let x = real(a), let y = real(b) else { return nil }
            return x == y ? 0 : (x < y ? -1 : 1)
        }
    }

    /// Byte-wise UTF-8 comparison, as Kusto compares strings.
    static func ordinal(_ a: String, _ b: String) -> Int {
        if a == b { return 0 }
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
    }

    static func real(_ value: ScalarValue) -> Double? {
        switch value.unwrapped {
        case .long(let v): Double(v)
        case .real(let v): v
        case .bool(let v): v ? 1 : 0
        default: nil
        }
    }

    static func arithmetic(_ op: ArithmeticOperator, _ a: ScalarValue, _ b: ScalarValue, type: ScalarType) -> ScalarValue {
        switch (a.unwrapped, b.unwrapped) {
        case (.null, _), (_, .null):
            return .null
        case (.datetime(let x), .timespan(let y)):
            return .datetime(op == .add ? x &+ y : x &- y)
        case (.timespan(let x), .datetime(let y)):
            return .datetime(x &+ y)
        case (.datetime(let x), .datetime(let y)):
            return .timespan(x &- y)
        case (.timespan(let x), .timespan(let y)):
            if op == .divide { return y == 0 ? .null : .real(Double(x) / Double(y)) }
            return .timespan(op == .add ? x &+ y : x &- y)
        case (.timespan(let x), _):
            guard let factor = real(b) else { return .null }
            return Ticks.from(op == .multiply ? Double(x) * factor : Double(x) / factor).map(ScalarValue.timespan) ?? .null
        case (_, .timespan(let y)):
            guard let factor = real(a) else { return .null }
            return Ticks.from(Double(y) * factor).map(ScalarValue.timespan) ?? .null
        case (.long(let x), .long(let y)) where type != .real:
            switch op {
            case .add: return .long(x &+ y)
            case .subtract: return .long(x &- y)
            case .multiply: return .long(x &* y)
            case .divide:
                let (quotient, overflow) = x.dividedReportingOverflow(by: y)
                return y == 0 || overflow ? .null : .long(quotient)
            case .modulo:
                let (remainder, overflow) = x.remainderReportingOverflow(dividingBy: y)
                return y == 0 || overflow ? .null : .long(remainder)
            }
        default:
            guard let x = real(a), let y = real(b) else { return .null }
            switch op {
            case .add: return .real(x + y)
            case .subtract: return .real(x - y)
            case .multiply: return .real(x * y)
            case .divide: return .real(x / y)
            case .modulo: return .real(x.truncatingRemainder(dividingBy: y))
            }
        }
    }

    static func negate(_ value: ScalarValue) -> ScalarValue {
        switch value.unwrapped {
        case .long(let v): .long(0 &- v)
        case .real(let v): .real(-v)
        case .timespan(let v): .timespan(0 &- v)
        default: .null
        }
    }
}

/// Conversions into 100 ns ticks that cannot trap: out-of-range or non-finite values have no tick count.
enum Ticks {
    static func from(_ value: Double) -> Int64? {
        let rounded = value.rounded()
        guard rounded.isFinite, rounded > -9.2e18, rounded < 9.2e18 else { return nil }
        return Int64(rounded)
    }
}
