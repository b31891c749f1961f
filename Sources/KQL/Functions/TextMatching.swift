/// Kusto's string predicates over UTF-8 bytes. Case-insensitive forms fold ASCII letters only, as Kusto does.
///
/// `has` is term matching: a term is a maximal run of alphanumeric characters (bytes ≥ 0x80 count as term
/// characters), and the needle must sit on term boundaries. `contains` is a plain substring test.
enum TextMatching {
    static func matches(_ predicate: TextPredicate, _ haystack: String, _ needle: String) -> Bool {
        let result: Bool
        if predicate.kind == .equals {
            result = predicate.caseSensitive ? haystack == needle : equalsIgnoringASCIICase(Array(haystack.utf8), Array(needle.utf8))
        } else {
            result = find(predicate.kind, Array(haystack.utf8), Array(needle.utf8), caseSensitive: predicate.caseSensitive)
        }
        return result != predicate.negated
    }

    private static func find(_ kind: TextPredicate.Kind, _ h: [UInt8], _ n: [UInt8], caseSensitive: Bool) -> Bool {
        guard n.count <= h.count else { return false }
        if n.isEmpty { return true }
        switch kind {
        case .startsWith: return same(h, at: 0, n, caseSensitive)
        case .endsWith: return same(h, at: h.count - n.count, n, caseSensitive)
        default: break
        }
        let needsLeftBoundary = (kind == .has || kind == .hasPrefix) && isTermByte(n[0])
        let needsRightBoundary = (kind == .has || kind == .hasSuffix) && isTermByte(n[n.count - 1])
        var start = 0
        while start + n.count <= h.count {
            if same(h, at: start, n, caseSensitive) {
                let leftOK = !needsLeftBoundary || start == 0 || !isTermByte(h[start - 1])
                let end = start + n.count
                let rightOK = !needsRightBoundary || end == h.count || !isTermByte(h[end])
                if leftOK && rightOK { return true }
            }
            start += 1
        }
        return false
    }

    private static func same(_ h: [UInt8], at offset: Int, _ n: [UInt8], _ caseSensitive: Bool) -> Bool {
        for i in 0..<n.count {
            let a = h[offset + i]
            let b = n[i]
            if a == b { continue }
            if caseSensitive || fold(a) != fold(b) { return false }
        }
        return true
    }

    static func equalsIgnoringASCIICase(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && same(a, at: 0, b, false)
    }

    private static func fold(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte + 32 : byte
    }

    private static func isTermByte(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte >= 0x80
    }
}
