import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Server

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the token service and the Defender API over HTTPS on the embedded SQLite store.",
        discussion: """
            On first start a CA and a server certificate are generated in <data-dir>/tls; clients must trust ca.pem
            (curl --cacert, REQUESTS_CA_BUNDLE for msal and azure-identity). Stop with Ctrl-C (SIGINT) or SIGTERM.
            """
    )

    @OptionGroup var data: DataFolderOptions

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 8443

    @Flag(help: "Create the demo tenant (contoso.test) with apps, a user, incidents and hunting data if it is missing, and write demo.json.")
    var demo = false

    @Option(name: .customLong("tls-cert"), help: "A PEM certificate chain to serve instead of the generated one (needs --tls-key).")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(name: .customLong("retention-days"), help: "Drop advanced hunting rows older than this many days (0 keeps them all).")
    var retentionDays = 30

    @Option(
        name: .customLong("externaldata-dir"),
        help: "A folder of <host>/<path> copies of externaldata URIs (as wget --mirror writes them), read before the network."
    )
    var externalDataDirectory: String?

    @Option(name: .customLong("incident-quota"), help: "Incident API calls per tenant, as PER_MINUTE/PER_HOUR.")
    var incidentQuota = "50/1500"

    @Option(name: .customLong("hunting-quota"), help: "Advanced hunting calls per tenant, as PER_MINUTE/PER_HOUR.")
    var huntingQuota = "45/1500"

    @Option(name: .customLong("hunting-seconds"), help: "Query execution seconds a tenant may use per 15-minute cycle.")
    var huntingSeconds = 150.0

    @Flag(name: .customLong("no-quotas"), help: "Serve without per-tenant quotas (load tests).")
    var noQuotas = false

    /// `--incident-quota`, `--hunting-quota` and `--hunting-seconds` as settings.
    func quotaSettings() throws -> QuotaSettings {
        if noQuotas { return .unlimited }
        func calls(_ text: String, _ option: String) throws -> QuotaSettings.Calls {
            let parts = text.split(separator: "/").map { Int($0) }
            guard parts.count == 2, let minute = parts[0], let hour = parts[1], minute > 0, hour > 0 else {
                throw ValidationError("--\(option) takes two positive numbers, PER_MINUTE/PER_HOUR (e.g. 50/1500).")
            }
            return QuotaSettings.Calls(perMinute: minute, perHour: hour)
        }
        var settings = QuotaSettings()
        settings.incidents = try calls(incidentQuota, "incident-quota")
        settings.hunting = try calls(huntingQuota, "hunting-quota")
        guard huntingSeconds > 0 else { throw ValidationError("--hunting-seconds must be positive.") }
        settings.huntingSecondsPerCycle = huntingSeconds
        return settings
    }

    func validate() throws {
        _ = try quotaSettings()
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together.") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("Unknown log level '\(logLevel)'.") }
        guard (0...65535).contains(port) else { throw ValidationError("The port must be between 0 and 65535.") }
        guard retentionDays >= 0 else { throw ValidationError("--retention-days cannot be negative.") }
    }

    func run() async throws {
        let tls: ServerConfiguration.TLSSource =
            if let tlsCertificate, let tlsKey {
                .files(certificateChain: URL(fileURLWithPath: tlsCertificate), privateKey: URL(fileURLWithPath: tlsKey))
            } else {
                .generated
            }
        var settings = ServerConfiguration(
            dataDirectory: data.dataDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? ServerConfiguration.defaultDataDirectory,
            host: host,
            port: port,
            tls: tls,
            demo: demo,
            logLevel: Logger.Level(rawValue: logLevel) ?? .info,
            retentionDays: retentionDays == 0 ? nil : retentionDays,
            externalDataMirror: externalDataDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }
        )
        settings.quotas = try quotaSettings()
        let configuration = settings
        let app = try await buildApplication(configuration: configuration) { running in
            // Written unbuffered, so it shows at once when stdout is a file or pipe.
            FileHandle.standardOutput.write(Data((Self.banner(running, configuration: configuration) + "\n").utf8))
        }
        try await app.runService()
    }

    static func banner(_ running: RunningServer, configuration: ServerConfiguration) -> String {
        var lines = [
            "OpenMTP is listening on \(running.baseURL)",
            "  data folder     \(configuration.dataDirectory.path)",
        ]
        if let ca = running.caFile {
            lines.append("  CA certificate  \(ca.path)   (curl --cacert \(ca.path); export REQUESTS_CA_BUNDLE=\(ca.path))")
        }
        if let manifest = running.demoManifest, let demo = try? DemoManifest.read(from: manifest) {
            lines += [
                "  demo tenant     \(demo.tenantDomain)  id \(demo.tenantId)",
                "  credentials     \(manifest.path)",
                "  authority       \(demo.authority)",
                "  token (v1)      POST \(demo.authority)/oauth2/token",
                "  token (v2)      POST \(demo.authority)/oauth2/v2.0/token",
                "  incidents       GET  \(running.baseURL)/api/incidents",
                "  hunting         POST \(running.baseURL)/api/advancedhunting/run",
            ]
        }
        lines.append("  admin API       \(running.baseURL)/admin/v1   (Authorization: Bearer $(cat \(running.adminKeyFile.path)))")
        lines.append("Press Ctrl-C to stop.")
        return lines.joined(separator: "\n")
    }
}
