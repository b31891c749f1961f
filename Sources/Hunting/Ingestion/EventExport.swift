public import Foundation
import KQL
import OpenMTPModels

/// Writes a tenant's hunting data as `<Table>.jsonl`, one object a row with every column of the table in schema
/// order, values as the advanced hunting API writes them: the format `../shared/tools/peers/kql_peers.py --data`
/// loads, so the peers can run the same data.
public struct EventExport {
    let hunting: HuntingService

    public init(hunting: HuntingService) {
        self.hunting = hunting
    }

    /// - Returns: the rows written per table.
    public func write(tenantId: String, to folder: URL, progress: (String) -> Void = { _ in }) throws -> [String: Int] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var counts: [String: Int] = [:]
        for (table, segments) in hunting.tables(tenantId: tenantId).tables.sorted(by: { $0.key < $1.key }) {
            progress(table)
            let file = folder.appendingPathComponent("\(table).jsonl")
            guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: file.path])
            }
            let handle = try FileHandle(forWritingTo: file)
            defer { try? handle.close() }
            for segment in segments {
                var text = ""
                for row in 0..<segment.rowCount {
                    let members = segment.schema.columns.enumerated().map { index, column in
                        (column.name, ResultEncoder.json(segment.value(row: row, column: index), type: column.type))
                    }
                    text += JSONValue.object(members).serialized + "\n"
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
}
