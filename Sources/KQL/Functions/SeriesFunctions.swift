import Glibc

/// Functions over the numeric arrays `make-series` produces: element-wise arithmetic, gap filling, filters, and the
/// analyses of ``SeriesAnalysis``.
enum SeriesFunctions {
    typealias Function = ScalarLibrary.Function

    static func prepare(_ name: String) -> Function? {
        if let operation = binary[name] { return elementWise(operation) }
        if let operation = unary[name] {
            return { args in
                guard let items = DynamicFunctions.array(args[0]) else { return .null }
                return .dynamic(.array(items.map { item in number(item).map(operation) ?? .null }))
            }
        }
        switch name {
        case "series_fill_const":
            return { args in
                guard let items = DynamicFunctions.array(args[0]) else { return .null }
                let missing = args.count > 2 ? args[2].asDynamic : .null
                return .dynamic(.array(items.map { $0 == missing || $0 == .null ? args[1].asDynamic : $0 }))
            }
        case "series_fill_forward", "series_fill_backward":
            return { args in
                guard var items = DynamicFunctions.array(args[0]) else { return .null }
                let missing = args.count > 1 ? args[1].asDynamic : .null
                let order = name == "series_fill_forward" ? Array(items.indices) : items.indices.reversed()
                var last: DynamicValue?
                for index in order {
                    if items[index] == missing || items[index] == .null {
                        if let last { items[index] = last }
                    } else {
                        last = items[index]
                    }
                }
                return .dynamic(.array(items))
            }
        case "series_fill_linear": return fillLinear
        case "series_fir":
            return { args in
                guard let items = DynamicFunctions.array(args[0]), let filter = DynamicFunctions.array(args[1]) else { return .null }
                let normalize = args.count > 2 ? Conversions.boolean(args[2]) ?? true : true
                let center = args.count > 3 ? Conversions.boolean(args[3]) ?? false : false
                let result = SeriesFilters.fir(values(items), filter: values(filter), normalize: normalize, center: center)
                return .dynamic(.array(result.map(DynamicValue.real)))
            }
        case "series_iir":
            return { args in
                guard let items = DynamicFunctions.array(args[0]), let numerators = DynamicFunctions.array(args[1]),
                    let denominators = DynamicFunctions.array(args[2])
                else { return .null }
                guard let result = SeriesFilters.iir(values(items), numerators: values(numerators), denominators: values(denominators)) else {
                    return .null
                }
                return .dynamic(.array(result.map(DynamicValue.real)))
            }
        default:
            return SeriesAnalysis.prepare(name)
        }
    }

    /// A series element as a number (nil for nulls, text and nested values).
    static func number(_ value: DynamicValue) -> Double? {
        switch value {
        case .long(let n): Double(n)
        case .real(let x): x
        case .bool(let b): b ? 1 : 0
        default: nil
        }
    }

    /// The elements as numbers, missing ones as 0.
    static func values(_ items: [DynamicValue]) -> [Double] { items.map { number($0) ?? 0 } }

    /// Results of an element-wise operation: integral where both elements are and the operation keeps integers.
    private enum Operation: Sendable {
        case arithmetic(@Sendable (Double, Double) -> Double, integral: (@Sendable (Int64, Int64) -> Int64)?)
        case comparison(@Sendable (Double, Double) -> Bool)
    }

    private static let binary: [String: Operation] = [
        "series_add": .arithmetic({ $0 + $1 }, integral: { $0 &+ $1 }),
        "series_subtract": .arithmetic({ $0 - $1 }, integral: { $0 &- $1 }),
        "series_multiply": .arithmetic({ $0 * $1 }, integral: { $0 &* $1 }),
        "series_divide": .arithmetic({ $0 / $1 }, integral: nil),
        "series_pow": .arithmetic({ Glibc.pow($0, $1) }, integral: nil),
        "series_greater": .comparison({ $0 > $1 }), "series_greater_equals": .comparison({ $0 >= $1 }),
        "series_less": .comparison({ $0 < $1 }), "series_less_equals": .comparison({ $0 <= $1 }),
        "series_equals": .comparison({ $0 == $1 }), "series_not_equals": .comparison({ $0 != $1 }),
    ]

