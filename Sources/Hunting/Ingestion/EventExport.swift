public import Foundation
import KQL
import OpenMTPModels
public import Store

/// Writes a tenant's stored events as `<Table>.jsonl`, one object a row with every column of the table in schema
/// order, values as the advanced hunting API writes them: the format `../shared/tools/peers/kql_peers.py --data`
/// loads, so the peers can run the same data.
public struct EventExport {
    let catalog: HuntingCatalog
    let store: any HuntingEventStore

    public init(catalog: HuntingCatalog, store: any HuntingEventStore) {
        self.catalog = catalog
        self.store = store
    }

    /// - Returns: the rows written per table.
    public func write(tenantId: String, to folder: URL, progress: (String) -> Void = { _ in }) async throws -> [String: Int] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var handles: [String: FileHandle] = [:]
        defer { for handle in handles.values { try? handle.close() } }
        var counts: [String: Int] = [:]
        for batch in try await store.allEvents() where batch.tenantId == tenantId {
            guard let schema = catalog.table(named: batch.table) else { continue }
            if handles[batch.table] == nil {
                progress(batch.table)
                let file = folder.appendingPathComponent("\(batch.table).jsonl")
                guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
                    throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: file.path])
                }
                handles[batch.table] = try FileHandle(forWritingTo: file)
            }
            var text = ""
            for row in try RecordDecoder(schema: schema).decode(batch.records) {
                let members = zip(schema.columns, row).map { column, value in (column.name, ResultEncoder.json(value, type: column.type)) }
                text += JSONValue.object(members).serialized + "\n"
            }
            try handles[batch.table]!.write(contentsOf: Data(text.utf8))
            counts[batch.table, default: 0] += batch.records.count
        }
        return counts
    }
}
