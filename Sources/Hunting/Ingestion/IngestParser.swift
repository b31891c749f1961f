public import Foundation
public import OpenMTPModels

/// One row read from an import: its table, its place in the input (record or line number, from 1) and its fields.
public struct IngestRow: Sendable {
    public let table: String
    public let position: Int
    public let fields: [(String, JSONValue)]

    /// The value of `column`, when the row has it.
    public subscript(column: String) -> JSONValue? { fields.first { $0.0 == column }?.1 }
}

/// A row (or the input as a whole, position 0) that cannot be imported, and why.
public struct IngestProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let position: Int
    public let column: String?
    public let message: String

    public var description: String {
        let place = position == 0 ? "input" : "record \(position)"
        return column.map { "\(place), column '\($0)': \(message)" } ?? "\(place): \(message)"
    }
}

/// Reads the import formats into rows; structural problems (not JSON, no table) are collected, not thrown.
public enum IngestParser {
    /// Imports larger than this, once decompressed, are refused.
    public static let maxBytes = 512 * 1024 * 1024

    /// Rows and problems of `data` (gzip or not); a nil format is guessed from the content and `fileName`.
    public static func parse(
        _ data: Data,
        format requested: IngestFormat?,
        table: String?,
        fileName: String = ""
    )
        -> (rows: [IngestRow], problems: [IngestProblem])
    {
        var bytes = data
        if Gzip.isCompressed(data) {
            guard let inflated = Gzip.decompress(data, limit: maxBytes) else {
                return (
                    [],
                    [IngestProblem(position: 0, column: nil, message: "The gzip data is corrupt or larger than \(maxBytes) bytes once decompressed.")]
                )
            }
            bytes = inflated
        }
        let format = requested ?? IngestFormat.detect(Array(bytes.prefix(4096)), fileName: fileName)
        if !format.namesTables, table == nil {
            return ([], [IngestProblem(position: 0, column: nil, message: "The \(format.rawValue) format does not name its table: give the table.")])
        }
        switch format {
        case .streaming: return streaming(bytes)
        case .hunting: return hunting(bytes, table: table!)
        case .csv: return csv(bytes, table: table!)
        case .jsonl: return jsonLines(bytes) { object, position in (IngestRow(table: table!, position: position, fields: object), nil) }
        }
    }

    // MARK: Formats

    /// An Event Hub message (`{"records":[…]}`) or storage lines (one record a line).
    private static func streaming(_ bytes: Data) -> ([IngestRow], [IngestProblem]) {
        if let value = try? JSONDecoder().decode(JSONValue.self, from: bytes), case .array(let records)? = value["records"] {
            var rows: [IngestRow] = []
            var problems: [IngestProblem] = []
            for (index, record) in records.enumerated() {
                switch streamingRow(record, position: index + 1) {
                case .success(let row): rows.append(row)
                case .failure(let problem): problems.append(problem)
                }
            }
            return (rows, problems)
        }
        return jsonLines(bytes) { object, position in
            switch streamingRow(.object(object), position: position) {
            case .success(let row): return (row, nil)
            case .failure(let problem): return (nil, problem)
            }
        }
    }

    private static func streamingRow(_ record: JSONValue, position: Int) -> Result<IngestRow, IngestProblem> {
        guard case .string(let category)? = record["category"], category.hasPrefix("AdvancedHunting-") else {
            return .failure(
                IngestProblem(position: position, column: nil, message: "A Streaming API record needs \"category\": \"AdvancedHunting-<Table>\".")
            )
        }
        guard case .object(let properties)? = record["properties"] else {
            return .failure(IngestProblem(position: position, column: nil, message: "A Streaming API record needs a \"properties\" object."))
        }
        return .success(IngestRow(table: String(category.dropFirst("AdvancedHunting-".count)), position: position, fields: properties))
    }

    /// `{"Schema":[{"Name","Type"}…],"Results":[{…}…]}` as the advanced hunting API answers.
    private static func hunting(_ bytes: Data, table: String) -> ([IngestRow], [IngestProblem]) {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: bytes), case .array(let results)? = value["Results"] else {
            return (
                [],
                [
                    IngestProblem(
                        position: 0,
                        column: nil,
                        message: "Not an advanced hunting response: a JSON object with a \"Results\" array is expected."
                    )
                ]
            )
        }
        var rows: [IngestRow] = []
        var problems: [IngestProblem] = []
        for (index, result) in results.enumerated() {
            if case .object(let fields) = result {
                rows.append(IngestRow(table: table, position: index + 1, fields: fields))
            } else {
                problems.append(IngestProblem(position: index + 1, column: nil, message: "A result row must be a JSON object."))
            }
        }
        return (rows, problems)
    }

    /// One JSON object a line (CRLF or LF); blank lines are skipped; positions are line numbers.
    private static func jsonLines(_ bytes: Data, row: ([(String, JSONValue)], Int) -> (IngestRow?, IngestProblem?)) -> ([IngestRow], [IngestProblem])
    {
        var rows: [IngestRow] = []
        var problems: [IngestProblem] = []
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
            if trimmed.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(trimmed)), case .object(let object) = value else {
                problems.append(IngestProblem(position: lineNumber, column: nil, message: "The line is not a JSON object."))
                continue
            }
            let (parsed, problem) = row(object, lineNumber)
            if let parsed { rows.append(parsed) }
            if let problem { problems.append(problem) }
        }
        return (rows, problems)
    }

    /// RFC 4180 CSV with a header row; every value is read as text and converted by its column's type, an empty
    /// value being null. Positions are record numbers after the header.
    private static func csv(_ bytes: Data, table: String) -> ([IngestRow], [IngestProblem]) {
        var records = CSVReader(Array(bytes)).records()
        guard !records.isEmpty else { return ([], [IngestProblem(position: 0, column: nil, message: "The CSV has no header row.")]) }
        var header = records.removeFirst()
        if let first = header.first, first.hasPrefix("\u{FEFF}") { header[0] = String(first.dropFirst()) }
        var rows: [IngestRow] = []
        var problems: [IngestProblem] = []
        for (index, record) in records.enumerated() where !(record.count == 1 && record[0].isEmpty) {
            guard record.count == header.count else {
                problems.append(
                    IngestProblem(position: index + 1, column: nil, message: "The record has \(record.count) fields; the header has \(header.count).")
                )
                continue
            }
            let fields = zip(header, record).map { name, text in (name, text.isEmpty ? JSONValue.null : JSONValue.string(text)) }
            rows.append(IngestRow(table: table, position: index + 1, fields: fields))
        }
        return (rows, problems)
    }
}

/// Splits CSV text into records of fields: quoted fields may hold commas, quotes (doubled) and line breaks.
struct CSVReader {
    private let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func records() -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") && field.isEmpty {
                quoted = true
            } else if byte == UInt8(ascii: ",") {
                record.append(String(decoding: field, as: UTF8.self))
                field = []
            } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if byte == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                record.append(String(decoding: field, as: UTF8.self))
                records.append(record)
                record = []
                field = []
            } else {
                field.append(byte)
            }
            index += 1
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(String(decoding: field, as: UTF8.self))
            records.append(record)
        }
        return records
    }
}
