import KQL
import Testing

@Suite("Column segments")
struct SegmentStorageTests {
    @Test("integers pack into the fewest bytes: constants take none, small ranges one, millisecond times in a day four")
    func packing() {
        #expect(PackedIntegers([7, 7, 7]).residentBytes == PackedIntegers([Int64]()).residentBytes)
        #expect(PackedIntegers([1_000, 1_200, 1_255]).decoded() == [1_000, 1_200, 1_255])
        let day: Int64 = 864_000_000_000
        let times = (0..<1_000).map { 638_000_000_000_000_000 + Int64($0) * (day / 1_000) / 10_000 * 10_000 }
        let packed = PackedIntegers(times)
        #expect(packed.decoded() == times)
        #expect(packed.residentBytes - PackedIntegers([Int64]()).residentBytes <= 4 * times.count)
        let extremes: [Int64] = [.min, -1, 0, .max]
        #expect(PackedIntegers(extremes).decoded() == extremes)
        #expect(PackedIntegers(extremes).minimum == .min && PackedIntegers(extremes).maximum == .max)
    }

    @Test("null rows do not widen the packing and read back as null")
    func nulls() {
        let nulls = NullBitmap([false, true, false])
        let packed = PackedIntegers([10, .max, 11], ignoring: nulls)
        #expect(packed.maximum == 11)
        #expect(packed[0] == 10 && packed[2] == 11)
        #expect(NullBitmap([false, false]) == .none)
        #expect(NullBitmap([true, true]) == .all)
    }

    static let schema = TableSchema(
        name: "T",
        columns: [
            ColumnSchema(name: "Timestamp", type: .datetime), ColumnSchema(name: "Name", type: .string),
            ColumnSchema(name: "Count", type: .long), ColumnSchema(name: "Ratio", type: .real), ColumnSchema(name: "Flag", type: .bool),
        ]
    )

    static func segment(_ rows: [[ScalarValue]]) -> Segment {
        var builder = SegmentBuilder(schema: schema)
        for row in rows { builder.append(row) }
        return builder.build()
    }

    @Test("a segment keeps every value, its time range and one dictionary entry per distinct string")
    func segment() {
        let rows: [[ScalarValue]] = [
            [.datetime(200), .string("cmd.exe"), .long(1), .real(0.5), .bool(true)],
            [.datetime(100), .string("powershell.exe"), .null, .null, .bool(false)],
            [.datetime(300), .string("cmd.exe"), .long(-4), .real(2), .null],
        ]
        let segment = Self.segment(rows)
        #expect(segment.rowCount == 3)
        #expect(segment.timeRange == 100...300)
        for (row, values) in rows.enumerated() {
            #expect((0..<5).map { segment.value(row: row, column: $0) } == values)
        }
        guard case .text(_, let dictionary) = segment.columns[1] else {
            Issue.record("strings are dictionary-encoded")
            return
        }
        #expect(dictionary.values == ["cmd.exe", "powershell.exe"])
    }

    @Test("a column set twice in a row keeps the last value; unset columns are null")
    func overwrite() {
        var builder = SegmentBuilder(schema: Self.schema)
        builder.setText(1, "first")
        builder.setText(1, "second")
        builder.setInteger(2, 5)
        builder.setNull(2)
        builder.finishRow()
        let segment = builder.build()
        #expect(segment.value(row: 0, column: 1) == .string("second"))
        #expect(segment.value(row: 0, column: 2) == .null)
        #expect(segment.value(row: 0, column: 0) == .null)
        #expect(segment.timeRange == nil)
    }

    @Test("merging keeps the chosen rows in order and re-encodes the strings")
    func merge() {
        let first = Self.segment([
            [.datetime(1), .string("a"), .long(1), .real(1), .bool(true)], [.datetime(2), .string("b"), .long(2), .null, .null],
        ])
        let second = Self.segment([[.datetime(3), .string("b"), .long(3), .real(3), .bool(false)]])
        let merged = SegmentBuilder.merge([(first, [1]), (second, nil)], schema: Self.schema)
        #expect(merged.rowCount == 2)
        #expect((0..<2).map { merged.value(row: $0, column: 1) } == [.string("b"), .string("b")])
        #expect(merged.value(row: 0, column: 3) == .null)
        #expect(merged.timeRange == 2...3)
    }

    @Test("the term index finds whole terms without case; short terms and phrases are left to a scan")
    func termIndex() throws {
        let segment = Self.segment(
            ["powershell.exe -enc AAA", "cmd.exe /c whoami", "PowerShell -NoProfile", "notepad"].enumerated().map { index, text in
                [.datetime(Int64(index)), .string(text), .null, .null, .null]
            }
        )
        let index = try #require(segment.termIndex(column: 1))
        #expect(index.codes(having: "powershell") == [0, 2])
        #expect(index.codes(having: "WHOAMI") == [1])
        #expect(index.codes(having: "power") == [])
        #expect(index.codes(having: "c") == nil)
        #expect(index.codes(having: "cmd.exe") == nil)
        #expect(segment.termIndex(column: 2) == nil)
        #expect(segment.termIndexBytes > 0)
    }
}
