import Hunting
import KQL
import OpenMTPModels
import Testing

/// Graph's `Timespan` forms, read against a fixed now.
@Suite("Hunting timespans")
struct HuntingTimespanTests {
    static let now = Timestamp(iso8601: "2026-11-25T12:00:00Z")!
    static func ticks(_ text: String) -> Int64 { Timestamp(iso8601: text)!.ticks }

    @Test(
        "intervals, durations before an end, after a start, ending now, and a lone start",
        arguments: [
            ("2026-11-01T00:00:00Z/2026-11-02T00:00:00Z", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z"),
            ("P1D/2026-11-02T00:00:00Z", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z"),
            ("2026-11-01T00:00:00Z/PT36H", "2026-11-01T00:00:00Z", "2026-11-02T12:00:00Z"),
            ("P1W", "2026-11-18T12:00:00Z", "2026-11-25T12:00:00Z"),
            ("PT1.5S", "2026-11-25T11:59:58.5Z", "2026-11-25T12:00:00Z"),
            ("2026-11-20T00:00:00Z", "2026-11-20T00:00:00Z", "2026-11-25T12:00:00Z"),
        ]
    )
    func forms(text: String, start: String, end: String) throws {
        #expect(try HuntingTimespan.window(text, now: Self.now) == TimeWindow(start: Self.ticks(start), end: Self.ticks(end)))
    }

    @Test(
        "months, garbage, empty parts and reversed intervals are refused",
        arguments: ["P1M", "yesterday", "/P1D", "P", "2026-11-02T00:00:00Z/2026-11-01T00:00:00Z"]
    )
    func refused(text: String) {
        #expect(throws: HuntingError.self) { try HuntingTimespan.window(text, now: Self.now) }
    }
}
