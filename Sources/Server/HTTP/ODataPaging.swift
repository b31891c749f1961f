import OpenMTPModels
import Store

/// OData collections: the `{"@odata.context","value","@odata.nextLink"}` envelope and its next-page link.
enum ODataPaging {
    /// The envelope around entities that are already JSON text (stored incidents are kept in wire form).
    static func collection(context: String, documents: [String], nextLink: String?) -> String {
        var text = #"{"@odata.context":"# + JSONValue.string(context).serialized + #","value":["#
        text.reserveCapacity(documents.reduce(text.count + 256) { $0 + $1.utf8.count + 1 })
        for (index, document) in documents.enumerated() {
            if index > 0 { text += "," }
            text += document
        }
        text += "]"
        if let nextLink { text += #","@odata.nextLink":"# + JSONValue.string(nextLink).serialized }
        return text + "}"
    }

    /// `@odata.nextLink` for a page: the same options with `$skip` moved past it, when the page came back full.
    static func nextLink(_ url: String, options: [String: String], query: IncidentQuery, returned: Int) -> String? {
        guard query.top > 0, returned == query.top else { return nil }
        var next = options
        next["$skip"] = String(query.skip + query.top)
        next["$top"] = String(query.top)
        return url + "?" + next.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.formURLEncoded)" }.joined(separator: "&")
    }
}
