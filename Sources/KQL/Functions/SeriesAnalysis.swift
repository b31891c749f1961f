/// Analyses of a series: decomposition into trend, seasonality and residual, anomalies and outliers by Tukey's
/// fences, forecasts, line fits, statistics and period detection.
enum SeriesAnalysis {
    typealias Function = ScalarLibrary.Function

    static func prepare(_ name: String) -> Function? {
        func series(_ value: ScalarValue) -> [Double]? { DynamicFunctions.array(value).map(SeriesFunctions.values) }
        func reals(_ values: [Double]) -> DynamicValue { .array(values.map(DynamicValue.real)) }
        func argument(_ args: [ScalarValue], _ index: Int) -> ScalarValue? {
            index < args.count && args[index].unwrapped != .null ? args[index] : nil
        }
        switch name {
        case "series_decompose_anomalies":
            return { args in
                guard let values = series(args[0]) else { return .null }
                let threshold = argument(args, 1).flatMap(Conversions.real) ?? 1.5
                let seasonality = argument(args, 2).flatMap(Conversions.long).map(Int.init) ?? -1
                let trend = argument(args, 3).map(Conversions.text) ?? "avg"
                let method = argument(args, 5).map(Conversions.text) ?? "ctukey"
                let parts = Decomposition(values, seasonality: seasonality, trend: trend)
                let (low, high) = method == "tukey" ? (25.0, 75.0) : (10.0, 90.0)
                let scores = tukeyScores(parts.residual, low: low, high: high)
                let flags = scores.map { DynamicValue.long($0 > threshold ? 1 : ($0 < -threshold ? -1 : 0)) }
                return .dynamic(.array([.array(flags), reals(scores), reals(parts.baseline)]))
            }
        case "series_decompose":
            return { args in
                guard let values = series(args[0]) else { return .null }
                let seasonality = argument(args, 1).flatMap(Conversions.long).map(Int.init) ?? -1
                let parts = Decomposition(values, seasonality: seasonality, trend: argument(args, 2).map(Conversions.text) ?? "avg")
                return .dynamic(.array([reals(parts.baseline), reals(parts.seasonal), reals(parts.trend), reals(parts.residual)]))
            }
        case "series_decompose_forecast":
            return { args in
                guard let values = series(args[0]), let points = argument(args, 1).flatMap(Conversions.long), points >= 0 else { return .null }
                let seasonality = argument(args, 2).flatMap(Conversions.long).map(Int.init) ?? -1
                let trend = argument(args, 3).map(Conversions.text) ?? "linefit"
                return .dynamic(reals(Decomposition.forecast(values, points: Int(points), seasonality: seasonality, trend: trend)))
            }
        case "series_outliers":
            return { args in
                guard let values = series(args[0]) else { return .null }
                let kind = argument(args, 1).map(Conversions.text) ?? "ctukey"
                let low = kind == "tukey" ? 25 : argument(args, 3).flatMap(Conversions.real) ?? 10
                let high = kind == "tukey" ? 75 : argument(args, 4).flatMap(Conversions.real) ?? 90
                return .dynamic(reals(tukeyScores(values, low: low, high: high)))
            }
        case "series_stats_dynamic", "series_stats":
            return { args in
                guard let items = DynamicFunctions.array(args[0]) else { return .null }
                let stats = SeriesStatistics(items.map(SeriesFunctions.number))
                return .dynamic(name == "series_stats" ? .array(stats.fields.map(\.1)) : .bag(PropertyBag(stats.fields)))
            }
        case "series_fit_line_dynamic", "series_fit_line":
            return { args in
                guard let values = series(args[0]) else { return .null }
                let fit = LineFit(values)
                return .dynamic(name == "series_fit_line" ? .array(fit.fields.map(\.1)) : .bag(PropertyBag(fit.fields)))
            }
        case "series_periods_detect":
            return { args in
                guard let values = series(args[0]), let lowest = argument(args, 1).flatMap(Conversions.real),
                    let highest = argument(args, 2).flatMap(Conversions.real), let count = argument(args, 3).flatMap(Conversions.long)
                else { return .null }
                let found = periods(values, lowest: Int(lowest.rounded(.up)), highest: Int(highest), count: Int(count))
                return .dynamic(.array([reals(found.map { Double($0.period) }), reals(found.map(\.score))]))
            }
        default:
            return nil
        }
    }

