import Hummingbird
import NIOCore

/// The sign-in, consent and device pages: plain HTML forms (no script), every value escaped.
enum HTMLPage {
    /// A form field: a hidden value, or a visible input.
    enum Field {
        case hidden(String, String)
        case text(name: String, label: String, value: String = "", type: String = "text", autocomplete: String = "off")
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A page with a heading, paragraphs and an optional form posting to `action`.
    static func render(
        title: String,
        paragraphs: [String],
        error: String? = nil,
        form: (action: String, fields: [Field], buttons: [(name: String, value: String, label: String)])? = nil,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        var html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem;color:#222}
            label{display:block;margin:.8rem 0 .2rem}input[type=text],input[type=email],input[type=password]{width:100%;padding:.5rem;font-size:1rem}
            button{margin:1rem .5rem 0 0;padding:.5rem 1.2rem;font-size:1rem}.error{color:#a00}.brand{color:#555;font-size:.9rem}</style>
            </head><body><p class="brand">OpenMTP identity platform</p><h1>\(escape(title))</h1>
            """
        if let error { html += "<p class=\"error\">\(escape(error))</p>" }
        for paragraph in paragraphs { html += "<p>\(escape(paragraph))</p>" }
        if let form {
            html += "<form method=\"post\" action=\"\(escape(form.action))\">"
            for field in form.fields {
                switch field {
                case .hidden(let name, let value):
                    html += "<input type=\"hidden\" name=\"\(escape(name))\" value=\"\(escape(value))\">"
                case .text(let name, let label, let value, let type, let autocomplete):
                    html += "<label for=\"\(escape(name))\">\(escape(label))</label>"
                    html += "<input id=\"\(escape(name))\" name=\"\(escape(name))\" type=\"\(escape(type))\" value=\"\(escape(value))\" "
                    html += "autocomplete=\"\(escape(autocomplete))\">"
                }
            }
            for button in form.buttons {
                html += "<button type=\"submit\" name=\"\(escape(button.name))\" value=\"\(escape(button.value))\">\(escape(button.label))</button>"
            }
            html += "</form>"
        }
        html += "</body></html>"
        return make(html, status: status)
    }

    /// The `form_post` response mode: a page that posts the parameters to the client.
    static func autoPost(to action: String, parameters: [(String, String)]) -> Response {
        var html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Working...</title></head>"
        html += "<body onload=\"document.forms[0].submit()\"><form method=\"post\" action=\"\(escape(action))\">"
        for (name, value) in parameters { html += "<input type=\"hidden\" name=\"\(escape(name))\" value=\"\(escape(value))\">" }
        html += "<noscript><button type=\"submit\">Continue</button></noscript></form></body></html>"
        return make(html, status: .ok)
    }

    private static func make(_ html: String, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.init("X-Frame-Options")!] = "DENY"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
