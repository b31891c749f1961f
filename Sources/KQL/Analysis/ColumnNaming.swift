/// Kusto's rules for naming columns that a query does not name.
enum ColumnNaming {
    /// The name an unnamed expression keeps: a column keeps its name; `a.b` and `a["b"]` become `a_b`; a function
    /// of one column (`tostring(Value)`, `bin(Timestamp, 1h)`) keeps that column's name. Nil when none applies.
    static func derived(_ expression: Expression) -> String? {
        switch expression.kind {
        case .name(let name): return name
        case .member(let base, let member):
            guard let prefix = derived(base) else { return nil }
            return prefix.hasPrefix("$") ? member.name : "\(prefix)_\(member.name)"
        case .index(let base, let index):
            guard let prefix = derived(base) else { return nil }
            switch index.kind {
            case .literal(.string(let key)): return "\(prefix)_\(key)"
            case .literal(.long(let position)): return "\(prefix)_\(position)"
            default: return prefix
            }
        case .call(_, let arguments):
            let columns = arguments.compactMap(derived)
            return columns.count == 1 ? columns[0] : nil
        default:
            return nil
        }
    }

    /// The name of an unnamed aggregate: `count()` → `count_`, `dcount(X)` → `dcount_X`, `make_set(X)` → `set_X`.
    static func aggregate(_ function: String, _ arguments: [Expression]) -> String {
        let prefix: String
        switch function {
        case "make_set", "make_set_if", "makeset": prefix = "set"
        case "make_list", "make_list_if", "makelist", "make_list_with_nulls": prefix = "list"
        case "make_bag", "make_bag_if": prefix = "bag"
        default: prefix = function
        }
        guard let first = arguments.first, let column = derived(first), function != "countif" else { return "\(prefix)_" }
        // `percentile(X, 95)` → `percentile_X_95`.
        if function == "percentile", arguments.count > 1, case .literal(let value) = arguments[1].kind {
            switch value {
            case .long(let p): return "percentile_\(column)_\(p)"
            case .real(let p): return "percentile_\(column)_\(String(p).split(separator: ".").joined(separator: "_"))"
            default: break
            }
        }
        return "\(prefix)_\(column)"
    }

    /// Output names of a `project`/`extend` item: the given names, the derived name, or `Column<n>` (numbered
    /// among the operator's columns that have neither). In `project` a derived name already taken gets a number
    /// (`strlen(S), toupper(S)` → `S`, `S1`); in `extend` it replaces the column (`extend tostring(Value)`).
    static func names(of item: NamedExpression, unnamed: inout Int, in output: RowSchema, numbering derivedNames: Bool = false) -> [String] {
        if !item.names.isEmpty { return item.names.map(\.name) }
        if let derived = ColumnNaming.derived(item.expression) { return [derivedNames ? output.unusedName(derived) : derived] }
        unnamed += 1
        return [output.unusedName("Column\(unnamed)")]
    }

    /// The name of an unnamed summarize item.
    static func aggregateName(_ expression: Expression, position: Int) -> String {
        guard case .call(let function, let arguments) = expression.kind else { return "Column\(position)" }
        // `toint(Compliant = dcountif(…))` names the column inside the call.
        for argument in arguments {
            if case .namedArgument(let name, _) = argument.kind { return name.name }
        }
        return aggregate(function.name, arguments)
    }

    /// Right-side columns of a join: one keeps its name unless the left has it; then it gets the first number free on
    /// both sides (`DeviceId1`, `MD51`).
    static func joinRenamed(_ columns: [ColumnSchema], besides left: [ColumnSchema]) -> [ColumnSchema] {
        let leftNames = Set(left.map(\.name))
        var taken = leftNames.union(columns.map(\.name))
        return columns.map { column in
            guard leftNames.contains(column.name) else { return column }
            var suffix = 1
            while taken.contains("\(column.name)\(suffix)") { suffix += 1 }
            taken.insert("\(column.name)\(suffix)")
            return ColumnSchema(name: "\(column.name)\(suffix)", type: column.type)
        }
    }
}
