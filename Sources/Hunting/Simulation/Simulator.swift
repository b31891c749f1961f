import KQL
import KustoTime
public import OpenMTPModels

/// What `mtp simulate` generates: an estate of devices and users, and days of activity ending at `end`.
public struct SimulationSettings: Sendable {
    public var devices: Int
    public var users: Int
    public var days: Int
    public var seed: UInt64
    /// The tenant's domain, for user names and device names.
    public var domain: String
    /// The moment the simulated data ends (usually now).
    public var end: Timestamp
    /// Whether the last day carries the attack (phishing to ransomware, email compromise, Kerberoasting).
    public var attacks = true
    /// Background events (service hosts' connections, library loads, logs, settings, task hosts) per device per
    /// hour, on average.
    public var activity = 10

    public init(devices: Int, users: Int, days: Int, seed: UInt64, domain: String, end: Timestamp) {
        self.devices = devices
        self.users = users
        self.days = days
        self.seed = seed
        self.domain = domain
        self.end = end
    }
}

/// Generates advanced hunting rows for a simulated estate: deterministic for a seed (same settings, same rows),
/// with consistent identities across tables (every device in `DeviceInfo`, parent processes reported before their
/// children, one set of hashes per file).
public struct Simulator {
    let settings: SimulationSettings
    let world: SimulatedWorld
    var random: SeededRandom
    private var nextProcessId: [String: Int64] = [:]
    private var reportIds: [String: Int64] = [:]
    /// Each device's `explorer.exe` of the current day: the desktop that users (and attackers) start programs from.
    var desktops: [String: SimulatedProcess] = [:]
    /// Each device's `services.exe` of the current day, which starts services (PsExec's among them).
    var serviceHosts: [String: SimulatedProcess] = [:]

    /// Column names per table: the `InitiatingProcess…` columns differ between tables.
    private let columns: [String: Set<String>]

    public init(_ settings: SimulationSettings, catalog: HuntingCatalog) {
        self.settings = settings
        columns = Dictionary(uniqueKeysWithValues: catalog.tables.map { ($0.name, Set($0.columns.map(\.name))) })
        var random = SeededRandom(seed: settings.seed)
        world = SimulatedWorld(domain: settings.domain, users: settings.users, devices: settings.devices, random: &random)
        self.random = random
    }

    /// The rows of one day (0 is the oldest), handed to `emit` as they are made: per device, in the order its story
    /// unfolds. Call for every day in order.
    public mutating func day(_ index: Int, emit: (IngestRow) -> Void) {
        let dayStart = settings.end.ticks - Int64(settings.days - index) * DateTimeTicks.perDay
        withoutActuallyEscaping(emit) { emit in
            var day = DayBuilder(dayStart: dayStart, columns: columns, emit: emit)
            for user in world.users {
                snapshot(of: user, into: &day)
                mail(for: user, into: &day)
            }
            for device in world.devices {
                snapshot(of: device, into: &day)
                workday(on: device, into: &day)
                if index == settings.days - 1 { softwareState(of: device, into: &day) }
            }
            if settings.attacks, index == settings.days - 1, let victim = world.devices.first(where: { !$0.isServer }),
                let desktop = desktops[victim.deviceId]
            {
                // The attack of the simulation: the most recent day, on the first workstation.
                let (implant, time) = attackChain(on: victim, from: desktop, into: &day)
                kerberoasting(from: victim, as: implant.account, at: time, into: &day)
                let mailVictim = world.users[(victim.primaryUser + 1) % world.users.count]
                businessEmailCompromise(of: mailVictim, at: day.dayStart + 13 * 3_600 * DateTimeTicks.perSecond, into: &day)
                if let target = world.devices.first(where: \.isServer) ?? world.devices.first(where: { $0.deviceId != victim.deviceId }) {
                    lateralMovement(from: victim, implant: implant, at: time, to: target, into: &day)
                }
            }
        }
    }

    /// The rows of one day, collected.
    public mutating func day(_ index: Int) -> [IngestRow] {
        var rows: [IngestRow] = []
        day(index) { rows.append($0) }
        return rows
    }

    // MARK: Inventory

    private static let workstationModels: [(vendor: String, model: String)] = [
        ("Dell Inc.", "Latitude 7440"), ("LENOVO", "ThinkPad T14 Gen 4"), ("HP", "EliteBook 840 G10"),
    ]

