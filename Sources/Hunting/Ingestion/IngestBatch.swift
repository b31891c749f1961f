public import KQL
public import OpenMTPModels

/// The rows of one import, checked against their tables' schemas and built into segments as they are read.
///
/// Nothing of a batch is stored until the whole of it is good: a batch with any ``problems`` is refused entirely.
/// Rows arrive field by field (``beginRow(table:position:)``, ``set(_:_:)``, ``finishRow()``); missing fields are
/// null (empty for strings), unknown columns and values that do not fit their column's type are problems.
public struct IngestBatch: Sendable {
    public let catalog: HuntingCatalog
    private var tables: [TableRows] = []
    private var tableIndex: [String: Int] = [:]
    private var current: Int?
    private var position = 0
    public private(set) var problems: [IngestProblem] = []
    public private(set) var rowCount = 0

    /// Segments are cut at this many rows.
    static let maxSegmentRows = 1 << 20
    /// Problems kept; counting goes on beyond.
    static let maxKeptProblems = 1_000
    public private(set) var problemCount = 0

    public init(catalog: HuntingCatalog) {
        self.catalog = catalog
    }

    /// Starts a row of `table` read at `position` (record or line number, from 1); false, with a problem, when the
    /// table does not exist (the row's fields are then ignored).
    @discardableResult
    public mutating func beginRow(table: String, position: Int) -> Bool {
        self.position = position
        if let index = tableIndex[table] {
            current = index
        } else if let schema = catalog.table(named: table) {
            tableIndex[table] = tables.count
            current = tables.count
            tables.append(TableRows(schema: schema))
        } else {
            current = nil
            report(IngestProblem(position: position, column: nil, message: "'\(table)' is not an advanced hunting table."))
            return false
        }
        return true
    }

    /// Sets the field named by the UTF-8 bytes `name` of the current row.
    mutating func set(_ name: UnsafeRawBufferPointer, _ value: FieldValue) {
        guard let table = current else { return }
        guard let column = tables[table].column(named: name) else {
            let column = String(decoding: name, as: UTF8.self)
            return report(IngestProblem(position: position, column: column, message: "\(tables[table].schema.name) has no such column."))
        }
        let type = tables[table].schema.columns[column].type
        if !tables[table].builder.set(column, type: type, value) {
            report(
                IngestProblem(
                    position: position,
                    column: tables[table].schema.columns[column].name,
                    message: "\(value) is not a valid \(type) value."
                )
            )
        }
    }

    public mutating func set(_ name: String, _ value: JSONValue) {
        var name = name
        name.withUTF8 { name in value.withFieldValue { set(UnsafeRawBufferPointer(name), $0) } }
    }

    public mutating func finishRow() {
        guard let table = current else { return }
        tables[table].finishRow()
        rowCount += 1
        current = nil
    }

    /// Adds a whole row read as JSON values.
    public mutating func add(_ row: IngestRow) {
        guard beginRow(table: row.table, position: row.position) else { return }
        for (name, value) in row.fields { set(name, value) }
        finishRow()
    }

    /// A problem of the input rather than of a field.
    mutating func report(_ problem: IngestProblem) {
        problemCount += 1
        if problems.count < Self.maxKeptProblems { problems.append(problem) }
    }

    /// The segments built, per table, with their row counts; call once the input is read.
    public func segments() -> [(table: String, segments: [Segment], rows: Int)] {
        tables.filter { $0.rowCount > 0 }.map { ($0.schema.name, $0.sealed + ($0.builder.rowCount > 0 ? [$0.builder.build()] : []), $0.rowCount) }
    }
}

/// One table's rows of a batch.
private struct TableRows: Sendable {
    let schema: TableSchema
    let columns: ColumnNames
    var builder: SegmentBuilder
    var sealed: [Segment] = []
    var rowCount = 0
    /// The column of the field before, -1 at the start of a row.
    private var previousColumn = -1
    /// For each column (shifted by one, for the start of a row), the column whose field came next in the last row.
    private var nextColumn: [Int]

    init(schema: TableSchema) {
        self.schema = schema
        self.columns = ColumnNames(schema)
        self.builder = SegmentBuilder(schema: schema)
        self.nextColumn = Array(repeating: -1, count: schema.columns.count + 1)
    }

    /// The column named `name`: first the one that followed the previous field in the last row (records from one
    /// exporter list their fields in one order, so this is a comparison rather than a lookup), else by lookup.
    mutating func column(named name: UnsafeRawBufferPointer) -> Int? {
        let expected = nextColumn[previousColumn + 1]
        if expected >= 0, columns.matches(expected, name) {
            previousColumn = expected
            return expected
        }
        guard let found = columns.find(name) else { return nil }
        nextColumn[previousColumn + 1] = found
        previousColumn = found
        return found
    }

    mutating func finishRow() {
        previousColumn = -1
        builder.finishRow()
        rowCount += 1
        if builder.rowCount == IngestBatch.maxSegmentRows {
            sealed.append(builder.build())
            builder = SegmentBuilder(schema: schema)
        }
    }
}

/// Finds a column by the bytes of its name, without making a string.
private struct ColumnNames: Sendable {
    private var names = TextDictionaryBuilder()

    init(_ schema: TableSchema) {
        for column in schema.columns { _ = names.code(of: column.name) }
    }

    func find(_ name: UnsafeRawBufferPointer) -> Int? {
        names.find(name).map(Int.init)
    }

    func matches(_ column: Int, _ name: UnsafeRawBufferPointer) -> Bool {
        names.equals(column, name)
    }
}

extension JSONValue {
    /// Calls `body` with this value as an import field.
    func withFieldValue<R>(_ body: (FieldValue) -> R) -> R {
        switch self {
        case .null: return body(.null)
        case .bool(let flag): return body(.bool(flag))
        case .int(let number): return body(.integer(number))
        case .double(let number): return body(.real(number))
        case .string(var text): return text.withUTF8 { body(.text(UnsafeRawBufferPointer($0))) }
        case .array, .object:
            var text = serialized
            return text.withUTF8 { body(.json(UnsafeRawBufferPointer($0))) }
        }
    }
}
