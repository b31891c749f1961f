/// The body of `POST /api/advancedhunting/run`: `{"Query": "<KQL>"}` (the name is case-sensitive).
public struct HuntingQueryRequest: Codable, Sendable, Equatable {
    public var query: String

    public init(query: String) {
        self.query = query
    }

    enum CodingKeys: String, CodingKey {
        case query = "Query"
    }
}

/// One column of a hunting result: `{"Name": "Timestamp", "Type": "DateTime"}`.
public struct HuntingColumn: Codable, Sendable, Equatable {
    public var name: String
    public var type: String

    public init(name: String, type: String) {
        self.name = name
        self.type = type
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case type = "Type"
    }
}

/// The `Stats` member of a hunting response.
public struct HuntingStats: Codable, Sendable, Equatable {
    public struct DatasetStatistics: Codable, Sendable, Equatable {
        public var tableRowCount: Int
        public var tableSize: Int

        public init(tableRowCount: Int, tableSize: Int) {
            self.tableRowCount = tableRowCount
            self.tableSize = tableSize
        }

        enum CodingKeys: String, CodingKey {
            case tableRowCount = "table_row_count"
            case tableSize = "table_size"
        }
    }

    /// Seconds the query ran.
    public var executionTime: Double
    public var datasetStatistics: [DatasetStatistics]
    /// Present (true) when the result had more rows than the response may carry and was cut at the limit.
    public var truncated: Bool?

    public init(executionTime: Double, datasetStatistics: [DatasetStatistics], truncated: Bool? = nil) {
        self.executionTime = executionTime
        self.datasetStatistics = datasetStatistics
        self.truncated = truncated
    }

    enum CodingKeys: String, CodingKey {
        case executionTime = "ExecutionTime"
        case datasetStatistics = "dataset_statistics"
        case truncated = "Truncated"
    }
}

/// The response of `POST /api/advancedhunting/run`: `Stats`, `Schema` and `Results`, rows keyed by column name
/// in schema order.
public struct HuntingQueryResponse: Codable, Sendable, Equatable {
    public var stats: HuntingStats
    public var schema: [HuntingColumn]
    public var results: [JSONValue]

    public init(stats: HuntingStats, schema: [HuntingColumn], results: [JSONValue]) {
        self.stats = stats
        self.schema = schema
        self.results = results
    }

    enum CodingKeys: String, CodingKey {
        case stats = "Stats"
        case schema = "Schema"
        case results = "Results"
    }

    /// The response as JSON text with every result row's members in schema order.
    public var serialized: String {
        var writer = JSONWriter()
        let stats: JSONValue = .object([
            ("ExecutionTime", .double(stats.executionTime)),
            (
                "dataset_statistics",
                .array(
                    stats.datasetStatistics.map {
                        .object([("table_row_count", .int(Int64($0.tableRowCount))), ("table_size", .int(Int64($0.tableSize)))])
                    }
                )
            ),
        ])
        let schema: JSONValue = .array(schema.map { .object([("Name", .string($0.name)), ("Type", .string($0.type))]) })
        writer.write(.object([("Stats", stats), ("Schema", schema), ("Results", .array(results))]))
        return writer.output
    }
}
