/// Admits at most `capacity` holders at a time; later ones wait in arrival order.
///
/// Queries hold a worker thread while they run, so the number of running queries stays below the number of cores
/// and the event loops keep a core for the other requests; writes of hunting data go one at a time.
actor AsyncSemaphore {
    private let capacity: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func enter() async {
        if running < capacity {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

extension AsyncSemaphore {
    /// Runs `body` holding one place.
    nonisolated func holding<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await enter()
        do {
            let result = try await body()
            await leave()
            return result
        } catch {
            await leave()
            throw error
        }
    }
}
