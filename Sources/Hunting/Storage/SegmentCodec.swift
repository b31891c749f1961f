import KQL

/// The byte layout of a stored segment: little-endian, column by column, the packed buffers as they are in memory,
/// so loading one is a few copies rather than a parse.
///
///     "OMTS" version:u32 rows:u64 columns:u32
///     per column: name:(u16 length, UTF-8) type:(u8 length, name) layout:u8 then
///       integers  nulls packed          reals  nulls count:u64 f64×count
///       text      packed offsets:(count:u64 u32×count) bytes:(count:u64 u8×count)
///     packed: count:u64 min:i64 max:i64 step:u64 width:u8 bytes:(count×width)
///     nulls:  0 none | 1 all | 2 words:(count:u64 u64×count)
///
/// Columns are matched to the current schema by name when loaded: a column the stored segment lacks (or holds with
/// another type) reads as null, a stored column the schema no longer has is dropped.
enum SegmentCodec {
    static let magic: [UInt8] = Array("OMTS".utf8)
    static let version: UInt32 = 1

    static func encode(_ segment: Segment) -> [UInt8] {
        var out = ByteWriter()
        out.bytes(magic)
        out.integer(version)
        out.integer(UInt64(segment.rowCount))
        out.integer(UInt32(segment.columns.count))
        for (schema, column) in zip(segment.schema.columns, segment.columns) {
            out.text(schema.name)
            out.text(schema.type.rawValue)
            switch column {
            case .integers(let values, let nulls):
                out.integer(UInt8(0))
                out.nulls(nulls)
                out.packed(values)
            case .reals(let values, let nulls):
                out.integer(UInt8(1))
                out.nulls(nulls)
                out.array(values)
            case .text(let codes, let dictionary):
                out.integer(UInt8(2))
                out.packed(codes)
                out.array(dictionary.offsets)
                out.array(dictionary.bytes)
            }
        }
        return out.buffer
    }

    static func decode(_ data: UnsafeRawBufferPointer, schema: TableSchema) throws(HuntingError) -> Segment {
        var input = ByteReader(data: data)
        guard let magic = input.bytes(4), magic == Self.magic, let version: UInt32 = input.integer(), version == Self.version,
            let rows: UInt64 = input.integer(), let count: UInt32 = input.integer()
        else { throw corrupt(schema, "unknown header") }
        var stored: [String: (ScalarType?, SegmentColumn)] = [:]
        for _ in 0..<count {
            guard let name = input.text(), let typeName = input.text(), let layout: UInt8 = input.integer() else {
                throw corrupt(schema, "truncated column")
            }
            let column: SegmentColumn?
            switch layout {
            case 0: column = input.nulls().flatMap { nulls in input.packed().map { .integers($0, nulls: nulls) } }
            case 1: column = input.nulls().flatMap { nulls in input.array(of: Double.self).map { .reals($0, nulls: nulls) } }
            case 2:
                column = input.packed().flatMap { codes in
                    input.array(of: UInt32.self).flatMap { offsets in
                        input.array(of: UInt8.self).map { .text(codes: codes, dictionary: TextDictionary(bytes: $0, offsets: offsets)) }
                    }
                }
            default: column = nil
            }
            guard let column, column.fits(rows: Int(rows)) else { throw corrupt(schema, "column \(name) does not read") }
            stored[name] = (ScalarType(rawValue: typeName), column)
        }
        let columns = schema.columns.map { wanted in
            if let (type, column) = stored[wanted.name], type == wanted.type { return column }
            return SegmentColumn.nulls(Int(rows), type: wanted.type)
        }
        return Segment(schema: schema, columns: columns, rowCount: Int(rows))
    }

    private static func corrupt(_ schema: TableSchema, _ detail: String) -> HuntingError {
        HuntingError(.corruptData, "A stored segment of \(schema.name) is damaged: \(detail).")
    }
}

extension SegmentColumn {
    /// Whether the column's buffers agree with the segment's row count (and a dictionary with its codes).
    fileprivate func fits(rows: Int) -> Bool {
        switch self {
        case .integers(let values, let nulls): values.count == rows && nulls.fits(rows)
        case .reals(let values, let nulls): values.count == rows && nulls.fits(rows)
        case .text(let codes, let dictionary):
            codes.count == rows && (rows == 0 || (codes.minimum >= 0 && codes.maximum < dictionary.count))
                && dictionary.offsets.last.map { Int($0) == dictionary.bytes.count } ?? false
        }
    }
}

extension NullBitmap {
    fileprivate func fits(_ rows: Int) -> Bool {
        if case .some(let words) = self { return words.count == (rows + 63) / 64 }
        return true
    }
}

/// Appends little-endian values to a byte buffer.
private struct ByteWriter {
    var buffer: [UInt8] = []

    mutating func bytes(_ values: [UInt8]) { buffer += values }

    mutating func integer<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }

    mutating func text(_ value: String) {
        integer(UInt16(value.utf8.count))
        buffer += Array(value.utf8)
    }

    /// A count, then the elements' bytes (this layout is little-endian on every machine Swift runs on here).
    mutating func array<T>(_ values: [T]) {
        integer(UInt64(values.count))
        values.withUnsafeBytes { buffer.append(contentsOf: $0) }
    }

    mutating func nulls(_ nulls: NullBitmap) {
        switch nulls {
        case .none: integer(UInt8(0))
        case .all: integer(UInt8(1))
        case .some(let words):
            integer(UInt8(2))
            array(words)
        }
    }

    mutating func packed(_ values: PackedIntegers) {
        integer(UInt64(values.count))
        integer(values.minimum)
        integer(values.maximum)
        integer(values.step)
        integer(UInt8(values.width))
        buffer += values.bytes
    }
}

/// Reads what ``ByteWriter`` wrote, answering nil instead of reading past the end.
private struct ByteReader {
    let data: UnsafeRawBufferPointer
    var position = 0

    mutating func bytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, count <= data.count - position else { return nil }
        defer { position += count }
        return Array(UnsafeRawBufferPointer(rebasing: data[position..<position + count]))
    }

    mutating func integer<T: FixedWidthInteger>() -> T? {
        guard MemoryLayout<T>.size <= data.count - position else { return nil }
        defer { position += MemoryLayout<T>.size }
        return T(littleEndian: data.loadUnaligned(fromByteOffset: position, as: T.self))
    }

    mutating func text() -> String? {
        guard let length: UInt16 = integer(), let bytes = bytes(Int(length)) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func array<T>(of type: T.Type) -> [T]? {
        guard let count: UInt64 = integer(), count <= UInt64(data.count - position) / UInt64(MemoryLayout<T>.stride) else { return nil }
        let length = Int(count) * MemoryLayout<T>.stride
        defer { position += length }
        return [T](unsafeUninitializedCapacity: Int(count)) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: data[position..<position + length]))
            initialized = Int(count)
        }
    }

    mutating func nulls() -> NullBitmap? {
        switch integer() as UInt8? {
        case 0: NullBitmap.none
        case 1: .all
        case 2: array(of: UInt64.self).map(NullBitmap.some)
        default: nil
        }
    }

    mutating func packed() -> PackedIntegers? {
        guard let count: UInt64 = integer(), let minimum: Int64 = integer(), let maximum: Int64 = integer(), let step: UInt64 = integer(),
            let width: UInt8 = integer(), [0, 1, 2, 4, 8].contains(width), count <= UInt64(Int.max / 8), let bytes = bytes(Int(count) * Int(width))
        else { return nil }
        return PackedIntegers(count: Int(count), minimum: minimum, maximum: maximum, step: max(step, 1), width: Int(width), bytes: bytes)
    }
}
