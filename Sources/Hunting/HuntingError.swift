public import KQL

/// The one error type of advanced hunting: a stable code, and the KQL diagnostics when the query was at fault.
public struct HuntingError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The query text is wrong (syntax, names, types); the caller can fix it.
        case invalidQuery = "InvalidQuery"
        /// The query ran out of its time budget or was cancelled.
        case queryTimedOut = "QueryTimedOut"
        /// Event records that do not fit their table.
        case invalidRecords = "InvalidRecords"
        case schemaUnavailable = "SchemaUnavailable"
        /// Stored hunting data that does not read back.
        case corruptData = "CorruptData"
    }

    public let code: Code
    public let message: String
    public let diagnostics: [Diagnostic]
    /// The rows an import could not take, when records were at fault.
    public let problems: [IngestProblem]

    init(_ code: Code, _ message: String, diagnostics: [Diagnostic] = [], problems: [IngestProblem] = []) {
        self.code = code
        self.message = message
        self.diagnostics = diagnostics
        self.problems = problems
    }

    static func schemaUnavailable(_ message: String) -> HuntingError { HuntingError(.schemaUnavailable, message) }

    public var description: String { "\(code.rawValue): \(message)" }
}
