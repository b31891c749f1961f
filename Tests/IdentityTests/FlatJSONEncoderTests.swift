import Foundation
import OpenMTPModels
import Testing

/// Token bodies and claims are written by ``FlatJSONEncoder``; what it writes must read back as what
/// Foundation's encoder would have produced.
@Suite("Flat JSON encoder")
struct FlatJSONEncoderTests {
    struct Sample: Codable, Equatable {
        var text: String
        var count: Int
        var big: Int64
        var flag: Bool
        var list: [String]
        var missing: String?
        var nested: [String: Int]
        var ratio: Double

        enum CodingKeys: String, CodingKey {
            case text = "the_text"
            case count, big, flag, list, missing, nested, ratio
        }
    }

    @Test("escapes, numbers, arrays, omitted nils and nested values read back unchanged")
    func roundTrip() throws {
        let sample = Sample(
            text: "quote \" backslash \\ slash / newline \n tab \t bell \u{07} é ☃",
            count: -42,
            big: 1_700_000_000_123,
            flag: true,
            list: ["a", "b\"c", ""],
            missing: nil,
            nested: ["x": 1],
            ratio: 0.5
        )
        let bytes = try FlatJSONEncoder.encode(sample)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(try JSONDecoder().decode(Sample.self, from: Data(bytes)) == sample)
        #expect(text.hasPrefix(#"{"the_text":"quote \" backslash \\ slash / newline \n tab \t bell \u0007 é ☃","count":-42,"#))
        #expect(!text.contains("missing"))
        #expect(text.contains(#""list":["a","b\"c",""]"#))
        #expect(text.hasSuffix(#""nested":{"x":1},"ratio":0.5}"#))
    }

    @Test("a token response reads back field for field")
    func tokenResponse() throws {
        let response = TokenResponseV1(
            expiresIn: "3599",
            extExpiresIn: "3599",
            expiresOn: "1",
            notBefore: "0",
            resource: "https://api.security.microsoft.com",
            accessToken: "a.b.c"
        )
        let bytes = try FlatJSONEncoder.encode(response)
        #expect(try JSONDecoder().decode(TokenResponseV1.self, from: Data(bytes)) == response)
        #expect(String(decoding: bytes, as: UTF8.self).contains(#""resource":"https://api.security.microsoft.com""#))
    }
}
