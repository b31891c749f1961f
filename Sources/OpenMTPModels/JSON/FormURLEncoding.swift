import Foundation

extension String {
    /// Percent-encoded for a URL query or form value: RFC 3986 unreserved characters stay, everything else is escaped.
    public var formURLEncoded: String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}
