import Foundation
import Synchronization

/// The per-tenant limits of the API (spec §3.0, §3.4, §5): calls per minute and per hour for each family of
/// routes, and the query time advanced hunting may use per 15-minute cycle. Windows are aligned to the clock
/// (a minute, an hour, a quarter hour), as the service's messages ("per 00:01:00") describe them.
public struct QuotaSettings: Sendable, Equatable {
    public struct Calls: Sendable, Equatable {
        public var perMinute: Int
        public var perHour: Int

        public init(perMinute: Int, perHour: Int) {
            self.perMinute = perMinute
            self.perHour = perHour
        }
    }

    /// Incident routes (list, get, update; Graph's too): 50 a minute, 1,500 an hour.
    public var incidents = Calls(perMinute: 50, perHour: 1500)
    /// Hunting runs (both Defender paths and Graph's): 45 a minute, 1,500 an hour.
    public var hunting = Calls(perMinute: 45, perHour: 1500)
    /// Query execution time a tenant may use per 15-minute cycle: 10 minutes an hour, a quarter per cycle.
    public var huntingSecondsPerCycle: Double = 150

    public init() {}

    /// No limits (benchmarks that measure the server rather than the quota).
    public static let unlimited: QuotaSettings = {
        var settings = QuotaSettings()
        settings.incidents = Calls(perMinute: .max, perHour: .max)
        settings.hunting = Calls(perMinute: .max, perHour: .max)
        settings.huntingSecondsPerCycle = .infinity
        return settings
    }()
}

/// Counts calls and hunting time per tenant against ``QuotaSettings``; a refusal carries the service's message and
/// the seconds until the window that was exceeded starts over.
public final class APIQuotas: Sendable {
    public enum Family: String, Sendable {
        case incidents, hunting
    }

    public struct Refusal: Error, Sendable, Equatable {
        public let message: String
        public let retryAfterSeconds: Int
    }

    private struct Window: Hashable {
        let tenantId: String
        let family: Family
        let seconds: Int64
    }

    private struct Usage {
        var start: Int64 = 0
        var calls = 0
        var huntingSeconds = 0.0
    }

    private static let cycleSeconds: Int64 = 15 * 60
    private let settings: QuotaSettings
    private let usage = Mutex<[Window: Usage]>([:])

    public init(settings: QuotaSettings) {
        self.settings = settings
    }

    /// Counts one call of `family` for the tenant at `now` (Unix seconds), or refuses it without counting.
    public func admit(tenantId: String, family: Family, now: Int64) throws(Refusal) {
        let limits = family == .incidents ? settings.incidents : settings.hunting
        let checks: [(Int64, Int)] = [(60, limits.perMinute), (3600, limits.perHour)]
        let refusal: Refusal? = usage.withLock { usage in
            for (seconds, limit) in checks {
                let current = Self.current(&usage, Window(tenantId: tenantId, family: family, seconds: seconds), now: now)
                if current.calls >= limit {
                    return Refusal(
                        message: "API calls quota exceeded! maximum allowed \(limit) per \(Self.span(seconds))",
                        retryAfterSeconds: Int(current.start + seconds - now)
                    )
                }
            }
            if family == .hunting {
                let cycle = Self.current(&usage, Window(tenantId: tenantId, family: .hunting, seconds: Self.cycleSeconds), now: now)
                if cycle.huntingSeconds >= settings.huntingSecondsPerCycle {
                    return Refusal(
                        message:
                            "Query execution time quota exceeded! maximum allowed \(Self.span(Int64(settings.huntingSecondsPerCycle))) per \(Self.span(Self.cycleSeconds))",
                        retryAfterSeconds: Int(cycle.start + Self.cycleSeconds - now)
                    )
                }
            }
            for (seconds, _) in checks { usage[Window(tenantId: tenantId, family: family, seconds: seconds)]?.calls += 1 }
            return nil
        }
        if let refusal { throw refusal }
    }

    /// Adds the execution time of a hunting query to the tenant's current 15-minute cycle.
    public func recordHunting(tenantId: String, seconds: Double, now: Int64) {
        usage.withLock { usage in
            let window = Window(tenantId: tenantId, family: .hunting, seconds: Self.cycleSeconds)
            _ = Self.current(&usage, window, now: now)
            usage[window]?.huntingSeconds += seconds
        }
    }

    /// The usage of `window` for the period holding `now`, reset when a new period has begun.
    private static func current(_ usage: inout [Window: Usage], _ window: Window, now: Int64) -> Usage {
        let start = now - now % window.seconds
        var entry = usage[window] ?? Usage(start: start)
        if entry.start != start { entry = Usage(start: start) }
        usage[window] = entry
        return entry
    }

    /// `.NET` TimeSpan text: `00:01:00`.
    static func span(_ seconds: Int64) -> String {
        String(format: "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }
}
