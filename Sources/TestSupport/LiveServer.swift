public import AsyncHTTPClient
public import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL
import OpenMTPModels
public import Server
import ServiceLifecycle

/// A running OpenMTP server on 127.0.0.1 and a free port, with an HTTPS client that trusts its generated CA.
public struct LiveServer: Sendable {
    public let baseURL: String
    public let dataDirectory: URL
    public let caFile: URL
    /// The demo manifest, when the server was started with `demo: true`.
    public let demo: DemoManifest?
    /// The server's routes as `METHOD /path` (empty when connected to a server started elsewhere).
    public var routes: [String] = []
    public let client: HTTPClient

    /// A response with its body read.
    public struct Reply: Sendable {
        public let status: Int
        public let headers: [(String, String)]
        public let body: Data

        public var text: String { String(decoding: body, as: UTF8.self) }

        /// The body as a JSON object.
        public func json() throws -> [String: any Sendable] {
            guard let object = try JSONSerialization.jsonObject(with: body) as? [String: any Sendable] else {
                throw TestSupportError("the body is not a JSON object: \(text)")
            }
            return object
        }

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    /// `POST` a form body, as token requests are sent.
    public func postForm(_ path: String, _ fields: [(String, String)], headers: [(String, String)] = []) async throws -> Reply {
        let body = fields.map { "\($0.0)=\($0.1.formURLEncoded)" }.joined(separator: "&")
        return try await send("POST", path, body: Data(body.utf8), headers: [("Content-Type", "application/x-www-form-urlencoded")] + headers)
    }

    public func get(_ path: String, bearer: String? = nil) async throws -> Reply {
        try await send("GET", path, body: nil, headers: bearer.map { [("Authorization", "Bearer \($0)")] } ?? [])
    }

    public func postJSON(_ path: String, _ json: String, bearer: String? = nil) async throws -> Reply {
        try await sendJSON("POST", path, json, bearer: bearer)
    }

    /// A request with a JSON body (`POST`, `PATCH`).
    public func sendJSON(_ method: String, _ path: String, _ json: String, bearer: String? = nil) async throws -> Reply {
        try await send(
            method,
            path,
            body: Data(json.utf8),
            headers: [("Content-Type", "application/json")] + (bearer.map { [("Authorization", "Bearer \($0)")] } ?? [])
        )
    }

    public func send(_ method: String, _ path: String, body: Data?, headers: [(String, String)]) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .init(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(data: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Data(buffer: buffer))
    }

    /// A token for one of the demo tenant's applications (`\.full` by default).
    public func demoToken(_ app: KeyPath<DemoManifest.Apps, DemoManifest.App> = \.full) async throws -> String {
        guard let demo else { throw TestSupportError("the server was started without the demo tenant") }
        let credentials = demo.apps[keyPath: app]
        return try await token(tenant: demo.tenantId, clientId: credentials.clientId, secret: credentials.clientSecret ?? "")
    }

    /// A client-credentials token for one of the given app's credentials, from the v2 endpoint.
    public func token(
        tenant: String,
        clientId: String,
        secret: String,
        scope: String = "https://api.security.microsoft.com/.default"
    )
        async throws -> String
    {
        try await accessToken(
            tenant: tenant,
            [("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret), ("scope", scope)]
        )
    }

    /// A delegated token for a demo user (`\.analyst`, `\.reader`, `\.admin`) through the demo's public client (ROPC).
    public func userToken(_ user: KeyPath<DemoManifest.Users, DemoManifest.User>, scope: String) async throws -> String {
        guard let demo else { throw TestSupportError("the server was started without the demo tenant") }
        let account = demo.users[keyPath: user]
        return try await accessToken(
            tenant: demo.tenantId,
            [
                ("grant_type", "password"), ("client_id", demo.apps.public.clientId), ("username", account.username),
                ("password", account.password), ("scope", scope),
            ]
        )
    }

    private func accessToken(tenant: String, _ form: [(String, String)]) async throws -> String {
        let reply = try await postForm("/\(tenant)/oauth2/v2.0/token", form)
        guard reply.status == 200, let token = try reply.json()["access_token"] as? String else {
            throw TestSupportError("token request failed with \(reply.status): \(reply.text)")
        }
        return token
    }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Connects to a running server at `baseURL` with an HTTPS client that trusts `caFile`, runs `body`, then closes the client.
public func withConnection<T: Sendable>(
    baseURL: String,
    caFile: URL,
    dataDirectory: URL,
    demo: DemoManifest?,
    routes: [String] = [],
    _ body: @Sendable (LiveServer) async throws -> T
) async throws -> T {
    var tls = TLSConfiguration.makeClientConfiguration()
    tls.trustRoots = .file(caFile.path)
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls, redirectConfiguration: .disallow))
    var server = LiveServer(baseURL: baseURL, dataDirectory: dataDirectory, caFile: caFile, demo: demo, client: client)
    server.routes = routes
    let result: Result<T, any Error>
    do {
        result = .success(try await body(server))
    } catch {
        result = .failure(error)
    }
    try await client.shutdown()
    return try result.get()
}

/// Starts OpenMTP on its embedded SQLite store in `dataDirectory` (port 0, real HTTPS), runs `body`, then shuts the
/// server down gracefully.
/// - Parameters:
///   - tls: where the server's certificate comes from; `trust` names the CA to trust when it is not generated.
public func withLiveServer<T: Sendable>(
    dataDirectory: URL,
    demo: Bool = true,
    tls: ServerConfiguration.TLSSource = .generated,
    trust: URL? = nil,
    quotas: QuotaSettings = QuotaSettings(),
    _ body: @Sendable (LiveServer) async throws -> T
) async throws -> T {
    let (started, continuation) = AsyncStream.makeStream(of: RunningServer.self)
    var configuration = ServerConfiguration(dataDirectory: dataDirectory, host: "127.0.0.1", port: 0, tls: tls, demo: demo, logLevel: .warning)
    configuration.quotas = quotas
    let app = try await buildApplication(configuration: configuration) { running in
        continuation.yield(running)
        continuation.finish()
    }
    var logger = Logger(label: "openmtp-test")
    logger.logLevel = .warning
    let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var iterator = started.makeAsyncIterator()
        guard let running = await iterator.next(), let caFile = running.caFile ?? trust else { throw TestSupportError("the server did not start") }
        let result: Result<T, any Error>
        do {
            let manifest = try running.demoManifest.map(DemoManifest.read(from:))
            result = .success(
                try await withConnection(
                    baseURL: running.baseURL,
                    caFile: caFile,
                    dataDirectory: dataDirectory,
                    demo: manifest,
                    routes: running.routes,
                    body
                )
            )
        } catch {
            result = .failure(error)
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try result.get()
    }
}

/// Starts a server with the demo tenant in a fresh data folder, runs `body` with it and its manifest, then removes
/// the folder.
public func withDemoServer<T: Sendable>(
    quotas: QuotaSettings = QuotaSettings(),
    _ body: @Sendable (LiveServer, DemoManifest) async throws -> T
) async throws -> T {
    try await withTemporaryDirectory { data in
        try await withLiveServer(dataDirectory: data, quotas: quotas) { server in
            guard let demo = server.demo else { throw TestSupportError("the demo manifest was not written") }
            return try await body(server, demo)
        }
    }
}
