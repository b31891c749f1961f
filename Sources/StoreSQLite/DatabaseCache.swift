import Foundation
import Store
import Synchronization

/// Directory reads of every request (a token request's client registration, an API call's tenant), kept while
/// the database is unchanged.
///
/// A client-credentials request needs its client's tenant, application, secrets and role assignments: four indexed
/// reads that, with GRDB's transaction around them, cost about a tenth of the request. The cache keys its entries
/// to a fingerprint of the database files (size and modification time of the main file and its WAL): any commit,
/// by this process or by `mtp apps …` on the same folder, changes the WAL and drops every entry. Entries also
/// expire after ``lifetime``, which bounds staleness should two commits leave identical fingerprints (a WAL
/// rewritten to the same size within the file system's timestamp granularity).
final class DatabaseCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        let value: Value
        let loadedAt: ContinuousClock.Instant
    }

    private struct State {
        var fingerprint: [Int] = []
        var entries: [Key: Entry] = [:]
    }

    static var lifetime: Duration { .seconds(2) }
    private static var capacity: Int { 4096 }
    private let files: [String]
    private let state = Mutex(State())

    init(databasePath: String) {
        files = [databasePath, databasePath + "-wal"]
    }

    /// The cached value for `key`, or `load()`'s answer, remembered under the fingerprint taken before it ran.
    func value(_ key: Key, load: () throws -> Value) rethrows -> Value {
        let fingerprint = currentFingerprint()
        let now = ContinuousClock.now
        let cached: Entry? = state.withLock { state in
            guard state.fingerprint == fingerprint else { return nil }
            return state.entries[key]
        }
        if let cached, now - cached.loadedAt < Self.lifetime { return cached.value }
        let loaded = try load()
        state.withLock { state in
            if state.fingerprint != fingerprint || state.entries.count >= Self.capacity {
                state = State(fingerprint: fingerprint)
            }
            state.entries[key] = Entry(value: loaded, loadedAt: now)
        }
        return loaded
    }

    /// Size and modification time (ns) of each file; a missing file counts as zeros.
    private func currentFingerprint() -> [Int] {
        var values: [Int] = []
        values.reserveCapacity(files.count * 3)
        for path in files {
            var info = stat()
            if stat(path, &info) == 0 {
                #if canImport(Darwin)
                let modified = info.st_mtimespec
                #else
                let modified = info.st_mtim
                #endif
                values += [Int(info.st_size), modified.tv_sec, modified.tv_nsec]
            } else {
                values += [0, 0, 0]
            }
        }
        return values
    }
}
