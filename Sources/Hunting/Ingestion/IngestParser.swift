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

/// Reads the import formats into an ``IngestBatch``; structural problems (not JSON, no table) become its problems.
public enum IngestParser {
    /// Imports larger than this, once decompressed, are refused.
    public static let maxBytes = 512 * 1024 * 1024

    /// Reads `data` (gzip or not) into `batch`; a nil format is guessed from the content and `fileName`.
    public static func parse(_ data: Data, format requested: IngestFormat?, table: String?, fileName: String = "", into batch: inout IngestBatch) {
        var bytes = data
        if Gzip.isCompressed(data) {
            guard let inflated = Gzip.decompress(data, limit: maxBytes) else {
                return batch.report(inputProblem("The gzip data is corrupt or larger than \(maxBytes) bytes once decompressed."))
            }
            bytes = inflated
        }
        let format = requested ?? IngestFormat.detect(Array(bytes.prefix(4096)), fileName: fileName)
        guard format.namesTables || table != nil else {
            return batch.report(inputProblem("The \(format.rawValue) format does not name its table: give the table."))
        }
        bytes.withUnsafeBytes { raw in
            switch format {
            case .streaming: streaming(raw, into: &batch)
            case .hunting: hunting(raw, table: table!, into: &batch)
            case .csv: csv(Array(raw), table: table!, into: &batch)
            case .jsonl:
                jsonLines(raw, into: &batch) { scanner, batch, line throws(JSONSyntaxError) in
                    try fields(&scanner, of: table!, at: line, into: &batch)
                }
            }
        }
    }

    private static func inputProblem(_ message: String) -> IngestProblem {
        IngestProblem(position: 0, column: nil, message: message)
    }

    // MARK: Formats

    /// An Event Hub message (`{"records":[…]}`, records numbered from 1) or storage lines (one record a line,
    /// numbered by line).
    private static func streaming(_ bytes: UnsafeRawBufferPointer, into batch: inout IngestBatch) {
        var probe = JSONScanner(bytes)
        let isMessage = (try? probe.beginObject()) != nil && (try? probe.nextKey()).flatMap { $0 }.map { $0.elementsEqual("records".utf8) } == true
        guard isMessage else {
            return jsonLines(bytes, into: &batch) { scanner, batch, line throws(JSONSyntaxError) in
                try streamingRecord(&scanner, at: line, into: &batch)
            }
        }
        var record = 0
        do throws(JSONSyntaxError) {
            try probe.beginArray()
            while try probe.nextElement() {
                record += 1
                try streamingRecord(&probe, at: record, into: &batch)
            }
        } catch {
            batch.report(
                IngestProblem(position: record, column: nil, message: "The message is not valid JSON at byte \(error.offset): \(error.message).")
            )
        }
    }

    /// One record: its `category` names the table, its `properties` are the row (in either order).
    private static func streamingRecord(_ scanner: inout JSONScanner, at position: Int, into batch: inout IngestBatch) throws(JSONSyntaxError) {
        try scanner.beginObject()
        var table: String?
        var deferredProperties: Int?
        var properties = false
        while let key = try scanner.nextKey() {
            if key.elementsEqual("category".utf8), case .text(let category) = try scanner.value() {
                table = category.starts(with: prefix.utf8) ? String(decoding: category.dropFirst(prefix.utf8.count), as: UTF8.self) : nil
            } else if key.elementsEqual("properties".utf8), scanner.peek() == UInt8(ascii: "{") {
                properties = true
                if let table {
                    try fields(&scanner, of: table, at: position, into: &batch)
                    deferredProperties = nil
                } else {
                    deferredProperties = scanner.index
                    try scanner.skipValue()
                }
            } else {
                try scanner.skipValue()
            }
        }
        guard let table else {
            return batch.report(
                IngestProblem(position: position, column: nil, message: "A Streaming API record needs \"category\": \"\(prefix)<Table>\".")
            )
        }
        guard properties else {
            return batch.report(IngestProblem(position: position, column: nil, message: "A Streaming API record needs a \"properties\" object."))
        }
        if let deferredProperties {
            var later = JSONScanner(scanner.bytes, from: deferredProperties)
            try fields(&later, of: table, at: position, into: &batch)
        }
    }

    private static let prefix = "AdvancedHunting-"

