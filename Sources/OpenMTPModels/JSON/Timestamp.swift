public import Foundation

/// A UTC instant with Kusto's precision: 100-nanosecond ticks since 0001-01-01T00:00:00Z.
///
/// On the wire it is ISO-8601 with up to seven fractional digits, trailing zeros trimmed and a `Z`
/// (`2020-09-06T12:18:03.81Z`), as the Defender API writes `createdTime` and hunting results write datetimes.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public static let ticksPerSecond: Int64 = 10_000_000
    public static let ticksPerDay: Int64 = 86_400 * ticksPerSecond
    /// Ticks at 1970-01-01T00:00:00Z.
    public static let unixEpochTicks: Int64 = 621_355_968_000_000_000

    public var ticks: Int64

    public init(ticks: Int64) {
        self.ticks = ticks
    }

    public init(_ date: Date) {
        let seconds = date.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        let fraction = Int64(((seconds - whole) * 1e7).rounded())
        self.ticks = Self.unixEpochTicks + Int64(whole) * Self.ticksPerSecond + fraction
    }

    public var date: Date {
        Date(timeIntervalSince1970: Double(ticks - Self.unixEpochTicks) / Double(Self.ticksPerSecond))
    }

    /// Whole seconds since 1970, as JWT claims and token responses count them.
    public var unixSeconds: Int64 {
        (ticks - Self.unixEpochTicks).floorDivided(by: Self.ticksPerSecond)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.ticks < rhs.ticks }

    public func adding(seconds: Int64) -> Timestamp { Timestamp(ticks: ticks + seconds * Self.ticksPerSecond) }

    public var description: String { iso8601 }

    /// `yyyy-MM-ddTHH:mm:ss[.fffffff]Z`, fraction trimmed of trailing zeros.
    public var iso8601: String {
        let days = ticks.floorDivided(by: Self.ticksPerDay)
        let inDay = ticks - days * Self.ticksPerDay
        let (year, month, day) = CivilDate.fromDaysSinceEpoch(days - Self.unixEpochTicks / Self.ticksPerDay)
        let seconds = inDay / Self.ticksPerSecond
        var fraction = inDay % Self.ticksPerSecond
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
        text += pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
        if fraction > 0 {
            var digits = 7
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            text += "." + pad(fraction, digits)
        }
        return text + "Z"
    }

    /// Parses ISO-8601 date-times: a date, optionally `T` or a space and a time with up to seven fractional
    /// digits, then `Z`, an offset `±hh:mm`, or nothing (read as UTC).
    public init?(iso8601 text: some StringProtocol) {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2),
            (1...12).contains(month), (1...CivilDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var timeTicks: Int64 = 0
        if scanner.skip("T") || scanner.skip(" ") {
            guard let hour = scanner.number(digits: 2), scanner.skip(":"), let minute = scanner.number(digits: 2),
                hour < 24, minute < 60
            else { return nil }
            var second: Int64 = 0
            if scanner.skip(":") {
                guard let s = scanner.number(digits: 2), s < 60 else { return nil }
                second = s
            }
            timeTicks = ((hour * 60 + minute) * 60 + second) * Self.ticksPerSecond
            if scanner.skip(".") {
                guard let fraction = scanner.fractionTicks() else { return nil }
                timeTicks += fraction
            }
        }
        if scanner.skip("Z") || scanner.isAtEnd {
            // UTC
        } else if let sign = scanner.sign() {
            guard let h = scanner.number(digits: 2) else { return nil }
            _ = scanner.skip(":")
            guard let m = scanner.number(digits: 2) else { return nil }
            timeTicks -= sign * (h * 60 + m) * 60 * Self.ticksPerSecond
        } else {
            return nil
        }
        guard scanner.isAtEnd else { return nil }
        let days = CivilDate.daysSinceEpoch(year: year, month: month, day: day) + Self.unixEpochTicks / Self.ticksPerDay
        self.ticks = days * Self.ticksPerDay + timeTicks
    }

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

private func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

/// Proleptic Gregorian calendar arithmetic (days relative to 1970-01-01).
enum CivilDate {
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func fromDaysSinceEpoch(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Reads fixed-width digit groups and separators from ASCII bytes.
struct DigitScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index == bytes.count }

    mutating func skip(_ character: Character) -> Bool {
        guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
        index += 1
        return true
    }

    mutating func number(digits: Int) -> Int64? {
        guard index + digits <= bytes.count else { return nil }
        var value: Int64 = 0
        for byte in bytes[index..<index + digits] {
            guard (48...57).contains(byte) else { return nil }
            value = value * 10 + Int64(byte - 48)
        }
        index += digits
        return value
    }

    /// At least one fractional digit, as ticks; digits past the seventh are read and dropped.
    mutating func fractionTicks() -> Int64? {
        var value: Int64 = 0
        var count = 0
        while index < bytes.count, (48...57).contains(bytes[index]) {
            if count < 7 { value = value * 10 + Int64(bytes[index] - 48) }
            count += 1
            index += 1
        }
        guard count > 0 else { return nil }
        for _ in min(count, 7)..<7 { value *= 10 }
        return value
    }

    mutating func sign() -> Int64? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}
