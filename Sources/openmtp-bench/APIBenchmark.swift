import Foundation

/// The `api` section: authenticated `GET /api/incidents?$top=100` against the `GET /health` hello-world route of the
/// same server, in the same run, under the same `wrk` load; first on the demo tenant as `mtp serve --demo` seeds it,
/// then with the tenant grown past 100 incidents by `mtp simulate` (full pages).
struct APIBenchmark {
    let options: Options

    struct Figures {
        let hello: Wrk.Load
        let pages: [(incidents: Int, bytes: Int, load: Wrk.Load)]
    }

    func run() async throws -> Figures {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("openmtp-api-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: data) }
        let wrk = Wrk(options: options)

        say("== API: mtp serve --demo --no-quotas (release)")
        var server = try await serve(data, demo: true)
        let demo = try JSONSerialization.jsonObject(with: Data(contentsOf: data.appendingPathComponent("demo.json"))) as? [String: Any] ?? [:]
        let token = try accessToken(demo)
        let auth = "Authorization: Bearer \(token)"
        let page = "https://127.0.0.1:18557/api/incidents?$top=100"
        let hello = try wrk.load(url: "https://127.0.0.1:18557/health", headers: [], script: data.appendingPathComponent("hello.lua"))
        var pages = [(incidents: Int, bytes: Int, load: Wrk.Load)]()
        let small = try measurePage(page, auth: auth)
        pages.append((small.incidents, small.bytes, try wrk.load(url: page, headers: [auth], script: data.appendingPathComponent("page.lua"))))
        server.terminate()
        server.waitUntilExit()

        say("== API: the tenant grown past 100 incidents (mtp simulate)")
        var seed = 1
        while try incidentCount(data) < 100 {
            seed += 1
            try Shell.run(
                options.mtp,
                ["simulate", "--data-dir", data.path, "--tenant", "contoso.test", "--devices", "20", "--days", "1", "--seed", "\(seed)"]
            )
        }
        server = try await serve(data, demo: false)
        defer { server.terminate() }
        let full = try measurePage(page, auth: auth)
        pages.append((full.incidents, full.bytes, try wrk.load(url: page, headers: [auth], script: data.appendingPathComponent("full.lua"))))
        return Figures(hello: hello, pages: pages)
    }

    private func serve(_ data: URL, demo: Bool) async throws -> Process {
        let log = data.appendingPathComponent("serve-\(UUID().uuidString).log")
        let arguments = ["serve", "--data-dir", data.path, "--port", "18557", "--log-level", "error", "--no-quotas"] + (demo ? ["--demo"] : [])
        let server = try Process.launch(options.mtp, arguments, log: log)
        try await Shell.waitFor(file: log, containing: "Press Ctrl-C")
        return server
    }

    private func accessToken(_ demo: [String: Any]) throws -> String {
        let full = (demo["apps"] as? [String: Any])?["full"] as? [String: Any] ?? [:]
        let body = Form.encode([
            ("grant_type", "client_credentials"), ("client_id", full["clientId"] as? String ?? ""),
            ("client_secret", full["clientSecret"] as? String ?? ""), ("scope", "https://api.security.microsoft.com/.default"),
        ])
        let url = "https://127.0.0.1:18557/\(demo["tenantId"] as? String ?? "")/oauth2/v2.0/token"
        let reply = try JSONSerialization.jsonObject(with: Data(try Shell.run("curl", ["-sk", "-d", body, url]).utf8)) as? [String: Any]
        guard let token = reply?["access_token"] as? String else { throw BenchmarkError("no token from \(url)") }
        return token
    }

    /// One request of the page: how many incidents and bytes it answers (and that it answers 200).
    private func measurePage(_ url: String, auth: String) throws -> (incidents: Int, bytes: Int) {
        let text = try Shell.run("curl", ["-sk", "-f", "-H", auth, url])
        let value = (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["value"] as? [Any]
        guard let value else { throw BenchmarkError("GET \(url) did not answer a collection") }
        return (value.count, text.utf8.count)
    }

    private func incidentCount(_ data: URL) throws -> Int {
        let count = try Shell.run("sqlite3", [data.appendingPathComponent("openmtp.sqlite").path, "SELECT COUNT(*) FROM incident"])
        return Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}

extension APIBenchmark.Figures {
    func summary() -> String {
        pages.map { page in
            String(
                format: "GET /api/incidents?$top=100 (%d incidents, %d bytes): %.0f requests/s = %.0f%% of /health's %.0f",
                page.incidents,
                page.bytes,
                page.load.requestsPerSecond,
                page.load.requestsPerSecond / hello.requestsPerSecond * 100,
                hello.requestsPerSecond
            )
        }.joined(separator: "\n")
    }

    func markdown(options: Options) -> String {
        let rows = pages.map { page in
            let ratio = page.load.requestsPerSecond / max(hello.requestsPerSecond, 1) * 100
            return
                "| `GET /api/incidents?$top=100`, \(page.incidents) incidents (\(page.bytes / 1024) KB) | \(String(format: "%.0f", page.load.requestsPerSecond)) | \(page.load.latency) | \(page.load.errors) | \(String(format: "%.0f%%", ratio)) |"
        }
        return """
            ## Defender API: incident pages against a hello-world route

            Measured \(ISO8601DateFormatter().string(from: Date())) on this project's machine kind, one run of
            `swift build -c release --product mtp && swift build -c release --product openmtp-bench && .build/release/openmtp-bench --sections api`
            (`wrk` with \(ProcessInfo.processInfo.activeProcessorCount) threads and \(options.connections) connections for \(options.seconds) s per route after a 2 s warm-up, HTTPS, same cores as
            the server, started with `--no-quotas`; the token is the demo's full-access app's).

            | route | requests/s | mean latency | errors | of `/health` |
            |---|---:|---:|---|---:|
            | `GET /health` (hello world, `OK`) | \(String(format: "%.0f", hello.requestsPerSecond)) | \(hello.latency) | \(hello.errors) | 100% |
            \(rows.joined(separator: "\n"))

            Goal: the demo tenant's page at ≥ 40% of `/health`. Each incident request checks the bearer token (signature
            remembered per token, issuer, audience, lifetime, tenant), counts the quota, reads one page down the
            recency index and sends the stored JSON bodies in the OData envelope. The second row grows the tenant past
            100 incidents with `mtp simulate` so the page is full; there the cost is the response size (TLS and copies),
            not the API.

            """
    }
}