    /// Tukey's fences on the `low`–`high` percentiles: 0 inside, otherwise the distance beyond the nearer fence in
    /// units of the spread between them.
    static func tukeyScores(_ values: [Double], low: Double, high: Double) -> [Double] {
        guard !values.isEmpty else { return [] }
        let sorted = values.sorted()
        let (lower, upper) = (percentile(sorted, low), percentile(sorted, high))
        let spread = upper - lower
        return values.map { value in
            guard spread > 0 else { return 0 }
            if value > upper { return (value - upper) / spread }
            if value < lower { return (value - lower) / spread }
            return 0
        }
    }

    static func percentile(_ sorted: [Double], _ percentile: Double) -> Double {
        let position = max(0, min(100, percentile)) / 100 * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }

    /// Up to `count` periods between `lowest` and `highest` whose autocorrelation peaks, strongest first, each
    /// with its autocorrelation as score (only positive peaks).
    static func periods(_ values: [Double], lowest: Int, highest: Int, count: Int) -> [(period: Int, score: Double)] {
        let mean = values.reduce(0, +) / Double(max(values.count, 1))
        let centered = values.map { $0 - mean }
        let energy = centered.reduce(0) { $0 + $1 * $1 }
        let range = max(lowest, 2)...max(max(lowest, 2), min(highest, values.count / 2))
        guard energy > 0, values.count >= 4 else { return [] }
        let correlation = range.map { lag in
            (lag, (lag..<centered.count).reduce(0.0) { $0 + centered[$1] * centered[$1 - lag] } / energy)
        }
        let peaks = correlation.indices.filter { index in
            correlation[index].1 > 0 && (index == 0 || correlation[index - 1].1 <= correlation[index].1)
                && (index == correlation.count - 1 || correlation[index + 1].1 < correlation[index].1)
        }
        return peaks.map { correlation[$0] }.sorted { $0.1 > $1.1 }.prefix(max(0, count)).map { (period: $0.0, score: $0.1) }
    }
}

/// A series split as Kusto's `series_decompose` does it: a trend (`avg`, `linefit` or `none`), a seasonal component
/// (the period given, or detected by autocorrelation when -1; 0 for none) averaged per phase over the detrended
/// values, their sum as baseline, and the residual.
struct Decomposition {
    var trend: [Double]
    var seasonal: [Double]
    var baseline: [Double]
    var residual: [Double]
    /// The period used (0 when none).
    var period: Int

    init(_ values: [Double], seasonality: Int, trend kind: String) {
        let count = values.count
        trend = Self.trend(values, kind: kind)
        let detrended = zip(values, trend).map { $0 - $1 }
        period = seasonality < 0 ? Self.detectPeriod(detrended) : seasonality
        seasonal = [Double](repeating: 0, count: count)
        if period > 1, period < count {
            for phase in 0..<period {
                let members = stride(from: phase, to: count, by: period).map { detrended[$0] }
                let mean = members.reduce(0, +) / Double(members.count)
                for index in stride(from: phase, to: count, by: period) { seasonal[index] = mean }
            }
        } else {
            period = 0
        }
        baseline = zip(trend, seasonal).map { $0 + $1 }
        residual = zip(values, baseline).map { $0 - $1 }
    }

    /// The baseline of the first `count − points` values, continued over the last `points` (the trend extended,
    /// the seasonal pattern repeated).
    static func forecast(_ values: [Double], points: Int, seasonality: Int, trend kind: String) -> [Double] {
        let known = Array(values.prefix(max(0, values.count - points)))
        guard !known.isEmpty else { return [Double](repeating: 0, count: values.count) }
        let parts = Decomposition(known, seasonality: seasonality, trend: kind)
        var result = parts.baseline
        let fit = LineFit(known)
        for index in known.count..<values.count {
            let trend: Double
            switch kind {
            case "none": trend = 0
            case "linefit": trend = fit.interception + fit.slope * Double(index + 1)
            default: trend = parts.trend.last ?? 0
            }
            let seasonal = parts.period > 0 ? parts.seasonal[index - ((index - known.count) / parts.period + 1) * parts.period] : 0
            result.append(trend + seasonal)
        }
        return result
    }

