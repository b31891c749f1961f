import Foundation

/// Load from `wrk` (Debian), on the same cores as the server under test.
struct Wrk {
    let options: Options

    struct Load {
        let requestsPerSecond: Double
        let latency: String
        let errors: String
    }

    /// `wrk -t<cores> -c<connections> -d<seconds>s` after a discarded 2-second warm-up under the same load
    /// (connections opened, TLS sessions and caches settled); a POST when `body` is given; 2xx answers count.
    func load(url: String, body: String? = nil, headers: [String], script: URL) throws -> Load {
        var lua = ""
        if let body {
            lua += "wrk.method = \"POST\"\nwrk.body = \"\(body)\"\nwrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n"
        }
        for header in headers {
            let parts = header.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            lua += "wrk.headers[\"\(parts[0])\"] = \"\(parts[1])\"\n"
        }
        try lua.write(to: script, atomically: true, encoding: .utf8)
        let threads = ProcessInfo.processInfo.activeProcessorCount
        _ = try Shell.run("wrk", ["-t\(threads)", "-c\(options.connections)", "-d2s", "-s", script.path, url])
        let output = try Shell.run("wrk", ["-t\(threads)", "-c\(options.connections)", "-d\(options.seconds)s", "--latency", "-s", script.path, url])
        say(output)
        let rate = output.firstMatch(of: /Requests\/sec:\s+([0-9.]+)/).flatMap { Double($0.1) } ?? 0
        let latency = output.firstMatch(of: /Latency\s+([0-9.]+\w+)/).map { String($0.1) } ?? "?"
        var errors = output.firstMatch(of: /Non-2xx or 3xx responses: (\d+)/).map { "\($0.1) non-2xx" } ?? "0 non-2xx"
        if let timeouts = output.firstMatch(of: /timeout (\d+)/), timeouts.1 != "0" { errors += ", \(timeouts.1) timeouts" }
        return Load(requestsPerSecond: rate, latency: latency, errors: errors)
    }
}
