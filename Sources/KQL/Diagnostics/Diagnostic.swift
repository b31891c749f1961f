/// A half-open range of UTF-8 offsets into the query text.
public struct SourceSpan: Sendable, Hashable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    public func union(_ other: SourceSpan) -> SourceSpan {
        SourceSpan(start: min(start, other.start), end: max(end, other.end))
    }

    public var description: String { "\(start)..<\(end)" }
}

/// A problem found in a query: a stable code, a message and where in the text it is.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public let code: DiagnosticCode
    public let message: String
    public let span: SourceSpan

    public init(_ code: DiagnosticCode, _ message: String, at span: SourceSpan) {
        self.code = code
        self.message = message
        self.span = span
    }

    public var description: String { "\(code.rawValue) at \(span): \(message)" }

    /// Line and column (both from 1) of the start of the span within `source`.
    public func position(in source: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in source.utf8.prefix(span.start) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}

/// The catalogue of diagnostic codes. Codes are stable; messages may improve.
public struct DiagnosticCode: RawRepresentable, Sendable, Hashable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Text that is not a token of the language (an unterminated string, a stray character).
    public static let invalidToken = DiagnosticCode(rawValue: "KQL001")
    /// A token where the grammar expects something else.
    public static let syntaxError = DiagnosticCode(rawValue: "KQL002")
    /// A valid operator or function this engine does not run yet.
    public static let unsupported = DiagnosticCode(rawValue: "KQL003")
    /// A table name that is not in the catalog.
    public static let unknownTable = DiagnosticCode(rawValue: "KQL101")
    /// A column or scalar name that is not in scope.
    public static let unknownName = DiagnosticCode(rawValue: "KQL102")
    /// Operand types an operator does not accept together.
    public static let typeMismatch = DiagnosticCode(rawValue: "KQL103")
    /// A function name that does not exist.
    public static let unknownFunction = DiagnosticCode(rawValue: "KQL104")
    /// Arguments that do not fit the function or operator.
    public static let invalidArgument = DiagnosticCode(rawValue: "KQL105")
    /// The query was cancelled or ran out of its time or memory budget.
    public static let limitExceeded = DiagnosticCode(rawValue: "KQL201")
    /// A valid query that failed while running (an unreachable `externaldata` source, a bad regex).
    public static let executionFailed = DiagnosticCode(rawValue: "KQL202")
}

/// A query that could not be parsed, bound or run: one or more diagnostics.
public struct KQLError: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public init(_ code: DiagnosticCode, _ message: String, at span: SourceSpan) {
        self.diagnostics = [Diagnostic(code, message, at: span)]
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "; ") }
}
