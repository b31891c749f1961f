/// `scan`: sequences of rows matched step by step, as Kusto's scan logic describes them.
///
/// Each step holds at most one sequence in progress: a record (input and declared columns) per step it has passed.
/// Every input row is checked against the steps from the last to the first. A step `k` after the first matches when
/// step `k-1` holds a sequence and the row meets `k`'s condition: the sequence moves on to `k` with the row, extended
/// by `k`'s assignments, as its record, and `k-1` is left empty. Otherwise a step matches again when it holds a
/// sequence (or is the first step) and the row meets its condition: the row replaces the step's record; at the first
/// step this starts a new sequence, numbered from 0 for `with_match_id`. In conditions and assignments
/// `Step.Column` reads the record that step contributed to the sequence being checked (the declared default, or
/// null, when it has none) and a bare name reads the row, whose declared columns carry the sequence's latest values.
/// Matched rows are output in input order unless the step says `output=none`; `output=last` keeps only the row of a
/// step's last match before its sequence moves on or the input ends.
extension Interpreter {
    func scan(_ rows: Relation, _ definition: ScanDefinition, in environment: Environment, at span: SourceSpan) throws(KQLError) -> Relation {
        let input = try merge(rows, at: span)
        let declared = definition.declared.map { ColumnSchema(name: $0.name.name, type: ScalarType(schemaName: $0.type ?? "dynamic") ?? .dynamic) }
        var defaults: [ScalarValue] = []
        for (index, declaration) in definition.declared.enumerated() {
            let value = try declaration.defaultValue.map { expression throws(KQLError) in try constant(expression, in: environment) } ?? .null
            defaults.append(Conversions.convert(value, to: declared[index].type))
        }
        let schema = input.schema + declared
        let plans = try definition.steps.map { step throws(KQLError) in try ScanStepPlan(step, schema: schema, declaredFrom: input.schema.count) }
        var machine = ScanMachine(schema: schema, declaredFrom: input.schema.count, defaults: defaults, plans: plans)
        let columns = input.schema.indices.map { input.column($0) }
        for row in 0..<input.rowCount {
            if row % 1024 == 0 {
                try checkBudget(at: span)
                try checkSize(rows: machine.output.count, columns: schema.count + 1, at: span)
            }
            let record = columns.map { $0.value(at: row) }
            for index in plans.indices.reversed() {
                try machine.advance(step: index, record: record, interpreter: self, environment: environment)
            }
        }
        machine.finish()
        try checkSize(rows: machine.output.count, columns: schema.count + 1, at: span)

        var outputSchema = schema
        let matchIdName = definition.parameters.option("with_match_id")
        if let matchIdName { outputSchema.append(ColumnSchema(name: matchIdName, type: .long)) }
        var builders = outputSchema.map { VectorBuilder(type: $0.type, capacity: machine.output.count) }
        for emitted in machine.output {
            for (index, value) in emitted.values.enumerated() { builders[index].append(value) }
            if matchIdName != nil { builders[schema.count].append(.long(emitted.matchId)) }
        }
        return Relation(schema: outputSchema, columns: builders.map { $0.build() }, count: machine.output.count)
    }
}

/// A step with its condition and the declared columns its assignments set.
struct ScanStepPlan {
    let step: ScanStep
    let targets: [Int]

    init(_ step: ScanStep, schema: [ColumnSchema], declaredFrom: Int) throws(KQLError) {
        self.step = step
        var targets: [Int] = []
        for assignment in step.assignments {
            guard let name = assignment.names.first,
                let index = schema.indices.dropFirst(declaredFrom).first(where: { schema[$0].name == name.name })
            else {
                let span = assignment.names.first?.span ?? assignment.expression.span
                throw KQLError(.unknownName, "The scan assigns a column its declare clause does not declare.", at: span)
            }
            targets.append(index)
        }
        self.targets = targets
    }
}

/// What `Step.Column` reads while a row is checked against a state: the record that step contributed to the
/// sequence, or the declared defaults (null for the input's columns) when the sequence has not reached it.
struct ScanStateView {
    let stepIndex: [String: Int]
    let records: [[ScalarValue]]
    let schema: [ColumnSchema]
    let columnIndex: [String: Int]
    let declaredFrom: Int
    let defaults: [ScalarValue]

    func value(step: String, column: String) -> Vector? {
        guard let index = stepIndex[step] else { return nil }
        guard let position = columnIndex[column] else {
            return .constant(.null, .dynamic, count: 1)
        }
        let value =
            index < records.count ? records[index][position] : (position >= declaredFrom ? defaults[position - declaredFrom] : .null)
        return .constant(value, schema[position].type, count: 1)
    }
}

