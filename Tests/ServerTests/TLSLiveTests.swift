import Foundation
import TestSupport
import Testing

@testable import Server

@Suite("TLS material, live")
struct TLSLiveTests {
    @Test("the generated CA and server certificate are kept and reused across restarts")
    func generatedIsReused() async throws {
        try await withTemporaryDirectory { data in
            let caFile = data.appendingPathComponent("tls/ca.pem")
            try await withLiveServer(dataDirectory: data, demo: false) { (server: LiveServer) async throws in
                #expect(server.caFile == caFile)
                #expect(try await server.get("/health").status == 200)
            }
            let first = try Data(contentsOf: caFile)
            let firstServer = try Data(contentsOf: data.appendingPathComponent("tls/server.pem"))
            try await withLiveServer(dataDirectory: data, demo: false) { (server: LiveServer) async throws in
                #expect(try await server.get("/health").status == 200)
            }
            #expect(try Data(contentsOf: caFile) == first)
            #expect(try Data(contentsOf: data.appendingPathComponent("tls/server.pem")) == firstServer)
            let keyMode = try FileManager.default.attributesOfItem(atPath: data.appendingPathComponent("tls/server-key.pem").path)[.posixPermissions]
            #expect(keyMode as? Int == 0o600)
        }
    }

    @Test("a user-supplied certificate and key are served instead, and nothing is generated")
    func userSupplied() async throws {
        try await withTemporaryDirectory { folder in
            let own = folder.appendingPathComponent("own", isDirectory: true)
            let files = try LocalCertificateAuthority.ensure(in: own, host: "127.0.0.1")
            let data = folder.appendingPathComponent("data", isDirectory: true)
            try await withLiveServer(
                dataDirectory: data,
                demo: false,
                tls: .files(certificateChain: files.serverCertificate, privateKey: files.serverKey),
                trust: files.caCertificate
            ) { (server: LiveServer) async throws in
                #expect(try await server.get("/health").status == 200)
            }
            #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("tls").path))
        }
    }
}
