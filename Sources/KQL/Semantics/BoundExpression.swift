/// A type-checked scalar expression whose names are resolved to column positions of its input.
public indirect enum BoundExpression: Sendable, Equatable {
    case column(Int, ScalarType)
    case constant(ScalarValue, ScalarType)
    /// `==`, `!=`, `<` … between values of comparable types (numbers with numbers, text with text …).
    case compare(Comparison, BoundExpression, BoundExpression)
    /// A string predicate (`has`, `contains`, `=~` …), text on both sides.
    case text(TextPredicate, BoundExpression, BoundExpression)
    /// `in` / `!in` / `in~` / `!in~` against constant values.
    case membership(BoundExpression, [ScalarValue], caseSensitive: Bool, negated: Bool)
    case and(BoundExpression, BoundExpression)
    case or(BoundExpression, BoundExpression)
    case not(BoundExpression)
    case isNull(BoundExpression, negated: Bool)
    case arithmetic(ArithmeticOperator, BoundExpression, BoundExpression, ScalarType)
    case negate(BoundExpression)

    public var type: ScalarType {
        switch self {
        case .column(_, let type), .constant(_, let type), .arithmetic(_, _, _, let type): type
        case .compare, .text, .membership, .and, .or, .not, .isNull: .bool
        case .negate(let operand): operand.type
        }
    }

    /// The top-level `and` operands, so a filter can apply them one after another.
    var conjuncts: [BoundExpression] {
        if case .and(let a, let b) = self { return a.conjuncts + b.conjuncts }
        return [self]
    }
}

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
