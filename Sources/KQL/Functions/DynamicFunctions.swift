/// Functions over dynamic values: JSON, arrays, property bags, URLs and paths.
enum DynamicFunctions {
    typealias Function = ScalarLibrary.Function

    /// The items of a dynamic array (or of a string holding one).
    static func array(_ value: ScalarValue) -> [DynamicValue]? {
        if case .dynamic(.array(let items)) = value { return items }
        if case .string(let text) = value, case .array(let items)? = DynamicValue.parse(json: text) { return items }
        return nil
    }

    /// A property bag (or a string holding one).
    static func bag(_ value: ScalarValue) -> PropertyBag? {
        if case .dynamic(.bag(let bag)) = value { return bag }
        if case .string(let text) = value, case .bag(let bag)? = DynamicValue.parse(json: text) { return bag }
        return nil
    }

    /// A dynamic value as the scalar it holds.
    static func wrap(_ value: DynamicValue) -> ScalarValue { Conversions.dynamic(.dynamic(value)) }

    static func prepare(_ name: String) -> Function? {
        switch name {
        case "parse_json", "todynamic", "parsejson": return { Conversions.parseJSON($0[0]) }
        case "parse_xml": return { XMLConversion.parse(Conversions.text($0[0])).map(ScalarValue.dynamic) ?? .null }
        case "dynamic_to_json": return { .string(Conversions.dynamic($0[0]).asDynamic.json) }
        case "array_length": return { args in array(args[0]).map { .long(Int64($0.count)) } ?? .null }
        case "pack_array": return { .dynamic(.array($0.map(\.asDynamic))) }
        case "pack", "bag_pack", "pack_dictionary":
            return { args in
                var bag = PropertyBag()
                var index = 0
                while index + 1 < args.count {
                    bag[Conversions.text(args[index])] = args[index + 1].asDynamic
                    index += 2
                }
                return .dynamic(.bag(bag))
            }
        case "bag_keys": return { args in bag(args[0]).map { .dynamic(.array($0.keys.map(DynamicValue.string))) } ?? .null }
        case "bag_has_key": return { args in .bool(bag(args[0])?[Conversions.text(args[1])] != nil) }
        case "bag_merge":
            return { args in
                var merged = PropertyBag()
                for argument in args {
                    for (key, value) in bag(argument)?.members ?? PropertyBag().members where merged[key] == nil { merged[key] = value }
                }
                return .dynamic(.bag(merged))
            }
        case "bag_remove_keys":
            return { args in
                guard var result = bag(args[0]) else { return .null }
                for key in array(args[1]) ?? [] { result[Conversions.text(wrap(key))] = nil }
                return .dynamic(.bag(result))
            }
        case "bag_set_key":
            return { args in
                guard var result = bag(args[0]) else { return .null }
                result[Conversions.text(args[1])] = args[2].asDynamic
                return .dynamic(.bag(result))
            }
        case "set_has_element":
            return { args in
                guard let items = array(args[0]) else { return .null }
                let needle = args[1].asDynamic
                return .bool(items.contains { $0 == needle || Conversions.text(wrap($0)) == Conversions.text(args[1]) && Self.isScalar($0) })
            }
        case "array_index_of":
            return { args in
                guard let items = array(args[0]) else { return .null }
                let needle = args[1].asDynamic
                return .long(Int64(items.firstIndex(of: needle) ?? -1))
            }
        case "array_sort_asc", "array_sort_desc":
            return { args in
                guard let items = array(args[0]) else { return .null }
                let sorted = items.sorted { (ScalarOps.order(wrap($0), wrap($1)) ?? 0) < 0 }
                return .dynamic(.array(name == "array_sort_asc" ? sorted : sorted.reversed()))
            }
        case "array_reverse": return { args in array(args[0]).map { .dynamic(.array($0.reversed())) } ?? .null }
        case "array_concat": return { args in .dynamic(.array(args.flatMap { array($0) ?? [] })) }
        case "array_slice":
            return { args in
                guard let items = array(args[0]), let start = Conversions.long(args[1]), let end = Conversions.long(args[2]) else { return .null }
                let count = Int64(items.count)
                let from = max(0, start < 0 ? count + start : start)
                let to = min(count - 1, end < 0 ? count + end : end)
                return .dynamic(.array(from <= to ? Array(items[Int(from)...Int(to)]) : []))
            }
        case "array_sum":
            return { args in
                guard let items = array(args[0]) else { return .null }
                return .real(items.reduce(0) { $0 + (Conversions.real(wrap($1)) ?? 0) })
            }
        case "set_union", "set_intersect", "set_difference":
            return { args in
                let sets = args.map { array($0) ?? [] }
                var result: [DynamicValue] = []
                switch name {
                case "set_union":
                    for item in sets.joined() where !result.contains(item) { result.append(item) }
                case "set_intersect":
                    for item in sets.first ?? [] where !result.contains(item) && sets.dropFirst().allSatisfy({ $0.contains(item) }) {
                        result.append(item)
                    }
                default:
                    for item in sets.first ?? [] where !result.contains(item) && !sets.dropFirst().contains(where: { $0.contains(item) }) {
                        result.append(item)
                    }
                }
                return .dynamic(.array(result))
            }
        case "zip":
            return { args in
                let arrays = args.map { array($0) ?? [] }
                let length = arrays.map(\.count).max() ?? 0
                return .dynamic(.array((0..<length).map { index in .array(arrays.map { index < $0.count ? $0[index] : .null }) }))
            }
        case "range":
            return { args in
                guard let start = Conversions.real(args[0]), let end = Conversions.real(args[1]) else { return .null }
                let step = args.count > 2 ? (Conversions.real(args[2]) ?? 1) : 1
                guard step != 0 else { return .null }
                var items: [DynamicValue] = []
                var value = start
                let integral = [args[0], args[1]].allSatisfy { if case .long = $0.unwrapped { true } else { false } }
                while (step > 0 ? value <= end : value >= end) && items.count < 1_048_576 {
                    items.append(integral ? .long(Int64(value)) : .real(value))
                    value += step
                }
                return .dynamic(.array(items))
            }
        case "repeat":
            return { args in
                let count = Int(max(0, min(Conversions.long(args[1]) ?? 0, 1_048_576)))
                return .dynamic(.array(Array(repeating: args[0].asDynamic, count: count)))
            }
        case "extractjson", "extract_json":
            return { args in
                guard case .some(let root) = DynamicValue.parse(json: Conversions.text(args[1])) else { return .null }
                let found = JSONPath.select(Conversions.text(args[0]), in: root)
                if args.count > 2 { return Conversions.convert(wrap(found ?? .null), to: .string) }
                guard let found else { return .null }
                if case .string(let text) = found { return .string(text) }
                return .string(found.json)
            }
        case "parse_url": return { .dynamic(URLParts.parse(Conversions.text($0[0]))) }
        case "parse_urlquery": return { .dynamic(.bag(PropertyBag([("Query Parameters", URLParts.query(Conversions.text($0[0])))]))) }
        case "parse_path": return { .dynamic(PathParts.parse(Conversions.text($0[0]))) }
        case "parse_command_line": return { .dynamic(.array(CommandLine.split(Conversions.text($0[0])).map(DynamicValue.string))) }
        default: return nil
        }
    }

