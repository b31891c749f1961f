import OpenMTPModels
import Store

/// `@odata.nextLink` for a page: the same options with `$skip` moved past it, when the page came back full.
enum ODataPaging {
    static func nextLink(_ url: String, options: [String: String], query: IncidentQuery, returned: Int) -> String? {
        guard query.top > 0, returned == query.top else { return nil }
        var next = options
        next["$skip"] = String(query.skip + query.top)
        next["$top"] = String(query.top)
        return url + "?" + next.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.formURLEncoded)" }.joined(separator: "&")
    }
}
