/// The scalar functions this engine knows, bound to expressions (constant ones folded at bind time).
enum ScalarFunctions {
    static func bind(_ function: Identifier, _ arguments: [BoundExpression], now: Int64, span: SourceSpan) throws(KQLError) -> BoundExpression {
        func expectArguments(_ count: Int) throws(KQLError) {
            guard arguments.count == count else {
                throw KQLError(.invalidArgument, "\(function.name)(): expected \(count) argument(s), got \(arguments.count).", at: span)
            }
        }
        switch function.name {
        case "now":
            if arguments.isEmpty { return .constant(.datetime(now), .datetime) }
            try expectArguments(1)
            guard arguments[0].type == .timespan else { throw argumentType(function, "timespan", span) }
            return Folding.fold(.arithmetic(.add, .constant(.datetime(now), .datetime), arguments[0], .datetime))
        case "ago":
            try expectArguments(1)
            guard arguments[0].type == .timespan else { throw argumentType(function, "timespan", span) }
            return Folding.fold(.arithmetic(.subtract, .constant(.datetime(now), .datetime), arguments[0], .datetime))
        case "not":
            try expectArguments(1)
            guard arguments[0].type == .bool else { throw argumentType(function, "bool", span) }
            return .not(arguments[0])
        case "isnull", "isnotnull":
            try expectArguments(1)
            return .isNull(arguments[0], negated: function.name == "isnotnull")
        case "isempty", "isnotempty":
            try expectArguments(1)
            let empty = TextPredicate(kind: .equals, caseSensitive: true, negated: function.name == "isnotempty")
            guard arguments[0].type.isTextual else {
                return .isNull(arguments[0], negated: function.name == "isnotempty")
            }
            return .text(empty, arguments[0], .constant(.string(""), .string))
        default:
            throw KQLError(.unknownFunction, "Unknown function: '\(function.name)'.", at: function.span)
        }
    }

    private static func argumentType(_ function: Identifier, _ expected: String, _ span: SourceSpan) -> KQLError {
        KQLError(.invalidArgument, "\(function.name)(): the argument must be of type \(expected).", at: span)
    }
}
