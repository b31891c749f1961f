/// A string enumeration of the wire that stays open to values this version does not know.
///
/// The service adds enum members over time (`classification`, `serviceSource` …); a closed Swift `enum` would make
/// the SDK fail on them, so these are structs over their raw string with the known members as constants.
public protocol WireEnum: RawRepresentable, Codable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible
where RawValue == String {
    init(rawValue: String)
}

extension WireEnum {
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
}

public struct IncidentStatus: WireEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let active: Self = "Active"
    public static let inProgress: Self = "InProgress"
    public static let resolved: Self = "Resolved"
    public static let redirected: Self = "Redirected"
}

public struct AlertStatus: WireEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let new: Self = "New"
    public static let inProgress: Self = "InProgress"
    public static let resolved: Self = "Resolved"
}

public struct Severity: WireEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let unspecified: Self = "UnSpecified"
    public static let informational: Self = "Informational"
    public static let low: Self = "Low"
    public static let medium: Self = "Medium"
    public static let high: Self = "High"
}

public struct Classification: WireEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let unknown: Self = "Unknown"
    public static let truePositive: Self = "TruePositive"
    public static let falsePositive: Self = "FalsePositive"
    public static let informationalExpectedActivity: Self = "InformationalExpectedActivity"
}

public struct Determination: WireEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let notAvailable: Self = "NotAvailable"
    public static let malware: Self = "Malware"
    public static let multiStagedAttack: Self = "MultiStagedAttack"
    public static let securityTesting: Self = "SecurityTesting"
    public static let other: Self = "Other"
}
