/// `partition`, `fork` and `facet`: operators that run subqueries over parts or copies of their input.
extension Interpreter {
    /// `partition by Col (subquery)`: the subquery runs over the rows of each value of `Col`; the results are stacked.
    /// `partition by Col { query }`: the query has its own source and sees the partition's key as `toscalar(Col)`;
    /// as in Kusto's legacy strategy, at most 64 key values.
    func partition(
        _ rows: Relation,
        by key: Expression,
        body: Expression,
        in environment: Environment,
        at span: SourceSpan
    ) throws(KQLError)
        -> Relation
    {
        let merged = try merge(rows, at: span)
        guard let chunk = merged.chunks.first else {
            guard case .subquery(let operators) = body.kind else { return Relation(schema: [], chunks: []) }
            return try subquery(operators, over: merged, in: environment)
        }
        let values = try scalar(key, in: RowScope(schema: merged.schema, chunk: chunk, environment: environment))
        let groups = GroupTable(hasKeys: true)
        let ids = groups.assign([values], count: chunk.count)
        var members = [[Int32]](repeating: [], count: groups.count)
        for (row, id) in ids.enumerated() { members[Int(id)].append(Int32(row)) }
        var parts: [Relation] = []
        if case .subquery(let operators) = body.kind {
            for positions in members {
                try checkBudget(at: span)
                parts.append(try subquery(operators, over: merged.keepingRows(positions), in: environment))
            }
        } else {
            guard members.count <= 64, case .name(let keyName) = key.kind else {
                throw KQLError(
                    .limitExceeded,
                    "partition with a { } subquery takes at most 64 key values; this input has \(members.count).",
                    at: span
                )
            }
            for positions in members {
                try checkBudget(at: span)
                var scope = environment
                scope.bindings[keyName] = .scalar(.constant(values.value(at: Int(positions[0])), values.type, count: 1))
                parts.append(try tabular(body, in: RowScope(environment: scope)))
            }
        }
        return Relation.stacked(parts.map { ("", $0) }, withSource: nil)
    }

    /// `fork (q1) (q2) …` and `facet by A, B with (q)` give Kusto one result table per branch; a hunting response
    /// carries one table, the first: the first branch of `fork`, the counts by the first column of `facet`.
    func firstBranch(_ op: OperatorKind, _ rows: Relation, in environment: Environment, at span: SourceSpan) throws(KQLError) -> Relation {
        switch op {
        case .fork(let branches):
            guard case .subquery(let operators)? = branches.first?.kind else {
                throw KQLError(.unsupported, "fork needs subqueries in parentheses.", at: span)
            }
            return try subquery(operators, over: rows, in: environment)
        case .facet(let columns, _):
            guard let column = columns.first else { return rows }
            let count = Expression(kind: .call(Identifier(name: "count", span: span), []), span: span)
            return try summarize(
                rows,
                aggregates: [NamedExpression(names: [Identifier(name: "count_", span: span)], expression: count)],
                by: [NamedExpression(names: [], expression: column)],
                in: environment,
                at: span
            )
        default:
            throw KQLError(.unsupported, "This operator has no branches.", at: span)
        }
    }

    /// Operators applied one after another to `rows` (the body of `mv-apply`, `partition`, `fork`).
    func subquery(_ operators: [TabularOperator], over rows: Relation, in environment: Environment) throws(KQLError) -> Relation {
        var result = rows
        for op in operators { result = try apply(op, to: result, in: environment) }
        return result
    }
}
