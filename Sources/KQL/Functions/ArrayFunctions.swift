/// Functions that reshape dynamic arrays: element-wise choice, rotation, shifting, splitting, zipping into a bag.
enum ArrayFunctions {
    typealias Function = ScalarLibrary.Function

    static func prepare(_ name: String) -> Function? {
        let array = DynamicFunctions.array
        switch name {
        case "array_iff", "array_iif":
            return { args in
                guard let conditions = array(args[0]) else { return .null }
                func pick(_ source: ScalarValue, _ index: Int) -> DynamicValue {
                    guard let items = array(source) else { return source.asDynamic }
                    return index < items.count ? items[index] : .null
                }
                return .dynamic(
                    .array(
                        conditions.indices.map { index in
                            guard case .bool(let condition) = conditions[index] else { return .null }
                            return pick(condition ? args[1] : args[2], index)
                        }
                    )
                )
            }
        case "array_rotate_left", "array_rotate_right":
            return { args in
                guard let items = array(args[0]), let steps = Conversions.long(args[1]) else { return .null }
                guard !items.isEmpty else { return .dynamic(.array([])) }
                let count = Int64(items.count)
                let left = Int(((name == "array_rotate_left" ? steps : -steps) % count + count) % count)
                return .dynamic(.array(Array(items[left...] + items[..<left])))
            }
        case "array_shift_left", "array_shift_right":
            return { args in
                guard let items = array(args[0]), let steps = Conversions.long(args[1]) else { return .null }
                let fill = args.count > 2 ? args[2].asDynamic : .null
                let shift = Int(max(-Int64(items.count), min(Int64(items.count), name == "array_shift_left" ? steps : -steps)))
                let padding = [DynamicValue](repeating: fill, count: abs(shift))
                if shift >= 0 { return .dynamic(.array(Array(items[shift...]) + padding)) }
                return .dynamic(.array(padding + items[..<(items.count + shift)]))
            }
        case "array_split":
            return { args in
                guard let items = array(args[0]) else { return .null }
                let count = Int64(items.count)
                let boundaries = (array(args[1]) ?? [args[1].asDynamic]).compactMap { Conversions.long(DynamicFunctions.wrap($0)) }
                    .map { Int(max(0, min(count, $0 < 0 ? count + $0 : $0))) }
                var pieces: [DynamicValue] = []
                var start = 0
                for boundary in boundaries + [items.count] {
                    let end = max(start, boundary)
                    pieces.append(.array(Array(items[start..<end])))
                    start = end
                }
                return .dynamic(.array(pieces))
            }
        case "bag_zip":
            return { args in
                guard let keys = array(args[0]), let values = array(args[1]) else { return .null }
                var bag = PropertyBag()
                for (index, key) in keys.enumerated() {
                    guard case .string(let name) = key else { continue }
                    bag[name] = index < values.count ? values[index] : .null
                }
                return .dynamic(.bag(bag))
            }
        case "treepath":
            return { args in
                var paths: [DynamicValue] = []
                Self.collectPaths(args[0].asDynamic, prefix: "", into: &paths)
                return .dynamic(.array(paths))
            }
        default:
            return nil
        }
    }

    /// Every path below `value` in document order, a bag's keys as `['key']`; an array is one `[0]` step whose
    /// sub-paths are those of all its elements, each listed once.
    private static func collectPaths(_ value: DynamicValue, prefix: String, into paths: inout [DynamicValue]) {
        switch value {
        case .bag(let bag):
            for (key, member) in bag.members {
                let path = prefix + "['" + key + "']"
                appendOnce(path, to: &paths)
                collectPaths(member, prefix: path, into: &paths)
            }
        case .array(let items) where !items.isEmpty:
            let path = prefix + "[0]"
            appendOnce(path, to: &paths)
            for item in items { collectPaths(item, prefix: path, into: &paths) }
        default:
            break
        }
    }

    private static func appendOnce(_ path: String, to paths: inout [DynamicValue]) {
        if !paths.contains(.string(path)) { paths.append(.string(path)) }
    }
}
