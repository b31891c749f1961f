import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs the token-endpoint measurements and formats their section of the report.
struct BenchmarkRunner {
    let options: Options

    struct Report {
        let text: String
        let markdown: String
    }

    func run() async throws -> Report {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("openmtp-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: data) }

        say("== OpenMTP: mtp serve --demo (release), v2 client_credentials")
        let server = try Process.launch(
            options.mtp,
            ["serve", "--demo", "--data-dir", data.path, "--port", "18555", "--log-level", "error"],
            log: data.appendingPathComponent("serve.log")
        )
        defer { server.terminate() }
        try await Shell.waitFor(file: data.appendingPathComponent("serve.log"), containing: "Press Ctrl-C")
        let demo = try JSONSerialization.jsonObject(with: Data(contentsOf: data.appendingPathComponent("demo.json"))) as? [String: Any] ?? [:]
        let apps = demo["apps"] as? [String: Any] ?? [:]
        let full = apps["full"] as? [String: Any] ?? [:]
        let tenant = demo["tenantId"] as? String ?? ""
        let body = Form.encode([
            ("grant_type", "client_credentials"), ("client_id", full["clientId"] as? String ?? ""),
            ("client_secret", full["clientSecret"] as? String ?? ""),
            ("scope", "https://api.security.microsoft.com/.default"),
        ])
        let openMTPURL = "https://127.0.0.1:18555/\(tenant)/oauth2/v2.0/token"
        try Shell.check(
            try Shell.run("curl", ["-sk", "-o", "/dev/null", "-w", "%{http_code}", "-d", body, openMTPURL]),
            expected: "200",
            what: "an OpenMTP token"
        )
        let openMTP = try Wrk(options: options).load(url: openMTPURL, body: body, headers: [], script: data.appendingPathComponent("openmtp.lua"))
        server.terminate()
        server.waitUntilExit()

        say("== glewlwyd (peer, HS256)")
        let glewlwyd: Wrk.Load?
        // The script leaves glewlwyd running: its output goes to a file, so no pipe stays open behind it.
        let peerLog = data.appendingPathComponent("glewlwyd.log").path
        if Shell.runDetached("bash '\(options.peers)/glewlwyd.sh' start", log: peerLog) {
            defer { _ = Shell.runDetached("bash '\(options.peers)/glewlwyd.sh' stop", log: peerLog + ".stop") }
            let basic = "Authorization: Basic " + Data("cc1:s3cret".utf8).base64EncodedString()
            glewlwyd = try Wrk(options: options).load(
                url: "http://127.0.0.1:4593/api/oidc/token",
                body: "grant_type=client_credentials&scope=api",
                headers: [basic],
                script: data.appendingPathComponent("glewlwyd.lua")
            )
        } else {
            say("glewlwyd did not start (apt-get install -y glewlwyd sqlite3 curl); its column stays empty")
            glewlwyd = nil
        }

        say("== openssl speed -multi \(cores) rsa2048")
        let speed = try Shell.run("openssl", ["speed", "-multi", "\(cores)", "-seconds", "\(options.seconds)", "rsa2048"])
        let rsaSigns = Self.openSSLSignRate(speed)

        return report(cores: cores, openMTP: openMTP, glewlwyd: glewlwyd, rsaSigns: rsaSigns)
    }

    /// "2 cores, <processor>": what every section's figures depend on.
    static func machine() -> String {
        "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(processorModel())"
    }

    /// The processor's model name from `/proc/cpuinfo`: RSA speed, and so both ratios, depend on it.
    private static func processorModel() -> String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line.flatMap { $0.split(separator: ":", maxSplits: 1).last }.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
    }

    /// The sign/s figure of `openssl speed`'s `rsa 2048 bits` line (several formats exist across versions).
    static func openSSLSignRate(_ output: String) -> Double {
        for line in output.split(separator: "\n") where line.contains("rsa") && line.contains("2048") {
            let numbers = line.split(separator: " ").compactMap { Double($0) }
            if numbers.count >= 3 { return numbers[numbers.count - 2] }
        }
        return 0
    }

