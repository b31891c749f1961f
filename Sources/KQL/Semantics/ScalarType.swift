import KustoTime

/// The scalar types of KQL.
public enum ScalarType: String, Sendable, Hashable, CaseIterable {
    case bool, int, long, real, decimal, string, datetime, timespan, guid, dynamic

    /// Reads a schema type name (`boolean` is an alias of `bool`, `double` of `real`).
    public init?(schemaName: String) {
        switch schemaName.lowercased() {
        case "bool", "boolean": self = .bool
        case "int": self = .int
        case "long": self = .long
        case "real", "double": self = .real
        case "decimal": self = .decimal
        case "string": self = .string
        case "datetime", "date": self = .datetime
        case "timespan", "time": self = .timespan
        case "guid", "uniqueid": self = .guid
        case "dynamic": self = .dynamic
        default: return nil
        }
    }

    var isNumeric: Bool { self == .int || self == .long || self == .real || self == .decimal }

    /// Values of these types are kept as text: strings, guids and dynamic values (their JSON).
    public var isTextual: Bool { self == .string || self == .guid || self == .dynamic }
}

/// A scalar value; `null` exists for every type but string, whose empty value is `""`.
public enum ScalarValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case long(Int64)
    case real(Double)
    case string(String)
    case datetime(Int64)
    case timespan(Int64)
    /// An array or property bag, or a scalar taken out of one (`d.a`), which stays dynamic.
    case dynamic(DynamicValue)

    /// A dynamic scalar as the plain value it holds (`dynamic(1)` as `1`); arrays, bags and other values unchanged.
    public var unwrapped: ScalarValue {
        guard case .dynamic(let value) = self else { return self }
        switch value {
        case .null: return .null
        case .bool(let v): return .bool(v)
        case .long(let v): return .long(v)
        case .real(let v): return .real(v)
        case .string(let v): return .string(v)
        case .array, .bag: return self
        }
    }

    /// The value inside a dynamic value: scalars as JSON scalars, datetimes and timespans as their text.
    public var asDynamic: DynamicValue {
        switch self {
        case .null: .null
        case .bool(let v): .bool(v)
        case .long(let v): .long(v)
        case .real(let v): .real(v)
        case .string(let v): .string(v)
        case .datetime(let v): .string(DateTimeTicks.format(v))
        case .timespan(let v): .string(TimespanTicks.format(v))
        case .dynamic(let v): v
        }
    }
}

/// One column of a table or result.
public struct ColumnSchema: Sendable, Hashable {
    public let name: String
    public let type: ScalarType

    public init(name: String, type: ScalarType) {
        self.name = name
        self.type = type
    }
}

/// The columns of a table or result, in order.
public struct TableSchema: Sendable, Hashable {
    public let name: String
    public let columns: [ColumnSchema]

    public init(name: String, columns: [ColumnSchema]) {
        self.name = name
        self.columns = columns
    }

    public func columnIndex(_ name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }
}

/// The tables a query may name, with their columns, and the tabular functions the service adds.
public protocol Catalog: Sendable {
    func table(named name: String) -> TableSchema?
    /// A function the catalog provides (advanced hunting's `DeviceFromIP()`, or `FileProfile()` for `invoke`).
    func function(named name: String) -> CatalogFunction?
    /// Every table name, for wildcards such as `union Device*`.
    var tableNames: [String] { get }
}

extension Catalog {
    public func function(named name: String) -> CatalogFunction? { nil }
    public var tableNames: [String] { [] }
}

/// A tabular function of a catalog: it returns a table with `columns`, or, when `extendsInput` is set, appends them
/// to its input (`| invoke FileProfile()`). An open function may return more columns than it lists.
public struct CatalogFunction: Sendable, Hashable {
    public let name: String
    public let columns: [ColumnSchema]
    public let extendsInput: Bool
    public let isOpen: Bool

    public init(name: String, columns: [ColumnSchema], extendsInput: Bool, isOpen: Bool = false) {
        self.name = name
        self.columns = columns
        self.extendsInput = extendsInput
        self.isOpen = isOpen
    }
}
