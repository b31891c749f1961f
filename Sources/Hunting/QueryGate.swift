/// Admits at most `capacity` queries at a time; later ones wait in arrival order.
///
/// A query holds a worker thread while it runs, so the number of running queries stays below the number of
/// cores and the event loops keep a core for the other requests.
actor QueryGate {
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
