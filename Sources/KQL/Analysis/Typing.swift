/// Which operand types operators accept, and what arithmetic yields.
enum Typing {
    static func comparable(_ a: ScalarType, _ b: ScalarType) -> Bool {
        if a == .dynamic || b == .dynamic { return true }
        if a.isNumeric && b.isNumeric { return true }
        if a.isTextual && b.isTextual { return true }
        return a == b
    }

    static func arithmetic(_ op: ArithmeticOperator, _ a: ScalarType, _ b: ScalarType) -> ScalarType? {
        switch (a, b) {
        case _ where a.isNumeric && b.isNumeric:
            return (a == .real || b == .real || a == .decimal || b == .decimal) ? .real : ((a == .int && b == .int) ? .int : .long)
        case (.datetime, .timespan) where op == .add || op == .subtract: return .datetime
        case (.timespan, .datetime) where op == .add: return .datetime
        case (.datetime, .datetime) where op == .subtract: return .timespan
        case (.timespan, .timespan) where op == .add || op == .subtract: return .timespan
        case (.timespan, .timespan) where op == .divide: return .real
        case (.timespan, _) where b.isNumeric && (op == .multiply || op == .divide): return .timespan
        case (_, .timespan) where a.isNumeric && op == .multiply: return .timespan
        default: return nil
        }
    }
}
