import ArgumentParser
import Foundation
import Hunting
import Store

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a tenant's advanced hunting events as <Table>.jsonl files, one JSON object a row.",
        discussion: "The files load into the peer engines: ../shared/tools/peers/kql_peers.py duckdb_kql --data FOLDER …"
    )

    @OptionGroup var tenant: TenantOptions
    @Option(help: "The folder to write into (created if needed).")
    var out: String
    @Option(help: "jsonl: <Table>.jsonl of rows (what the peer engines load); streaming: <Table>.records.jsonl of Streaming API records.")
    var format = "jsonl"

    func validate() throws {
        guard EventExport.Format(rawValue: format) != nil else { throw ValidationError("Unknown format '\(format)'; use jsonl or streaming.") }
    }

    func run() async throws {
        let (_, tenantRecord) = try await tenant.resolve()
        let hunting = HuntingService(catalog: try HuntingCatalog.bundled(), store: try tenant.data.openStore())
        try hunting.loadStoredSegments()
        let progress = ProgressBar(total: 1)
        let folder = URL(fileURLWithPath: out, isDirectory: true)
        let counts = try EventExport(hunting: hunting).write(tenantId: tenantRecord.id, to: folder, format: EventExport.Format(rawValue: format)!) {
            table in
            progress.show(done: 0, label: "writing \(table)")
        }
        progress.clear()
        for (table, rows) in counts.sorted(by: { $0.key < $1.key }) { print("\(table)  \(rows) rows") }
        print("exported \(counts.values.reduce(0, +)) rows of \(tenantRecord.domain) to \(out)")
    }
}
