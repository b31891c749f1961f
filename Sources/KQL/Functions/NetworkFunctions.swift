/// IPv4 and IPv6 functions.
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
        case "has_ipv4_prefix", "has_any_ipv4_prefix":
            return { args in
                let prefixes = args.dropFirst().flatMap(Interpreter.flattened).map(text).filter(IPv4.isPrefix)
                return .bool(IPv4.addresses(in: text(args[0])).contains { address in prefixes.contains { address.hasPrefix($0) } })
            }
        case "format_ipv4_mask":
            return { args in
                guard var ip = IPv4.parse(text(args[0])) else { return .string("") }
                if args.count > 1 {
                    guard let prefix = Conversions.long(args[1]), (0...32).contains(prefix) else { return .string("") }
                    ip.prefix = min(ip.prefix, Int(prefix))
                }
                return .string("\(IPv4.format(ip.address & IPv4.mask(ip.prefix)))/\(ip.prefix)")
            }
        case "parse_ipv4_mask":
            return { args in
                guard let ip = IPv4.parse(text(args[0])), let prefix = Conversions.long(args[1]), (0...32).contains(prefix) else { return .null }
                return .long(Int64(ip.address & IPv4.mask(min(ip.prefix, Int(prefix)))))
            }
        case "ipv4_netmask_suffix": return { args in IPv4.parse(text(args[0])).map { .long(Int64($0.prefix)) } ?? .null }
        case "parse_ipv6", "parse_ipv6_mask":
            return { args in
                guard var ip = IPv6.parse(text(args[0])) else { return .null }
                if args.count > 1 {
                    guard let prefix = Conversions.long(args[1]), prefix >= 0 else { return .null }
                    ip.narrow(to: Int(prefix))
                }
                return .string(IPv6.format(ip.address & IPv6.mask(ip.prefix)))
            }
        case "ipv6_compare", "ipv6_is_match":
            return { args in
                guard var a = IPv6.parse(text(args[0])), var b = IPv6.parse(text(args[1])) else { return .null }
                if args.count > 2 {
                    guard let prefix = Conversions.long(args[2]), (0...128).contains(prefix) else { return .null }
                    a.prefix = min(a.prefix, Int(prefix))
                    b.prefix = min(b.prefix, Int(prefix))
                }
                let mask = IPv6.mask(min(a.prefix, b.prefix))
                let (x, y) = (a.address & mask, b.address & mask)
                if name == "ipv6_is_match" { return .bool(x == y) }
                return .long(x == y ? 0 : (x < y ? -1 : 1))
            }
        case "ipv6_is_in_range":
            return { args in
                guard let ip = IPv6.parse(text(args[0])), let range = IPv6.parse(text(args[1])) else { return .null }
                return .bool(range.contains(ip.address))
            }
        case "ipv6_is_in_any_range":
            return { args in
                guard let ip = IPv6.parse(text(args[0])) else { return .null }
                let ranges = args.dropFirst().flatMap(Interpreter.flattened).compactMap { IPv6.parse(text($0)) }
                return .bool(ranges.contains { $0.contains(ip.address) })
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

    /// A prefix `has_ipv4_prefix` accepts: a whole address, or one to three octets ending with a dot.
    static func isPrefix(_ text: String) -> Bool {
        if parse(text) != nil { return true }
        guard text.hasSuffix(".") else { return false }
        let octets = text.dropLast().split(separator: ".", omittingEmptySubsequences: false)
        return (1...3).contains(octets.count) && octets.allSatisfy { !$0.isEmpty && $0.count <= 3 && (UInt32($0).map { $0 <= 255 } ?? false) }
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

/// An IPv6 address with a prefix length; IPv4 addresses (and their prefixes) map into `::ffff:0:0/96`.
struct IPv6 {
    var address: UInt128
    var prefix: Int

    /// Applies a function argument's prefix: IPv4 bits for a mapped IPv4 address, IPv6 bits otherwise.
    mutating func narrow(to bits: Int) {
        prefix = min(prefix, isMappedIPv4 ? 96 + min(bits, 32) : min(bits, 128))
    }

    private var isMappedIPv4: Bool { address >> 32 == 0xffff }

    func contains(_ other: UInt128) -> Bool {
        Self.mask(prefix) & address == Self.mask(prefix) & other
    }

    static func mask(_ prefix: Int) -> UInt128 {
        prefix <= 0 ? 0 : (prefix >= 128 ? .max : ~(UInt128.max >> UInt128(prefix)))
    }

    static func parse(_ text: String) -> IPv6? {
        let trimmed = text.trimmingSpaces
        if let ip = IPv4.parse(trimmed) { return IPv6(address: 0xffff << 32 | UInt128(ip.address), prefix: 96 + ip.prefix) }
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = groups(parts[0]) else { return nil }
        var prefix = 128
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...128).contains(value) else { return nil }
            prefix = value
        }
        return IPv6(address: address, prefix: prefix)
    }

    /// Eight 16-bit groups, `::` standing for a run of zero groups, and an optional dotted IPv4 tail.
    private static func groups(_ text: Substring) -> UInt128? {
        let halves = text.split(separator: "::", maxSplits: 1, omittingEmptySubsequences: false)
        guard !text.isEmpty, halves.allSatisfy({ !$0.contains("::") }) else { return nil }
        func values(_ part: Substring) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains("."), let tail = IPv4.parse(String(piece)), tail.prefix == 32 {
                    result += [UInt16(tail.address >> 16), UInt16(tail.address & 0xffff)]
                } else {
                    guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                    result.append(value)
                }
            }
            return result
        }
        guard let head = values(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = values(halves[1]), head.count + tail.count < 8 else { return nil }
            all += [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }

    /// The full form Kusto prints: eight four-digit lower-case groups.
    static func format(_ address: UInt128) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        for group in 0..<8 {
            if group > 0 { text.append(":") }
            let value = UInt16(truncatingIfNeeded: address >> UInt128(16 * (7 - group)))
            for shift in stride(from: 12, through: 0, by: -4) { text.append(digits[Int(value >> UInt16(shift) & 15)]) }
        }
        return text
    }
}
