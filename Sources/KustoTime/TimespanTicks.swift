/// Kusto's timespan text: .NET's constant format `[-][d.]hh:mm:ss[.fffffff]`.
public enum TimespanTicks {
    public static func format(_ ticks: Int64) -> String {
        let negative = ticks < 0
        let magnitude = ticks.magnitude
        let perSecond = UInt64(DateTimeTicks.perSecond)
        let totalSeconds = magnitude / perSecond
        let fraction = magnitude % perSecond
        let days = totalSeconds / 86_400
        var text = negative ? "-" : ""
        if days > 0 { text += "\(days)." }
        text += two(totalSeconds / 3600 % 24) + ":" + two(totalSeconds / 60 % 60) + ":" + two(totalSeconds % 60)
        if fraction > 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: 7 - digits.count) + digits
        }
        return text
    }

    private static func two(_ value: UInt64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
