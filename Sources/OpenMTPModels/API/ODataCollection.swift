/// An OData collection response: `{"@odata.context": …, "value": […], "@odata.nextLink": …}`.
public struct ODataCollection<Element: Codable & Sendable>: Codable, Sendable {
    public var context: String
    public var value: [Element]
    public var nextLink: String?

    public init(context: String, value: [Element], nextLink: String? = nil) {
        self.context = context
        self.value = value
        self.nextLink = nextLink
    }

    enum CodingKeys: String, CodingKey {
        case context = "@odata.context"
        case value
        case nextLink = "@odata.nextLink"
    }
}
