/// A regular expression of a query (RE2 syntax, which Swift's regex engine reads for the features queries use).
struct KQLRegex {
    private let regex: Regex<AnyRegexOutput>

    init(_ pattern: String, at span: SourceSpan) throws(KQLError) {
        do {
            regex = try Regex(pattern)
        } catch {
            throw KQLError(.invalidArgument, "The regular expression '\(pattern)' is not valid: \(error).", at: span)
        }
    }

    func matches(_ text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }

    /// The whole match and each group of the first match (nil for a group that did not take part).
    func firstMatch(_ text: String) -> [String?]? {
        guard let match = try? regex.firstMatch(in: text) else { return nil }
        return Self.groups(match)
    }

    /// Where each match lies in `text`.
    func ranges(in text: Substring) -> [Range<String.Index>] {
        text.matches(of: regex).map(\.range)
    }

    func allMatches(_ text: String) -> [[String?]] {
        text.matches(of: regex).map(Self.groups)
    }

    /// Every match replaced by `rewrite`, where `\1`…`\9` (or `$1`) insert groups.
    func replace(in text: String, with rewrite: String) -> String {
        text.replacing(regex) { match in
            let groups = Self.groups(match)
            var out = ""
            var characters = rewrite.makeIterator()
            while let character = characters.next() {
                if character == "\\" || character == "$" {
                    if let next = characters.next() {
                        if let digit = next.wholeNumberValue, digit < groups.count {
                            out += groups[digit] ?? ""
                        } else {
                            out.append(character)
                            out.append(next)
                        }
                        continue
                    }
                }
                out.append(character)
            }
            return out
        }
    }

    /// `trim`: leading and/or trailing runs of matches removed.
    func trim(_ text: String, start: Bool, end: Bool) -> String {
        var result = Substring(text)
        if start {
            while !result.isEmpty, let match = try? regex.prefixMatch(in: result), !match.range.isEmpty {
                result = result[match.range.upperBound...]
            }
        }
        if end {
            var changed = true
            while changed, !result.isEmpty {
                changed = false
                for match in result.matches(of: regex) where match.range.upperBound == result.endIndex && !match.range.isEmpty {
                    result = result[..<match.range.lowerBound]
                    changed = true
                    break
                }
            }
        }
        return String(result)
    }

    private static func groups(_ match: Regex<AnyRegexOutput>.Match) -> [String?] {
        (0..<match.output.count).map { match.output[$0].substring.map(String.init) }
    }
}
