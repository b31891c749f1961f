import Foundation
import HTTPTypes
import Hummingbird
import NIOFoundationEssentialsCompat
import OpenMTPModels

/// Builders of JSON responses with the headers each family of endpoints sends.
enum JSONResponses {
    private static let pragma = HTTPField.Name("Pragma")!
    private static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    private static let msRequestId = HTTPField.Name("x-ms-request-id")!

    /// Keys in a stable order, slashes unescaped.
    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// An API response body.
    static func api(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        try make(ByteBuffer(data: encode(value)), status: status, headers: [:])
    }

    /// A body already serialized (hunting results keep their column order this way).
    static func api(text: String) -> Response {
        make(ByteBuffer(string: text), status: .ok, headers: [:])
    }

    /// A token endpoint body: never cached (spec §2.4).
    static func token(_ value: some Encodable, status: HTTPResponse.Status = .ok, requestId: String) throws -> Response {
        var headers = HTTPFields()
        headers[.cacheControl] = "no-store, no-cache"
        headers[Self.pragma] = "no-cache"
        headers[.expires] = "-1"
        headers[Self.contentTypeOptions] = "nosniff"
        headers[Self.msRequestId] = requestId
        return try make(ByteBuffer(bytes: FlatJSONEncoder.encode(value)), status: status, headers: headers)
    }

    /// A discovery or keys document: cacheable, readable cross-origin.
    static func discovery(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.cacheControl] = "max-age=86400, private"
        headers[.accessControlAllowOrigin] = "*"
        headers[.accessControlAllowMethods] = "GET, OPTIONS"
        return make(ByteBuffer(string: text), status: status, headers: headers)
    }

    private static func make(_ body: ByteBuffer, status: HTTPResponse.Status, headers: HTTPFields) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }
}
