/// A query as a tree of relational operators over bound expressions.
public indirect enum LogicalPlan: Sendable, Equatable {
    case scan(TableSchema)
    case filter(LogicalPlan, BoundExpression)
    case project(LogicalPlan, [ProjectedColumn])
    case take(LogicalPlan, Int)
    case count(LogicalPlan)

    /// The columns this operator outputs.
    public var schema: TableSchema {
        switch self {
        case .scan(let table): table
        case .filter(let input, _), .take(let input, _): input.schema
        case .project(let input, let columns): TableSchema(name: input.schema.name, columns: columns.map(\.column))
        case .count(let input): TableSchema(name: input.schema.name, columns: [ColumnSchema(name: "Count", type: .long)])
        }
    }

    /// The names of the tables the plan reads.
    public var tables: [String] {
        switch self {
        case .scan(let table): [table.name]
        case .filter(let input, _), .project(let input, _), .take(let input, _), .count(let input): input.tables
        }
    }
}

public struct ProjectedColumn: Sendable, Equatable {
    public let column: ColumnSchema
    public let expression: BoundExpression
}
