/// IPv4 functions.
enum NetworkFunctions {
    typealias Function = ScalarLibrary.Function

    static func prepare(_ name: String) -> Function? {
        func text(_ value: ScalarValue) -> String { Conversions.text(value) }
        switch name {
        case "parse_ipv4": return { args in IPv4.parse(text(args[0])).map { .long(Int64($0.address)) } ?? .null }
        case "ipv4_is_private":
            return { args in
                guard let ip = IPv4.parse(text(args[0])) else { return .null }
                return .bool(IPv4.privateRanges.contains { $0.contains(ip.address) })
            }
        case "ipv4_is_in_range":
            return { args in
                guard let ip = IPv4.parse(text(args[0])), let range = IPv4.parse(text(args[1])) else { return .null }
                return .bool(range.contains(ip.address))
            }
        case "ipv4_is_in_any_range":
            return { args in
                guard let ip = IPv4.parse(text(args[0])) else { return .null }
                let ranges = args.dropFirst().flatMap(Interpreter.flattened).compactMap { IPv4.parse(text($0)) }
                return .bool(ranges.contains { $0.contains(ip.address) })
            }
        case "ipv4_is_match":
            return { args in
                guard var a = IPv4.parse(text(args[0])), var b = IPv4.parse(text(args[1])) else { return .null }
                if args.count > 2, let prefix = Conversions.long(args[2]) {
                    a.prefix = Int(prefix)
                    b.prefix = Int(prefix)
                }
                let prefix = min(a.prefix, b.prefix)
                return .bool(IPv4.mask(prefix) & a.address == IPv4.mask(prefix) & b.address)
            }
        case "ipv4_compare":
            return { args in
                guard let a = IPv4.parse(text(args[0])), let b = IPv4.parse(text(args[1])) else { return .null }
                let prefix = args.count > 2 ? Int(Conversions.long(args[2]) ?? 32) : min(a.prefix, b.prefix)
                let x = IPv4.mask(prefix) & a.address
                let y = IPv4.mask(prefix) & b.address
                return .long(x == y ? 0 : (x < y ? -1 : 1))
            }
        case "format_ipv4":
            return { args in
                let address: UInt32?
                if let number = Conversions.long(args[0]), case .long = args[0].unwrapped {
                    address = UInt32(truncatingIfNeeded: number)
                } else {
                    address = IPv4.parse(text(args[0]))?.address
                }
                guard var value = address else { return .string("") }
                if args.count > 1, let prefix = Conversions.long(args[1]) { value &= IPv4.mask(Int(prefix)) }
                return .string(IPv4.format(value))
            }
        case "has_ipv4":
            return { args in
                let target = text(args[1])
                return .bool(IPv4.addresses(in: text(args[0])).contains(target))
            }
        case "has_any_ipv4":
            return { args in
                let targets = Set(args.dropFirst().flatMap(Interpreter.flattened).map(text))
                return .bool(IPv4.addresses(in: text(args[0])).contains { targets.contains($0) })
            }
        case "geo_info_from_ip_address":
            // No geolocation database ships with OpenMTP: the documented empty property bag for unknown addresses.
            return { _ in .dynamic(.bag(PropertyBag())) }
        default: return nil
        }
    }
}

/// An IPv4 address with an optional prefix length (`10.0.0.0/8`).
struct IPv4 {
    var address: UInt32
    var prefix: Int

    static func parse(_ text: String) -> IPv4? {
        let parts = text.trimmingSpaces.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var address: UInt32 = 0
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, let value = UInt32(octet), value <= 255 else { return nil }
            address = address << 8 | value
        }
        var prefix = 32
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...32).contains(value) else { return nil }
            prefix = value
        }
        return IPv4(address: address, prefix: prefix)
    }

    static func mask(_ prefix: Int) -> UInt32 {
        prefix <= 0 ? 0 : (prefix >= 32 ? .max : ~(UInt32.max >> UInt32(prefix)))
    }

    func contains(_ other: UInt32) -> Bool {
        Self.mask(prefix) & address == Self.mask(prefix) & other
    }

    static func format(_ address: UInt32) -> String {
        "\(address >> 24).\(address >> 16 & 255).\(address >> 8 & 255).\(address & 255)"
    }

    /// RFC 1918 private networks.
    static let privateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].compactMap(parse)

    /// The IPv4 addresses standing alone in `text` (not part of longer dotted or numeric runs).
    static func addresses(in text: String) -> [String] {
        var found: [String] = []
        var current = ""
        for character in text + " " {
            if character.isNumber || character == "." {
                current.append(character)
            } else {
                if parse(current) != nil { found.append(current) }
                current = ""
            }
        }
        return found
    }
}
