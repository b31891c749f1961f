import Dispatch

extension Simulator {
    /// Day `index` as an import batch: the rows are generated on the calling thread while a second thread adds them
    /// to the batch, so the two halves of the work use two cores.
    /// - Parameter keep: rows to hand back as well (the alerts, for correlation).
    public mutating func batch(
        ofDay index: Int,
        catalog: HuntingCatalog,
        keeping keep: (IngestRow) -> Bool = { _ in false }
    )
        -> (batch: IngestBatch, kept: [IngestRow])
    {
        let builder = BackgroundBatch(catalog: catalog)
        var kept: [IngestRow] = []
        var chunk: [IngestRow] = []
        day(index) { row in
            if keep(row) { kept.append(row) }
            chunk.append(row)
            if chunk.count == BackgroundBatch.chunkRows {
                builder.add(chunk)
                chunk = []
            }
        }
        builder.add(chunk)
        return (builder.finish(), kept)
    }
}

/// An ``IngestBatch`` filled on a serial queue of its own; at most a few chunks wait, so memory stays bounded.
private final class BackgroundBatch: @unchecked Sendable {
    static let chunkRows = 8_192
    private let queue = DispatchQueue(label: "openmtp.simulated-batch")
    private let slots = DispatchSemaphore(value: 4)
    /// Touched only on `queue`.
    private var batch: IngestBatch

    init(catalog: HuntingCatalog) {
        batch = IngestBatch(catalog: catalog)
    }

    func add(_ rows: [IngestRow]) {
        slots.wait()
        queue.async {
            for row in rows { self.batch.add(row) }
            self.slots.signal()
        }
    }

    func finish() -> IngestBatch {
        queue.sync { batch }
    }
}
