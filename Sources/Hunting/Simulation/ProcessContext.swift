import KustoTime
import OpenMTPModels

/// A process running on a simulated device: what events it causes say about it (`InitiatingProcess…` columns).
struct SimulatedProcess: Sendable {
    let binary: Binary
    let processId: Int64
    let commandLine: String
    let created: Int64
    let account: SimulatedAccount
    let integrity: String
    /// The process that started this one; nil for the roots (`wininit.exe`, `winlogon.exe`), which have no rows.
    let parentId: Int64
    let parentFileName: String
    let parentCreated: Int64
    /// The columns an event started by this process carries (made once: a service host starts thousands of events).
    let initiatingFields: [(String, JSONValue)]

    init(
        binary: Binary,
        processId: Int64,
        commandLine: String,
        created: Int64,
        account: SimulatedAccount,
        integrity: String,
        parentId: Int64,
        parentFileName: String,
        parentCreated: Int64
    ) {
        self.binary = binary
        self.processId = processId
        self.commandLine = commandLine
        self.created = created
        self.account = account
        self.integrity = integrity
        self.parentId = parentId
        self.parentFileName = parentFileName
        self.parentCreated = parentCreated
        initiatingFields = [
            ("InitiatingProcessAccountDomain", .string(account.domain)), ("InitiatingProcessAccountName", .string(account.name)),
            ("InitiatingProcessAccountSid", .string(account.sid)), ("InitiatingProcessAccountUpn", account.upn.map(JSONValue.string) ?? .null),
            ("InitiatingProcessAccountObjectId", account.objectId.map(JSONValue.string) ?? .null),
            ("InitiatingProcessSHA1", .string(binary.sha1)), ("InitiatingProcessSHA256", .string(binary.sha256)),
            ("InitiatingProcessMD5", .string(binary.md5)), ("InitiatingProcessFileName", .string(binary.fileName)),
            ("InitiatingProcessFileSize", .int(binary.size)), ("InitiatingProcessFolderPath", .string(binary.path)),
            ("InitiatingProcessVersionInfoCompanyName", .string(binary.company)),
            ("InitiatingProcessVersionInfoProductName", .string(binary.product)),
            ("InitiatingProcessVersionInfoFileDescription", .string(binary.description)),
            ("InitiatingProcessVersionInfoOriginalFileName", .string(binary.fileName)),
            ("InitiatingProcessId", .int(processId)), ("InitiatingProcessCommandLine", .string(commandLine)),
            ("InitiatingProcessCreationTime", .string(DateTimeTicks.format(created))),
            ("InitiatingProcessIntegrityLevel", .string(integrity)), ("InitiatingProcessTokenElevation", .string("TokenElevationTypeDefault")),
            ("InitiatingProcessParentId", .int(parentId)), ("InitiatingProcessParentFileName", .string(parentFileName)),
            ("InitiatingProcessParentCreationTime", .string(DateTimeTicks.format(parentCreated))),
        ]
    }

    /// The columns of the `ProcessCreated` row that reports this process.
    var ownFields: [(String, JSONValue)] {
        [
            ("FileName", .string(binary.fileName)), ("FolderPath", .string(binary.path)), ("SHA1", .string(binary.sha1)),
            ("SHA256", .string(binary.sha256)), ("MD5", .string(binary.md5)), ("FileSize", .int(binary.size)),
            ("ProcessVersionInfoCompanyName", .string(binary.company)), ("ProcessVersionInfoProductName", .string(binary.product)),
            ("ProcessVersionInfoFileDescription", .string(binary.description)), ("ProcessVersionInfoOriginalFileName", .string(binary.fileName)),
            ("ProcessId", .int(processId)), ("ProcessCommandLine", .string(commandLine)), ("ProcessIntegrityLevel", .string(integrity)),
            ("ProcessTokenElevation", .string("TokenElevationTypeDefault")), ("ProcessCreationTime", .string(DateTimeTicks.format(created))),
            ("AccountDomain", .string(account.domain)), ("AccountName", .string(account.name)), ("AccountSid", .string(account.sid)),
            ("AccountUpn", account.upn.map(JSONValue.string) ?? .null), ("AccountObjectId", account.objectId.map(JSONValue.string) ?? .null),
        ]
    }
}

/// The account a process runs as: a user, or the machine's system account.
struct SimulatedAccount: Sendable {
    let domain: String
    let name: String
    let sid: String
    let upn: String?
    let objectId: String?

    static let system = SimulatedAccount(domain: "nt authority", name: "system", sid: "S-1-5-18", upn: nil, objectId: nil)

    init(domain: String, name: String, sid: String, upn: String?, objectId: String?) {
        self.domain = domain
        self.name = name
        self.sid = sid
        self.upn = upn
        self.objectId = objectId
    }

    init(_ user: SimulatedUser, netbios: String) {
        self.init(domain: netbios.lowercased(), name: user.accountName, sid: user.sid, upn: user.upn, objectId: user.objectId)
    }
}