    static func isScalar(_ value: DynamicValue) -> Bool {
        switch value {
        case .array, .bag: false
        default: true
        }
    }
}

/// The JSONPath subset `extractjson` needs: `$`, `.name`, `['name']`, `[index]`.
enum JSONPath {
    static func select(_ path: String, in root: DynamicValue) -> DynamicValue? {
        var characters = Substring(path)
        guard characters.first == "$" else { return nil }
        characters = characters.dropFirst()
        var current = root
        while let first = characters.first {
            if first == "." {
                characters = characters.dropFirst()
                let name = characters.prefix { $0 != "." && $0 != "[" }
                characters = characters.dropFirst(name.count)
                guard case .bag(let bag) = current, let next = bag[String(name)] else { return nil }
                current = next
            } else if first == "[" {
                guard let close = characters.firstIndex(of: "]") else { return nil }
                let inner = characters[characters.index(after: characters.startIndex)..<close]
                characters = characters[characters.index(after: close)...]
                if let index = Int64(inner) {
                    guard case .array = current else { return nil }
                    current = current[index]
                } else {
                    let name = inner.trimming(["'", "\""])
                    guard case .bag(let bag) = current, let next = bag[name] else { return nil }
                    current = next
                }
            } else {
                return nil
            }
        }
        return current
    }
}

