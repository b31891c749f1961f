/// Series analysis over the arrays `make-series` produces.
enum SeriesFunctions {
    typealias Function = ScalarLibrary.Function

    static func prepare(_ name: String) -> Function? {
        switch name {
        case "series_decompose_anomalies":
            return { args in
                guard case .dynamic(.array(let items)) = args[0] else { return .null }
                let values = items.map { Conversions.real(.dynamic($0)) ?? 0 }
                let threshold = args.count > 1 ? (Conversions.real(args[1]) ?? 1.5) : 1.5
                let seasonality = args.count > 2 ? Int(Conversions.long(args[2]) ?? -1) : -1
                let trend = args.count > 3 ? Conversions.text(args[3]) : "avg"
                let method = args.count > 5 ? Conversions.text(args[5]) : "ctukey"
                let result = SeriesAnomalies.detect(values, threshold: threshold, seasonality: seasonality, trend: trend, method: method)
                return .dynamic(
                    .array([
                        .array(result.flags.map { .long(Int64($0)) }), .array(result.scores.map(DynamicValue.real)),
                        .array(result.baseline.map(DynamicValue.real)),
                    ])
                )
            }
        default:
            return nil
        }
    }
}

/// Anomalies of a series as Kusto's `series_decompose_anomalies` finds them: the series is decomposed into a trend
/// (`avg`, `linefit` or `none`) and a seasonal component (the period given, or detected by autocorrelation when -1),
/// their sum is the baseline, and the residuals are scored with Tukey's fences (`ctukey`: 10th–90th percentiles,
/// `tukey`: quartiles); a score beyond ±threshold flags the point.
enum SeriesAnomalies {
    struct Result {
        var flags: [Int]
        var scores: [Double]
        var baseline: [Double]
    }

    static func detect(_ values: [Double], threshold: Double, seasonality: Int, trend: String, method: String) -> Result {
        let count = values.count
        guard count > 0 else { return Result(flags: [], scores: [], baseline: []) }
        let trendLine = Self.trend(values, kind: trend)
        let detrended = zip(values, trendLine).map { $0 - $1 }
        let period = seasonality < 0 ? detectPeriod(detrended) : seasonality
        var seasonal = [Double](repeating: 0, count: count)
        if period > 1, period < count {
            for phase in 0..<period {
                let members = stride(from: phase, to: count, by: period).map { detrended[$0] }
                let mean = members.reduce(0, +) / Double(members.count)
                for index in stride(from: phase, to: count, by: period) { seasonal[index] = mean }
            }
        }
        let baseline = zip(trendLine, seasonal).map { $0 + $1 }
        let residuals = zip(values, baseline).map { $0 - $1 }
        let sorted = residuals.sorted()
        let (lowPercentile, highPercentile) = method == "tukey" ? (25.0, 75.0) : (10.0, 90.0)
        let low = percentile(sorted, lowPercentile)
        let high = percentile(sorted, highPercentile)
        let spread = high - low
        let scores = residuals.map { residual -> Double in
            guard spread > 0 else { return 0 }
            if residual > high { return (residual - high) / spread }
            if residual < low { return (residual - low) / spread }
            return 0
        }
        let flags = scores.map { $0 > threshold ? 1 : ($0 < -threshold ? -1 : 0) }
        return Result(flags: flags, scores: scores, baseline: baseline)
    }

    private static func trend(_ values: [Double], kind: String) -> [Double] {
        let count = Double(values.count)
        switch kind {
        case "none":
            return [Double](repeating: 0, count: values.count)
        case "linefit":
            let meanX = (count - 1) / 2
            let meanY = values.reduce(0, +) / count
            var covariance = 0.0
            var variance = 0.0
            for (index, value) in values.enumerated() {
                covariance += (Double(index) - meanX) * (value - meanY)
                variance += (Double(index) - meanX) * (Double(index) - meanX)
            }
            let slope = variance > 0 ? covariance / variance : 0
            return values.indices.map { meanY + slope * (Double($0) - meanX) }
        default:
            return [Double](repeating: values.reduce(0, +) / count, count: values.count)
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

    private static func percentile(_ sorted: [Double], _ percentile: Double) -> Double {
        let position = percentile / 100 * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}
