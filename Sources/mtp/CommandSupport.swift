import ArgumentParser
import Foundation
import Identity
import Server
import Store
import StoreSQLite

/// Options every command that works on a data folder shares.
struct DataFolderOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The data folder (default: $OPENMTP_DATA_DIR or ~/.openmtp).")
    var dataDirectory: String?

    var configuration: ServerConfiguration {
        ServerConfiguration(
            dataDirectory: dataDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? ServerConfiguration.defaultDataDirectory
        )
    }

    /// The data folder's database; a folder `mtp serve` has not initialised yet is an error, not a new empty database.
    func openStore() throws -> SQLiteStore {
        let path = configuration.databasePath
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure("No OpenMTP database at \(path). Start `mtp serve` on this data folder first, or pass --data-dir.")
        }
        return try SQLiteStore(path: path)
    }

    func directory() throws -> DirectoryService {
        DirectoryService(store: try openStore())
    }
}

/// `--tenant` plus the data folder, for commands inside one tenant.
struct TenantOptions: ParsableArguments {
    @OptionGroup var data: DataFolderOptions

    @Option(help: "The tenant id or domain (e.g. contoso.test).")
    var tenant: String

    func resolve() async throws -> (DirectoryService, TenantRecord) {
        let directory = try data.directory()
        return (directory, try await reportingDomainErrors { try await directory.tenant(tenant) })
    }
}

struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON instead of text.")
    var json = false

    /// Prints `value` as JSON, or `text` otherwise.
    func emit(_ value: some Encodable, text: @autoclosure () -> String) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(value), as: UTF8.self))
        } else {
            print(text())
        }
    }
}

/// A failure to report as `Error: <message>` without the usage text.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs a directory operation, turning its domain errors into plain command failures.
func reportingDomainErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as IdentityError {
        throw CommandFailure(error.description)
    } catch let error as StoreError {
        throw CommandFailure(error.description)
    }
}

/// A one-line progress bar on standard error, drawn only on a terminal.
final class ProgressBar {
    private let total: Int
    private let interactive = isatty(STDERR_FILENO) == 1

    init(total: Int) { self.total = max(total, 1) }

    func show(done: Int, label: String) {
        guard interactive else { return }
        let width = 30
        let filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data("\r\u{1B}[K[\(bar)] \(done)/\(total) \(label)".utf8))
    }

    func clear() {
        guard interactive else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
