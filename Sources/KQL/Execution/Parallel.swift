import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Work spread over the machine's cores.
package enum Parallel {
    /// `body` applied to every item, several at a time; results keep the items' order. The first error thrown wins.
    package static func map<T: Sendable, U: Sendable, Failure: Error>(
        _ items: [T],
        _ body: @Sendable (T) throws(Failure) -> U
    ) throws(Failure) -> [U] {
        if items.count <= 1 { return try items.map { (item: T) throws(Failure) -> U in try body(item) } }
        let results = Mutex<[Result<U, Failure>?]>(Array(repeating: nil, count: items.count))
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            let outcome = Result { () throws(Failure) -> U in try body(items[index]) }
            results.withLock { $0[index] = outcome }
        }
        return try results.withLock { $0 }.map { (outcome: Result<U, Failure>?) throws(Failure) -> U in try outcome!.get() }
    }

    /// The machine's online cores.
    package static let cores = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))

    /// `0..<count` cut into consecutive runs of near-equal length, one per core (fewer when there are fewer items).
    package static func runs(_ count: Int) -> [Range<Int>] {
        let parts = min(count, cores)
        guard parts > 1 else { return [0..<count] }
        return (0..<parts).map { part in (part * count / parts)..<((part + 1) * count / parts) }
    }
}
