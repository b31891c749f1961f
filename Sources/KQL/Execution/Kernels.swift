/// Applying a scalar function over vectors. Constants are computed once; a function of one text vector is computed
/// once per distinct value and spread by code; everything else row by row.
enum Kernels {
    static func map(_ a: Vector, type: ScalarType, _ f: (ScalarValue) -> ScalarValue) -> Vector {
        if let value = a.constantValue { return .constant(Conversions.convert(f(value), to: type), type, count: a.count) }
        if case .text(let codes, let values) = a.storage { return perCode(codes, values, type: type) { f(.string($0)) } }
        var builder = VectorBuilder(type: type, capacity: a.count)
        for row in 0..<a.count { builder.append(f(a.value(at: row))) }
        return builder.build()
    }

    static func map2(_ a: Vector, _ b: Vector, type: ScalarType, _ f: (ScalarValue, ScalarValue) -> ScalarValue) -> Vector {
        if let y = b.constantValue { return map(a, type: type) { f($0, y) } }
        if let x = a.constantValue { return map(b, type: type) { f(x, $0) } }
        var builder = VectorBuilder(type: type, capacity: a.count)
        for row in 0..<a.count { builder.append(f(a.value(at: row), b.value(at: row))) }
        return builder.build()
    }

    static func map3(
        _ a: Vector,
        _ b: Vector,
        _ c: Vector,
        type: ScalarType,
        _ f: (ScalarValue, ScalarValue, ScalarValue) -> ScalarValue
    ) -> Vector {
        mapN([a, b, c], count: a.count, type: type) { f($0[0], $0[1], $0[2]) }
    }

    /// `f` over the rows of several vectors; when only one of them varies, it is mapped alone.
    static func mapN(_ vectors: [Vector], count: Int, type: ScalarType, _ f: ([ScalarValue]) -> ScalarValue) -> Vector {
        let varying = vectors.indices.filter { vectors[$0].constantValue == nil }
        var arguments = vectors.map { $0.constantValue ?? .null }
        if varying.isEmpty { return .constant(Conversions.convert(f(arguments), to: type), type, count: count) }
        if varying.count == 1 {
            let index = varying[0]
            return map(vectors[index], type: type) { value in
                var row = arguments
                row[index] = value
                return f(row)
            }
        }
        var builder = VectorBuilder(type: type, capacity: count)
        for row in 0..<count {
            for index in varying { arguments[index] = vectors[index].value(at: row) }
            builder.append(f(arguments))
        }
        return builder.build()
    }

    /// A function of a text vector computed once per distinct value that occurs.
    static func perCode(_ codes: [Int32], _ values: TextValues, type: ScalarType, _ f: (String) -> ScalarValue) -> Vector {
        var results = [ScalarValue?](repeating: nil, count: values.count)
        func result(_ code: Int32) -> ScalarValue {
            if let known = results[Int(code)] { return known }
            let value = f(values[Int(code)])
            results[Int(code)] = value
            return value
        }
        if type == .string || type == .guid {
            // The codes stay; only the distinct values change.
            var strings = [String](repeating: "", count: values.count)
            var seen = [Bool](repeating: false, count: values.count)
            for code in codes where !seen[Int(code)] {
                seen[Int(code)] = true
                strings[Int(code)] = Conversions.text(result(code))
            }
            return Vector(type, .text(codes, TextValues(strings)))
        }
        if type == .bool {
            var decided = [Int8](repeating: -1, count: values.count)
            var out = [Int64](repeating: 0, count: codes.count)
            var nulls: [Bool]?
            for (row, code) in codes.enumerated() {
                if decided[Int(code)] < 0 {
                    let value = Conversions.boolean(result(code))
                    decided[Int(code)] = value == nil ? 2 : (value! ? 1 : 0)
                }
                switch decided[Int(code)] {
                case 1: out[row] = 1
                case 2:
                    if nulls == nil { nulls = [Bool](repeating: false, count: codes.count) }
                    nulls![row] = true
                default: break
                }
            }
            return Vector(.bool, .integers(out, nulls: nulls))
        }
        var builder = VectorBuilder(type: type, capacity: codes.count)
        for code in codes { builder.append(result(code)) }
        return builder.build()
    }

    /// The truth of a bool vector at each row: true, false, or nil for null.
    static func truth(_ vector: Vector, at row: Int) -> Bool? {
        switch vector.storage {
        case .integers(let values, let nulls):
            if let nulls, nulls[row] { return nil }
            return values[row] != 0
        default:
            return Conversions.boolean(vector.value(at: row))
        }
    }

    /// The positions where a bool vector is true.
    static func truePositions(_ vector: Vector) -> [Int32] {
        var positions: [Int32] = []
        switch vector.storage {
        case .integers(let values, let nulls):
            positions.reserveCapacity(values.count / 4)
            if let nulls {
                for row in 0..<values.count where values[row] != 0 && !nulls[row] { positions.append(Int32(row)) }
            } else {
                for row in 0..<values.count where values[row] != 0 { positions.append(Int32(row)) }
            }
        case .constant(let value, let count):
            if Conversions.boolean(value) == true { positions = (0..<Int32(count)).map { $0 } }
        default:
            for row in 0..<vector.count where truth(vector, at: row) == true { positions.append(Int32(row)) }
        }
        return positions
    }
}
