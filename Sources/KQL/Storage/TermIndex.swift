/// The terms of a text column's distinct values: for each term, the dictionary codes of the values containing it.
///
/// Terms follow Kusto's rule: maximal runs of ASCII letters and digits (bytes beyond ASCII count as letters),
/// compared without case. Only terms of ``minimumLength`` or more characters are indexed, as in Kusto; `has` with a
/// shorter term falls back to checking each distinct value.
public struct TermIndex: Sendable {
    public static let minimumLength = 3
    private let postings: [String: [UInt32]]

    public init(_ dictionary: TextDictionary) {
        var postings: [String: [UInt32]] = [:]
        for code in 0..<dictionary.count {
            var seen: Set<String> = []
            dictionary.withBytes(of: code) { bytes in
                Self.forEachTerm(in: bytes) { term in
                    if term.utf8.count >= Self.minimumLength, seen.insert(term).inserted { postings[term, default: []].append(UInt32(code)) }
                }
            }
        }
        self.postings = postings
    }

    /// The codes of the values that contain `term` as a whole term, ascending; nil when `term` is not a single term
    /// long enough to be indexed.
    public func codes(having term: String) -> [UInt32]? {
        var terms: [String] = []
        var text = term
        text.withUTF8 { Self.forEachTerm(in: UnsafeRawBufferPointer($0)) { terms.append($0) } }
        guard terms.count == 1, terms[0].utf8.count == term.utf8.count, term.utf8.count >= Self.minimumLength else { return nil }
        return postings[terms[0]] ?? []
    }

    public var residentBytes: Int { postings.reduce(postings.capacity * 24) { $0 + $1.key.utf8.count + 16 + $1.value.capacity * 4 + 32 } }

    /// Calls `body` with each term of `bytes`, lowercased.
    static func forEachTerm(in bytes: UnsafeRawBufferPointer, _ body: (String) -> Void) {
        var start: Int?
        for index in 0...bytes.count {
            let isTermByte = index < bytes.count && Self.isTermByte(bytes[index])
            if isTermByte, start == nil { start = index }
            if !isTermByte, let first = start {
                body(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[first..<index]), as: UTF8.self).lowercased())
                start = nil
            }
        }
    }

    private static func isTermByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte >= 0x80
    }
}
