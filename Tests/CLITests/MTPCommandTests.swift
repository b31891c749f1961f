import Foundation
import Server
import TestSupport
import Testing

/// The built `mtp` executable, run as a user runs it.
@Suite("mtp command")
struct MTPCommandTests {
    /// `mtp` sits beside the test bundle in the build folder.
    static let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mtp")

    /// Runs `mtp` to completion; returns its exit status, standard output and standard error.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// Starts `mtp serve --demo` on the data folder and port 0; returns the process, its banner and its URL.
    static func serve(_ data: URL) async throws -> (process: Process, banner: String, url: String) {
        let log = data.appendingPathComponent("serve-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw TestSupportError("cannot create \(log.path)") }
        let serve = Process()
        serve.executableURL = executable
        serve.arguments = ["serve", "--demo", "--data-dir", data.path, "--port", "0", "--log-level", "warning"]
        serve.standardOutput = try FileHandle(forWritingTo: log)
        try serve.run()
        var banner = ""
        for _ in 0..<600 where !banner.contains("Press Ctrl-C") {
            try await Task.sleep(for: .milliseconds(100))
            banner = try String(contentsOf: log, encoding: .utf8)
        }
        guard let url = banner.firstMatch(of: /listening on (https:\/\/localhost:\d+)/)?.1 else {
            serve.terminate()
            throw TestSupportError("mtp serve did not start: \(banner)")
        }
        return (serve, banner, String(url))
    }

    @Test("serve --demo prints its URL, CA and demo.json; apps create registers an app the running server accepts; SIGTERM stops it cleanly")
    func serveAndCreate() async throws {
        try await withTemporaryDirectory { data in
            let (serve, banner, url) = try await Self.serve(data)
            defer { if serve.isRunning { serve.terminate() } }
            #expect(banner.contains("CA certificate  \(data.path)/tls/ca.pem"))
            #expect(banner.contains("credentials     \(data.path)/demo.json"))
            let demo = try DemoManifest.read(from: data.appendingPathComponent("demo.json"))
            #expect(demo.authority == "\(url)/\(demo.tenantId)")

            let created = try Self.run([
                "apps", "create", "--data-dir", data.path, "--tenant", "contoso.test", "--name", "cli app", "--permission", "Incident.Read.All",
                "--json",
            ])
            #expect(created.status == 0, "\(created.error)")
            let app = try #require(try JSONSerialization.jsonObject(with: Data(created.output.utf8)) as? [String: String])
            let clientId = try #require(app["clientId"])
            let secret = try #require(app["clientSecret"])

            try await withConnection(baseURL: url, caFile: data.appendingPathComponent("tls/ca.pem"), dataDirectory: data, demo: demo) { server in
                let token = try await server.token(tenant: "contoso.test", clientId: clientId, secret: secret)
                #expect(try await server.get("/api/incidents", bearer: token).status == 200)
            }

            let listed = try Self.run(["apps", "list", "--data-dir", data.path, "--tenant", "contoso.test"])
            #expect(listed.output.contains("\(clientId)  cli app  [Incident.Read.All]"))

            serve.terminate()
            serve.waitUntilExit()
            #expect(serve.terminationReason == .exit)
            #expect(serve.terminationStatus == 0)
        }
    }

    @Test("apps create refuses unknown permissions and tenants with a clear message and a failing exit status")
    func createRefusals() async throws {
        try await withTemporaryDirectory { data in
            let badPermission = try Self.run([
                "apps", "create", "--data-dir", data.path, "--tenant", "contoso.test", "--name", "x", "--permission", "Machine.Isolate",
            ])
            #expect(badPermission.status != 0)
            #expect(badPermission.error.contains("No OpenMTP database at \(data.path)/openmtp.sqlite"))
            #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("openmtp.sqlite").path))

            try await withLiveServer(dataDirectory: data) { _ in }
            let unknownTenant = try Self.run(["apps", "create", "--data-dir", data.path, "--tenant", "nowhere.test", "--name", "x"])
            #expect(unknownTenant.status != 0)
            #expect(unknownTenant.error.contains("AADSTS90002: Tenant 'nowhere.test' not found"))
            let refused = try Self.run([
                "apps", "create", "--data-dir", data.path, "--tenant", "contoso.test", "--name", "x", "--permission", "Machine.Isolate",
            ])
            #expect(refused.status != 0)
            #expect(refused.error.contains("'Machine.Isolate' is not an application permission of Microsoft Threat Protection"))
            #expect(!refused.error.contains("Usage"))
        }
    }

    @Test("administration commands: tenants, apps with credentials, users and roles, consent, all with --json")
    func administration() async throws {
        try await withTemporaryDirectory { data in
            try await withLiveServer(dataDirectory: data, demo: false) { _ in }
            func json(_ arguments: [String]) throws -> Any {
                let result = try Self.run(arguments + ["--data-dir", data.path, "--json"])
                #expect(result.status == 0, "\(arguments): \(result.error)")
                return try JSONSerialization.jsonObject(with: Data(result.output.utf8))
            }
            let tenant = try #require(try json(["tenants", "create", "--domain", "fabrikam.test"]) as? [String: String])
            #expect(tenant["domain"] == "fabrikam.test")
            let created = try #require(
                try json([
                    "apps", "create", "--tenant", "fabrikam.test", "--name", "native", "--public", "--redirect-uri", "http://localhost:1/cb",
                    "--delegated-permission", "Incident.Read",
                ]) as? [String: String]
            )
            #expect(created["clientSecret"] == nil)
            let clientId = try #require(created["clientId"])
            let apps = try #require(try json(["apps", "list", "--tenant", "fabrikam.test"]) as? [[String: Any]])
            #expect(apps.first?["publicClient"] as? Bool == true)
            #expect(apps.first?["delegatedPermissions"] as? [String] == ["Incident.Read"])
            #expect(apps.first?["redirectURIs"] as? [String] == ["http://localhost:1/cb"])

            let web = try #require(try json(["apps", "create", "--tenant", "fabrikam.test", "--name", "web"]) as? [String: String])
            let webId = try #require(web["clientId"])
            let secret = try #require(
                try json(["apps", "add-secret", "--tenant", "fabrikam.test", "--client-id", webId, "--days", "30"]) as? [String: String]
            )
            #expect(secret["clientSecret"]?.contains("8Q~") == true)
            let pem = data.appendingPathComponent("web.pem").path
            let certificate = try #require(
                try json(["apps", "add-certificate", "--tenant", "fabrikam.test", "--client-id", webId, "--generate", pem]) as? [String: String]
            )
            #expect(certificate["thumbprint"]?.count == 40)
            #expect(try String(contentsOfFile: pem, encoding: .utf8).contains("PRIVATE KEY"))

