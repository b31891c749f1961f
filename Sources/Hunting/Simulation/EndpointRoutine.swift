import KustoTime
import OpenMTPModels

/// The everyday events around a user's logon and the antivirus engine: a mistyped password now and then, the domain
/// controller's view of each logon, unlocking after a break, file-share access, Defender's signature updates and
/// scans. Hunting queries for brute force, failed logons or Defender health expect this baseline to be there.
extension Simulator {
    private static let fileServer = (name: "files01", ip: "10.0.0.7")

    /// The interactive logon of `account` on a workstation at about `time`, preceded by a failed attempt on roughly
    /// one day in ten; returns when the logon succeeded.
    mutating func interactiveLogon(on device: SimulatedDevice, as account: SimulatedAccount, at time: Int64, into day: inout DayBuilder) -> Int64 {
        var time = time
        if random.chance(0.1) {
            logon(on: device, as: account, type: "Interactive", at: time, failure: "InvalidUserNameOrPassword", into: &day)
            domainLogon(from: device, as: account, type: "Interactive", at: time, failure: "WrongPassword", into: &day)
            time += Int64(random.int(4...40)) * DateTimeTicks.perSecond
        }
        logon(on: device, as: account, type: "Interactive", at: time, failure: nil, into: &day)
        domainLogon(from: device, as: account, type: "Interactive", at: time, failure: nil, into: &day)
        return time
    }

    /// After the logon: an unlock after lunch on most days, and a few file-share sessions seen by the domain controller.
    mutating func workdayAccess(on device: SimulatedDevice, as account: SimulatedAccount, into day: inout DayBuilder) {
        if random.chance(0.7) {
            logon(on: device, as: account, type: "Unlock", at: day.at(hour: random.int(12...14), random: &random), failure: nil, into: &day)
        }
        for _ in 0..<random.int(0...3) {
            domainLogon(
                from: device,
                as: account,
                type: "Resource access",
                at: day.at(hour: random.int(9...17), random: &random),
                failure: nil,
                into: &day
            )
        }
    }

