import Foundation
import Server
import TestSupport
import Testing

/// kill -9 of `mtp serve` while imports stream in: every acknowledged batch survives whole, and no batch is
/// visible in part after the restart.
@Suite("Import durability")
struct ImportDurabilityTests {
    static let rowsPerBatch = 50

    /// A Streaming API message of `rowsPerBatch` rows, all naming the batch in `DeviceName`.
    static func batch(_ number: Int) -> Data {
        let record =
            #"{"time":"2026-11-24T10:00:00Z","tenantId":"t","category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"2026-11-24T09:59:00Z","DeviceName":"batch-\#(number)","FileName":"f.exe"}}"#
        return Data(("{\"records\":[" + Array(repeating: record, count: rowsPerBatch).joined(separator: ",") + "]}").utf8)
    }

    @Test("three kill -9 rounds: acknowledged batches are all there in full, none is partial", .timeLimit(.minutes(5)))
    func killDuringImports() async throws {
        try await withTemporaryDirectory { data in
            var acknowledged = Set<Int>()
            var next = 0
            for round in 0..<3 {
                let (serve, _, url) = try await MTPCommandTests.serve(data)
                let demo = try DemoManifest.read(from: data.appendingPathComponent("demo.json"))
                let start = next
                let known = acknowledged
                let acknowledgedThisRound = try await withConnection(
                    baseURL: url,
                    caFile: data.appendingPathComponent("tls/ca.pem"),
                    dataDirectory: data,
                    demo: demo
                ) { server in
                    let token = try await server.demoToken(\.full)
                    try await Self.verify(server, token: token, acknowledged: known)
                    // Import until the server is killed under us, at a different moment each round after the first
                    // acknowledged batch (a slow machine must not kill it before anything was sent).
                    var killer: Task<Void, any Error>?
                    var done: [Int] = []
                    for number in start..<start + 10_000 {
                        guard
                            let reply = try? await server.send(
                                "POST",
                                "/api/advancedhunting/import?format=streaming",
                                body: Self.batch(number),
                                headers: [("Authorization", "Bearer \(token)")]
                            )
                        else { break }
                        #expect(reply.status == 200, "\(reply.text)")
                        done.append(number)
                        if killer == nil {
                            killer = Task {
                                try await Task.sleep(for: .milliseconds(100 + 150 * round))
                                kill(serve.processIdentifier, SIGKILL)
                            }
                        }
                    }
                    try await killer?.value
                    return done
                }
                serve.waitUntilExit()
                #expect(serve.terminationReason == .uncaughtSignal)
                #expect(!acknowledgedThisRound.isEmpty)
                print("import durability round \(round): \(acknowledgedThisRound.count) batches acknowledged before kill -9")
                acknowledged.formUnion(acknowledgedThisRound)
                next = start + 10_000
            }
            let (serve, _, url) = try await MTPCommandTests.serve(data)
            defer { serve.terminate() }
            let demo = try DemoManifest.read(from: data.appendingPathComponent("demo.json"))
            let all = acknowledged
            try await withConnection(baseURL: url, caFile: data.appendingPathComponent("tls/ca.pem"), dataDirectory: data, demo: demo) { server in
                try await Self.verify(server, token: try await server.demoToken(\.full), acknowledged: all)
            }
        }
    }

    /// Every acknowledged batch has all its rows; any other batch has all or none.
    static func verify(_ server: LiveServer, token: String, acknowledged: Set<Int>) async throws {
        let reply = try await server.postJSON(
            "/api/advancedhunting/run",
            #"{"Query":"DeviceProcessEvents | where DeviceName startswith 'batch-' | project DeviceName"}"#,
            bearer: token
        )
        #expect(reply.status == 200, "\(reply.text)")
        let names = (try reply.json()["Results"] as? [[String: Any]] ?? []).compactMap { $0["DeviceName"] as? String }
        var counts: [Int: Int] = [:]
        for name in names { counts[Int(name.dropFirst("batch-".count)) ?? -1, default: 0] += 1 }
        for number in acknowledged { #expect(counts[number] == rowsPerBatch, "batch \(number) has \(counts[number] ?? 0) rows") }
        for (number, count) in counts { #expect(count == rowsPerBatch, "batch \(number) is partial: \(count) rows") }
    }
}