/// The steps' states and the rows matched so far.
struct ScanMachine {
    struct Emitted {
        let values: [ScalarValue]
        let matchId: Int64
    }

    /// A sequence in progress: one record per step it has passed, the last one the step holding it.
    struct Sequence {
        var records: [[ScalarValue]]
        let matchId: Int64
    }

    let schema: [ColumnSchema]
    let declaredFrom: Int
    let defaults: [ScalarValue]
    let plans: [ScanStepPlan]
    private let stepIndex: [String: Int]
    private let columnIndex: [String: Int]
    private(set) var output: [Emitted] = []
    private var states: [Sequence?]
    /// The row of each `output=last` step's latest match, output when its sequence moves on or the input ends.
    private var pendingLast: [Emitted?]
    private var nextMatchId: Int64 = 0

    init(schema: [ColumnSchema], declaredFrom: Int, defaults: [ScalarValue], plans: [ScanStepPlan]) {
        self.schema = schema
        self.declaredFrom = declaredFrom
        self.defaults = defaults
        self.plans = plans
        stepIndex = Dictionary(plans.enumerated().map { ($1.step.name.name, $0) }, uniquingKeysWith: { first, _ in first })
        columnIndex = Dictionary(schema.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        states = Array(repeating: nil, count: plans.count)
        pendingLast = Array(repeating: nil, count: plans.count)
    }

    /// Checks `record` against step `index`: Kusto's check 1 (the previous step's sequence moves on), else check 2
    /// (the step's own sequence, or a new one at the first step).
    mutating func advance(step index: Int, record: [ScalarValue], interpreter: Interpreter, environment: Environment) throws(KQLError) {
        let plan = plans[index]
        if index > 0, var sequence = states[index - 1],
            let extended = try match(plan, record, against: sequence.records, interpreter, environment)
        {
            flushLast(index - 1)
            flushLast(index)
            states[index - 1] = nil
            sequence.records.append(extended)
            settle(index, sequence)
            return
        }
        guard index == 0 || states[index] != nil else { return }
        let records = states[index]?.records ?? []
        guard let extended = try match(plan, record, against: records, interpreter, environment) else { return }
        if index == 0 {
            flushLast(0)
            settle(0, Sequence(records: [extended], matchId: nextMatchId))
            nextMatchId += 1
        } else if var sequence = states[index] {
            sequence.records[sequence.records.count - 1] = extended
            settle(index, sequence)
        }
    }

    /// Outputs the rows `output=last` steps still hold.
    mutating func finish() {
        for index in plans.indices { flushLast(index) }
    }

    /// The row, carrying the declared columns of the state's latest record, extended by the step's assignments when
    /// it meets the step's condition.
    private func match(
        _ plan: ScanStepPlan,
        _ record: [ScalarValue],
        against records: [[ScalarValue]],
        _ interpreter: Interpreter,
        _ environment: Environment
    ) throws(KQLError) -> [ScalarValue]? {
        let values = record + (records.last.map { Array($0[declaredFrom...]) } ?? defaults)
        let vectors = zip(values, schema).map { Vector.constant($0, $1.type, count: 1) }
        var scope = RowScope(schema: schema, chunk: Chunk(computed: vectors, count: 1), environment: environment)
        scope.scanState = ScanStateView(
            stepIndex: stepIndex,
            records: records,
            schema: schema,
            columnIndex: columnIndex,
            declaredFrom: declaredFrom,
            defaults: defaults
        )
        guard Conversions.boolean(try interpreter.scalar(plan.step.condition, in: scope).value(at: 0)) == true else { return nil }
        var extended = values
        for (assignment, target) in zip(plan.step.assignments, plan.targets) {
            let value = try interpreter.scalar(assignment.expression, in: scope).value(at: 0)
            extended[target] = Conversions.convert(value, to: schema[target].type)
        }
        return extended
    }

    private mutating func settle(_ index: Int, _ sequence: Sequence) {
        states[index] = sequence
        guard let values = sequence.records.last else { return }
        switch plans[index].step.output {
        case .all: output.append(Emitted(values: values, matchId: sequence.matchId))
        case .last: pendingLast[index] = Emitted(values: values, matchId: sequence.matchId)
        case .none: break
        }
    }

    private mutating func flushLast(_ index: Int) {
        if let pending = pendingLast[index] { output.append(pending) }
        pendingLast[index] = nil
    }
}
