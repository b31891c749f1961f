import Foundation
import Hunting
import OpenMTPModels
import Store
import Testing

@Suite("Simulator")
struct SimulatorTests {
    static let settings = SimulationSettings(
        devices: 12,
        users: 6,
        days: 2,
        seed: 42,
        domain: "contoso.test",
        end: Timestamp(iso8601: "2026-11-24T12:00:00Z")!
    )

    static func rows(_ settings: SimulationSettings = settings) throws -> [IngestRow] {
        var simulator = Simulator(settings, catalog: try HuntingCatalog.bundled())
        return (0..<settings.days).flatMap { simulator.day($0) }
    }

    static func text(_ rows: [IngestRow]) -> [String] {
        rows.map { "\($0.table) " + JSONValue.object($0.fields).serialized }
    }

    func string(_ row: IngestRow, _ column: String) -> String? {
        if case .string(let value)? = row[column] { return value }
        return nil
    }

    func int(_ row: IngestRow, _ column: String) -> Int64? {
        if case .int(let value)? = row[column] { return value }
        return nil
    }

    @Test("the same seed gives the same rows; another seed gives other rows")
    func deterministic() throws {
        #expect(Self.text(try Self.rows()) == Self.text(try Self.rows()))
        var other = Self.settings
        other.seed = 43
        #expect(Self.text(try Self.rows(other)) != Self.text(try Self.rows()))
    }