    private static let unary: [String: @Sendable (Double) -> DynamicValue] = [
        "series_abs": { .real(abs($0)) }, "series_sign": { .real($0 > 0 ? 1 : ($0 < 0 ? -1 : 0)) },
        "series_floor": { .real($0.rounded(.down)) }, "series_ceiling": { .real($0.rounded(.up)) },
        "series_exp": { .real(Glibc.exp($0)) }, "series_log": { .real(Glibc.log($0)) },
        "series_sin": { .real(Glibc.sin($0)) }, "series_cos": { .real(Glibc.cos($0)) }, "series_tan": { .real(Glibc.tan($0)) },
        "series_asin": { .real(Glibc.asin($0)) }, "series_acos": { .real(Glibc.acos($0)) }, "series_atan": { .real(Glibc.atan($0)) },
        "series_cot": { .real(1 / Glibc.tan($0)) },
    ]

    /// Two series (or a series and a number) combined element by element; the shorter series ends in nulls.
    private static func elementWise(_ operation: Operation) -> Function {
        { args in
            let left = DynamicFunctions.array(args[0])
            let right = DynamicFunctions.array(args[1])
            guard left != nil || right != nil else { return .null }
            let count = max(left?.count ?? 0, right?.count ?? 0)
            func element(_ items: [DynamicValue]?, _ scalar: ScalarValue, _ index: Int) -> DynamicValue {
                guard let items else { return scalar.asDynamic }
                return index < items.count ? items[index] : .null
            }
            return .dynamic(
                .array(
                    (0..<count).map { index in
                        let (a, b) = (element(left, args[0], index), element(right, args[1], index))
                        guard let x = number(a), let y = number(b) else { return .null }
                        switch operation {
                        case .comparison(let compare): return .bool(compare(x, y))
                        case .arithmetic(let combine, let integral):
                            if let integral, case .long(let m) = a, case .long(let n) = b { return .long(integral(m, n)) }
                            return .real(combine(x, y))
                        }
                    }
                )
            )
        }
    }

    /// `series_fill_linear(series [, missing [, fill_edges [, constant]]])`: gaps interpolated between their known
    /// neighbours; leading and trailing gaps take the nearest known value (or `constant` when edges are not filled).
    private static func fillLinear(_ args: [ScalarValue]) -> ScalarValue {
        guard var items = DynamicFunctions.array(args[0]) else { return .null }
        let missing = args.count > 1 ? args[1].asDynamic : .null
        let fillEdges = args.count > 2 ? Conversions.boolean(args[2]) ?? true : true
        let edge = args.count > 3 ? args[3].asDynamic : missing
        let known = items.indices.filter { items[$0] != missing && number(items[$0]) != nil }
        guard let first = known.first, let last = known.last else { return .dynamic(.array(items)) }
        let integral = known.allSatisfy { if case .long = items[$0] { true } else { false } }
        for (start, end) in zip(known, known.dropFirst()) where end > start + 1 {
            let (a, b) = (number(items[start])!, number(items[end])!)
            for index in start + 1..<end {
                let value = a + (b - a) * Double(index - start) / Double(end - start)
                items[index] = integral && value == value.rounded() ? .long(Int64(value)) : .real(value)
            }
        }
        for index in 0..<first { items[index] = fillEdges ? items[first] : edge }
        for index in last + 1..<items.count { items[index] = fillEdges ? items[last] : edge }
        return .dynamic(.array(items))
    }
}

/// Finite and infinite impulse response filters.
enum SeriesFilters {
    /// `y[i] = Σ filter[j]·x[i−j]` (values outside the series count as 0); `center` aligns the filter's middle with
    /// `i`, `normalize` divides by the sum of the coefficients.
    static func fir(_ values: [Double], filter: [Double], normalize: Bool, center: Bool) -> [Double] {
        let sum = filter.reduce(0, +)
        let scale = normalize && sum != 0 ? 1 / sum : 1
        let offset = center ? (filter.count - 1) / 2 : 0
        return values.indices.map { index in
            var total = 0.0
            for (j, coefficient) in filter.enumerated() {
                let source = index + offset - j
                if source >= 0, source < values.count { total += coefficient * values[source] }
            }
            return total * scale
        }
    }

    /// `a[0]·y[i] = Σ b[j]·x[i−j] − Σ_{j≥1} a[j]·y[i−j]`; nil when `a[0]` is 0.
    static func iir(_ values: [Double], numerators: [Double], denominators: [Double]) -> [Double]? {
        guard let a0 = denominators.first, a0 != 0 else { return nil }
        var output = [Double](repeating: 0, count: values.count)
        for index in values.indices {
            var total = 0.0
            for (j, b) in numerators.enumerated() where index - j >= 0 { total += b * values[index - j] }
            for (j, a) in denominators.enumerated().dropFirst() where index - j >= 0 { total -= a * output[index - j] }
            output[index] = total / a0
        }
        return output
    }
}
