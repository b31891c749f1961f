import Testing

@testable import Server

@Suite("Form decoding")
struct FormEncodingTests {
    @Test("plus is a space, escapes are UTF-8 bytes, bad escapes stay, later keys win, empty keys are dropped")
    func decode() {
        let fields = FormEncoding.decode("a=1+2&b=%C3%A9t%C3%A9&c=100%&d=%zz&a=3&=x&e&scope=https%3A%2F%2Fapi.security.microsoft.com%2F.default".utf8)
        #expect(fields["a"] == "3")
        #expect(fields["b"] == "été")
        #expect(fields["c"] == "100%")
        #expect(fields["d"] == "%zz")
        #expect(fields["e"] == "")
        #expect(fields["scope"] == "https://api.security.microsoft.com/.default")
        #expect(fields.count == 6)
        #expect(
            FormEncoding.decode("$filter=lastUpdateTime+ge+2024-01-01T00:00:00.0000000Z".utf8)["$filter"]
                == "lastUpdateTime ge 2024-01-01T00:00:00.0000000Z"
        )
    }
}
