public import OpenMTPModels

extension IncidentFilter {
    /// Evaluates the filter against one incident, with OData's rules: a comparison with `null` is an equality
    /// test on absence, and ordering comparisons of strings are ordinal.
    public func matches(_ incident: Incident) -> Bool {
        matches { $0.value(of: incident) }
    }

    /// Evaluates the filter over any object, `value` reading its property for each field (alerts filter this way).
    public func matches(_ value: (Field) -> Operand) -> Bool {
        switch self {
        case .all: true
        case .and(let a, let b): a.matches(value) && b.matches(value)
        case .or(let a, let b): a.matches(value) || b.matches(value)
        case .not(let a): !a.matches(value)
        case .compare(let field, let comparison, let operand): Self.compare(value(field), comparison, operand)
        }
    }

    private static func compare(_ value: Operand, _ comparison: Comparison, _ operand: Operand) -> Bool {
        let order: Int? =
            switch (value, operand) {
            case (.timestamp(let a), .timestamp(let b)): a == b ? 0 : (a < b ? -1 : 1)
            case (.string(let a), .string(let b)): a == b ? 0 : (a < b ? -1 : 1)
            case (.null, .null): 0
            default: nil
            }
        guard let order else { return comparison == .ne }
        switch comparison {
        case .eq: return order == 0
        case .ne: return order != 0
        case .gt: return order > 0
        case .ge: return order >= 0
        case .lt: return order < 0
        case .le: return order <= 0
        }
    }
}

extension IncidentFilter.Field {
    public func value(of incident: Incident) -> IncidentFilter.Operand {
        switch self {
        case .lastUpdateTime: .timestamp(incident.lastUpdateTime)
        case .createdTime: .timestamp(incident.createdTime)
        case .status: .string(incident.status.rawValue)
        case .assignedTo: incident.assignedTo.map(IncidentFilter.Operand.string) ?? .null
        }
    }
}
