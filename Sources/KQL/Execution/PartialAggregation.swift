/// The groups and aggregator states of `summarize` over a run of consecutive chunks. Built by one worker and read
/// only after all workers have finished, hence unchecked sendability.
struct PartialAggregation: @unchecked Sendable {
    let groups: GroupTable
    var aggregators: [(any Aggregator)?]
    /// The key columns' types as the run's last chunk produced them.
    var keyTypes: [ScalarType]

    init(keyCount: Int, callCount: Int) {
        groups = GroupTable(hasKeys: keyCount > 0, keyCount: keyCount)
        aggregators = Array(repeating: nil, count: callCount)
        keyTypes = Array(repeating: .dynamic, count: keyCount)
    }

    /// The runs folded into the first in their order: each later run's groups are looked up (or added) by key, and
    /// its aggregator states merged into theirs. Nil when two runs built aggregators that cannot merge (their
    /// argument types differed), for the caller to aggregate in one pass instead.
    static func merged(_ runs: [PartialAggregation]) -> PartialAggregation? {
        guard var base = runs.first else { return nil }
        for run in runs.dropFirst() {
            let mapping = base.groups.assign(run.groups.keyColumns(types: run.keyTypes), count: run.groups.count)
            for position in base.aggregators.indices {
                guard let mine = base.aggregators[position], let theirs = run.aggregators[position],
                    mine.merge(theirs, groups: mapping, groupCount: base.groups.count)
                else { return nil }
            }
            base.keyTypes = run.keyTypes
        }
        return base
    }
}
