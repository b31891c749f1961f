/// The operators of scalar expressions, as the evaluator applies them.
public enum Comparison: String, Sendable, Equatable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    func holds(_ order: Int) -> Bool {
        switch self {
        case .equal: order == 0
        case .notEqual: order != 0
        case .less: order < 0
        case .lessOrEqual: order <= 0
        case .greater: order > 0
        case .greaterOrEqual: order >= 0
        }
    }
}

public enum ArithmeticOperator: String, Sendable, Equatable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case modulo = "%"
}

/// A string predicate with its case rule and polarity.
public struct TextPredicate: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case equals, has, contains, startsWith, endsWith, hasPrefix, hasSuffix
    }

    public let kind: Kind
    public let caseSensitive: Bool
    public let negated: Bool

    /// The predicate an operator word or symbol stands for (`!has_cs`, `=~`, `startswith` …).
    static func named(_ text: String) -> TextPredicate? {
        switch text {
        case "=~": return TextPredicate(kind: .equals, caseSensitive: false, negated: false)
        case "!~": return TextPredicate(kind: .equals, caseSensitive: false, negated: true)
        default: break
        }
        let negated = text.hasPrefix("!")
        var word = negated ? String(text.dropFirst()) : text
        let caseSensitive = word.hasSuffix("_cs")
        if caseSensitive { word.removeLast(3) }
        let kind: Kind? =
            switch word {
            case "has": .has
            case "contains": .contains
            case "startswith": .startsWith
            case "endswith": .endsWith
            case "hasprefix": .hasPrefix
            case "hassuffix": .hasSuffix
            default: nil
            }
        return kind.map { TextPredicate(kind: $0, caseSensitive: caseSensitive, negated: negated) }
    }
}
