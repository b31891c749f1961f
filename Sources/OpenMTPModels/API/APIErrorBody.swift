/// The Defender API's error body: `{"error":{"code","message","target"}}`, where `target` is the request's
/// tracking GUID (spec §3.0).
public struct APIErrorBody: Codable, Sendable, Equatable {
    public struct Detail: Codable, Sendable, Equatable {
        public var code: String
        public var message: String
        public var target: String

        public init(code: String, message: String, target: String) {
            self.code = code
            self.message = message
            self.target = target
        }
    }

    public var error: Detail

    public init(code: String, message: String, target: String) {
        self.error = Detail(code: code, message: message, target: target)
    }
}
