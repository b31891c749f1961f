import KustoTime

/// Datetime and timespan functions.
enum DateFunctions {
    typealias Function = ScalarLibrary.Function

    static func prepare(_ name: String, now: Int64) -> Function? {
        func date(_ value: ScalarValue) -> Int64? { Conversions.datetime(value) }
        func span(_ value: ScalarValue) -> Int64? { Conversions.timespan(value) }
        let day = DateTimeTicks.perDay
        switch name {
        case "datetime_utc_to_local", "datetime_local_to_utc":
            return { args in
                guard let ticks = date(args[0]), let zone = ZoneInfo.named(Conversions.text(args[1])) else { return .null }
                return .datetime(name == "datetime_utc_to_local" ? zone.local(fromUTC: ticks) : zone.utc(fromLocal: ticks))
            }
        case "now": return { args in .datetime(now + (args.first.flatMap(span) ?? 0)) }
        case "ago": return { args in span(args[0]).map { .datetime(now - $0) } ?? .null }
        case "todatetime", "todate": return { date($0[0]).map(ScalarValue.datetime) ?? .null }
        case "totimespan", "totime": return { span($0[0]).map(ScalarValue.timespan) ?? .null }
        case "datetime_add":
            return { args in
                guard let amount = Conversions.long(args[1]), let base = date(args[2]) else { return .null }
                return Calendar.add(Calendar.part(Conversions.text(args[0])), amount, to: base).map(ScalarValue.datetime) ?? .null
            }
        case "datetime_diff":
            return { args in
                guard let a = date(args[1]), let b = date(args[2]) else { return .null }
                return Calendar.difference(Calendar.part(Conversions.text(args[0])), a, b).map(ScalarValue.long) ?? .null
            }
        case "datetime_part":
            return { args in
                guard let t = date(args[1]) else { return .null }
                return Calendar.component(Calendar.part(Conversions.text(args[0])), of: t).map(ScalarValue.long) ?? .null
            }
        case "startofday": return shifted { t, n in DateTimeTicks.floorDivide(t, day) * day + n * day }
        case "endofday": return shifted { t, n in DateTimeTicks.floorDivide(t, day) * day + (n + 1) * day - 1 }
        case "startofweek": return shifted { t, n in Calendar.startOfWeek(t) + n * 7 * day }
        case "endofweek": return shifted { t, n in Calendar.startOfWeek(t) + (n + 1) * 7 * day - 1 }
        case "startofmonth": return shifted { t, n in Calendar.startOfMonth(t, offset: n) }
        case "endofmonth": return shifted { t, n in Calendar.startOfMonth(t, offset: n + 1) - 1 }
        case "startofyear": return shifted { t, n in Calendar.startOfMonth(t, offset: n * 12 - (Calendar.fields(t).month - 1)) }
        case "endofyear": return shifted { t, n in Calendar.startOfMonth(t, offset: (n + 1) * 12 - (Calendar.fields(t).month - 1)) - 1 }
        case "dayofweek": return { args in date(args[0]).map { .timespan(($0 - Calendar.startOfWeek($0)) / day * day) } ?? .null }
        case "dayofmonth": return component { Calendar.fields($0).day }
        case "dayofyear": return component { Calendar.dayOfYear($0) }
        case "getmonth", "monthofyear": return component { Calendar.fields($0).month }
        case "getyear": return component { Calendar.fields($0).year }
        case "hourofday": return component { DateTimeTicks.floorDivide($0, 36_000_000_000) % 24 }
        case "week_of_year", "weekofyear": return component { Calendar.isoWeek($0) }
        case "format_datetime":
            return { args in
                guard let t = date(args[0]) else { return .string("") }
                return .string(Calendar.format(t, Conversions.text(args[1])))
            }
        case "format_timespan":
            return { args in
                guard let t = span(args[0]) else { return .string("") }
                return .string(Calendar.format(timespan: t, Conversions.text(args[1])))
            }
        case "make_datetime":
            return { args in
                let parts = args.map { Conversions.real($0) ?? 0 }
                guard parts.count >= 3 else { return .null }
                let year = Int64(parts[0])
                let month = Int64(parts[1])
                let dayOfMonth = Int64(parts[2])
                guard let base = Calendar.midnight(year, month, dayOfMonth) else { return .null }
                let hours = parts.count > 3 ? parts[3] : 0
                let minutes = parts.count > 4 ? parts[4] : 0
                let seconds = parts.count > 5 ? parts[5] : 0
                return .datetime(base + Int64(((hours * 60 + minutes) * 60 + seconds) * 1e7))
            }
        case "make_timespan":
            return { args in
                let parts = args.map { Conversions.real($0) ?? 0 }
                let seconds: Double =
                    switch parts.count {
                    case 2: (parts[0] * 60 + parts[1]) * 60
                    case 3: (parts[0] * 60 + parts[1]) * 60 + parts[2]
                    case 4: ((parts[0] * 24 + parts[1]) * 60 + parts[2]) * 60 + parts[3]
                    default: 0
                    }
                return Ticks.from(seconds * 1e7).map(ScalarValue.timespan) ?? .null
            }
        case "unixtime_seconds_todatetime": return unix(1e7)
        case "unixtime_milliseconds_todatetime": return unix(1e4)
        case "unixtime_microseconds_todatetime": return unix(10)
        case "unixtime_nanoseconds_todatetime": return unix(0.01)
        case "ingestion_time": return { _ in .null }
        default: return nil
        }
    }

