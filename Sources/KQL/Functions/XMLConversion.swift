/// `parse_xml`: XML text as a dynamic value in the shape Kusto gives it — the root element as the one key of a bag;
/// an element with neither attributes nor child elements as its text (null when empty), otherwise a bag of `@name`
/// attributes, child elements by name (an array where a name repeats) and `#text` for its text. Declarations,
/// comments and processing instructions are skipped; invalid XML gives null.
struct XMLConversion {
    private let bytes: [UInt8]
    private var position = 0
    private static let maximumDepth = 256

    static func parse(_ text: String) -> DynamicValue? {
        var parser = XMLConversion(bytes: Array(text.utf8))
        parser.skipMisc()
        guard let (name, value) = parser.element(depth: 0) else { return nil }
        parser.skipMisc()
        guard parser.position == parser.bytes.count else { return nil }
        return .bag(PropertyBag([(name, value)]))
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private func starts(with text: String) -> Bool {
        let prefix = Array(text.utf8)
        return position + prefix.count <= bytes.count && bytes[position..<position + prefix.count].elementsEqual(prefix)
    }

    private mutating func skip(past terminator: String) -> Bool {
        while position < bytes.count {
            if starts(with: terminator) {
                position += terminator.utf8.count
                return true
            }
            position += 1
        }
        return false
    }

    private mutating func skipSpace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    /// Whitespace, comments, declarations and processing instructions between elements.
    private mutating func skipMisc() {
        while true {
            skipSpace()
            if starts(with: "<?") {
                guard skip(past: "?>") else { return }
            } else if starts(with: "<!--") {
                guard skip(past: "-->") else { return }
            } else if starts(with: "<!DOCTYPE") {
                guard skip(past: ">") else { return }
            } else {
                return
            }
        }
    }

    private mutating func name() -> String? {
        let start = position
        while let byte = current,
            !(byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: ">")
                || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "<"))
        {
            position += 1
        }
        return position > start ? String(decoding: bytes[start..<position], as: UTF8.self) : nil
    }

    /// An element starting at `<`: its name and converted value.
    private mutating func element(depth: Int) -> (String, DynamicValue)? {
        guard depth < Self.maximumDepth, current == UInt8(ascii: "<") else { return nil }
        position += 1
        guard let tag = name() else { return nil }
        var members = PropertyBag()
        while true {
            skipSpace()
            if starts(with: "/>") {
                position += 2
                return (tag, members.count == 0 ? .null : .bag(members))
            }
            if current == UInt8(ascii: ">") {
                position += 1
                break
            }
            guard let attribute = name() else { return nil }
            skipSpace()
            guard current == UInt8(ascii: "=") else { return nil }
            position += 1
            skipSpace()
            guard let quote = current, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
            position += 1
            let start = position
            while let byte = current, byte != quote { position += 1 }
            guard current == quote else { return nil }
            members["@" + attribute] = .string(Self.decodeEntities(bytes[start..<position]))
            position += 1
        }
        let hasAttributes = members.count > 0
        var text: [UInt8] = []
        var children: [(String, DynamicValue)] = []
        while true {
            guard position < bytes.count else { return nil }
            if starts(with: "</") {
                position += 2
                guard name() == tag else { return nil }
                skipSpace()
                guard current == UInt8(ascii: ">") else { return nil }
                position += 1
                break
            } else if starts(with: "<![CDATA[") {
                position += 9
                let start = position
                guard skip(past: "]]>") else { return nil }
                text += bytes[start..<position - 3]
            } else if starts(with: "<!--") || starts(with: "<?") {
                guard skip(past: starts(with: "<!--") ? "-->" : "?>") else { return nil }
            } else if current == UInt8(ascii: "<") {
                guard let child = element(depth: depth + 1) else { return nil }
                children.append(child)
            } else {
                let start = position
                while let byte = current, byte != UInt8(ascii: "<") { position += 1 }
                text += Array(Self.decodeEntities(bytes[start..<position]).utf8)
            }
        }
        let content = String(decoding: text, as: UTF8.self)
        let meaningful = content.utf8.contains { !(0x09...0x0D).contains($0) && $0 != 0x20 }
        if !hasAttributes && children.isEmpty { return (tag, content.isEmpty ? .null : .string(content)) }
        for (childName, value) in children {
            switch members[childName] {
            case nil: members[childName] = value
            // Element values are never arrays, so an array here holds the earlier children of this name.
            case .array(let items)?: members[childName] = .array(items + [value])
            case let existing?: members[childName] = .array([existing, value])
            }
        }
        if meaningful { members["#text"] = .string(content) }
        return (tag, .bag(members))
    }

    /// Text with the five predefined entities and numeric character references replaced.
    private static func decodeEntities(_ raw: ArraySlice<UInt8>) -> String {
        let text = String(decoding: raw, as: UTF8.self)
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "lt": out += "<"
            case "gt": out += ">"
            case "amp": out += "&"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let code =
                    entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : (entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil)
                if let code, let scalar = Unicode.Scalar(code) { out.unicodeScalars.append(scalar) } else { out += "&\(entity);" }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return out + rest
    }
}
