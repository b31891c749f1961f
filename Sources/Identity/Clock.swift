import Foundation
public import OpenMTPModels

/// Where the identity code reads the time; tests pass a fixed one.
public struct IdentityClock: Sendable {
    public let now: @Sendable () -> Timestamp

    public init(now: @escaping @Sendable () -> Timestamp) {
        self.now = now
    }

    public static let system = IdentityClock { Timestamp(Date()) }
}
