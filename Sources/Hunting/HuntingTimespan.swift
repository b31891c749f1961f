import Foundation
public import KQL
public import OpenMTPModels

/// Graph's `runHuntingQuery` `Timespan`: an ISO-8601 interval (`start/end`, `P30D/end`, `start/P30D`), a duration
/// ending now (`P30D`), or a start running to now. Durations take weeks, days, hours, minutes and seconds
/// (`P1W`, `P2DT12H`, `PT30M`, `PT1.5S`); years and months are refused (their length depends on the date).
public enum HuntingTimespan {
    public static func window(_ text: String, now: Timestamp) throws(HuntingError) -> TimeWindow {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        func fail() -> HuntingError {
            HuntingError(
                .invalidQuery,
                "Timespan '\(text)' is not an ISO-8601 interval (start/end, duration/end, start/duration, duration, or start)."
            )
        }
        func time(_ part: String) throws(HuntingError) -> Int64 {
            guard let timestamp = Timestamp(iso8601: part) else { throw fail() }
            return timestamp.ticks
        }
        func duration(_ part: String) throws(HuntingError) -> Int64 {
            guard let ticks = durationTicks(part) else { throw fail() }
            return ticks
        }
        let (start, end): (Int64, Int64)
        switch parts.count {
        case 1 where parts[0].uppercased().hasPrefix("P"): (start, end) = (now.ticks - (try duration(parts[0])), now.ticks)
        case 1: (start, end) = (try time(parts[0]), now.ticks)
        case 2 where parts[0].uppercased().hasPrefix("P"):
            let last = try time(parts[1])
            (start, end) = (last - (try duration(parts[0])), last)
        case 2 where parts[1].uppercased().hasPrefix("P"):
            let first = try time(parts[0])
            (start, end) = (first, first + (try duration(parts[1])))
        case 2: (start, end) = (try time(parts[0]), try time(parts[1]))
        default: throw fail()
        }
        guard start < end else { throw HuntingError(.invalidQuery, "Timespan '\(text)' ends before it starts.") }
        return TimeWindow(start: start, end: end)
    }

    /// `P[nW][nD][T[nH][nM][n(.n)S]]` in ticks; nil when it is not one.
    static func durationTicks(_ text: String) -> Int64? {
        var rest = Substring(text.uppercased())
        guard rest.first == "P", rest.count > 1 else { return nil }
        rest = rest.dropFirst()
        let second = Double(Timestamp.ticksPerSecond)
        var total = 0.0
        var inTime = false
        var number = ""
        for character in rest {
            if character == "T", !inTime, number.isEmpty {
                inTime = true
                continue
            }
            if character.isNumber || character == "." || character == "," {
                number.append(character == "," ? "." : character)
                continue
            }
            guard let value = Double(number) else { return nil }
            let unit: Double? =
                switch (character, inTime) {
                case ("W", false): 7 * 86_400
                case ("D", false): 86_400
                case ("H", true): 3600
                case ("M", true): 60
                case ("S", true): 1
                default: nil
                }
            guard let unit else { return nil }
            total += value * unit * second
            number = ""
        }
        guard number.isEmpty, total > 0 else { return nil }
        return Int64(total)
    }
}
