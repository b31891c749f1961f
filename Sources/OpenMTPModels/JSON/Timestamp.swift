public import Foundation
import KustoTime

/// A UTC instant with Kusto's precision: 100-nanosecond ticks since 0001-01-01T00:00:00Z.
///
/// On the wire it is ISO-8601 with up to seven fractional digits, trailing zeros trimmed and a `Z`
/// (`2020-09-06T12:18:03.81Z`), as the Defender API writes `createdTime` and hunting results write datetimes.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public static let ticksPerSecond = DateTimeTicks.perSecond
    public static let unixEpochTicks = DateTimeTicks.unixEpoch

    public var ticks: Int64

    public init(ticks: Int64) {
        self.ticks = ticks
    }

    public init(_ date: Date) {
        self.ticks = Self.unixEpochTicks + Int64((date.timeIntervalSince1970 * 1e7).rounded())
    }

    /// Parses ISO-8601 text (see `DateTimeTicks.parse`).
    public init?(iso8601 text: some StringProtocol) {
        guard let ticks = DateTimeTicks.parse(text) else { return nil }
        self.ticks = ticks
    }

    public var date: Date {
        Date(timeIntervalSince1970: Double(ticks - Self.unixEpochTicks) / Double(Self.ticksPerSecond))
    }

    /// Whole seconds since 1970, as JWT claims and token responses count them.
    public var unixSeconds: Int64 {
        DateTimeTicks.floorDivide(ticks - Self.unixEpochTicks, Self.ticksPerSecond)
    }

    public var iso8601: String { DateTimeTicks.format(ticks) }
    public var description: String { iso8601 }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.ticks < rhs.ticks }

    public func adding(seconds: Int64) -> Timestamp { Timestamp(ticks: ticks + seconds * Self.ticksPerSecond) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Timestamp(iso8601: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Not an ISO-8601 date-time: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }
}
