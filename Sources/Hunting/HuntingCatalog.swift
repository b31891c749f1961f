import Foundation
public import KQL

/// The advanced hunting tables and their columns, read from the bundled schema reference
/// (`Resources/advanced-hunting-schema.json`: 64 tables, documented column order and KQL types).
public struct HuntingCatalog: Catalog {
    public let tables: [TableSchema]
    private let byName: [String: TableSchema]

    public init(tables: [TableSchema]) {
        self.tables = tables
        self.byName = Dictionary(tables.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Table names are case-sensitive, as in Kusto.
    public func table(named name: String) -> TableSchema? { byName[name] }

    public var tableNames: [String] { tables.map(\.name) }

    public func function(named name: String) -> CatalogFunction? { HuntingFunctions.all[name] }

    /// The catalog of the bundled schema file.
    public static func bundled() throws -> HuntingCatalog {
        guard let url = Bundle.module.url(forResource: "advanced-hunting-schema", withExtension: "json") else {
            throw HuntingError.schemaUnavailable("the bundled advanced-hunting-schema.json is missing")
        }
        return try load(from: Data(contentsOf: url))
    }

    static func load(from data: Data) throws -> HuntingCatalog {
        struct File: Decodable {
            struct Table: Decodable {
                struct Column: Decodable {
                    let name: String
                    let type: String
                }
                let name: String
                let columns: [Column]
            }
            let tables: [Table]
        }
        let file = try JSONDecoder().decode(File.self, from: data)
        let tables = try file.tables.map { table in
            TableSchema(
                name: table.name,
                columns: try table.columns.map { column in
                    guard let type = ScalarType(schemaName: column.type) else {
                        throw HuntingError.schemaUnavailable("\(table.name).\(column.name) has the unknown type '\(column.type)'")
                    }
                    return ColumnSchema(name: column.name, type: type)
                }
            )
        }
        return HuntingCatalog(tables: tables)
    }
}
