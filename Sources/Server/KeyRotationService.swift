import Identity
import Logging
import ServiceLifecycle

/// Checks the signing keys on a schedule: makes a new key when the current one is due, and picks up keys another
/// process added. Stops with the server's graceful shutdown.
struct KeyRotationService: Service {
    let keys: SigningKeys
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            do {
                if try await keys.rotateIfDue() {
                    logger.notice("idp.signing_key_rotated", metadata: ["idp.kid": "\(keys.published.last?.keyId ?? "")"])
                }
                try await keys.reload()
            } catch {
                logger.error("idp.signing_key_rotation_failed", metadata: ["idp.error": "\(error)"])
            }
        }
    }
}