            let user = try #require(
                try json(["users", "create", "--tenant", "fabrikam.test", "--name", "alex", "--role", "security operator"]) as? [String: String]
            )
            #expect(user["username"] == "alex@fabrikam.test")
            let roles = try #require(
                try json(["users", "set-roles", "--tenant", "fabrikam.test", "--user", "alex@fabrikam.test", "--role", "Security Reader"])
                    as? [String: Any]
            )
            #expect(roles["roles"] as? [String] == ["Security Reader"])
            let refused = try Self.run(["users", "create", "--tenant", "fabrikam.test", "--name", "x", "--role", "Janitor", "--data-dir", data.path])
            #expect(refused.status != 0)
            #expect(refused.error.contains("'Janitor' is not a directory role"))

            let consent = try Self.run([
                "consent", "--tenant", "fabrikam.test", "--client-id", clientId, "--delegated-permission", "AdvancedHunting.Read", "--user",
                "alex@fabrikam.test", "--data-dir", data.path,
            ])
            #expect(consent.status == 0, "\(consent.error)")
            #expect(consent.output.contains("for alex@fabrikam.test"))
            let rolesOutput = try Self.run(["roles", "--json"])
            let listed = try #require(try JSONSerialization.jsonObject(with: Data(rolesOutput.output.utf8)) as? [[String: Any]])
            #expect(
                listed.map { $0["name"] as? String } == ["Security Reader", "Security Operator", "Security Administrator", "Global Administrator"]
            )
        }
    }
}