    private func report(cores: Int, openMTP: Wrk.Load, glewlwyd: Wrk.Load?, rsaSigns: Double) -> Report {
        let glewRate = glewlwyd?.requestsPerSecond ?? 0
        let vsPeer = glewRate > 0 ? openMTP.requestsPerSecond / glewRate : 0
        let vsRSA = rsaSigns > 0 ? openMTP.requestsPerSecond / rsaSigns : 0
        let ceilingVsPeer = glewRate > 0 ? rsaSigns / glewRate : 0
        let date = ISO8601DateFormatter().string(from: Date())
        let text = String(
            format:
                "OpenMTP %.0f tokens/s, glewlwyd %.0f tokens/s (%.1f×), openssl RSA-2048 %.0f signs/s (OpenMTP at %.1f%%; the signing ceiling is %.1f× glewlwyd)",
            openMTP.requestsPerSecond,
            glewRate,
            vsPeer,
            rsaSigns,
            vsRSA * 100,
            ceilingVsPeer
        )
        let markdown = """
            ## Token endpoint: client-credentials tokens per second

            Measured \(date) on this project's machine kind (\(Self.machine())), one run of
            `swift build -c release --product mtp && swift build -c release --product openmtp-bench && .build/release/openmtp-bench` (`wrk` with
            \(cores) threads and \(options.connections) connections for \(options.seconds) s per server after a 2 s warm-up, on the same cores as the
            server).

            | | tokens/s | mean latency | errors | ratio |
            |---|---:|---:|---|---|
            | OpenMTP `POST /{tenant}/oauth2/v2.0/token` (RS256, secret in the body) | \(String(format: "%.0f", openMTP.requestsPerSecond)) | \(openMTP.latency) | \(openMTP.errors) | |
            | glewlwyd 2.7.5 `POST /api/oidc/token` (HS256, HTTP Basic) | \(String(format: "%.0f", glewRate)) | \(glewlwyd?.latency ?? "-") | \(glewlwyd?.errors ?? "-") | OpenMTP is \(String(format: "%.1f", vsPeer))× (goal ≥ 10×) |
            | `openssl speed -multi \(cores) rsa2048`, sign/s | \(String(format: "%.0f", rsaSigns)) | | | OpenMTP reaches \(String(format: "%.1f", vsRSA * 100))% (goal ≥ 70%) |

            Every OpenMTP token is an RS256 signature, so the RSA signing rate is the ceiling; glewlwyd signs HS256.
            On this processor that ceiling is \(String(format: "%.1f", ceilingVsPeer))× glewlwyd's rate: the two goals
            depend on the processor in opposite ways (a fast RSA unit, as AVX-512 IFMA gives OpenSSL, lifts the
            ceiling and makes 70% of it the harder goal; a slow one brings the ceiling near 10× glewlwyd, or below).
            OpenMTP signs the SHA-256 digest with `EVP_PKEY_sign` of the system's OpenSSL, as `openssl speed` does, with a
            copy of the key per thread (OpenSSL's blinding state is per thread), and shares the cores with `wrk`, TLS
            and HTTP. What is not signing is mostly NIO and Hummingbird (reads, writes, TLS, and the hand-offs of the
            request's task through the event loop's queue); the token logic itself (form, client lookup from the
            registration cache, claims and body JSON, random ids) is a few percent (`perf record -p <pid>` under this
            load). Run-to-run spread on this machine kind is about ±4%.

            """
        return Report(text: text, markdown: markdown)
    }
}

/// Small process helpers.
enum Shell {
    /// Runs a command through libc's `system`, its output captured in a file (`Process` would wait on descriptors that
    /// forked children such as `openssl speed -multi` inherit).
    @discardableResult
    static func run(_ command: String, _ arguments: [String]) throws -> String {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("openmtp-bench-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let line = ([command] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let status = system("\(line) > '\(log)' 2>&1 < /dev/null")
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard status == 0 else { throw BenchmarkError("\(command) failed: \(output.suffix(400))") }
        return output
    }

    /// Runs a shell command that leaves a daemon behind. It goes through libc's `system` (a plain `waitpid`): a
    /// `Process` would wait for descriptors the daemon inherits.
    static func runDetached(_ command: String, log: String) -> Bool {
        system("\(command) > '\(log)' 2>&1 < /dev/null") == 0
    }

    static func check(_ output: String, expected: String, what: String) throws {
        guard output == expected else { throw BenchmarkError("could not get \(what): \(output)") }
    }

    static func waitFor(file: URL, containing text: String) async throws {
        for _ in 0..<600 {
            if let content = try? String(contentsOf: file, encoding: .utf8), content.contains(text) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchmarkError("timed out waiting for \(file.lastPathComponent)")
    }
}

extension Process {
    static func launch(_ path: String, _ arguments: [String], log: URL) throws -> Process {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: log)
        try process.run()
        return process
    }
}

enum Form {
    static func encode(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.1)" }.joined(separator: "&")
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Writes a line to standard output at once (no buffering), so progress shows while the benchmark runs.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