    private static func shifted(_ f: @escaping (Int64, Int64) -> Int64) -> Function {
        { args in
            guard let t = Conversions.datetime(args[0]) else { return .null }
            return .datetime(f(t, args.count > 1 ? (Conversions.long(args[1]) ?? 0) : 0))
        }
    }

    private static func component(_ f: @escaping (Int64) -> Int64) -> Function {
        { args in Conversions.datetime(args[0]).map { .long(f($0)) } ?? .null }
    }

    private static func unix(_ ticksPerUnit: Double) -> Function {
        { args in
            guard let value = Conversions.real(args[0]), let ticks = Ticks.from(value * ticksPerUnit) else { return .null }
            return .datetime(DateTimeTicks.unixEpoch + ticks)
        }
    }
}

/// Calendar arithmetic on ticks (proleptic Gregorian, UTC).
enum Calendar {
    enum Part { case year, quarter, month, week, day, hour, minute, second, millisecond, microsecond, nanosecond }

    static func part(_ text: String) -> Part? {
        switch text.lowercased() {
        case "year": .year
        case "quarter": .quarter
        case "month": .month
        case "week", "weekofyear", "week_of_year": .week
        case "day", "dayofyear": .day
        case "hour": .hour
        case "minute": .minute
        case "second": .second
        case "millisecond": .millisecond
        case "microsecond": .microsecond
        case "nanosecond": .nanosecond
        default: nil
        }
    }

