import Foundation
import Testing

@testable import KQL

/// `datetime_utc_to_local` and `datetime_local_to_utc` read the system's zone files; without them (a machine
/// without tzdata) the functions return null and these cases are skipped.
@Suite("Time zones", .enabled(if: FileManager.default.fileExists(atPath: ZoneInfo.directory + "/Europe/Berlin")))
struct TimeZoneTests {
    private func run(_ query: String) throws -> [String] {
        let tables = GoldenTables(tables: [:])
        let result = try QueryEngine(catalog: tables).run(query, over: tables, now: 0)
        return (0..<result.schema.columns.count).map { GoldenFile.render(result.value(row: 0, column: $0)) }
    }

    @Test("UTC to local across daylight saving time, as in Kusto's documentation")
    func utcToLocal() throws {
        let values = try run(
            """
            print datetime_utc_to_local(datetime(2022-11-01 12:00), "US/Pacific"), datetime_utc_to_local(datetime(2022-07-01 12:00), "Europe/Berlin"), datetime_utc_to_local(datetime(2022-01-01 12:00), "Europe/Berlin")
            """
        )
        #expect(values == ["2022-11-01T05:00:00Z", "2022-07-01T14:00:00Z", "2022-01-01T13:00:00Z"])
    }

    @Test("local to UTC, the earlier instant in a repeated hour and the old offset in a skipped one")
    func localToUTC() throws {
        let values = try run(
            """
            print datetime_local_to_utc(datetime(2022-11-01 05:00), "US/Pacific"), datetime_local_to_utc(datetime(2022-10-30 02:30), "Europe/Berlin"), datetime_local_to_utc(datetime(2022-03-27 02:30), "Europe/Berlin")
            """
        )
        #expect(values == ["2022-11-01T12:00:00Z", "2022-10-30T00:30:00Z", "2022-03-27T01:30:00Z"])
    }

    @Test("unknown zones and paths outside the zone directory give null")
    func unknownZones() throws {
        let values = try run(#"print isnull(datetime_utc_to_local(now(), "Mars/Olympus")), isnull(datetime_utc_to_local(now(), "../../etc/passwd"))"#)
        #expect(values == ["true", "true"])
    }
}
