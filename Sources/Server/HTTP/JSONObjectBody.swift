import Foundation
import Hummingbird
import NIOFoundationEssentialsCompat
import OpenMTPModels

extension Request {
    /// The body's members when it is one JSON object (at most `limit` bytes), in their order; nil for any other body.
    mutating func jsonObjectMembers(upTo limit: Int) async throws -> [(String, JSONValue)]? {
        let bytes = try await collectBody(upTo: limit)
        return (try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: bytes)))?.objectMembers
    }
}
