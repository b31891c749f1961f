/// Admits at most `capacity` queries at a time; later ones wait in arrival order.
///
/// Route handlers share the few threads of the cooperative pool, and a query holds its thread while it runs,
/// so the number of running queries must stay below the number of cores.
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
