import KustoTime
import OpenMTPModels

/// The attack's second half: PsExec to another machine with the dumped credentials, then ransomware there.
extension Simulator {
    static let psexec = Binary(
        "PsExec.exe",
        in: #"C:\Users\Public\Libraries"#,
        company: "Sysinternals - www.sysinternals.com",
        product: "Sysinternals PsExec",
        description: "Execute processes remotely"
    )
    static let psexesvc = Binary(
        "PSEXESVC.exe",
        in: #"C:\Windows"#,
        company: "Sysinternals - www.sysinternals.com",
        product: "Sysinternals PsExec",
        description: "PsExec Service"
    )
    static let vssadmin = Binary(
        "vssadmin.exe",
        in: Binaries.system32,
        product: "Microsoft® Windows® Operating System",
        description: "Command Line Interface for Microsoft® Volume Shadow Copy Service"
    )
    static let locker = Binary("svchostx.exe", in: #"C:\Windows\Temp"#, company: "", product: "", description: "")

    /// T1021.002 / T1569.002 (PsExec over SMB, a network logon on the target), then T1490 (shadow copies deleted) and
    /// T1486 (files encrypted and renamed) on the target.
    mutating func lateralMovement(
        from source: SimulatedDevice,
        implant: SimulatedProcess,
        at beginning: Int64,
        to target: SimulatedDevice,
        into day: inout DayBuilder
    ) {
        let attacker = Victim(device: source, account: implant.account)
        var time = beginning + Int64(random.int(300...1_200)) * DateTimeTicks.perSecond
        day.add("DeviceFileEvents", at: time, device: source, process: implant, fileFields(Self.psexec, action: "FileCreated", device: source))
        time += Int64(random.int(20...90)) * DateTimeTicks.perSecond
        let command = #"PsExec.exe \\\#(target.name) -accepteula -s cmd.exe /c "C:\Windows\Temp\svchostx.exe -all""#
        let psexec = launch(Self.psexec, command, parent: implant, at: time, on: attacker, into: &day, integrity: "High")
        day.add(
            "DeviceNetworkEvents",
            at: time + DateTimeTicks.perSecond,
            device: source,
            process: psexec,
            connectionFields(source, port: 445, url: "", to: target.ip)
        )

        // On the target: a network logon with the stolen account, the PsExec service, its shell and the locker.
        time += 2 * DateTimeTicks.perSecond
        day.add(
            "DeviceLogonEvents",
            at: time,
            device: target,
            [
                ("ActionType", .string("LogonSuccess")), ("LogonType", .string("Network")), ("AccountDomain", .string(implant.account.domain)),
                ("AccountName", .string(implant.account.name)), ("AccountSid", .string(implant.account.sid)), ("Protocol", .string("NTLM")),
                ("IsLocalAdmin", .bool(true)), ("RemoteDeviceName", .string(source.name)), ("RemoteIP", .string(source.ip)),
                ("RemoteIPType", .string("Private")), ("RemotePort", .int(Int64(random.int(49_152...65_000)))),
                ("LogonId", .int(Int64(random.int(100_000...999_999)))),
                ("ReportId", .int(reportId(target))),
            ]
        )
        let onTarget = Victim(device: target, account: .system)
        guard let services = serviceHosts[target.deviceId] else { return }
        let service = launch(
            Self.psexesvc,
            #"C:\Windows\PSEXESVC.exe"#,
            parent: services,
            at: time + DateTimeTicks.perSecond,
            on: onTarget,
            into: &day,
            integrity: "System"
        )
        let shell = launch(
            Binaries.cmd,
            #"cmd.exe /c "C:\Windows\Temp\svchostx.exe -all""#,
            parent: service,
            at: time + 2 * DateTimeTicks.perSecond,
            on: onTarget,
            into: &day,
            integrity: "System"
        )
        day.add(
            "DeviceFileEvents",
            at: time + DateTimeTicks.perSecond,
            device: target,
            process: service,
            fileFields(Self.locker, action: "FileCreated", device: target)
        )
        let locker = launch(
            Self.locker,
            #"C:\Windows\Temp\svchostx.exe -all"#,
            parent: shell,
            at: time + 3 * DateTimeTicks.perSecond,
            on: onTarget,
            into: &day,
            integrity: "System"
        )
        let shadows = launch(
            Self.vssadmin,
            "vssadmin.exe delete shadows /all /quiet",
            parent: locker,
            at: time + 5 * DateTimeTicks.perSecond,
            on: onTarget,
            into: &day,
            integrity: "System"
        )

        // Mass renames: documents get the locker's extension, about ten a second.
        var renameTime = time + 10 * DateTimeTicks.perSecond
        let folders = [#"D:\Shares\Finance"#, #"D:\Shares\HR"#, #"D:\Shares\Projects"#]
        for index in 0..<200 {
            renameTime += Int64(random.int(50...150)) * 10_000
            let folder = folders[index % folders.count]
            let name = "\(random.pick(["budget", "contract", "minutes", "plan", "report"]))_\(index).\(random.pick(["docx", "xlsx", "pdf"]))"
            var file = SeededRandom(deriving: target.deviceId + name)
            day.add(
                "DeviceFileEvents",
                at: renameTime,
                device: target,
                process: locker,
                [
                    ("ActionType", .string("FileRenamed")), ("FileName", .string(name + ".locked")),
                    ("FolderPath", .string(folder + #"\"# + name + ".locked")),
                    ("PreviousFileName", .string(name)), ("PreviousFolderPath", .string(folder + #"\"# + name)), ("SHA1", .string(file.hex(40))),
                    ("SHA256", .string(file.hex(64))), ("MD5", .string(file.hex(32))), ("FileSize", .int(Int64(file.int(20_000...5_000_000)))),
                    ("ReportId", .int(reportId(target))),
                ]
            )
        }
        endpointAlert(
            "Lateral movement using PsExec",
            category: "LateralMovement",
            techniques: ["SMB/Windows Admin Shares (T1021.002)", "Service Execution (T1569.002)"],
            severity: "High",
            at: service.created + 30 * DateTimeTicks.perSecond,
            evidence: [
                processEvidence(psexec, device: source, role: "Related"), processEvidence(service, device: target, role: "Related"),
                machineEvidence(source), machineEvidence(target),
            ],
            into: &day
        )
        endpointAlert(
            "Ransomware behavior detected in the file system",
            category: "Ransomware",
            techniques: ["Inhibit System Recovery (T1490)", "Data Encrypted for Impact (T1486)"],
            severity: "High",
            at: renameTime,
            evidence: [
                processEvidence(locker, device: target, role: "Impacted"), processEvidence(shadows, device: target, role: "Related"),
                machineEvidence(target),
            ],
            into: &day
        )
    }
}