    /// An object whose members are the columns of a row of `table`.
    private static func fields(
        _ scanner: inout JSONScanner,
        of table: String,
        at position: Int,
        into batch: inout IngestBatch
    ) throws(JSONSyntaxError) {
        try scanner.beginObject()
        let known = batch.beginRow(table: table, position: position)
        while let key = try scanner.nextKey() {
            let value = try scanner.value()
            if known { batch.set(key, value) }
        }
        batch.finishRow()
    }

    /// `{"Schema":[{"Name","Type"}…],"Results":[{…}…]}` as the advanced hunting API answers; rows numbered from 1.
    private static func hunting(_ bytes: UnsafeRawBufferPointer, table: String, into batch: inout IngestBatch) {
        var scanner = JSONScanner(bytes)
        var sawResults = false
        var row = 0
        do throws(JSONSyntaxError) {
            try scanner.beginObject()
            while let key = try scanner.nextKey() {
                guard key.elementsEqual("Results".utf8), scanner.peek() == UInt8(ascii: "[") else {
                    try scanner.skipValue()
                    continue
                }
                sawResults = true
                try scanner.beginArray()
                while try scanner.nextElement() {
                    row += 1
                    if scanner.peek() == UInt8(ascii: "{") {
                        try fields(&scanner, of: table, at: row, into: &batch)
                    } else {
                        batch.report(IngestProblem(position: row, column: nil, message: "A result row must be a JSON object."))
                        try scanner.skipValue()
                    }
                }
            }
        } catch {
            sawResults = true
            batch.report(
                IngestProblem(position: row, column: nil, message: "The response is not valid JSON at byte \(error.offset): \(error.message).")
            )
        }
        if !sawResults {
            batch.report(inputProblem("Not an advanced hunting response: a JSON object with a \"Results\" array is expected."))
        }
    }

    /// One JSON object a line (CRLF or LF); blank lines are skipped; positions are line numbers.
    private static func jsonLines(
        _ bytes: UnsafeRawBufferPointer,
        into batch: inout IngestBatch,
        line read: (inout JSONScanner, inout IngestBatch, Int) throws(JSONSyntaxError) -> Void
    ) {
        var scanner = JSONScanner(bytes)
        var lineStart = 0
        var lineNumber = 0
        while lineStart < bytes.count {
            lineNumber += 1
            let lineEnd = newline(in: bytes, from: lineStart)
            defer { lineStart = lineEnd + 1 }
            scanner.move(to: lineStart)
            guard let first = scanner.peek(), scanner.index < lineEnd else { continue }
            guard first == UInt8(ascii: "{") else {
                batch.report(IngestProblem(position: lineNumber, column: nil, message: "The line is not a JSON object."))
                continue
            }
            do throws(JSONSyntaxError) {
                try read(&scanner, &batch, lineNumber)
                if scanner.peek() != nil, scanner.index < lineEnd { throw scanner.fail("the end of the line") }
            } catch {
                let column = error.offset - lineStart + 1
                batch.report(
                    IngestProblem(position: lineNumber, column: nil, message: "The line is not valid JSON at character \(column): \(error.message).")
                )
            }
        }
    }

    /// The offset of the next line feed at or after `start`, or the end.
    private static func newline(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard let base = bytes.baseAddress, start < bytes.count, let found = memchr(base + start, 0x0A, bytes.count - start) else {
            return bytes.count
        }
        return UnsafeRawPointer(found) - base
    }

    /// RFC 4180 CSV with a header row; every value is read as text and converted by its column's type, an empty
    /// value being null. Positions are record numbers after the header.
    private static func csv(_ bytes: [UInt8], table: String, into batch: inout IngestBatch) {
        var records = CSVReader(bytes).records()
        guard !records.isEmpty else { return batch.report(inputProblem("The CSV has no header row.")) }
        var header = records.removeFirst()
        if let first = header.first, first.hasPrefix("\u{FEFF}") { header[0] = String(first.dropFirst()) }
        for (index, record) in records.enumerated() where !(record.count == 1 && record[0].isEmpty) {
            guard record.count == header.count else {
                batch.report(
                    IngestProblem(position: index + 1, column: nil, message: "The record has \(record.count) fields; the header has \(header.count).")
                )
                continue
            }
            guard batch.beginRow(table: table, position: index + 1) else { continue }
            for (name, text) in zip(header, record) { batch.set(name, text.isEmpty ? .null : .string(text)) }
            batch.finishRow()
        }
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
