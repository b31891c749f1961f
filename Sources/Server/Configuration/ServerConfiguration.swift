public import Foundation
public import Logging

/// How to run OpenMTP.
public struct ServerConfiguration: Sendable {
    /// Where TLS material comes from.
    public enum TLSSource: Sendable {
        /// A CA and a server certificate generated on first start and kept in the data folder (`tls/`).
        case generated
        /// A PEM certificate chain and private key supplied by the user.
        case files(certificateChain: URL, privateKey: URL)
    }

    /// Holds the database (`openmtp.sqlite`), TLS material and `demo.json`; created if missing.
    public var dataDirectory: URL
    public var host: String
    /// 0 picks a free port; the bound port is reported to `onServerRunning`.
    public var port: Int
    public var tls: TLSSource
    /// Create the demo tenant with apps, a user and data when it does not exist yet.
    public var demo: Bool
    public var logLevel: Logger.Level
    /// Advanced hunting rows older than this many days are dropped; nil keeps them.
    public var retentionDays: Int?
    /// A folder `externaldata` reads `<host>/<path>` copies of its URIs from before it tries the network.
    public var externalDataMirror: URL?
    /// Per-tenant call and hunting-time quotas of the API.
    public var quotas = QuotaSettings()

    public init(
        dataDirectory: URL,
        host: String = "127.0.0.1",
        port: Int = 8443,
        tls: TLSSource = .generated,
        demo: Bool = false,
        logLevel: Logger.Level = .info,
        retentionDays: Int? = 30,
        externalDataMirror: URL? = nil
    ) {
        self.dataDirectory = dataDirectory
        self.host = host
        self.port = port
        self.tls = tls
        self.demo = demo
        self.logLevel = logLevel
        self.retentionDays = retentionDays
        self.externalDataMirror = externalDataMirror
    }

    /// `$OPENMTP_DATA_DIR`, else `~/.openmtp`.
    public static var defaultDataDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["OPENMTP_DATA_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".openmtp", isDirectory: true)
    }

    public var databasePath: String { dataDirectory.appendingPathComponent("openmtp.sqlite").path }
    public var demoManifestURL: URL { dataDirectory.appendingPathComponent("demo.json") }
}
