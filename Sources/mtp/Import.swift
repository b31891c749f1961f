import ArgumentParser
import Foundation
import Hunting
import Store

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import events into a tenant's advanced hunting tables.",
        discussion: """
            Formats (--format, guessed from each file when not given):
              streaming  Streaming API records: an Event Hub message {"records":[…]} or a storage blob, one record a line
              hunting    an advanced hunting API response {"Schema":[…],"Results":[…]} (needs --table)
              csv        a portal CSV export with a header row (needs --table)
              jsonl      one JSON object a line, named after the columns (needs --table)
            Any file may be gzip-compressed. Each file is one batch: every row is checked first, and either all of
            its rows are stored or, with a report of every problem, none. A running server sees imported rows after
            a restart; to import into a running server, POST to /api/advancedhunting/import instead.
            """
    )

    @OptionGroup var tenant: TenantOptions
    @Option(help: "The file format: streaming, hunting, csv or jsonl (default: guessed per file).")
    var format: String?
    @Option(help: "The table the rows belong to (formats other than streaming).")
    var table: String?
    @Argument(help: "The files to import.")
    var files: [String]

    func validate() throws {
        if let format, IngestFormat(rawValue: format) == nil {
            throw ValidationError("Unknown format '\(format)'; use streaming, hunting, csv or jsonl.")
        }
    }

    func run() async throws {
        let (_, tenantRecord) = try await tenant.resolve()
        let hunting = HuntingService(catalog: try HuntingCatalog.bundled(), store: try tenant.data.openStore())
        let progress = ProgressBar(total: files.count)
        var imported = 0
        var failed = 0
        for (index, file) in files.enumerated() {
            progress.show(done: index, label: "reading \(URL(fileURLWithPath: file).lastPathComponent)")
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            progress.show(done: index, label: "parsing")
            var batch = IngestBatch(catalog: hunting.catalog)
            IngestParser.parse(data, format: format.flatMap(IngestFormat.init(rawValue:)), table: table, fileName: file, into: &batch)
            do {
                progress.show(done: index, label: "storing \(batch.rowCount) rows")
                let counts = try await hunting.ingest(batch, tenantId: tenantRecord.id)
                let rows = counts.values.reduce(0, +)
                imported += rows
                progress.clear()
                let tables = counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                print("\(file): \(rows) rows (\(tables))")
            } catch let error as HuntingError {
                failed += 1
                progress.clear()
                print("\(file): \(error.message)")
            }
        }
        progress.clear()
        print("imported \(imported) rows into \(tenantRecord.domain)" + (failed > 0 ? "; \(failed) file(s) refused" : ""))
        if failed > 0 { throw ExitCode(1) }
    }
}
