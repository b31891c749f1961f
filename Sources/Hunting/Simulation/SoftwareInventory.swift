import KustoTime
import OpenMTPModels

/// Threat and vulnerability management's view of each device: the software installed (`DeviceTvmSoftwareInventory`)
/// and the known vulnerabilities of the versions found (`DeviceTvmSoftwareVulnerabilities`). Both tables are the
/// current state, without `Timestamp`, so they are written once, with the last simulated day. A device keeps the
/// same software from run to run: its choices derive from its id.
extension Simulator {
    private struct Software {
        let vendor: String
        let name: String
        let current: String
        /// An older version some devices still run, with the vulnerabilities it has and the update that fixes them.
        let outdated: (version: String, cves: [(id: String, severity: String)], update: String)?
        let onServers: Bool
    }

    private static let catalog = [
        Software(
            vendor: "microsoft",
            name: "windows_11",
            current: "10.0.22631.4460",
            outdated: ("10.0.22631.3880", [("CVE-2024-38063", "Critical"), ("CVE-2024-38193", "High")], "KB5041585"),
            onServers: false
        ),
        Software(
            vendor: "microsoft",
            name: "windows_server_2022",
            current: "10.0.20348.2849",
            outdated: ("10.0.20348.2582", [("CVE-2024-38063", "Critical"), ("CVE-2024-38077", "Critical")], "KB5041160"),
            onServers: true
        ),
        Software(
            vendor: "google",
            name: "chrome",
            current: "131.0.6778.86",
            outdated: ("116.0.5845.141", [("CVE-2023-4863", "High"), ("CVE-2023-5217", "High")], "Update Chrome to 117.0.5938.62 or later"),
            onServers: false
        ),
        Software(vendor: "microsoft", name: "edge_chromium-based", current: "131.0.2903.63", outdated: nil, onServers: true),
        Software(vendor: "microsoft", name: "office", current: "16.0.18129.20116", outdated: nil, onServers: false),
        Software(vendor: "microsoft", name: "teams", current: "24295.605.3225.8804", outdated: nil, onServers: false),
        Software(vendor: "microsoft", name: "onedrive", current: "24.211.1020.0001", outdated: nil, onServers: false),
        Software(
            vendor: "7-zip",
            name: "7-zip",
            current: "24.08.0.0",
            outdated: ("22.01.0.0", [("CVE-2023-31102", "High"), ("CVE-2023-40481", "High")], "Update 7-Zip to 23.01 or later"),
            onServers: true
        ),
        Software(
            vendor: "adobe",
            name: "acrobat_reader_dc",
            current: "24.4.20272.0",
            outdated: ("23.3.20244.0", [("CVE-2023-26369", "High")], "APSB23-34"),
            onServers: false
        ),
        Software(
            vendor: "oracle",
            name: "jre",
            current: "8.0.431.10",
            outdated: ("8.0.361.9", [("CVE-2023-21930", "High"), ("CVE-2023-21967", "Medium")], "Update JRE to 8u371 or later"),
            onServers: true
        ),
    ]

    /// Vulnerabilities of the list that were exploited in the wild before a fix shipped.
    private static let zeroDays: Set<String> = ["CVE-2023-4863", "CVE-2024-38193"]

    /// One device's installed software and their vulnerabilities; about one outdated package in five.
    mutating func softwareState(of device: SimulatedDevice, into day: inout DayBuilder) {
        var choice = SeededRandom(deriving: "software \(device.deviceId)")
        let os = device.isServer ? "windows_server_2022" : "windows_11"
        let installed = Self.catalog.filter { software in
            if software.name.hasPrefix("windows") { return software.name == os }
            guard !device.isServer || software.onServers else { return false }
            // Microsoft's applications come with the image; third-party ones are on most devices, not all.
            return software.vendor == "microsoft" || choice.chance(0.6)
        }
        for software in installed {
            let outdated = choice.chance(0.2) ? software.outdated : nil
            let version = outdated?.version ?? software.current
            let shared: [(String, JSONValue)] = [
                ("OSPlatform", .string(device.osPlatform)), ("OSVersion", .string("10.0")), ("OSArchitecture", .string("x64")),
                ("SoftwareVendor", .string(software.vendor)), ("SoftwareName", .string(software.name)), ("SoftwareVersion", .string(version)),
            ]
            day.addState(
                "DeviceTvmSoftwareInventory",
                device: device,
                shared + [
                    ("EndOfSupportStatus", .string("")),
                    ("ProductCodeCpe", .string("cpe:2.3:a:\(software.vendor):\(software.name):\(version):*:*:*:*:*:*:*")),
                ]
            )
            guard let outdated else { continue }
            for cve in outdated.cves {
                day.addState(
                    "DeviceTvmSoftwareVulnerabilities",
                    device: device,
                    shared + [
                        ("CveId", .string(cve.id)), ("VulnerabilitySeverityLevel", .string(cve.severity)),
                        ("RecommendedSecurityUpdate", .string(outdated.update)),
                        ("RecommendedSecurityUpdateId", .string(outdated.update.hasPrefix("KB") ? String(outdated.update.dropFirst(2)) : "")),
                        ("CveTags", .array(Self.zeroDays.contains(cve.id) ? [.string("ZeroDay")] : [])),
                    ]
                )
            }
        }
    }
}
