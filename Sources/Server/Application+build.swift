import Defender
public import Foundation
public import Hummingbird
import HummingbirdTLS
import Hunting
public import Identity
import Logging
import NIOCore
import OpenMTPModels
public import Store
import StoreSQLite

/// What a started server reports once it listens.
public struct RunningServer: Sendable {
    /// `https://localhost:<port>` (or the configured host).
    public let baseURL: String
    public let port: Int
    /// The generated CA certificate clients must trust; nil with a user-supplied certificate.
    public let caFile: URL?
    /// `demo.json`, when the demo tenant exists and its manifest is in the data folder.
    public let demoManifest: URL?
    /// The file holding the admin API's key.
    public let adminKeyFile: URL
    /// Every route, as `METHOD /path` with `{name}` parameters (the OpenAPI document must list each).
    public let routes: [String]
}

/// The composition root: opens the embedded SQLite store in the data folder and builds the HTTPS application.
public func buildApplication(
    configuration: ServerConfiguration,
    onServerRunning: @escaping @Sendable (RunningServer) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: configuration.databasePath)
    return try await buildApplication(configuration: configuration, stores: Stores(store), onServerRunning: onServerRunning)
}

/// Builds the application over the given stores (tests pass in-memory ones).
public func buildApplication(
    configuration: ServerConfiguration,
    stores: Stores,
    clock: IdentityClock = .system,
    onServerRunning: @escaping @Sendable (RunningServer) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "openmtp")
    logger.logLevel = configuration.logLevel

    let keys = try await SigningKeys.load(from: stores.signingKeys, clock: clock)
    var huntingLimits = HuntingService.Limits()
    huntingLimits.externalData = HTTPExternalData(mirror: configuration.externalDataMirror)
    let hunting = HuntingService(catalog: try HuntingCatalog.bundled(), store: stores.segments, limits: huntingLimits)
    try hunting.loadStoredSegments()
    let directory = DirectoryService(store: stores.directory, clock: clock)
    let tls = try ServerTLS.load(configuration.tls, dataDirectory: configuration.dataDirectory, host: configuration.host)

    var demo: DemoManifest?
    if configuration.demo {
        demo = try await DemoTenant.seedIfMissing(
            directory: directory,
            incidents: stores.incidents,
            hunting: hunting,
            clock: clock,
            dataDirectory: configuration.dataDirectory
        )
        if demo == nil, FileManager.default.fileExists(atPath: configuration.demoManifestURL.path) {
            demo = try DemoManifest.read(from: configuration.demoManifestURL)
        } else if demo == nil {
            logger.warning("demo.manifest_missing", metadata: ["demo.file": "\(configuration.demoManifestURL.path)"])
        }
    }

    let users = UserAuthenticator(directory: stores.directory)
    let tickets = InteractionTickets(clock: clock)
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.get("health") { _, _ in "OK" }
    let openAPI = try OpenAPIDocument.load()
    router.get("openapi.json") { _, _ in openAPI.response }
    let tokens = TokenService(
        directory: stores.directory,
        grants: stores.grants,
        issuer: TokenIssuer(keys: keys, clock: clock),
        secrets: SecretVerifier(),
        clock: clock
    )
    TokenController(tokens: tokens, clock: clock).addRoutes(to: router)
    DiscoveryController(directory: stores.directory, keys: keys).addRoutes(to: router)
    AuthorizeController(
        authorization: AuthorizationService(directory: stores.directory, grants: stores.grants, clock: clock),
        users: users,
        directory: directory,
        tickets: tickets
    ).addRoutes(to: router)
    DeviceCodeController(
        devices: DeviceAuthorizationService(directory: stores.directory, grants: stores.grants, clock: clock),
        users: users,
        directory: stores.directory,
        tickets: tickets,
        clock: clock
    ).addRoutes(to: router)
    EntraExtrasController(directory: stores.directory).addRoutes(to: router)
    let api = router.group("api")
        .add(middleware: APIErrorMiddleware())
        .add(middleware: BearerAuthenticationMiddleware(validator: TokenValidator(keys: keys, directory: stores.directory, clock: clock)))
    let quotas = APIQuotas(settings: configuration.quotas)
    let incidents = IncidentService(store: stores.incidents)
    IncidentsController(incidents: incidents, quotas: quotas, clock: clock).addRoutes(to: api)
    HuntingController(hunting: hunting, quotas: quotas, clock: clock).addRoutes(to: api)
    let graph = router.group("v1.0")
        .add(middleware: GraphErrorMiddleware())
        .add(
            middleware: BearerAuthenticationMiddleware(
                validator: TokenValidator(keys: keys, directory: stores.directory, audience: GraphResource.resource, clock: clock)
            )
        )
    GraphSecurityController(incidents: incidents, hunting: hunting, quotas: quotas, clock: clock).addRoutes(to: graph)
    let admin = router.group("admin/v1")
        .add(middleware: APIErrorMiddleware())
        .add(middleware: AdminAuthenticationMiddleware(key: try AdminKey.loadOrCreate(in: configuration.dataDirectory)))
    AdminController(directory: directory, grants: stores.grants, incidents: incidents, clock: clock).addRoutes(to: admin)

    let routes = router.routes.map { route in
        "\(route.method) " + route.path.description.replacing(/:([A-Za-z]+)/) { "{\($0.1)}" }
    }
    let manifestURL = configuration.demoManifestURL
    let seededManifest = demo
    let runLogger = logger
    var app = Application(
        router: router,
        server: try .tls(.http1(), tlsConfiguration: tls.configuration),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "OpenMTP"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            let host = ["127.0.0.1", "0.0.0.0", "::", "::1", "localhost"].contains(configuration.host) ? "localhost" : configuration.host
            let baseURL = "https://\(host):\(port)"
            var manifestWritten = false
            if var manifest = seededManifest {
                manifest.authority = "\(baseURL)/\(manifest.tenantId)"
                manifest.caFile = tls.caFile?.path
                do {
                    try manifest.write(to: manifestURL)
                    manifestWritten = true
                } catch {
                    runLogger.error("demo.manifest_write_failed", metadata: ["demo.error": "\(error)"])
                }
            }
            await onServerRunning(
                RunningServer(
                    baseURL: baseURL,
                    port: port,
                    caFile: tls.caFile,
                    demoManifest: manifestWritten ? manifestURL : nil,
                    adminKeyFile: configuration.dataDirectory.appendingPathComponent(AdminKey.fileName),
                    routes: routes
                )
            )
        },
        logger: logger
    )
    app.addServices(KeyRotationService(keys: keys, interval: .seconds(3600), logger: logger))
    app.addServices(
        HuntingMaintenanceService(hunting: hunting, retentionDays: configuration.retentionDays, interval: .seconds(60), clock: clock, logger: logger)
    )
    return app
}