/// `parse_url`: Scheme, Host, Port, Path, Username, Password, Query Parameters, Fragment.
enum URLParts {
    static func parse(_ url: String) -> DynamicValue {
        guard let schemeEnd = url.firstRange(of: "://") else { return .bag(PropertyBag()) }
        let scheme = String(url[..<schemeEnd.lowerBound])
        var rest = Substring(url[schemeEnd.upperBound...])
        var fragment = ""
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        var query = ""
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let path = String(rest[authorityEnd...])
        var user = ""
        var password = ""
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = String(credentials[..<colon])
                password = String(credentials[credentials.index(after: colon)...])
            } else {
                user = String(credentials)
            }
        }
        var host = String(authority)
        var port = ""
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = String(authority[..<colon])
            port = String(authority[authority.index(after: colon)...])
        }
        return .bag(
            PropertyBag([
                ("Scheme", .string(scheme)), ("Host", .string(host)), ("Port", .string(port)), ("Path", .string(path)),
                ("Username", .string(user)), ("Password", .string(password)), ("Query Parameters", Self.query(query)),
                ("Fragment", .string(fragment)),
            ])
        )
    }

    static func query(_ text: String) -> DynamicValue {
        var bag = PropertyBag()
        let trimmed = text.hasPrefix("?") ? String(text.dropFirst()) : text
        for pair in trimmed.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            bag[URLText.decode(String(parts[0]))] = .string(parts.count > 1 ? URLText.decode(String(parts[1])) : "")
        }
        return .bag(bag)
    }
}

/// `parse_path`: Scheme, RootPath, DirectoryPath, DirectoryName, Filename, Extension, AlternateDataStreamName.
enum PathParts {
    static func parse(_ path: String) -> DynamicValue {
        let separator: Character = path.contains("\\") ? "\\" : "/"
        var root = ""
        if path.count >= 2, Array(path)[1] == ":" { root = String(path.prefix(2)) }
        let lastSeparator = path.lastIndex(of: separator)
        let directory = lastSeparator.map { String(path[..<$0]) } ?? ""
        var file = lastSeparator.map { String(path[path.index(after: $0)...]) } ?? path
        var stream = ""
        if let colon = file.lastIndex(of: ":"), !file.hasPrefix(root) || root.isEmpty {
            stream = String(file[file.index(after: colon)...])
            file = String(file[..<colon])
        }
        let fileExtension = file.lastIndex(of: ".").map { String(file[file.index(after: $0)...]) } ?? ""
        let directoryName = directory.split(separator: separator).last.map(String.init) ?? ""
        return .bag(
            PropertyBag([
                ("Scheme", .string("")), ("RootPath", .string(root)), ("DirectoryPath", .string(directory)),
                ("DirectoryName", .string(directoryName)), ("Filename", .string(file)), ("Extension", .string(fileExtension)),
                ("AlternateDataStreamName", .string(stream)),
            ])
        )
    }
}

/// Windows command-line splitting (`CommandLineToArgvW` rules for quotes and backslashes).
enum CommandLine {
    static func split(_ text: String) -> [String] {
        var arguments: [String] = []
        var current = ""
        var inQuotes = false
        var hasArgument = false
        var backslashes = 0
        for character in text {
            if character == "\\" {
                backslashes += 1
                continue
            }
            if character == "\"" {
                current += String(repeating: "\\", count: backslashes / 2)
                if backslashes % 2 == 1 {
                    current.append("\"")
                } else {
                    inQuotes.toggle()
                }
                backslashes = 0
                hasArgument = true
                continue
            }
            current += String(repeating: "\\", count: backslashes)
            backslashes = 0
            if (character == " " || character == "\t") && !inQuotes {
                if hasArgument || !current.isEmpty { arguments.append(current) }
                current = ""
                hasArgument = false
            } else {
                current.append(character)
                hasArgument = true
            }
        }
        current += String(repeating: "\\", count: backslashes)
        if hasArgument || !current.isEmpty { arguments.append(current) }
        return arguments
    }
}
