import KustoTime
import OpenMTPModels

/// What Windows does on its own all day: service hosts talking to Microsoft, loading libraries, writing logs and
/// settings, and starting task hosts. It is most of a real device's telemetry, and the volume `--activity` sets.
extension Simulator {
    private static let systemDomain = "Microsoft® Windows® Operating System"
    static let taskHosts = [
        Binary("taskhostw.exe", in: Binaries.system32, product: systemDomain, description: "Host Process for Windows Tasks"),
        Binary("backgroundTaskHost.exe", in: Binaries.system32, product: systemDomain, description: "Background Task Host"),
        Binary("SearchProtocolHost.exe", in: Binaries.system32, product: systemDomain, description: "Microsoft Windows Search Protocol Host"),
        Binary("conhost.exe", in: Binaries.system32, product: systemDomain, description: "Console Window Host"),
    ]
    static let libraries = ["ntdll.dll", "kernel32.dll", "advapi32.dll", "combase.dll", "wininet.dll", "crypt32.dll", "bcrypt.dll", "winhttp.dll"].map
    {
        Binary($0, in: Binaries.system32, product: systemDomain, description: $0)
    }
    private static let serviceEndpoints = [
        "settings-win.data.microsoft.com", "login.live.com", "ctldl.windowsupdate.com", "wdcp.microsoft.com", "v10.events.data.microsoft.com",
        "fe3cr.delivery.mp.microsoft.com", "time.windows.com",
    ]
    private static let logFiles = [
        #"C:\Windows\Temp\MpCmdRun.log"#, #"C:\Windows\Logs\CBS\CBS.log"#, #"C:\ProgramData\Microsoft\Windows\WER\Temp\report.wer"#,
        #"C:\Windows\SoftwareDistribution\DataStore\Logs\edb.log"#,
    ]
    private static let serviceKeys = [
        #"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\bam\State\UserSettings"#,
        #"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Defender\Signature Updates"#,
        #"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update"#,
    ]

    /// About `settings.activity` events an hour over the day, from a service host started by `services.exe`.
    mutating func background(on device: SimulatedDevice, services: SimulatedProcess, into day: inout DayBuilder) {
        guard settings.activity > 0 else { return }
        let host = start(
            Binaries.svchost,
            on: device,
            at: services.created + 2 * DateTimeTicks.perSecond,
            as: .system,
            integrity: "System",
            commandLine: #"C:\Windows\system32\svchost.exe -k netsvcs -p"#,
            parent: services,
            into: &day
        )
        for hour in 0..<24 {
            for _ in 0..<random.int(settings.activity / 2...settings.activity * 3 / 2) {
                let time = day.dayStart + Int64(hour) * 3_600 * DateTimeTicks.perSecond + Int64(random.int(0...3_599_999)) * 10_000
                guard time > host.created else { continue }
                systemEvent(on: device, by: host, at: time, into: &day)
            }
        }
    }

    private mutating func systemEvent(on device: SimulatedDevice, by host: SimulatedProcess, at time: Int64, into day: inout DayBuilder) {
        let kind = random.int(0...99)
        if kind < 35 {
            let url = random.pick(Self.serviceEndpoints)
            var address = SeededRandom(deriving: url)
            day.add(
                "DeviceNetworkEvents",
                at: time,
                device: device,
                process: host,
                [
                    ("ActionType", .string("ConnectionSuccess")),
                    ("RemoteIP", .string("\(address.int(13...200)).\(address.int(0...255)).\(address.int(0...255)).\(address.int(1...254))")),
                    ("RemotePort", .int(url == "time.windows.com" ? 123 : 443)), ("RemoteUrl", .string(url)), ("LocalIP", .string(device.ip)),
                    ("LocalPort", .int(Int64(random.int(49_152...65_000)))), ("Protocol", .string(url == "time.windows.com" ? "Udp" : "Tcp")),
                    ("LocalIPType", .string("Private")), ("RemoteIPType", .string("Public")), ("ReportId", .int(reportId(device))),
                ]
            )
        } else if kind < 60 {
            let library = random.pick(Self.libraries)
            day.add(
                "DeviceImageLoadEvents",
                at: time,
                device: device,
                process: host,
                [
                    ("ActionType", .string("ImageLoaded")), ("FileName", .string(library.fileName)), ("FolderPath", .string(library.path)),
                    ("SHA1", .string(library.sha1)), ("SHA256", .string(library.sha256)), ("MD5", .string(library.md5)),
                    ("FileSize", .int(library.size)), ("ReportId", .int(reportId(device))),
                ]
            )
        } else if kind < 80 {
            let path = random.pick(Self.logFiles)
            let name = String(path.split(separator: "\\").last ?? "")
            day.add(
                "DeviceFileEvents",
                at: time,
                device: device,
                process: host,
                [
                    ("ActionType", .string("FileModified")), ("FileName", .string(name)), ("FolderPath", .string(path)),
                    ("FileSize", .int(Int64(random.int(1_000...2_000_000)))), ("ReportId", .int(reportId(device))),
                ]
            )
        } else if kind < 90 {
            day.add(
                "DeviceRegistryEvents",
                at: time,
                device: device,
                process: host,
                [
                    ("ActionType", .string("RegistryValueSet")), ("RegistryKey", .string(random.pick(Self.serviceKeys))),
                    ("RegistryValueType", .string("Dword")), ("RegistryValueName", .string("LastCheck")),
                    ("RegistryValueData", .string(String(random.int(0...1_000_000)))), ("ReportId", .int(reportId(device))),
                ]
            )
        } else {
            let binary = random.pick(Self.taskHosts)
            _ = start(binary, on: device, at: time, as: .system, integrity: "System", commandLine: "\(binary.fileName)", parent: host, into: &day)
        }
    }
}
