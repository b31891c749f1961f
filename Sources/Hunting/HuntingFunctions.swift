import KQL

/// The functions advanced hunting adds to KQL, with the columns Microsoft's documentation lists for them.
enum HuntingFunctions {
    static let all: [String: CatalogFunction] = Dictionary(
        uniqueKeysWithValues: [fileProfile, assignedIPAddresses, deviceFromIP, seenBy].map { ($0.name, $0) }
    )

    private static func columns(_ pairs: [(String, ScalarType)]) -> [ColumnSchema] {
        pairs.map { ColumnSchema(name: $0.0, type: $0.1) }
    }

    /// `| invoke FileProfile(SHA1, 1000)`: file details appended to each row.
    static let fileProfile = CatalogFunction(
        name: "FileProfile",
        columns: columns([
            ("SHA1", .string), ("SHA256", .string), ("MD5", .string), ("FileSize", .long), ("GlobalPrevalence", .long),
            ("GlobalFirstSeen", .datetime), ("GlobalLastSeen", .datetime), ("Signer", .string), ("Issuer", .string),
            ("SignerHash", .string), ("IsCertificateValid", .bool), ("IsRootSignerMicrosoft", .bool), ("SignatureState", .string),
            ("IsExecutable", .bool), ("ThreatName", .string), ("Publisher", .string), ("SoftwareName", .string),
            ("ProfileAvailability", .string),
        ]),
        extendsInput: true
    )

    /// `AssignedIPAddresses(DeviceName, Time)`: the addresses a device had around a time.
    static let assignedIPAddresses = CatalogFunction(
        name: "AssignedIPAddresses",
        columns: columns([
            ("Timestamp", .datetime), ("IPAddress", .string), ("IPType", .string), ("NetworkAdapterType", .string),
            ("ConnectedNetworks", .dynamic),
        ]),
        extendsInput: false
    )

    /// `DeviceFromIP(IP, Time)`: the devices that had an address around a time.
    static let deviceFromIP = CatalogFunction(
        name: "DeviceFromIP",
        columns: columns([("Timestamp", .datetime), ("IP", .string), ("DeviceId", .string)]),
        extendsInput: false
    )

    /// `| invoke SeenBy()`: the devices that observed each device on the network. Its columns are not documented, so
    /// it only adds `SeenBy` and leaves the schema open.
    static let seenBy = CatalogFunction(name: "SeenBy", columns: columns([("SeenBy", .dynamic)]), extendsInput: true, isOpen: true)
}
