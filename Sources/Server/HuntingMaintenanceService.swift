import Hunting
import Identity
import Logging
import OpenMTPModels
import ServiceLifecycle

/// Keeps the hunting data in shape: at start and then every `interval`, drops rows older than the retention and
/// merges small segments. Stops with the server's graceful shutdown.
struct HuntingMaintenanceService: Service {
    let hunting: HuntingService
    let retentionDays: Int?
    let interval: Duration
    let clock: IdentityClock
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await maintain()
            } catch {
                logger.error("hunt.maintenance_failed", metadata: ["hunt.error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }

    func maintain() async throws {
        if let retentionDays {
            let cutoff = clock.now().ticks - Int64(retentionDays) * 86_400 * Timestamp.ticksPerSecond
            let dropped = try await hunting.dropRows(before: cutoff)
            if dropped > 0 { logger.notice("hunt.retention_dropped", metadata: ["hunt.rows": "\(dropped)", "hunt.days": "\(retentionDays)"]) }
        }
        let merged = try await hunting.compact()
        if merged > 0 { logger.debug("hunt.compacted", metadata: ["hunt.segments": "\(merged)"]) }
    }
}
