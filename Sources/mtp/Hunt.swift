import ArgumentParser
import Foundation
import Hunting
import KQL
import OpenMTPModels
import Store

struct Hunt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hunt",
        abstract: "Run advanced hunting queries over a tenant's data, offline.",
        discussion: """
            One query:
              mtp hunt --data-dir DIR --tenant contoso.test --query 'DeviceProcessEvents | take 5'
            prints a table (or --format json|csv).

            With --batch, JSON lines {"id","query"} are read from standard input and one JSON line is written per \
            query: {"id","ok","rows","ms","columns":[{"name","type"}],"results"?,"error"?}; --results adds the rows \
            as arrays of values in column order (datetimes as ISO 8601 text, dynamic values as JSON).
            now() is the current time unless --now fixes it.
            """
    )

    @OptionGroup var tenant: TenantOptions
    @Option(help: "The query text.")
    var query: String?
    @Flag(help: "Read JSON lines {\"id\",\"query\"} from standard input and write one JSON line per query.")
    var batch = false
    @Flag(help: "With --batch: include each query's result rows.")
    var results = false
    @Option(help: "table, json or csv (for --query).")
    var format = "table"
    @Option(help: "The time now() stands for (ISO 8601), for repeatable results.")
    var now: String?
    @Option(help: "Rows printed at most (the API's cap is 100000).")
    var maxRows = 100_000
    @Option(
        name: .customLong("externaldata-dir"),
        help: "A folder of <host>/<path> copies of externaldata URIs (as wget --mirror writes them), read before the network."
    )
    var externalDataDirectory: String?

    func validate() throws {
        guard batch != (query != nil) else { throw ValidationError("Give either --query or --batch.") }
        guard ["table", "json", "csv"].contains(format) else { throw ValidationError("Unknown format '\(format)'; use table, json or csv.") }
        if let now, Timestamp(iso8601: now) == nil { throw ValidationError("--now must be an ISO 8601 time such as 2026-11-24T12:00:00Z.") }
    }

    func run() async throws {
        let (_, tenantRecord) = try await tenant.resolve()
        var limits = HuntingService.Limits()
        limits.maxResultRows = maxRows
        limits.externalData = HTTPExternalData(mirror: externalDataDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) })
        let hunting = HuntingService(catalog: try HuntingCatalog.bundled(), store: try tenant.data.openStore(), limits: limits)
        try hunting.loadStoredSegments()
        let fixedNow = now.flatMap { Timestamp(iso8601: $0) }
        if let query {
            do {
                let result = try await hunting.execute(query, tenantId: tenantRecord.id, now: fixedNow ?? Timestamp(Date()))
                print(ResultText.render(result, format: format, maxRows: maxRows), terminator: "")
            } catch {
                throw CommandFailure(error.message)
            }
            return
        }
        while let line = readLine() {
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            print(await answer(line, hunting: hunting, tenantId: tenantRecord.id, now: fixedNow))
        }
    }

    /// One batch line's answer.
    private func answer(_ line: String, hunting: HuntingService, tenantId: String, now: Timestamp?) async -> String {
        guard case .object(let members)? = try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)),
            case .string(let text)? = members.first(where: { $0.0 == "query" })?.1
        else {
            return ResultText.line([("id", .null), ("ok", .bool(false)), ("error", .string("Each line must be {\"id\",\"query\"}."))])
        }
        let id = members.first { $0.0 == "id" }?.1 ?? .null
        let started = ContinuousClock.now
        do {
            let result = try await hunting.execute(text, tenantId: tenantId, now: now ?? Timestamp(Date()))
            let elapsed = started.duration(to: .now)
            let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            var fields: [(String, JSONValue)] = [
                ("id", id), ("ok", .bool(true)), ("rows", .int(Int64(result.rowCount))), ("ms", .double((milliseconds * 1000).rounded() / 1000)),
                ("columns", .array(result.schema.columns.map { .object([("name", .string($0.name)), ("type", .string($0.type.rawValue))]) })),
            ]
            if results { fields.append(("results", .array(ResultText.rows(result, maxRows: maxRows).map(JSONValue.array)))) }
            return ResultText.line(fields)
        } catch {
            return ResultText.line([("id", id), ("ok", .bool(false)), ("error", .string(error.message))])
        }
    }
}

/// Query results as text: aligned tables, CSV, JSON lines.
enum ResultText {
    static func rows(_ result: QueryResult, maxRows: Int) -> [[JSONValue]] {
        (0..<min(result.returnedRows, maxRows)).map { row in
            result.schema.columns.indices.map { ResultEncoder.json(result.value(row: row, column: $0), type: result.schema.columns[$0].type) }
        }
    }

    static func line(_ fields: [(String, JSONValue)]) -> String {
        var writer = JSONWriter()
        writer.write(.object(fields))
        return writer.output
    }

    static func render(_ result: QueryResult, format: String, maxRows: Int) -> String {
        let names = result.schema.columns.map(\.name)
        let values = rows(result, maxRows: maxRows)
        let cells = values.map { $0.map(text) }
        var out = ""
        switch format {
        case "json":
            for row in values { out += line(Array(zip(names, row))) + "\n" }
        case "csv":
            out += names.map(csvField).joined(separator: ",") + "\n"
            for row in cells { out += row.map(csvField).joined(separator: ",") + "\n" }
        default:
            let widths = names.indices.map { column in min(60, max(names[column].count, cells.map { $0[column].count }.max() ?? 0)) }
            func format(_ values: [String]) -> String {
                zip(values, widths).map { value, width in
                    let clipped = value.count > width ? String(value.prefix(width - 1)) + "…" : value
                    return clipped.padding(toLength: width, withPad: " ", startingAt: 0)
                }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
            }
            out += format(names) + "\n" + format(widths.map { String(repeating: "-", count: $0) }) + "\n"
            for row in cells { out += format(row) + "\n" }
            let shown = min(result.returnedRows, maxRows)
            out += "(\(result.rowCount) row\(result.rowCount == 1 ? "" : "s")\(shown < result.rowCount ? ", \(shown) shown" : "")"
            out += result.visualization.map { "; render \($0)" } ?? ""
            out += ")\n"
        }
        return out
    }

    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case .string(let s): return s
        default:
            var writer = JSONWriter()
            writer.write(value)
            return writer.output
        }
    }

    private static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
