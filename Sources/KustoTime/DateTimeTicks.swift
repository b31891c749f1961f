/// Kusto's datetime representation: 100-nanosecond ticks since 0001-01-01T00:00:00Z (UTC), with ISO-8601 reading
/// and writing. Shared by the wire models and the KQL engine; it needs nothing but the standard library.
public enum DateTimeTicks {
    public static let perSecond: Int64 = 10_000_000
    public static let perDay: Int64 = 86_400 * perSecond
    /// Ticks at 1970-01-01T00:00:00Z.
    public static let unixEpoch: Int64 = 621_355_968_000_000_000

    /// `yyyy-MM-ddTHH:mm:ss[.fffffff]Z`, the fraction trimmed of trailing zeros (`…:03.81Z`, `…:03Z`).
    public static func format(_ ticks: Int64) -> String {
        let days = floorDivide(ticks, perDay)
        let inDay = ticks - days * perDay
        let (year, month, day) = civil(fromDaysSinceEpoch: days - unixEpoch / perDay)
        let seconds = inDay / perSecond
        var fraction = inDay % perSecond
        var fractionDigits = fraction > 0 ? 7 : 0
        while fraction > 0, fraction % 10 == 0 {
            fraction /= 10
            fractionDigits -= 1
        }
        let yearDigits = max(4, String(year).count)
        let length = yearDigits + 16 + (fractionDigits > 0 ? fractionDigits + 1 : 0)
        // Written digit by digit into the string's own storage: formatting is on the path of every exported row.
        return String(unsafeUninitializedCapacity: length) { out in
            var index = 0
            func put(_ value: Int64, _ width: Int) {
                var value = value
                for position in stride(from: index + width - 1, through: index, by: -1) {
                    out[position] = UInt8(48 + value % 10)
                    value /= 10
                }
                index += width
            }
            func put(_ character: Character) {
                out[index] = character.asciiValue!
                index += 1
            }
            put(year, yearDigits)
            put("-")
            put(month, 2)
            put("-")
            put(day, 2)
            put("T")
            put(seconds / 3600, 2)
            put(":")
            put(seconds / 60 % 60, 2)
            put(":")
            put(seconds % 60, 2)
            if fractionDigits > 0 {
                put(".")
                put(fraction, fractionDigits)
            }
            put("Z")
            return index
        }
    }

    /// Parses a date, optionally followed by `T` or a space and `HH:mm[:ss[.f…]]`, then `Z`, `±hh[:]mm` or
    /// nothing (UTC). Fractions beyond seven digits are read and dropped.
    public static func parse(_ text: some StringProtocol) -> Int64? {
        var text = String(text)
        return text.withUTF8 { parse(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// ``parse(_:)`` over UTF-8 bytes, without making a string.
    public static func parse(utf8: UnsafeRawBufferPointer) -> Int64? {
        var scanner = DigitScanner(utf8)
        guard let year = scanner.number(digits: 4), scanner.skip("-"), let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        var ticks: Int64 = 0
        if scanner.skip("T") || scanner.skip(" ") {
            guard let hour = scanner.number(digits: 2), scanner.skip(":"), let minute = scanner.number(digits: 2), hour < 24, minute < 60
            else { return nil }
            var second: Int64 = 0
            if scanner.skip(":") {
                guard let s = scanner.number(digits: 2), s < 60 else { return nil }
                second = s
            }
            ticks = ((hour * 60 + minute) * 60 + second) * perSecond
            if scanner.skip(".") {
                guard let fraction = scanner.fractionTicks() else { return nil }
                ticks += fraction
            }
        }
        if !scanner.skip("Z"), let sign = scanner.sign() {
            guard let hours = scanner.number(digits: 2) else { return nil }
            _ = scanner.skip(":")
            guard let minutes = scanner.number(digits: 2) else { return nil }
            ticks -= sign * (hours * 60 + minutes) * 60 * perSecond
        }
        guard scanner.isAtEnd else { return nil }
        return (daysSinceEpoch(year: year, month: month, day: day) + unixEpoch / perDay) * perDay + ticks
    }

    /// The UTC calendar date of a tick count.
    public static func date(of ticks: Int64) -> (year: Int64, month: Int64, day: Int64) {
        civil(fromDaysSinceEpoch: floorDivide(ticks, perDay) - unixEpoch / perDay)
    }

    /// Ticks at midnight UTC of a date with a four-digit year; nil when the date does not exist.
    public static func ticks(year: Int64, month: Int64, day: Int64) -> Int64? {
        guard (0...9999).contains(year), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        return (daysSinceEpoch(year: year, month: month, day: day) + unixEpoch / perDay) * perDay
    }

    /// Division rounding toward negative infinity.
    public static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDaysSinceEpoch days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
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
    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var isAtEnd: Bool { index == bytes.count }

    mutating func skip(_ character: Character) -> Bool {
        guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
        index += 1
        return true
    }

    mutating func number(digits: Int) -> Int64? {
        guard index + digits <= bytes.count else { return nil }
        var value: Int64 = 0
        for byte in UnsafeRawBufferPointer(rebasing: bytes[index..<index + digits]) {
            guard (48...57).contains(byte) else { return nil }
            value = value * 10 + Int64(byte - 48)
        }
        index += digits
        return value
    }

    /// At least one fractional digit, as ticks.
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
