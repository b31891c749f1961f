import KustoTime

/// Reads the raw text inside typed literals such as `datetime(2024-01-31 10:00)` and `timespan(1.02:03:04)`.
enum LiteralText {
    static func parse(_ raw: String, as type: String) -> ScalarValue? {
        if raw == "null" { return .null }
        switch type {
        case "datetime": return DateTimeTicks.parse(raw).map(ScalarValue.datetime)
        case "timespan", "time": return timespan(raw).map(ScalarValue.timespan)
        case "bool": return raw == "true" ? .bool(true) : (raw == "false" ? .bool(false) : nil)
        case "long", "int": return Int64(raw).map(ScalarValue.long)
        default: return Double(raw).map(ScalarValue.real)
        }
    }

    /// `7d`, `1.5h`, a bare number of days, or `[d.]hh:mm[:ss[.fffffff]]`.
    static func timespan(_ raw: String) -> Int64? {
        if let token = try? Lexer.tokenize(raw), token.count == 2 {
            switch token[0].kind {
            case .timespan(let ticks): return ticks
            case .long(let days): return Ticks.from(Double(days) * Double(Timespan.ticks(perUnit: "d")!))
            case .real(let days): return Ticks.from(days * Double(Timespan.ticks(perUnit: "d")!))
            default: break
            }
        }
        var text = Substring(raw)
        var sign: Int64 = 1
        if text.hasPrefix("-") {
            sign = -1
            text = text.dropFirst()
        }
        var days: Int64 = 0
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        var hoursText = parts[0]
        if let dot = hoursText.firstIndex(of: ".") {
            guard let d = Int64(hoursText[..<dot]) else { return nil }
            days = d
            hoursText = hoursText[hoursText.index(after: dot)...]
        }
        guard let hours = Int64(hoursText), let minutes = Int64(parts[1]) else { return nil }
        var seconds = 0.0
        if parts.count == 3 {
            guard let s = Double(parts[2]) else { return nil }
            seconds = s
        }
        let whole = ((Double(days) * 24 + Double(hours)) * 60 + Double(minutes)) * 60
        return Ticks.from(Double(sign) * (whole * 1e7 + seconds * 1e7))
    }
}