    static func fields(_ ticks: Int64) -> (year: Int64, month: Int64, day: Int64) { DateTimeTicks.date(of: ticks) }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    static func midnight(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64? {
        DateTimeTicks.ticks(year: year, month: month, day: day)
    }

    static func startOfMonth(_ ticks: Int64, offset: Int64) -> Int64 {
        let (year, month, _) = fields(ticks)
        let total = year * 12 + (month - 1) + offset
        return midnight(DateTimeTicks.floorDivide(total, 12), total - DateTimeTicks.floorDivide(total, 12) * 12 + 1, 1) ?? ticks
    }

    /// Sunday 00:00 of the week holding `ticks`.
    static func startOfWeek(_ ticks: Int64) -> Int64 {
        let day = DateTimeTicks.perDay
        let days = DateTimeTicks.floorDivide(ticks, day)
        // 0001-01-01 was a Monday.
        let weekday = (days + 1) % 7
        return (days - weekday) * day
    }

    static func dayOfYear(_ ticks: Int64) -> Int64 {
        let (year, _, _) = fields(ticks)
        guard let start = midnight(year, 1, 1) else { return 0 }
        return (ticks - start) / DateTimeTicks.perDay + 1
    }

    static func isoWeek(_ ticks: Int64) -> Int64 {
        let day = DateTimeTicks.perDay
        let days = DateTimeTicks.floorDivide(ticks, day)
        let weekday = (days % 7) + 1  // Monday 1 … Sunday 7
        let thursday = (days - weekday + 4) * day
        return (dayOfYear(thursday) - 1) / 7 + 1
    }

    private static let ticksPer: [Part: Int64] = [
        .week: 7 * DateTimeTicks.perDay, .day: DateTimeTicks.perDay, .hour: 36_000_000_000, .minute: 600_000_000,
        .second: 10_000_000, .millisecond: 10_000, .microsecond: 10, .nanosecond: 1,
    ]

    static func add(_ part: Part?, _ amount: Int64, to base: Int64) -> Int64? {
        guard let part else { return nil }
        switch part {
        case .year: return addMonths(amount * 12, to: base)
        case .quarter: return addMonths(amount * 3, to: base)
        case .month: return addMonths(amount, to: base)
        case .nanosecond: return base + amount / 100
        default: return base + amount * ticksPer[part]!
        }
    }

    private static func addMonths(_ months: Int64, to base: Int64) -> Int64? {
        let (year, month, day) = fields(base)
        let inDay = base - DateTimeTicks.floorDivide(base, DateTimeTicks.perDay) * DateTimeTicks.perDay
        let total = year * 12 + month - 1 + months
        let newYear = DateTimeTicks.floorDivide(total, 12)
        let newMonth = total - newYear * 12 + 1
        var newDay = day
        while newDay > 28, midnight(newYear, newMonth, newDay) == nil { newDay -= 1 }
        return midnight(newYear, newMonth, newDay).map { $0 + inDay }
    }

    /// `datetime_diff`: boundaries of `part` crossed from `b` to `a`.
    static func difference(_ part: Part?, _ a: Int64, _ b: Int64) -> Int64? {
        guard let part else { return nil }
        let (ya, ma, _) = fields(a)
        let (yb, mb, _) = fields(b)
        switch part {
        case .year: return ya - yb
        case .quarter: return (ya * 4 + (ma - 1) / 3) - (yb * 4 + (mb - 1) / 3)
        case .month: return (ya * 12 + ma) - (yb * 12 + mb)
        case .week: return DateTimeTicks.floorDivide(startOfWeek(a) - startOfWeek(b), ticksPer[.week]!)
        case .nanosecond: return (a - b) * 100
        default:
            let unit = ticksPer[part]!
            return DateTimeTicks.floorDivide(a, unit) - DateTimeTicks.floorDivide(b, unit)
        }
    }

    static func component(_ part: Part?, of ticks: Int64) -> Int64? {
        guard let part else { return nil }
        let (year, month, day) = fields(ticks)
        let inDay = ticks - DateTimeTicks.floorDivide(ticks, DateTimeTicks.perDay) * DateTimeTicks.perDay
        switch part {
        case .year: return year
        case .quarter: return (month - 1) / 3 + 1
        case .month: return month
        case .week: return isoWeek(ticks)
        case .day: return day
        case .hour: return inDay / 36_000_000_000
        case .minute: return inDay / 600_000_000 % 60
        case .second: return inDay / 10_000_000 % 60
        case .millisecond: return inDay / 10_000 % 1000
        case .microsecond: return inDay / 10 % 1_000_000
        case .nanosecond: return inDay % 10_000_000 * 100
        }
    }

    /// `format_datetime` patterns: `yyyy`, `yy`, `MM`, `M`, `dd`, `d`, `HH`, `H`, `hh`, `h`, `mm`, `m`, `ss`, `s`,
    /// `f`…`fffffff`, `tt`; other characters are copied.
    static func format(_ ticks: Int64, _ pattern: String) -> String {
        let (year, month, day) = fields(ticks)
        let inDay = ticks - DateTimeTicks.floorDivide(ticks, DateTimeTicks.perDay) * DateTimeTicks.perDay
        let hour = inDay / 36_000_000_000
        let values: [Character: Int64] = [
            "y": year, "M": month, "d": day, "H": hour, "h": hour % 12 == 0 ? 12 : hour % 12, "m": inDay / 600_000_000 % 60,
            "s": inDay / 10_000_000 % 60,
        ]
        return runs(of: pattern) { character, run in
            if character == "f" || character == "F" { return String(pad(inDay % 10_000_000, 7).prefix(min(run, 7))) }
            if character == "t" { return hour < 12 ? "AM" : "PM" }
            guard let value = values[character] else { return nil }
            return character == "y" && run == 2 ? pad(value % 100, 2) : pad(value, run)
        }
    }

    /// `pattern` with each run of one repeated character replaced by `field(character, length)`, or kept when that
    /// is nil.
    private static func runs(of pattern: String, _ field: (Character, Int) -> String?) -> String {
        var out = ""
        let characters = Array(pattern)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            var run = 1
            while index + run < characters.count, characters[index + run] == character { run += 1 }
            out += field(character, run) ?? String(repeating: character, count: run)
            index += run
        }
        return out
    }

    static func format(timespan ticks: Int64, _ pattern: String) -> String {
        let magnitude = ticks.magnitude
        let values: [Character: Int64] = [
            "d": Int64(magnitude / 864_000_000_000), "h": Int64(magnitude / 36_000_000_000 % 24), "H": Int64(magnitude / 36_000_000_000 % 24),
            "m": Int64(magnitude / 600_000_000 % 60), "s": Int64(magnitude / 10_000_000 % 60),
        ]
        let text = runs(of: pattern) { character, run in
            if character == "f" || character == "F" { return String(pad(Int64(magnitude % 10_000_000), 7).prefix(min(run, 7))) }
            return values[character].map { pad($0, run) }
        }
        return (ticks < 0 ? "-" : "") + text
    }
}
