public import Foundation
import KQL
import OpenMTPModels

/// Writes a tenant's hunting data, one file a table:
/// - ``Format/jsonl``: `<Table>.jsonl`, one object a row with every column of the table in schema order, values as
///   the advanced hunting API writes them: the format `../shared/tools/peers/kql_peers.py --data` loads, so the
///   peers can run the same data;
/// - ``Format/streaming``: `<Table>.records.jsonl`, one Streaming API record a line (`time`, `tenantId`,
///   `operationName`, `category`, `properties`), as Defender writes them to storage, to test consumers with.
///
/// Rows are encoded in blocks on every core and written in their order.
public struct EventExport {
    public enum Format: String, CaseIterable, Sendable {
        case jsonl, streaming

        var fileSuffix: String { self == .jsonl ? ".jsonl" : ".records.jsonl" }
    }

    let hunting: HuntingService
    /// Rows a block holds: a block's text is built in memory before it is written.
    public static let blockRows = 4096

    public init(hunting: HuntingService) {
        self.hunting = hunting
    }

    /// - Returns: the rows written per table.
    public func write(tenantId: String, to folder: URL, format: Format = .jsonl, progress: (String) -> Void = { _ in }) throws -> [String: Int] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let batchSize = 4 * ProcessInfo.processInfo.activeProcessorCount
        var counts: [String: Int] = [:]
        for (table, segments) in hunting.tables(tenantId: tenantId).tables.sorted(by: { $0.key < $1.key }) {
            progress(table)
            let file = folder.appendingPathComponent(table + format.fileSuffix)
            guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: file.path])
            }
            let handle = try FileHandle(forWritingTo: file)
            defer { try? handle.close() }
            let blocks = segments.flatMap { segment in
                stride(from: 0, to: segment.rowCount, by: Self.blockRows).map { start in
                    RowBlock(segment: segment, rows: start..<min(start + Self.blockRows, segment.rowCount))
                }
            }
            for start in stride(from: 0, to: blocks.count, by: batchSize) {
                let texts = Parallel.map(Array(blocks[start..<min(start + batchSize, blocks.count)])) { block in
                    LineEncoder(segment: block.segment, format: format, tenantId: tenantId).lines(block.rows)
                }
                for text in texts { try handle.write(contentsOf: Data(text.utf8)) }
            }
            counts[table] = segments.reduce(0) { $0 + $1.rowCount }
        }
        return counts
    }

    /// At most `limit` rows of one table as lines of `format`.
    public func lines(of table: String, tenantId: String, format: Format, limit: Int) -> [String] {
        var lines: [String] = []
        for segment in hunting.tables(tenantId: tenantId).segments(of: table) {
            var encoder = LineEncoder(segment: segment, format: format, tenantId: tenantId)
            for row in 0..<min(segment.rowCount, limit - lines.count) {
                lines.append(encoder.line(row))
            }
            guard lines.count < limit else { break }
        }
        return lines
    }
}

/// Rows of one segment: the unit of work of an export.
private struct RowBlock: Sendable {
    let segment: Segment
    let rows: Range<Int>
}

/// Encodes rows of one segment as JSON lines. Text columns are dictionary codes, so each distinct value is escaped
/// once and its JSON reused for every row that holds it.
private struct LineEncoder {
    typealias Format = EventExport.Format

    let segment: Segment
    let format: Format
    /// `{"Name":` for the first column and `,"Name":` for the others.
    private let keys: [String]
    /// The streaming record's members after `time` and before `properties`.
    private let recordMembers: String
    private let timeColumn: Int?
    /// The JSON of each text value met so far, by column and dictionary code.
    private var escaped: [[UInt32: String]]

    init(segment: Segment, format: Format, tenantId: String) {
        self.segment = segment
        self.format = format
        keys = segment.schema.columns.enumerated().map { index, column in
            var writer = JSONWriter()
            writer.writeRaw(index == 0 ? "{" : ",")
            writer.writeString(column.name)
            writer.writeRaw(":")
            return writer.output
        }
        var members = JSONWriter()
        for (name, value) in [("tenantId", tenantId), ("operationName", "Publish"), ("category", "AdvancedHunting-" + segment.schema.name)] {
            members.writeRaw(",")
            members.writeString(name)
            members.writeRaw(":")
            members.writeString(value)
        }
        members.writeRaw(",\"properties\":")
        recordMembers = members.output
        timeColumn = segment.schema.columnIndex(Segment.timeColumn)
        escaped = Array(repeating: [:], count: segment.columns.count)
    }

    /// The lines of `rows`, each ended by a newline.
    func lines(_ rows: Range<Int>) -> String {
        var encoder = self
        var writer = JSONWriter()
        for row in rows {
            encoder.write(row, to: &writer)
            writer.writeRaw("\n")
        }
        return writer.output
    }

    mutating func line(_ row: Int) -> String {
        var writer = JSONWriter()
        write(row, to: &writer)
        return writer.output
    }

    private mutating func write(_ row: Int, to writer: inout JSONWriter) {
        if format == .streaming {
            writer.writeRaw("{\"time\":")
            if let timeColumn { writeCell(row, column: timeColumn, to: &writer) } else { writer.writeRaw("null") }
            writer.writeRaw(recordMembers)
        }
        if keys.isEmpty { writer.writeRaw("{") }
        for column in keys.indices {
            writer.writeRaw(keys[column])
            writeCell(row, column: column, to: &writer)
        }
        writer.writeRaw(format == .streaming ? "}}" : "}")
    }

    /// One value as the advanced hunting API writes it (``ResultEncoder/json(_:type:)``).
    private mutating func writeCell(_ row: Int, column: Int, to writer: inout JSONWriter) {
        guard case .text(let codes, let dictionary) = segment.columns[column] else {
            writer.write(ResultEncoder.json(segment.value(row: row, column: column), type: segment.schema.columns[column].type))
            return
        }
        let code = UInt32(codes[row])
        if let json = escaped[column][code] {
            writer.writeRaw(json)
            return
        }
        var value = JSONWriter()
        value.writeString(dictionary[Int(code)])
        escaped[column][code] = value.output
        writer.writeRaw(value.output)
    }
}
