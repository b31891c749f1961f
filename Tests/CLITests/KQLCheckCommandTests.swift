import Foundation
import TestSupport
import Testing

@Suite("mtp kql check")
struct KQLCheckCommandTests {
    @Test("a folder of query files: one line per problem with its position, a summary, exit status 1 on errors")
    func folder() async throws {
        try await withTemporaryDirectory { folder in
            try Data("DeviceProcessEvents | take 1".utf8).write(to: folder.appendingPathComponent("good.kql"))
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("more"), withIntermediateDirectories: true)
            try Data("DeviceProcessEvents\n| where FileNam == 'x'".utf8).write(to: folder.appendingPathComponent("more/bad.kql"))
            try Data("not a query".utf8).write(to: folder.appendingPathComponent("notes.md"))
            let result = try MTPCommandTests.run(["kql", "check", folder.path])
            #expect(result.status == 1)
            #expect(result.output.contains("good.kql: ok  (68 columns)"))
            #expect(result.output.contains("more/bad.kql:2:9  KQL102  error  The name 'FileNam' does not refer to any known column"))
            #expect(result.output.contains("1 of 2 queries are valid."))
            #expect(!result.output.contains("notes.md"))

            let fine = try MTPCommandTests.run(["kql", "check", "DeviceNetworkEvents | summarize count() by RemotePort"])
            #expect(fine.status == 0)
            #expect(fine.output == "ok  (RemotePort:int, count_:long)\n")
        }
    }

    @Test("--batch reads {id, query} lines and writes {id, ok, diagnostics, schema} lines")
    func batch() throws {
        let process = Process()
        process.executableURL = MTPCommandTests.executable
        process.arguments = ["kql", "check", "--batch"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(
            Data(
                #"""
                {"id":"a","query":"DeviceProcessEvents | project FileName"}
                {"id":"b","query":"DeviceProcessEvents | where"}
                """#.utf8
            )
        )
        try input.fileHandleForWriting.close()
        let lines = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["id"] as? String == "a")
        #expect(first["ok"] as? Bool == true)
        #expect((first["schema"] as? [[String: String]])?.first == ["name": "FileName", "type": "string"])
        let second = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        let diagnostic = try #require((second["diagnostics"] as? [[String: Any]])?.first)
        #expect(diagnostic["stage"] as? String == "syntax")
        #expect(diagnostic["code"] as? String == "KQL002")
        #expect(diagnostic["severity"] as? String == "error")
        #expect(diagnostic["line"] as? Int == 1)
        #expect(diagnostic["column"] as? Int == 28)
    }
}
