import Foundation

/// `openmtp-bench`: the token-endpoint benchmark of docs/benchmarks.md.
///
/// In one run, on the same machine and with the same load generator (`wrk`, from Debian), it measures:
/// - OpenMTP's v2 client-credentials endpoint (`mtp serve --demo`, the release build beside this executable);
/// - glewlwyd's token endpoint (`../shared/tools/peers/glewlwyd.sh`, HS256 tokens);
/// - the raw RSA-2048 signing rate of `openssl speed -multi <cores> rsa2048`, the ceiling for RS256 tokens.
/// It prints the figures and ratios and writes them to `docs/benchmarks.md`.
///
/// Usage: `openmtp-bench [--seconds N] [--connections N] [--output docs/benchmarks.md]`
@main
struct TokenBenchmark {
    static func main() async throws {
        var options = Options(arguments: Array(CommandLine.arguments.dropFirst()))
        options.resolve()
        do {
            let report = try await BenchmarkRunner(options: options).run()
            say(report.text)
            try report.markdown.write(toFile: options.output, atomically: true, encoding: .utf8)
            say("wrote \(options.output)")
        } catch {
            FileHandle.standardError.write(Data("openmtp-bench: \(error)\n".utf8))
            exit(1)
        }
    }
}

struct Options {
    var seconds = 10
    var connections = 64
    var output = "docs/benchmarks.md"
    var peers = "../shared/tools/peers"
    var mtp = ""

    init(arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--seconds": seconds = iterator.next().flatMap(Int.init) ?? seconds
            case "--connections": connections = iterator.next().flatMap(Int.init) ?? connections
            case "--output": output = iterator.next() ?? output
            case "--peers": peers = iterator.next() ?? peers
            case "--mtp": mtp = iterator.next() ?? mtp
            default:
                FileHandle.standardError.write(Data("unknown option \(argument)\n".utf8))
                exit(2)
            }
        }
    }

    /// The `mtp` executable defaults to the one built beside this benchmark.
    mutating func resolve() {
        if mtp.isEmpty {
            mtp =
                URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("mtp")
                .path
        }
    }
}
