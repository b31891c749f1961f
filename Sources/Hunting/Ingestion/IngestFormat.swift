/// The data formats OpenMTP imports into advanced hunting tables.
public enum IngestFormat: String, CaseIterable, Sendable {
    /// Streaming API records: an Event Hub message `{"records":[…]}` or a storage blob with one record a line;
    /// each record's `category` (`AdvancedHunting-<Table>`) names its table. Gzip is accepted.
    case streaming
    /// The advanced hunting API's own response (`{"Schema":[…],"Results":[…]}`), to replay rows pulled from a real
    /// tenant; the table must be given.
    case hunting
    /// CSV as the portal exports it: a header row of column names; the table must be given.
    case csv
    /// One JSON object a line, properties named after the columns; the table must be given.
    case jsonl

    /// Whether rows of this format carry their table.
    public var namesTables: Bool { self == .streaming }

    /// Guesses the format from a file's first bytes and name.
    public static func detect(_ prefix: [UInt8], fileName: String) -> IngestFormat {
        let lower = fileName.lowercased()
        if lower.hasSuffix(".csv") || lower.hasSuffix(".csv.gz") { return .csv }
        let text = String(decoding: prefix.prefix(4096), as: UTF8.self)
        if text.contains("\"category\"") && text.contains("AdvancedHunting-") { return .streaming }
        if text.contains("\"Schema\"") && text.contains("\"Results\"") { return .hunting }
        return .jsonl
    }
}
