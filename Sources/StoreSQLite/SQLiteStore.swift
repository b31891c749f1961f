import Foundation
import GRDB
import OpenMTPModels
import Store

/// The embedded default: every store protocol over one SQLite database file, through GRDB.
///
/// The file is opened in WAL mode (a `DatabasePool`), so `mtp apps create` can register an application while
/// `mtp serve` runs on the same data folder. The only things held in memory are the tenants and client registrations
/// every request reads (``DatabaseCache``), dropped whenever the database files change, so the server sees it at once.
public final class SQLiteStore: Sendable {
    let database: DatabasePool
    /// A read-only connection of its own for ``lookup(_:)``.
    let lookups: DatabaseQueue
    let registrations: DatabaseCache<RegistrationKey, ClientRegistration?>
    let tenants: DatabaseCache<String, TenantRecord?>

    struct RegistrationKey: Hashable {
        let tenant: String
        let appId: String
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        // A commit is on disk when it returns (WAL fsynced), which acknowledged imports rely on.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        database = try DatabasePool(path: path, configuration: configuration)
        registrations = DatabaseCache(databasePath: path)
        tenants = DatabaseCache(databasePath: path)
        try SQLiteSchema.migrator.migrate(database)
        var readOnly = configuration
        readOnly.readonly = true
        lookups = try DatabaseQueue(path: path, configuration: readOnly)
    }

    // MARK: Helpers

    /// A short blocking read, one statement (no transaction around it). GRDB's async `read` hops threads twice (pool actor, reader queue), which costs more
    /// than the point lookups of the directory themselves. The blocking read goes to a connection no async read
    /// uses: a thread of the concurrency pool that waited for one of the pool's readers could wait on work queued
    /// behind itself (seen under load as a server that stops answering). Only for index lookups that take
    /// microseconds; long reads (incident lists, hunting events) use the async pool.
    func lookup<T>(_ body: (Database) throws -> T) throws -> T {
        try lookups.inDatabase(body)
    }

    /// Runs a write transaction, turning a uniqueness violation into ``StoreError/duplicate(_:)``.
    func write(duplicateOf what: String, _ body: @Sendable @escaping (Database) throws -> Void) async throws {
        do {
            try await database.write(body)
        } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
            || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
        {
            throw StoreError.duplicate(what)
        }
    }
}

/// JSON columns: lists and grant records are kept as JSON text.
enum JSONText {
    static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw StoreError.corrupt("a stored \(type) does not decode: \(error)")
        }
    }
}
