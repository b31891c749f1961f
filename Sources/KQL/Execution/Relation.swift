import Synchronization

/// A tabular value flowing between operators: its columns and its rows in chunks.
struct Relation: Sendable {
    var schema: [ColumnSchema]
    var chunks: [Chunk]
    /// The chart a `render` asked for; it travels with the result.
    var visualization: String?

    init(schema: [ColumnSchema], chunks: [Chunk]) {
        self.schema = schema
        self.chunks = chunks.filter { $0.count > 0 }
    }

    /// A relation of computed columns.
    init(schema: [ColumnSchema], columns: [Vector], count: Int) {
        self.init(schema: schema, chunks: [Chunk(computed: columns, count: count)])
    }

    var rowCount: Int { chunks.reduce(0) { $0 + $1.count } }

    func index(of name: String) -> Int? { schema.firstIndex { $0.name == name } }

    /// Every chunk's column `index`, one after another.
    func column(_ index: Int) -> Vector {
        let type = schema[index].type
        guard !chunks.isEmpty else { return VectorBuilder(type: type).build() }
        return Vector.concatenate(chunks.map { $0.vector(index, type: type) }, type: type)
    }

    /// The rows at `positions` of a relation in one chunk (see ``merged()``).
    func keepingRows(_ positions: [Int32]) -> Relation {
        guard var chunk = chunks.first else { return self }
        chunk.keep(positions)
        var output = Relation(schema: schema, chunks: [chunk])
        output.visualization = visualization
        return output
    }

    /// The same rows in one chunk; each column is concatenated the first time it is read.
    func merged() -> Relation {
        if chunks.count <= 1 { return self }
        let source = self
        let columns = schema.indices.map { index in Chunk.Column.deferred(DeferredVector { source.column(index) }) }
        var output = Relation(schema: schema, chunks: [Chunk(columns: columns, count: rowCount)])
        output.visualization = visualization
        return output
    }
}

extension Relation {
    /// Relations stacked as `union` stacks them: columns matched by name, a name with different types giving one column
    /// per type (`Name_string`); `withSource` adds a first column naming each row's input.
    static func stacked(_ inputs: [(String, Relation)], withSource: String?) -> Relation {
        var output = RowSchema(columns: withSource.map { [ColumnSchema(name: $0, type: .string)] } ?? [])
        var positions: [[Int]] = []
        for (_, relation) in inputs {
            var mapping: [Int] = []
            for column in relation.schema {
                if let existing = output.columns.firstIndex(where: { $0.name == column.name }), output.columns[existing].type == column.type {
                    mapping.append(existing)
                } else if output.column(column.name) != nil {
                    let name = "\(column.name)_\(column.type.rawValue)"
                    if let existing = output.columns.firstIndex(where: { $0.name == name }) {
                        mapping.append(existing)
                    } else {
                        output.columns.append(ColumnSchema(name: name, type: column.type))
                        mapping.append(output.columns.count - 1)
                    }
                } else {
                    output.columns.append(column)
                    mapping.append(output.columns.count - 1)
                }
            }
            positions.append(mapping)
        }
        var chunks: [Chunk] = []
        for ((name, relation), mapping) in zip(inputs, positions) {
            for chunk in relation.chunks {
                var out = chunk
                out.columns = output.columns.enumerated().map { target, column in
                    if let source = mapping.firstIndex(of: target) { return chunk.columns[source] }
                    if target == 0, withSource != nil { return .computed(.constant(.string(name), .string, count: chunk.count)) }
                    return .computed(.constant(.null, column.type, count: chunk.count))
                }
                chunks.append(out)
            }
        }
        return Relation(schema: output.columns, chunks: chunks)
    }
}

/// A column computed the first time it is read (a merge of chunks, the rows a join or sort picked), then kept; columns
/// no later operator reads are never built.
final class DeferredVector: Sendable {
    private let compute: @Sendable () -> Vector
    private let cache = Mutex<Vector?>(nil)

    init(_ compute: @escaping @Sendable () -> Vector) {
        self.compute = compute
    }

    var vector: Vector {
        if let known = cache.withLock({ $0 }) { return known }
        let built = compute()
        cache.withLock { $0 = built }
        return built
    }
}

