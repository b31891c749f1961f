import Dispatch
import Synchronization

/// Work spread over the machine's cores.
enum Parallel {
    /// `body` applied to every item, several at a time; results keep the items' order. The first error thrown wins.
    static func map<T: Sendable, U: Sendable>(_ items: [T], _ body: @Sendable (T) throws(KQLError) -> U) throws(KQLError) -> [U] {
        if items.count <= 1 { return try items.map { (item: T) throws(KQLError) -> U in try body(item) } }
        let results = Mutex<[Result<U, KQLError>?]>(Array(repeating: nil, count: items.count))
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            let outcome = Result { () throws(KQLError) -> U in try body(items[index]) }
            results.withLock { $0[index] = outcome }
        }
        return try results.withLock { $0 }.map { (outcome: Result<U, KQLError>?) throws(KQLError) -> U in try outcome!.get() }
    }
}