    @Test("every row fits its table's schema and lies within the simulated days")
    func fitsSchema() async throws {
        let rows = try Self.rows()
        #expect(rows.count > 500)
        let hunting = HuntingService(catalog: try HuntingCatalog.bundled(), store: InMemoryStore())
        let counts = try await hunting.ingest(rows, tenantId: "t")
        #expect(
            Set(counts.keys).isSuperset(of: [
                "DeviceInfo", "DeviceProcessEvents", "DeviceNetworkEvents", "DeviceLogonEvents", "EmailEvents", "IdentityInfo",
            ])
        )
        let start = Timestamp(iso8601: "2026-11-22T12:00:00Z")!
        for row in rows {
            // Only the state tables of vulnerability management have no time.
            guard let text = string(row, "Timestamp") else {
                #expect(row.table.hasPrefix("DeviceTvm"), "\(row.table) without Timestamp")
                continue
            }
            let time = try #require(Timestamp(iso8601: text))
            #expect(time >= start && time <= Self.settings.end, "\(row.table) at \(time)")
        }
    }

    @Test("identities agree across tables: devices are in DeviceInfo, parent processes resolve, one hash per file")
    func consistent() throws {
        let rows = try Self.rows()
        let devices = Set(rows.filter { $0.table == "DeviceInfo" }.compactMap { string($0, "DeviceId") })
        #expect(devices.count == Self.settings.devices)
        for row in rows where row.table.hasPrefix("Device") {
            #expect(devices.contains(string(row, "DeviceId") ?? ""), "\(row.table) names an unknown device")
        }
        let processes = rows.filter { $0.table == "DeviceProcessEvents" }
        var started = Set<String>()
        for row in processes { started.insert("\(string(row, "DeviceId")!)|\(int(row, "ProcessId")!)|\(string(row, "FileName")!)") }
        let roots: Set<String> = ["wininit.exe", "winlogon.exe"]
        for row in rows where row.table.hasPrefix("Device") {
            guard let parent = string(row, "InitiatingProcessFileName"), !roots.contains(parent) else { continue }
            let key = "\(string(row, "DeviceId")!)|\(int(row, "InitiatingProcessId")!)|\(parent)"
            #expect(started.contains(key), "\(row.table): initiating process \(key) was never started")
        }
        var hashes: [String: Set<String>] = [:]
        for row in processes {
            hashes[string(row, "FolderPath")!, default: []].insert(string(row, "SHA1")!)
            hashes[string(row, "InitiatingProcessFolderPath")!, default: []].insert(string(row, "InitiatingProcessSHA1")!)
        }
        for (path, values) in hashes { #expect(values.count == 1, "\(path) has \(values.count) SHA1s") }
    }

    @Test("the attack chain: a phishing mail, Outlook → Word → PowerShell cradle → implant beaconing, an LSASS dump, and its alerts")
    func attackChain() throws {
        let rows = try Self.rows()
        let processes = rows.filter { $0.table == "DeviceProcessEvents" }
        let cradle = try #require(processes.first { string($0, "FileName") == "powershell.exe" })
        #expect(string(cradle, "InitiatingProcessFileName") == "WINWORD.EXE")
        #expect(string(cradle, "InitiatingProcessParentFileName") == "OUTLOOK.EXE")
        #expect(string(cradle, "ProcessCommandLine")?.contains("DownloadString") == true)
        let dump = try #require(processes.first { string($0, "FileName") == "rundll32.exe" })
        #expect(string(dump, "ProcessCommandLine")?.contains("comsvcs.dll, MiniDump") == true)
        #expect(string(dump, "InitiatingProcessFileName") == "updater.exe")
        let beacons = rows.filter { $0.table == "DeviceNetworkEvents" && string($0, "RemoteIP") == "198.51.100.77" && int($0, "RemotePort") == 443 }
        #expect(beacons.count == 120)
        #expect(rows.contains { $0.table == "EmailAttachmentInfo" && string($0, "FileName") == "Invoice_4821.docm" })
        let alerts = rows.filter { $0.table == "AlertInfo" }
        #expect(
            alerts.compactMap { string($0, "Title") }.sorted() == [
                "Lateral movement using PsExec", "Password spray followed by a sign-in from an unfamiliar location",
                "Ransomware behavior detected in the file system", "Suspected Kerberos SPN exposure", "Suspicious PowerShell download cradle",
                "Suspicious access to LSASS service memory", "Suspicious email attachment delivered", "Suspicious inbox forwarding rule",
            ]
        )
        let alertIds = Set(alerts.compactMap { string($0, "AlertId") })
        let evidence = rows.filter { $0.table == "AlertEvidence" }
        #expect(evidence.count >= 9)
        for row in evidence { #expect(alertIds.contains(string(row, "AlertId") ?? "")) }
    }

    @Test("lateral movement: PsExec from the victim, a network logon and PSEXESVC on the target, shadow copies deleted, files renamed")
    func lateralMovement() throws {
        let rows = try Self.rows()
        let psexec = try #require(rows.first { $0.table == "DeviceProcessEvents" && string($0, "FileName") == "PsExec.exe" })
        let source = try #require(string(psexec, "DeviceId"))
        let service = try #require(rows.first { $0.table == "DeviceProcessEvents" && string($0, "FileName") == "PSEXESVC.exe" })
        let target = try #require(string(service, "DeviceId"))
        #expect(target != source)
        #expect(string(service, "InitiatingProcessFileName") == "services.exe")
        let logon = try #require(rows.first { $0.table == "DeviceLogonEvents" && string($0, "LogonType") == "Network" })
        #expect(string(logon, "DeviceId") == target)
        #expect(string(logon, "AccountName") == string(psexec, "AccountName"))
        #expect(rows.contains { $0.table == "DeviceProcessEvents" && string($0, "ProcessCommandLine") == "vssadmin.exe delete shadows /all /quiet" })
        let renames = rows.filter { $0.table == "DeviceFileEvents" && string($0, "ActionType") == "FileRenamed" && string($0, "DeviceId") == target }
        #expect(renames.count == 200)
        #expect(renames.allSatisfy { string($0, "FileName")?.hasSuffix(".locked") == true })
    }

    @Test("identity attacks: a password spray then a foreign sign-in and a forwarding inbox rule; LDAP recon and Kerberos service tickets")
    func identityAttacks() throws {
        let rows = try Self.rows()
        let spray = rows.filter { $0.table == "EntraIdSignInEvents" && string($0, "IPAddress") == "192.0.2.66" }
        #expect(spray.filter { int($0, "ErrorCode") == 50126 }.count == 5)
        #expect(spray.filter { int($0, "ErrorCode") == 0 }.count == 1)
        let victim = try #require(spray.first.flatMap { string($0, "AccountObjectId") })
        #expect(rows.filter { $0.table == "EntraIdSignInEvents" && int($0, "ErrorCode") == 0 }.count > Self.settings.users)
        let rule = try #require(rows.first { $0.table == "CloudAppEvents" && string($0, "ActionType") == "New-InboxRule" })
        #expect(string(rule, "AccountObjectId") == victim)
        #expect(string(rule, "RawEventData")?.contains("payments.update@protonmail.test") == true)
        let ldap = rows.filter { $0.table == "IdentityQueryEvents" }
        #expect(ldap.contains { string($0, "Query")?.contains("servicePrincipalName=*") == true })
        // The Kerberoasting tickets: service tickets with RC4 encryption, unlike the estate's everyday AES logons.
        let tickets = rows.filter { $0.table == "IdentityLogonEvents" && string($0, "AdditionalFields")?.contains("Rc4Hmac") == true }
        #expect(tickets.count == 3)
        #expect(Set(ldap.compactMap { string($0, "DeviceName") }) == Set(tickets.compactMap { string($0, "DeviceName") }))
    }

    @Test("everyday baseline: failed logons followed by the user's success, the domain's view of each, daily antivirus events")
    func everydayBaseline() throws {
        var settings = Self.settings
        settings.devices = 40
        settings.days = 3
        let rows = try Self.rows(settings)
        let logons = rows.filter { $0.table == "DeviceLogonEvents" }
        let failures = logons.filter { string($0, "ActionType") == "LogonFailed" }
        #expect(!failures.isEmpty)
        for failure in failures {
            #expect(string(failure, "FailureReason") == "InvalidUserNameOrPassword")
            let success = logons.first {
                string($0, "ActionType") == "LogonSuccess" && string($0, "DeviceId") == string(failure, "DeviceId")
                    && string($0, "AccountSid") == string(failure, "AccountSid")
                    && (string($0, "Timestamp") ?? "") > (string(failure, "Timestamp") ?? "")
            }
            #expect(success != nil, "a failed logon is followed by the user's successful one")
        }
        #expect(logons.contains { string($0, "LogonType") == "Unlock" })
        let domain = rows.filter { $0.table == "IdentityLogonEvents" && string($0, "LogonType") == "Interactive" }
        #expect(domain.filter { string($0, "ActionType") == "LogonFailed" }.count == failures.count)
        #expect(
            domain.filter { string($0, "ActionType") == "LogonSuccess" }.count == logons.filter { string($0, "LogonType") == "Interactive" }.count
                - failures.count
        )
        let updates = rows.filter { $0.table == "DeviceEvents" && string($0, "ActionType") == "AntivirusDefinitionsUpdated" }
        #expect(updates.count == settings.devices * settings.days)
        #expect(updates.allSatisfy { string($0, "InitiatingProcessFileName") == "MsMpEng.exe" })
        let actions = Set(rows.filter { $0.table == "DeviceEvents" }.compactMap { string($0, "ActionType") })
        #expect(actions.isSuperset(of: ["AntivirusScanCompleted", "BrowserLaunchedToOpenUrl", "PowerShellCommand", "OpenProcessApiCall"]))
        let cradle = rows.filter { $0.table == "DeviceEvents" && string($0, "ActionType") == "PowerShellCommand" }
        #expect(cradle.allSatisfy { string($0, "InitiatingProcessFileName") == "powershell.exe" })
        let inventory = rows.filter { $0.table == "DeviceInfo" }
        #expect(
            inventory.allSatisfy {
                string($0, "OnboardingStatus") == "Onboarded" && string($0, "OSVersionInfo") != nil && string($0, "OSDistribution") != nil
            }
        )
    }

    @Test("each message's UrlCount and AttachmentCount match its EmailUrlInfo and EmailAttachmentInfo rows; sign-ins in both tables")
    func mailConsistency() throws {
        let rows = try Self.rows()
        var urls: [String: Int64] = [:]
        var attachments: [String: Int64] = [:]
        for row in rows {
            guard let message = string(row, "NetworkMessageId") else { continue }
            if row.table == "EmailUrlInfo" { urls[message, default: 0] += 1 }
            if row.table == "EmailAttachmentInfo" { attachments[message, default: 0] += 1 }
        }
        let messages = rows.filter { $0.table == "EmailEvents" }
        #expect(messages.count > Self.settings.users * Self.settings.days)
        for message in messages {
            let id = string(message, "NetworkMessageId") ?? ""
            #expect(int(message, "UrlCount") == urls[id, default: 0], "\(id)")
            #expect(int(message, "AttachmentCount") == attachments[id, default: 0], "\(id)")
        }
        #expect(urls.values.reduce(0, +) > 0 && attachments.values.reduce(0, +) > 1)
        let signIns = rows.filter { $0.table == "EntraIdSignInEvents" }.map { string($0, "RequestId") }
        #expect(rows.filter { $0.table == "AADSignInEventsBeta" }.map { string($0, "RequestId") } == signIns)
    }

    @Test("software inventory: written once, with the last day; every vulnerability is of installed software; every device has its OS")
    func softwareInventory() throws {
        var simulator = Simulator(Self.settings, catalog: try HuntingCatalog.bundled())
        let first = simulator.day(0)
        let last = simulator.day(1)
        #expect(!first.contains { $0.table.hasPrefix("DeviceTvm") })
        let inventory = last.filter { $0.table == "DeviceTvmSoftwareInventory" }
        let installed = Set(inventory.map { [string($0, "DeviceId"), string($0, "SoftwareName"), string($0, "SoftwareVersion")] })
        let vulnerabilities = last.filter { $0.table == "DeviceTvmSoftwareVulnerabilities" }
        #expect(!vulnerabilities.isEmpty)
        for row in vulnerabilities {
            #expect(installed.contains([string(row, "DeviceId"), string(row, "SoftwareName"), string(row, "SoftwareVersion")]))
            #expect(string(row, "CveId")?.hasPrefix("CVE-") == true)
        }
        let devices = Set(last.filter { $0.table == "DeviceInfo" }.compactMap { string($0, "DeviceId") })
        let withOS = Set(inventory.filter { string($0, "SoftwareName")?.hasPrefix("windows") == true }.compactMap { string($0, "DeviceId") })
        #expect(devices.count == Self.settings.devices && withOS == devices)
        #expect(inventory.allSatisfy { $0["Timestamp"] == nil })
    }
}
