/// A lexical token of KQL.
public struct Token: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A name or keyword (`where`, `DeviceName`, `has_cs`), or a negated operator word (`!has`, `!in~`).
        case identifier(String)
        case string(String)
        case long(Int64)
        case real(Double)
        /// A timespan literal (`7d`, `1.5h`) in 100 ns ticks.
        case timespan(Int64)
        /// Punctuation and symbolic operators: `|`, `(`, `==`, `=~`, `!=` …
        case symbol(String)
        case end
    }

    public let kind: Kind
    public let span: SourceSpan

    public init(_ kind: Kind, _ span: SourceSpan) {
        self.kind = kind
        self.span = span
    }

    public func isSymbol(_ text: String) -> Bool { kind == .symbol(text) }
    public func isWord(_ text: String) -> Bool { kind == .identifier(text) }

    public var identifier: String? {
        if case .identifier(let name) = kind { return name }
        return nil
    }
}
