import KQL
import Testing

/// `summarize` over many segments runs on every core, each core over a run of consecutive segments, and merges
/// the partial results. These tests run each aggregate over the same rows stored as many segments and as one
/// (one segment is aggregated in a single pass) and expect the same table.
@Suite("Summarize across cores")
struct ParallelSummarizeTests {
    static let schema = TableSchema(
        name: "T",
        columns: [
            ColumnSchema(name: "Timestamp", type: .datetime), ColumnSchema(name: "Device", type: .string),
            ColumnSchema(name: "File", type: .string), ColumnSchema(name: "Size", type: .long), ColumnSchema(name: "Ratio", type: .real),
            ColumnSchema(name: "Flag", type: .bool), ColumnSchema(name: "Extra", type: .dynamic),
        ]
    )

    /// Deterministic rows: devices and files repeat across segments, some sizes are null, timestamps tie.
    static let rows: [[ScalarValue]] = (0..<3_000).map { row in
        let mix = (row &* 2_654_435_761) % 10_007
        return [
            .datetime(638_500_000_000_000_000 + Int64(mix % 97) * 600_000_000),
            .string("device-\(row % 13)"),
            .string("file-\(mix % 61).exe"),
            mix % 11 == 0 ? .null : .long(Int64(mix % 500) - 50),
            .real(Double(mix % 1_000) / 7),
            .bool(mix % 3 == 0),
            .dynamic(.bag(PropertyBag([("k\(mix % 5)", .long(Int64(mix % 4)))]))),
        ]
    }

    struct Tables: TableSource, Catalog {
        let segments: [Segment]
        func segments(of table: String) -> [Segment] { table == "T" ? segments : [] }
        func table(named name: String) -> TableSchema? { name == "T" ? ParallelSummarizeTests.schema : nil }
    }

    static func tables(segmentRows: Int) -> Tables {
        let segments = stride(from: 0, to: rows.count, by: segmentRows).map { start in
            var builder = SegmentBuilder(schema: schema)
            for row in rows[start..<min(start + segmentRows, rows.count)] { builder.append(row) }
            return builder.build()
        }
        return Tables(segments: segments)
    }

    static let aggregates = [
        "count(), countif(Flag), sum(Size), sumif(Ratio, Flag), min(File), max(Timestamp), maxif(Size, Flag)",
        "avg(Ratio), stdev(Size), variance(Ratio), stdevp(Ratio)",
        "dcount(File), dcountif(Size, Flag), dcount_hll(hll(File)), hll(Size)",
        "make_set(File), make_list(Size), make_list_with_nulls(Size), make_set_if(File, Flag, 5), make_list(File, 3)",
        "make_bag(Extra), buildschema(Extra)",
        "arg_max(Timestamp, *)",
        "arg_min(Size, File, Ratio)",
        "take_any(File, Size), take_anyif(File, Flag)",
        "percentile(Size, 50), percentiles(Ratio, 10, 90), percentilesw(Size, Size, 75), percentile_tdigest(tdigest(Size), 50)",
        "binary_all_or(Size), binary_all_and(Size), binary_all_xor(Size)",
    ]
    static let groupings = ["", " by Device", " by Device, bin(Timestamp, 1h)", " by Size"]

    @Test("every aggregate, with and without keys, gives over 30 segments what it gives over one", arguments: groupings)
    func sameAsOnePass(grouping: String) throws {
        let engine = QueryEngine(catalog: Self.tables(segmentRows: 3_000))
        let split = Self.tables(segmentRows: 100)
        let whole = Self.tables(segmentRows: 3_000)
        #expect(split.segments.count == 30 && whole.segments.count == 1)
        for aggregates in Self.aggregates {
            let query = "T | summarize \(aggregates)\(grouping)"
            let expected = try engine.run(query, over: whole, now: 0)
            let actual = try engine.run(query, over: split, now: 0)
            #expect(actual.schema == expected.schema, Comment(rawValue: query))
            #expect(actual.rowCount == expected.rowCount, Comment(rawValue: query))
            for row in 0..<min(actual.rowCount, expected.rowCount) {
                for column in expected.schema.columns.indices {
                    let (a, e) = (actual.value(row: row, column: column), expected.value(row: row, column: column))
                    // Moments merge by Chan's formula, which rounds differently from one running pass.
                    if case .real(let x) = a, case .real(let y) = e {
                        #expect(abs(x - y) <= 1e-9 * max(1, abs(y)), "\(query): row \(row), \(expected.schema.columns[column].name)")
                    } else {
                        #expect(a == e, "\(query): row \(row), \(expected.schema.columns[column].name)")
                    }
                }
            }
        }
    }
}
