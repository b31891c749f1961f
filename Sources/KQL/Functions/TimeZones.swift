import Glibc
import KustoTime
import Synchronization

/// IANA time zones read from the system's compiled zone files (`/usr/share/zoneinfo`, TZif per RFC 8536), for
/// `datetime_utc_to_local` and `datetime_local_to_utc`. Zones are read once and cached.
struct ZoneInfo: Sendable {
    /// Unix seconds at which the offset changes, ascending, and the UTC offset (seconds) from each on.
    private let transitions: [Int64]
    private let offsets: [Int64]
    /// The offset before the first transition.
    private let initialOffset: Int64

    static let directory = "/usr/share/zoneinfo"
    private static let cache = Mutex<[String: ZoneInfo?]>([:])

    /// The zone `name` (`Europe/Berlin`, `UTC`); nil for names the system does not have.
    static func named(_ name: String) -> ZoneInfo? {
        if let cached = cache.withLock({ $0[name] }) { return cached }
        let zone = isSafeName(name) ? read(directory + "/" + name).flatMap(parse) : nil
        cache.withLock { $0[name] = zone }
        return zone
    }

    /// UTC ticks as the zone's local time.
    func local(fromUTC ticks: Int64) -> Int64 {
        ticks + offset(atUTCSeconds: unixSeconds(ticks)) * DateTimeTicks.perSecond
    }

    /// Local ticks as UTC: in a repeated hour the earlier instant, in a skipped hour the offset before the change.
    func utc(fromLocal ticks: Int64) -> Int64 {
        let local = unixSeconds(ticks)
        // Offsets change months apart, so the offsets two days either side are the only candidates.
        let (before, after) = (offset(atUTCSeconds: local - 2 * 86_400), offset(atUTCSeconds: local + 2 * 86_400))
        let consistent = [before, after].filter { offset(atUTCSeconds: local - $0) == $0 }
        return ticks - (consistent.max() ?? before) * DateTimeTicks.perSecond
    }

    private func unixSeconds(_ ticks: Int64) -> Int64 {
        DateTimeTicks.floorDivide(ticks - DateTimeTicks.unixEpoch, DateTimeTicks.perSecond)
    }

    private func offset(atUTCSeconds seconds: Int64) -> Int64 {
        var low = 0
        var high = transitions.count
        while low < high {
            let middle = (low + high) / 2
            if transitions[middle] <= seconds { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? initialOffset : offsets[low - 1]
    }

    /// Zone names are paths below the zone directory: letters, digits, `_`, `-`, `+` and `/`, no `..`.
    private static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix("/") && !name.contains("..")
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && (Character($0).isLetter || Character($0).isNumber || "_-+/".unicodeScalars.contains($0))
            }
    }

    private static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            bytes += buffer[0..<count]
            if count < buffer.count || bytes.count > 1 << 20 { break }
        }
        return bytes
    }

    /// The 64-bit (version 2+) data block of a TZif file.
    private static func parse(_ bytes: [UInt8]) -> ZoneInfo? {
        func integer(_ at: Int, _ size: Int) -> Int64? {
            guard at + size <= bytes.count else { return nil }
            let value = bytes[at..<at + size].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return size == 8 ? Int64(bitPattern: value) : Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: value)))
        }
        func counts(_ at: Int) -> [Int]? {
            guard bytes.count >= at + 44, bytes[at..<at + 4].elementsEqual("TZif".utf8) else { return nil }
            return (0..<6).compactMap { integer(at + 20 + 4 * $0, 4).map(Int.init) }
        }
        guard let v1 = counts(0), v1.count == 6, bytes[4] >= UInt8(ascii: "2") else { return nil }
        let (utc, std, leap, time, type, chars) = (v1[0], v1[1], v1[2], v1[3], v1[4], v1[5])
        let second = 44 + time * 5 + type * 6 + chars + leap * 8 + std + utc
        guard let v2 = counts(second), v2.count == 6 else { return nil }
        let (timeCount, typeCount) = (v2[3], v2[4])
        let timesAt = second + 44
        let indicesAt = timesAt + timeCount * 8
        let typesAt = indicesAt + timeCount
        guard typeCount > 0, typesAt + typeCount * 6 <= bytes.count else { return nil }
        let typeOffsets = (0..<typeCount).compactMap { integer(typesAt + 6 * $0, 4) }
        var transitions: [Int64] = []
        var offsets: [Int64] = []
        for index in 0..<timeCount {
            guard let at = integer(timesAt + 8 * index, 8) else { return nil }
            let type = Int(bytes[indicesAt + index])
            guard type < typeOffsets.count else { return nil }
            transitions.append(at)
            offsets.append(typeOffsets[type])
        }
        return ZoneInfo(transitions: transitions, offsets: offsets, initialOffset: typeOffsets[0])
    }
}