/// A block of rows. Columns still in a segment are read through `selection` (segment row positions, nil for all);
/// computed columns hold one value per row of the chunk.
struct Chunk: Sendable {
    enum Column: Sendable {
        case stored(Int)
        case computed(Vector)
        case deferred(DeferredVector)
    }

    var segment: Segment?
    var selection: [Int32]?
    var columns: [Column]
    private(set) var count: Int

    init(segment: Segment) {
        self.segment = segment
        selection = nil
        columns = segment.columns.indices.map(Column.stored)
        count = segment.rowCount
    }

    init(computed: [Vector], count: Int) {
        self.init(columns: computed.map(Column.computed), count: count)
    }

    init(columns: [Column], count: Int) {
        segment = nil
        selection = nil
        self.columns = columns
        self.count = count
    }

    /// Column `index` as a vector of `type`.
    func vector(_ index: Int, type: ScalarType) -> Vector {
        switch columns[index] {
        case .computed(let vector): vector
        case .deferred(let deferred): deferred.vector
        case .stored(let column): StoredColumn.read(segment!.columns[column], type: type, rows: selection, count: count)
        }
    }

    /// The segment column behind column `index`, when it has not been replaced.
    func storedColumn(_ index: Int) -> Int? {
        if case .stored(let column) = columns[index] { return column }
        return nil
    }

    /// Keeps the rows at `positions` (positions among the chunk's current rows, ascending or not).
    mutating func keep(_ positions: [Int32]) {
        if positions.count == count, positions.enumerated().allSatisfy({ $0.offset == Int($0.element) }) { return }
        if segment != nil {
            selection = selection.map { current in positions.map { current[Int($0)] } } ?? positions
        }
        columns = columns.map { column in
            switch column {
            case .computed(let vector): return .computed(vector.gather(positions))
            case .deferred(let deferred): return .deferred(DeferredVector { deferred.vector.gather(positions) })
            case .stored: return column
            }
        }
        count = positions.count
    }

    /// Calls `body` with each row's position in the chunk and its row in the segment.
    func forEachRow(_ body: (_ index: Int, _ row: Int) -> Void) {
        if let selection {
            for (index, row) in selection.enumerated() { body(index, Int(row)) }
        } else {
            for index in 0..<count { body(index, index) }
        }
    }

    /// Appends or replaces computed columns; the caller keeps the schema in step.
    mutating func set(_ index: Int, _ vector: Vector) {
        if index == columns.count { columns.append(.computed(vector)) } else { columns[index] = .computed(vector) }
    }
}

/// Reading segment columns into vectors.
enum StoredColumn {
    /// Null flags of the selected rows; nil when none can be null.
    private static func flags(_ nulls: NullBitmap, rows: [Int32]?, count: Int) -> [Bool]? {
        switch nulls {
        case .none: return nil
        case .all: return [Bool](repeating: true, count: count)
        case .some: return rows.map { $0.map { nulls.isNull(Int($0)) } } ?? (0..<count).map(nulls.isNull)
        }
    }

    static func read(_ column: SegmentColumn, type: ScalarType, rows: [Int32]?, count: Int) -> Vector {
        switch column {
        case .integers(let packed, let nulls):
            let values = rows.map { $0.map { packed[Int($0)] } } ?? packed.decoded()
            return Vector(type, .integers(values, nulls: flags(nulls, rows: rows, count: count)))
        case .reals(let doubles, let nulls):
            let values = rows.map { $0.map { doubles[Int($0)] } } ?? doubles
            return Vector(type, .reals(values, nulls: flags(nulls, rows: rows, count: count)))
        case .text(let packed, let dictionary):
            let codes = rows.map { $0.map { Int32(truncatingIfNeeded: packed[Int($0)]) } } ?? packed.decoded().map { Int32(truncatingIfNeeded: $0) }
            guard type == .dynamic else { return Vector(type, .text(codes, TextValues(dictionary))) }
            // Dynamic values are stored as JSON text: each distinct value is parsed once.
            var parsed = [ScalarValue?](repeating: nil, count: dictionary.count)
            return Vector(
                .dynamic,
                .values(
                    codes.map { code in
                        if let value = parsed[Int(code)] { return value }
                        let text = dictionary[Int(code)]
                        let value = text.isEmpty ? ScalarValue.null : Conversions.parseJSON(.string(text))
                        parsed[Int(code)] = value
                        return value
                    }
                )
            )
        }
    }
}
