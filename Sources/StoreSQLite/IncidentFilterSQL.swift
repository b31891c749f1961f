import GRDB
import OpenMTPModels
import Store

/// Translates an ``IncidentFilter`` into a SQL condition over the indexed incident columns.
enum IncidentFilterSQL {
    static func condition(for filter: IncidentFilter, arguments: inout StatementArguments) -> String {
        switch filter {
        case .all:
            return "1"
        case .and(let a, let b):
            return "(\(condition(for: a, arguments: &arguments)) AND \(condition(for: b, arguments: &arguments)))"
        case .or(let a, let b):
            return "(\(condition(for: a, arguments: &arguments)) OR \(condition(for: b, arguments: &arguments)))"
        case .not(let a):
            return "NOT (\(condition(for: a, arguments: &arguments)))"
        case .compare(let field, let comparison, .null):
            return comparison == .eq ? "\(column(field)) IS NULL" : (comparison == .ne ? "\(column(field)) IS NOT NULL" : "0")
        case .compare(let field, let comparison, let operand):
            switch operand {
            case .timestamp(let value): arguments += [value.ticks]
            case .string(let value): arguments += [value]
            case .null: break
            }
            let test = "\(column(field)) \(sqlOperator(comparison)) ?"
            // OData: `ne` holds for an absent value, as in IncidentFilter.matches.
            return comparison == .ne ? "(\(column(field)) IS NULL OR \(test))" : test
        }
    }

    private static func column(_ field: IncidentFilter.Field) -> String {
        switch field {
        case .lastUpdateTime: "last_update_time"
        case .createdTime: "created_time"
        case .status: "status"
        case .assignedTo: "assigned_to"
        }
    }

    private static func sqlOperator(_ comparison: IncidentFilter.Comparison) -> String {
        switch comparison {
        case .eq: "="
        case .ne: "<>"
        case .gt: ">"
        case .ge: ">="
        case .lt: "<"
        case .le: "<="
        }
    }
}