    private mutating func snapshot(of device: SimulatedDevice, into day: inout DayBuilder) {
        let time = day.dayStart + Int64(random.int(60...3_600)) * DateTimeTicks.perSecond
        let hardware =
            device.isServer
            ? (vendor: "Microsoft Corporation", model: "Virtual Machine")
            : Self.workstationModels[Int(device.deviceId.utf8.first ?? 0) % Self.workstationModels.count]
        day.add(
            "DeviceInfo",
            at: time,
            device: device,
            [
                ("ClientVersion", .string("10.8760.22631.1000")), ("PublicIP", .string("203.0.113.\(10 + world.devices.count % 200)")),
                ("OSArchitecture", .string("64-bit")), ("OSPlatform", .string(device.osPlatform)), ("OSBuild", .int(device.osBuild)),
                ("IsAzureADJoined", .bool(!device.isServer)), ("JoinType", .string(device.isServer ? "Domain Joined" : "Hybrid Azure AD Join")),
                ("AadDeviceId", .string(device.aadDeviceId)), ("OnboardingStatus", .string("Onboarded")),
                ("DeviceCategory", .string("Endpoint")), ("DeviceType", .string(device.isServer ? "Server" : "Workstation")),
                ("OSVersion", .string(device.isServer ? "10.0" : "10.0")), ("MachineGroup", .string(device.isServer ? "Servers" : "Workstations")),
                ("SensorHealthState", .string("Active")), ("ExposureLevel", .string("Low")), ("ReportId", .int(reportId(device))),
                ("OSDistribution", .string(device.osPlatform)), ("OSVersionInfo", .string(device.isServer ? "21H2" : "23H2")),
                ("Vendor", .string(hardware.vendor)), ("Model", .string(hardware.model)), ("IsInternetFacing", .bool(false)),
                ("IsExcluded", .bool(false)), ("AssetValue", .string(device.isServer ? "High" : "Normal")),
                (
                    "LoggedOnUsers",
                    .string(
                        #"[{"UserName":"\#(world.users[device.primaryUser].accountName)","DomainName":"\#(world.netbios)","Sid":"\#(world.users[device.primaryUser].sid)"}]"#
                    )
                ),
            ]
        )
        day.add(
            "DeviceNetworkInfo",
            at: time + DateTimeTicks.perSecond,
            device: device,
            [
                ("NetworkAdapterName", .string("Ethernet")), ("MacAddress", .string(device.mac)), ("NetworkAdapterType", .string("Ethernet")),
                ("NetworkAdapterStatus", .string("Up")), ("TunnelType", .string("None")),
                ("ConnectedNetworks", .string(#"[{"Name":"\#(world.domain)","Category":"Domain","IsConnectedToInternet":true}]"#)),
                ("IPAddresses", .string(#"[{"IPAddress":"\#(device.ip)","SubnetPrefix":24,"AddressType":"Private"}]"#)),
                ("DefaultGateways", .string(#"["10.0.0.1"]"#)), ("DnsAddresses", .string(#"["10.0.0.5"]"#)),
                ("ReportId", .int(reportId(device))), ("OnboardingStatus", .string("Onboarded")),
            ]
        )
    }

    private mutating func snapshot(of user: SimulatedUser, into day: inout DayBuilder) {
        let given = String(user.displayName.split(separator: " ").first ?? "")
        let surname = String(user.displayName.split(separator: " ").last ?? "")
        day.add(
            "IdentityInfo",
            at: day.dayStart + Int64(random.int(60...3_600)) * DateTimeTicks.perSecond,
            [
                ("ReportId", .string(random.guid())), ("AccountObjectId", .string(user.objectId)), ("AccountUpn", .string(user.upn)),
                ("OnPremSid", .string(user.sid)), ("AccountDisplayName", .string(user.displayName)), ("AccountName", .string(user.accountName)),
                ("AccountDomain", .string(world.domain)), ("GivenName", .string(given)), ("Surname", .string(surname)),
                ("Department", .string(user.department)), ("JobTitle", .string(user.jobTitle)), ("EmailAddress", .string(user.upn)),
                ("IsAccountEnabled", .bool(true)), ("Type", .string("User")),
                ("SourceProviders", .array([.string("ActiveDirectory"), .string("AzureActiveDirectory")])),
            ]
        )
    }

    // MARK: Activity

    private static let destinations: [String: [String]] = [
        "chrome.exe": ["www.google.com", "github.com", "stackoverflow.com", "en.wikipedia.org", "news.ycombinator.com"],
        "msedge.exe": ["www.bing.com", "learn.microsoft.com", "portal.azure.com"],
        "OUTLOOK.EXE": ["outlook.office365.com", "substrate.office.com"],
        "ms-teams.exe": ["teams.microsoft.com", "api.spaces.skype.com"],
        "OneDrive.exe": ["contoso-my.sharepoint.com", "skyapi.live.net"],
        "WINWORD.EXE": ["officeclient.microsoft.com"], "EXCEL.EXE": ["officeclient.microsoft.com"],
    ]

    /// Boot, sign-in and a working day of applications on one device.
    private mutating func workday(on device: SimulatedDevice, into day: inout DayBuilder) {
        let user = world.users[device.primaryUser]
        let account = SimulatedAccount(user, netbios: world.netbios)
        var time = day.at(hour: device.isServer ? 0 : random.int(7...9), random: &random)
        let services = start(
            Binaries.services,
            on: device,
            at: time,
            as: .system,
            integrity: "System",
            commandLine: #"C:\Windows\system32\services.exe"#,
            parent: nil,
            parentName: "wininit.exe",
            into: &day
        )
        serviceHosts[device.deviceId] = services
        background(on: device, services: services, into: &day)
        time += Int64(random.int(5...30)) * DateTimeTicks.perSecond
        let engine = start(
            Binaries.defender,
            on: device,
            at: time,
            as: .system,
            integrity: "System",
            commandLine: "\"MsMpEng.exe\"",
            parent: services,
            into: &day
        )
        antivirusRoutine(on: device, engine: engine, into: &day)
        guard !device.isServer else { return }
        time = interactiveLogon(on: device, as: account, at: time + Int64(random.int(60...900)) * DateTimeTicks.perSecond, into: &day)
        workdayAccess(on: device, as: account, into: &day)
        let userinit = start(
            Binaries.userinit,
            on: device,
            at: time + DateTimeTicks.perSecond,
            as: account,
            integrity: "Medium",
            commandLine: #"C:\Windows\system32\userinit.exe"#,
            parent: nil,
            parentName: "winlogon.exe",
            into: &day
        )
        let explorer = start(
            Binaries.explorer,
            on: device,
            at: time + 2 * DateTimeTicks.perSecond,
            as: account,
            integrity: "Medium",
            commandLine: #"C:\Windows\Explorer.EXE"#,
            parent: userinit,
            into: &day
        )
        desktops[device.deviceId] = explorer
        for _ in 0..<random.int(3...6) {
            time += Int64(random.int(120...5_400)) * DateTimeTicks.perSecond
            let binary = random.pick(Binaries.userApplications)
            let app = start(
                binary,
                on: device,
                at: time,
                as: account,
                integrity: "Medium",
                commandLine: "\"\(binary.path)\"",
                parent: explorer,
                into: &day
            )
            applicationEvents(on: device, app: app, at: time, into: &day)
            var connectionTime = time
            for _ in 0..<random.int(2...8) {
                connectionTime += Int64(random.int(1...600)) * DateTimeTicks.perSecond
                let url = random.pick(Self.destinations[binary.fileName] ?? ["www.microsoft.com"])
                var address = SeededRandom(deriving: url)
                day.add(
                    "DeviceNetworkEvents",
                    at: connectionTime,
                    device: device,
                    process: app,
                    [
                        ("ActionType", .string("ConnectionSuccess")),
                        ("RemoteIP", .string("\(address.int(13...200)).\(address.int(0...255)).\(address.int(0...255)).\(address.int(1...254))")),
                        ("RemotePort", .int(443)), ("RemoteUrl", .string(url)), ("LocalIP", .string(device.ip)),
                        ("LocalPort", .int(Int64(random.int(49_152...65_000)))), ("Protocol", .string("Tcp")), ("LocalIPType", .string("Private")),
                        ("RemoteIPType", .string("Public")), ("ReportId", .int(reportId(device))),
                    ]
                )
            }
            if binary.fileName == "chrome.exe" || binary.fileName == "msedge.exe", random.chance(0.4) {
                let name = random.pick(["report.pdf", "setup.msi", "invoice.pdf", "slides.pptx", "data.csv"])
                var file = SeededRandom(deriving: "\(device.deviceId)\(name)\(connectionTime)")
                day.add(
                    "DeviceFileEvents",
                    at: connectionTime + DateTimeTicks.perSecond,
                    device: device,
                    process: app,
                    [
                        ("ActionType", .string("FileCreated")), ("FileName", .string(name)),
                        ("FolderPath", .string(#"C:\Users\\#(account.name)\Downloads\\#(name)"#)), ("SHA1", .string(file.hex(40))),
                        ("SHA256", .string(file.hex(64))), ("MD5", .string(file.hex(32))), ("FileSize", .int(Int64(file.int(10_000...9_000_000)))),
                        ("FileOriginUrl", .string("https://\(random.pick(Self.destinations[binary.fileName] ?? ["example.test"]))/\(name)")),
                        ("ReportId", .int(reportId(device))),
                    ]
                )
            }
            if binary.fileName == "OneDrive.exe", random.chance(0.2) {
                day.add(
                    "DeviceRegistryEvents",
                    at: time + DateTimeTicks.perSecond,
                    device: device,
                    process: app,
                    [
                        ("ActionType", .string("RegistryValueSet")),
                        ("RegistryKey", .string(#"HKEY_CURRENT_USER\S-1-5-21\SOFTWARE\Microsoft\Windows\CurrentVersion\Run"#)),
                        ("RegistryValueType", .string("String")), ("RegistryValueName", .string("OneDrive")),
                        ("RegistryValueData", .string("\"\(binary.path)\" /background")), ("ReportId", .int(reportId(device))),
                    ]
                )
            }
        }
    }

    /// Reports a new process (a `ProcessCreated` row started by `parent`) and returns it.
    mutating func start(
        _ binary: Binary,
        on device: SimulatedDevice,
        at time: Int64,
        as account: SimulatedAccount,
        integrity: String,
        commandLine: String,
        parent: SimulatedProcess?,
        parentName: String = "",
        into day: inout DayBuilder
    ) -> SimulatedProcess {
        let processId = nextProcessId[device.deviceId, default: 4] + Int64(random.int(4...400)) * 4
        nextProcessId[device.deviceId] = processId
        let process = SimulatedProcess(
            binary: binary,
            processId: processId,
            commandLine: commandLine,
            created: time,
            account: account,
            integrity: integrity,
            parentId: parent?.processId ?? Int64(random.int(400...900)),
            parentFileName: parent?.binary.fileName ?? parentName,
            parentCreated: parent?.created ?? day.dayStart
        )
        if let parent {
            day.add(
                "DeviceProcessEvents",
                at: time,
                device: device,
                process: parent,
                process.ownFields + [("ActionType", .string("ProcessCreated")), ("ReportId", .int(reportId(device)))]
            )
        } else {
            let root = SimulatedProcess(
                binary: Binary(parentName, in: Binaries.system32, product: "Microsoft® Windows® Operating System", description: parentName),
                processId: process.parentId,
                commandLine: parentName,
                created: day.dayStart,
                account: .system,
                integrity: "System",
                parentId: 4,
                parentFileName: "smss.exe",
                parentCreated: day.dayStart
            )
            day.add(
                "DeviceProcessEvents",
                at: time,
                device: device,
                process: root,
                process.ownFields + [("ActionType", .string("ProcessCreated")), ("ReportId", .int(reportId(device)))]
            )
        }
        return process
    }

    mutating func reportId(_ device: SimulatedDevice) -> Int64 {
        let next = reportIds[device.deviceId, default: 1000] + 1
        reportIds[device.deviceId] = next
        return next
    }
}

/// Makes the rows of one simulated day, with the columns every row of a device or process shares, and hands them on.
struct DayBuilder {
    let dayStart: Int64
    let columns: [String: Set<String>]
    let emit: (IngestRow) -> Void
    private var position = 0
    /// Per table, which of a process's initiating fields (always the same names in the same order) it has.
    private var initiatingMasks: [String: [Bool]] = [:]

    init(dayStart: Int64, columns: [String: Set<String>], emit: @escaping (IngestRow) -> Void) {
        self.dayStart = dayStart
        self.columns = columns
        self.emit = emit
    }

    func at(hour: Int, random: inout SeededRandom) -> Int64 {
        dayStart + Int64(hour) * 3_600 * DateTimeTicks.perSecond + Int64(random.int(0...3_599)) * DateTimeTicks.perSecond
            + Int64(random.int(0...9_999_999))
    }

    /// A row of a table that holds current state rather than events (no `Timestamp`), about `device`.
    mutating func addState(_ table: String, device: SimulatedDevice, _ fields: [(String, JSONValue)]) {
        position += 1
        emit(
            IngestRow(
                table: table,
                position: position,
                fields: [("DeviceId", .string(device.deviceId)), ("DeviceName", .string(device.name))] + fields
            )
        )
    }

    mutating func add(
        _ table: String,
        at time: Int64,
        device: SimulatedDevice? = nil,
        process: SimulatedProcess? = nil,
        _ fields: [(String, JSONValue)]
    ) {
        var all: [(String, JSONValue)] = []
        all.reserveCapacity(fields.count + 32)
        all.append(("Timestamp", .string(DateTimeTicks.format(time))))
        if let device { all += [("DeviceId", .string(device.deviceId)), ("DeviceName", .string(device.name))] }
        if let process {
            let mask = initiatingMasks[table] ?? process.initiatingFields.map { columns[table]?.contains($0.0) == true }
            initiatingMasks[table] = mask
            for (field, wanted) in zip(process.initiatingFields, mask) where wanted { all.append(field) }
        }
        position += 1
        all += fields
        emit(IngestRow(table: table, position: position, fields: all))
    }
}
