public import OpenMTPModels

/// A small, fixed attack story for a demo tenant, placed relative to `now` so time-windowed hunting queries
/// (`ago(7d)`) find it: a credential-theft chain on one workstation, a beacon to a C2 host from a server, a
/// phished user, and a resolved test alert. The incidents and the hunting events tell the same story.
public struct DemoScenario: Sendable {
    public let incidents: [Incident]
    /// Event records (JSON objects) by advanced hunting table.
    public let events: [String: [String]]

    static let workstation = Device(id: "24c222b0b60fe148eeece49ac83910cc6a7ef491", name: "ws-0142.contoso.test", os: "Windows10", build: 19045)
    static let server = Device(id: "7f3b1a9c0d2e4f5a6b7c8d9e0f1a2b3c4d5e6f70", name: "srv-app01.contoso.test", os: "WindowsServer2019", build: 17763)

    struct Device {
        let id: String
        let name: String
        let os: String
        let build: Int64
    }

    /// - Parameter firstIncidentId: the id of the first incident; the others follow it.
    public init(now: Timestamp, firstIncidentId: Int64) {
        func at(_ minutesAgo: Int64) -> Timestamp { now.adding(seconds: -minutesAgo * 60) }
        let ws = Self.workstation
        let srv = Self.server
        var incidents: [Incident] = []
        let id = firstIncidentId

        let mimikatz = Self.alert(
            "da\(id)1_mimikatz",
            incident: id,
            title: "'Mimikatz' hacktool was detected",
            category: "CredentialAccess",
            severity: .high,
            source: "WindowsDefenderAv",
            device: ws,
            at: at(185),
            techniques: ["T1003"],
            threat: "Mimikatz",
            entities: [Self.file("mimikatz.exe", path: #"C:\Users\jdoe\Downloads"#, sha1: "d1f2b0b8a1c53e1e5ea0f3a6c4b7e8d9a0b1c2d3", device: ws)]
        )
        let encodedPowerShell = Self.alert(
            "da\(id)2_powershell",
            incident: id,
            title: "Suspicious PowerShell command line",
            category: "Execution",
            severity: .medium,
            source: "WindowsDefenderAtp",
            device: ws,
            at: at(190),
            techniques: ["T1059.001"],
            threat: nil,
            entities: [Self.process("powershell.exe", commandLine: "powershell.exe -nop -w hidden -enc SQBFAFgA", device: ws)]
        )
        incidents.append(
            Incident(
                incidentId: id,
                incidentName: "Multi-stage incident involving Execution & Credential access on one endpoint",
                createdTime: at(184),
                lastUpdateTime: at(180),
                severity: .high,
                tags: ["Credential Theft"],
                alerts: [encodedPowerShell, mimikatz]
            )
        )

        let beacon = Self.alert(
            "da\(id + 1)1_beacon",
            incident: id + 1,
            title: "Connection to a custom network indicator",
            category: "CommandAndControl",
            severity: .medium,
            source: "WindowsDefenderAtp",
            device: srv,
            at: at(95),
            techniques: ["T1071"],
            threat: nil,
            entities: [Self.ip("203.0.113.45", device: srv), Self.url("http://update-check.example.net/beacon", device: srv)]
        )
        incidents.append(
            Incident(
                incidentId: id + 1,
                incidentName: "Suspicious connection to a command-and-control host on one endpoint",
                createdTime: at(94),
                lastUpdateTime: at(60),
                assignedTo: "secops@contoso.test",
                status: .inProgress,
                severity: .medium,
                comments: [
                    IncidentComment(comment: "Isolating the server while we check the beacon.", createdBy: "secops@contoso.test", createdTime: at(60))
                ],
                alerts: [beacon]
            )
        )

        var phish = Self.alert(
            "fa\(id + 2)1_phish",
            incident: id + 2,
            title: "Email messages containing malicious URL removed after delivery",
            category: "InitialAccess",
            severity: .low,
            source: "OfficeATP",
            device: nil,
            at: at(300),
            techniques: ["T1566.002"],
            threat: nil,
            entities: [Self.mailbox("jdoe@contoso.test")]
        )
        phish.serviceSource = "MicrosoftDefenderForOffice365"
        incidents.append(
            Incident(
                incidentId: id + 2,
                incidentName: "Email messages containing malicious URL removed after delivery involving one user",
                createdTime: at(299),
                lastUpdateTime: at(240),
                severity: .low,
                alerts: [phish]
            )
        )

        var test = Self.alert(
            "da\(id + 3)1_eicar",
            incident: id + 3,
            title: "EICAR test file detected",
            category: "Malware",
            severity: .informational,
            source: "WindowsDefenderAv",
            device: ws,
            at: at(2 * 24 * 60),
            techniques: [],
            threat: "EICAR_Test_File",
            entities: [Self.file("eicar.com", path: #"C:\Temp"#, sha1: "3395856ce81f2b7382dee72602f798b642f14140", device: ws)]
        )
        test.status = .resolved
        test.resolvedTime = at(2 * 24 * 60 - 30)
        incidents.append(
            Incident(
                incidentId: id + 3,
                incidentName: "EICAR test file detected on one endpoint",
                createdTime: at(2 * 24 * 60),
                lastUpdateTime: at(2 * 24 * 60 - 30),
                assignedTo: "admin@contoso.test",
                classification: .informationalExpectedActivity,
                determination: .securityTesting,
                status: .resolved,
                severity: .informational,
                alerts: [test]
            )
        )
        self.incidents = incidents
        self.events = [
            "DeviceProcessEvents": DemoEvents.processEvents(now: now, workstation: ws, server: srv),
            "DeviceNetworkEvents": DemoEvents.networkEvents(now: now, workstation: ws, server: srv),
        ].merging(AlertRecords.jsonLines(for: incidents)) { $0 + $1 }
    }

    // MARK: Builders

    private static func alert(
        _ alertId: String,
        incident: Int64,
        title: String,
        category: String,
        severity: Severity,
        source: String,
        device: Device?,
        at time: Timestamp,
        techniques: [String],
        threat: String?,
        entities: [AlertEntity]
    ) -> Alert {
        Alert(
            alertId: alertId,
            incidentId: incident,
            serviceSource: "MicrosoftDefenderForEndpoint",
            creationTime: time.adding(seconds: 60),
            lastUpdatedTime: time.adding(seconds: 120),
            firstActivity: time,
            lastActivity: time.adding(seconds: 30),
            title: title,
            description: "\(title). Review the device timeline and the related evidence.",
            category: category,
            severity: severity,
            detectionSource: source,
            threatFamilyName: threat,
            mitreTechniques: techniques,
            devices: device.map {
                [
                    AlertDevice(
                        mdatpDeviceId: $0.id,
                        deviceDnsName: $0.name,
                        osPlatform: $0.os,
                        version: $0.os == "Windows10" ? "22H2" : "1809",
                        osBuild: $0.build,
                        riskScore: severity == .high ? "High" : "Medium",
                        rbacGroupName: "Contoso-Workstations",
                        rbacGroupId: 9,
                        firstSeen: time.adding(seconds: -90 * 86_400)
                    )
                ]
            } ?? [],
            entities: entities
        )
    }

    private static func file(_ name: String, path: String, sha1: String, device: Device) -> AlertEntity {
        var entity = AlertEntity(entityType: "File")
        entity.fileName = name
        entity.filePath = path
        entity.sha1 = sha1
        entity.deviceId = device.id
        return entity
    }

    private static func process(_ name: String, commandLine: String, device: Device) -> AlertEntity {
        var entity = AlertEntity(entityType: "Process")
        entity.fileName = name
        entity.filePath = #"C:\Windows\System32\WindowsPowerShell\v1.0"#
        entity.processId = 7_412
        entity.processCommandLine = commandLine
        entity.deviceId = device.id
        return entity
    }

    private static func ip(_ address: String, device: Device) -> AlertEntity {
        var entity = AlertEntity(entityType: "Ip")
        entity.ipAddress = address
        entity.deviceId = device.id
        return entity
    }

    private static func url(_ url: String, device: Device) -> AlertEntity {
        var entity = AlertEntity(entityType: "Url")
        entity.url = url
        entity.deviceId = device.id
        return entity
    }

    private static func mailbox(_ address: String) -> AlertEntity {
        var entity = AlertEntity(entityType: "MailBox")
        entity.mailboxAddress = address
        entity.userPrincipalName = address
        entity.mailboxDisplayName = "Jane Doe"
        return entity
    }
}
