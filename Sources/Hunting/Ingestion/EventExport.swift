public import Foundation
import KQL
import OpenMTPModels

/// Writes a tenant's hunting data, one file a table:
/// - ``Format/jsonl``: `<Table>.jsonl`, one object a row with every column of the table in schema order, values as
///   the advanced hunting API writes them: the format `../shared/tools/peers/kql_peers.py --data` loads, so the
///   peers can run the same data;
/// - ``Format/streaming``: `<Table>.records.jsonl`, one Streaming API record a line (`time`, `tenantId`,
///   `operationName`, `category`, `properties`), as Defender writes them to storage, to test consumers with.
public struct EventExport {
    public enum Format: String, CaseIterable, Sendable {
        case jsonl, streaming

        var fileSuffix: String { self == .jsonl ? ".jsonl" : ".records.jsonl" }
    }

    let hunting: HuntingService

    public init(hunting: HuntingService) {
        self.hunting = hunting
    }

    /// - Returns: the rows written per table.
    public func write(tenantId: String, to folder: URL, format: Format = .jsonl, progress: (String) -> Void = { _ in }) throws -> [String: Int] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var counts: [String: Int] = [:]
        for (table, segments) in hunting.tables(tenantId: tenantId).tables.sorted(by: { $0.key < $1.key }) {
            progress(table)
            let file = folder.appendingPathComponent(table + format.fileSuffix)
            guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: file.path])
            }
            let handle = try FileHandle(forWritingTo: file)
            defer { try? handle.close() }
            for segment in segments {
                var text = ""
                for row in 0..<segment.rowCount {
                    text += line(segment, row: row, format: format, tenantId: tenantId) + "\n"
                    if text.utf8.count > 1 << 20 {
                        try handle.write(contentsOf: Data(text.utf8))
                        text = ""
                    }
                }
                try handle.write(contentsOf: Data(text.utf8))
                counts[table, default: 0] += segment.rowCount
            }
        }
        return counts
    }

    /// At most `limit` rows of one table as lines of `format`.
    public func lines(of table: String, tenantId: String, format: Format, limit: Int) -> [String] {
        var lines: [String] = []
        for segment in hunting.tables(tenantId: tenantId).segments(of: table) {
            for row in 0..<segment.rowCount {
                guard lines.count < limit else { return lines }
                lines.append(line(segment, row: row, format: format, tenantId: tenantId))
            }
        }
        return lines
    }

    private func line(_ segment: Segment, row: Int, format: Format, tenantId: String) -> String {
        let members = segment.schema.columns.enumerated().map { index, column in
            (column.name, ResultEncoder.json(segment.value(row: row, column: index), type: column.type))
        }
        let properties = JSONValue.object(members)
        guard format == .streaming else { return properties.serialized }
        let time = members.first { $0.0 == Segment.timeColumn }?.1 ?? .null
        return JSONValue.object([
            ("time", time), ("tenantId", .string(tenantId)), ("operationName", .string("Publish")),
            ("category", .string("AdvancedHunting-" + segment.schema.name)), ("properties", properties),
        ]).serialized
    }
}
