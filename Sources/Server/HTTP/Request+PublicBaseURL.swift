import Hummingbird

extension Request {
    /// `https://` and the host the client called: URLs this server hands out (discovery, paging links, issuers,
    /// the device page) point back where the client reached it.
    var publicBaseURL: String {
        "https://\(head.authority ?? "localhost")"
    }
}
