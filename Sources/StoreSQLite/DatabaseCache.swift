import Foundation
import Store
import Synchronization

/// Directory reads of every request (a token request's client registration, an API call's tenant), kept while
/// the database is unchanged.
///
/// A client-credentials request needs its client's tenant, application, secrets and role assignments: four indexed
/// reads that, with GRDB's transaction around them, cost about a tenth of the request. The cache keys its entries
/// to a fingerprint of the write-ahead log (its size and modification time): every commit, by this process or by
/// `mtp apps …` on the same folder, appends to the WAL or restarts it, and so drops every entry (the main file only
/// changes when a checkpoint copies committed pages into it; the server's open connections keep the WAL from being
/// deleted). Entries also expire after ``lifetime``, which bounds staleness should two commits leave identical
/// fingerprints (a WAL rewritten to the same size within the file system's timestamp granularity).
final class DatabaseCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        let value: Value
        let loadedAt: ContinuousClock.Instant
    }

    private struct State {
        var fingerprint = Fingerprint()
        var entries: [Key: Entry] = [:]
    }

    static var lifetime: Duration { .seconds(2) }
    private static var capacity: Int { 4096 }
    private let log: String
    private let state = Mutex(State())

    init(databasePath: String) {
        log = databasePath + "-wal"
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

    private struct Fingerprint: Equatable {
        var size = 0
        var seconds = 0
        var nanoseconds = 0
    }

    /// Size and modification time of the WAL; a missing file counts as zeros.
    private func currentFingerprint() -> Fingerprint {
        var info = stat()
        guard stat(log, &info) == 0 else { return Fingerprint() }
        #if canImport(Darwin)
        let modified = info.st_mtimespec
        #else
        let modified = info.st_mtim
        #endif
        return Fingerprint(size: Int(info.st_size), seconds: modified.tv_sec, nanoseconds: modified.tv_nsec)
    }
}