    /// Defender's engine: a signature update and a quick scan a day, as `DeviceEvents` rows of the engine process.
    mutating func antivirusRoutine(on device: SimulatedDevice, engine: SimulatedProcess, into day: inout DayBuilder) {
        let version = "1.421.\(1_000 + (day.dayStart / DateTimeTicks.perDay) % 1_000).0"
        day.add(
            "DeviceEvents",
            at: engine.created + Int64(random.int(60...1_800)) * DateTimeTicks.perSecond,
            device: device,
            process: engine,
            [
                ("ActionType", .string("AntivirusDefinitionsUpdated")), ("ReportId", .int(reportId(device))),
                ("AdditionalFields", .string(#"{"CurrentVersion":"\#(version)","PreviousVersion":"1.421.0.0","Engine":"1.1.24090.11"}"#)),
            ]
        )
        let scanned = day.at(hour: random.int(11...15), random: &random)
        day.add(
            "DeviceEvents",
            at: scanned,
            device: device,
            process: engine,
            [
                ("ActionType", .string("AntivirusScanCompleted")), ("ReportId", .int(reportId(device))),
                ("AdditionalFields", .string(#"{"ScanTypeIndex":"1","ScanType":"Quick","DurationSeconds":"\#(random.int(40...400))"}"#)),
            ]
        )
    }

    private mutating func logon(
        on device: SimulatedDevice,
        as account: SimulatedAccount,
        type: String,
        at time: Int64,
        failure: String?,
        into day: inout DayBuilder
    ) {
        day.add(
            "DeviceLogonEvents",
            at: time,
            device: device,
            [
                ("ActionType", .string(failure == nil ? "LogonSuccess" : "LogonFailed")), ("LogonType", .string(type)),
                ("AccountDomain", .string(account.domain)), ("AccountName", .string(account.name)), ("AccountSid", .string(account.sid)),
                ("Protocol", .string("Negotiate")), ("FailureReason", failure.map(JSONValue.string) ?? .null), ("IsLocalAdmin", .bool(false)),
                ("LogonId", failure == nil ? .int(Int64(random.int(100_000...999_999))) : .null), ("ReportId", .int(reportId(device))),
            ]
        )
    }

    /// What Defender for Identity records of a Kerberos logon at the domain controller: the workstation logon itself,
    /// or access to the file server.
    private mutating func domainLogon(
        from device: SimulatedDevice,
        as account: SimulatedAccount,
        type: String,
        at time: Int64,
        failure: String?,
        into day: inout DayBuilder
    ) {
        let fileShare = type == "Resource access"
        kerberosLogon(
            from: device,
            as: account,
            type: type,
            target: fileShare ? "\(Self.fileServer.name).\(world.domain)" : device.name,
            failure: failure,
            at: time + Int64(random.int(0...999)) * 10_000,
            details: [
                ("AccountObjectId", account.objectId.map(JSONValue.string) ?? .null), ("DeviceType", .string("Desktop")),
                ("OSPlatform", .string(device.osPlatform)),
                (
                    "AdditionalFields",
                    .string(#"{"EncryptionType":"Aes256CtsHmacSha196","TargetIp":"\#(fileShare ? Self.fileServer.ip : device.ip)"}"#)
                ),
            ],
            into: &day
        )
    }

    private static let flaggedSites = ["free-vpn-download.test", "login-verify-account.test", "cheap-licences.test"]

    /// What Defender reports around one application session: Outlook opening a link in the browser, now and then
    /// SmartScreen warning about a site (and the user going on anyway) or network protection blocking one, and on
    /// about one day in twenty a USB drive plugged in.
    mutating func applicationEvents(on device: SimulatedDevice, app: SimulatedProcess, at time: Int64, into day: inout DayBuilder) {
        let at = time + Int64(random.int(30...1_800)) * DateTimeTicks.perSecond
        func event(_ action: String, _ fields: [(String, JSONValue)], by process: SimulatedProcess?, at time: Int64, into day: inout DayBuilder) {
            day.add(
                "DeviceEvents",
                at: time,
                device: device,
                process: process,
                [("ActionType", .string(action)), ("ReportId", .int(reportId(device)))] + fields
            )
        }
        switch app.binary.fileName {
        case "OUTLOOK.EXE" where random.chance(0.3):
            event(
                "BrowserLaunchedToOpenUrl",
                [("RemoteUrl", .string("https://www.\(random.pick(["fabrikam.test", "northwind.test", "tailspin.test"]))/docs/shared"))],
                by: app,
                at: at,
                into: &day
            )
        case "msedge.exe" where random.chance(0.05):
            let site = "https://\(random.pick(Self.flaggedSites))/"
            event(
                "SmartScreenUrlWarning",
                [("RemoteUrl", .string(site)), ("AdditionalFields", .string(#"{"Experience":"Untrusted"}"#))],
                by: app,
                at: at,
                into: &day
            )
            if random.chance(0.3) {
                event("SmartScreenUserOverride", [("RemoteUrl", .string(site))], by: app, at: at + 9 * DateTimeTicks.perSecond, into: &day)
            }
        case "chrome.exe" where random.chance(0.03):
            event(
                "ExploitGuardNetworkProtectionBlocked",
                [
                    ("RemoteUrl", .string(random.pick(Self.flaggedSites))),
                    ("AdditionalFields", .string(#"{"ResponseCategory":"CustomBlockList","IsAudit":false}"#)),
                ],
                by: app,
                at: at,
                into: &day
            )
        default:
            break
        }
        if random.chance(0.01) {
            let serial = random.hex(12).uppercased()
            event(
                "PnpDeviceConnected",
                [
                    (
                        "AdditionalFields",
                        .string(
                            #"{"ClassName":"DiskDrive","DeviceId":"USBSTOR\\DISK&VEN_SANDISK&PROD_ULTRA\\\#(serial)","VendorIds":"USB\\VID_0781"}"#
                        )
                    )
                ],
                by: nil,
                at: at,
                into: &day
            )
            event(
                "UsbDriveMounted",
                [("AdditionalFields", .string(#"{"DriveLetter":"E:","ProductName":"Ultra","SerialNumber":"\#(serial)","Manufacturer":"SanDisk"}"#))],
                by: nil,
                at: at + DateTimeTicks.perSecond,
                into: &day
            )
        }
    }
}