    private static func trend(_ values: [Double], kind: String) -> [Double] {
        switch kind {
        case "none": [Double](repeating: 0, count: values.count)
        case "linefit": LineFit(values).line
        default: [Double](repeating: values.reduce(0, +) / Double(max(values.count, 1)), count: values.count)
        }
    }

    /// The lag with the highest autocorrelation above 0.6, or 0 when none is that strong.
    private static func detectPeriod(_ values: [Double]) -> Int {
        let count = values.count
        let energy = values.reduce(0) { $0 + $1 * $1 }
        guard count >= 8, energy > 0 else { return 0 }
        var best = (lag: 0, correlation: 0.6)
        for lag in 2...(count / 2) {
            var sum = 0.0
            for index in lag..<count { sum += values[index] * values[index - lag] }
            let correlation = sum / energy
            if correlation > best.correlation { best = (lag, correlation) }
        }
        return best.lag
    }
}

/// The least-squares line through a series at x = 1, 2, …: `series_fit_line`'s values.
struct LineFit {
    var slope = 0.0
    var interception = 0.0
    var rSquare = 0.0
    var variance = 0.0
    var residualVariance = 0.0
    var line: [Double] = []

    init(_ values: [Double]) {
        let count = Double(values.count)
        guard !values.isEmpty else { return }
        let meanX = (count + 1) / 2
        let meanY = values.reduce(0, +) / count
        var covariance = 0.0
        var spreadX = 0.0
        for (index, value) in values.enumerated() {
            covariance += (Double(index + 1) - meanX) * (value - meanY)
            spreadX += (Double(index + 1) - meanX) * (Double(index + 1) - meanX)
        }
        slope = spreadX > 0 ? covariance / spreadX : 0
        interception = meanY - slope * meanX
        line = values.indices.map { interception + slope * Double($0 + 1) }
        let total = values.reduce(0) { $0 + ($1 - meanY) * ($1 - meanY) }
        let residual = zip(values, line).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let degrees = max(count - 1, 1)
        variance = total / degrees
        residualVariance = residual / degrees
        rSquare = total > 0 ? 1 - residual / total : 1
    }

    var fields: [(String, DynamicValue)] {
        [
            ("rsquare", .real(rSquare)), ("slope", .real(slope)), ("variance", .real(variance)), ("rvariance", .real(residualVariance)),
            ("interception", .real(interception)), ("line_fit", .array(line.map(DynamicValue.real))),
        ]
    }
}

/// `series_stats`' values over a series' numeric elements: extremes with their indices, mean, sample deviation.
struct SeriesStatistics {
    var fields: [(String, DynamicValue)]

    init(_ numbers: [Double?]) {
        let present = numbers.enumerated().compactMap { entry in entry.element.map { (entry.offset, $0) } }
        guard let minimum = present.min(by: { $0.1 < $1.1 }), let maximum = present.max(by: { $0.1 < $1.1 }) else {
            fields = ["min", "min_idx", "max", "max_idx", "avg", "stdev", "variance"].map { ($0, .null) }
            return
        }
        let count = Double(present.count)
        let mean = present.reduce(0) { $0 + $1.1 } / count
        let variance = present.count > 1 ? present.reduce(0) { $0 + ($1.1 - mean) * ($1.1 - mean) } / (count - 1) : 0
        fields = [
            ("min", .real(minimum.1)), ("min_idx", .long(Int64(minimum.0))), ("max", .real(maximum.1)), ("max_idx", .long(Int64(maximum.0))),
            ("avg", .real(mean)), ("stdev", .real(variance.squareRoot())), ("variance", .real(variance)),
        ]
    }
}
