import OpenMTPModels

/// A binary the simulation runs, with hashes that are the same wherever the file appears.
struct Binary: Sendable {
    let fileName: String
    let folder: String
    let sha1: String
    let sha256: String
    let md5: String
    let size: Int64
    let company: String
    let product: String
    let description: String

    var path: String { folder + "\\" + fileName }

    init(_ fileName: String, in folder: String, company: String = "Microsoft Corporation", product: String, description: String) {
        var random = SeededRandom(deriving: folder.lowercased() + "\\" + fileName.lowercased())
        self.fileName = fileName
        self.folder = folder
        sha1 = random.hex(40)
        sha256 = random.hex(64)
        md5 = random.hex(32)
        size = Int64(random.int(40_000...4_000_000))
        self.company = company
        self.product = product
        self.description = description
    }
}

/// The programs of the simulated estate.
enum Binaries {
    static let system32 = #"C:\Windows\System32"#
    static let explorer = Binary("explorer.exe", in: #"C:\Windows"#, product: "Microsoft® Windows® Operating System", description: "Windows Explorer")
    static let services = Binary(
        "services.exe",
        in: system32,
        product: "Microsoft® Windows® Operating System",
        description: "Services and Controller app"
    )
    static let svchost = Binary(
        "svchost.exe",
        in: system32,
        product: "Microsoft® Windows® Operating System",
        description: "Host Process for Windows Services"
    )
    static let userinit = Binary(
        "userinit.exe",
        in: system32,
        product: "Microsoft® Windows® Operating System",
        description: "Userinit Logon Application"
    )
    static let cmd = Binary("cmd.exe", in: system32, product: "Microsoft® Windows® Operating System", description: "Windows Command Processor")
    static let powershell = Binary(
        "powershell.exe",
        in: system32 + #"\WindowsPowerShell\v1.0"#,
        product: "Microsoft® Windows® Operating System",
        description: "Windows PowerShell"
    )
    static let chrome = Binary(
        "chrome.exe",
        in: #"C:\Program Files\Google\Chrome\Application"#,
        company: "Google LLC",
        product: "Google Chrome",
        description: "Google Chrome"
    )
    static let outlook = Binary(
        "OUTLOOK.EXE",
        in: #"C:\Program Files\Microsoft Office\root\Office16"#,
        product: "Microsoft Outlook",
        description: "Microsoft Outlook"
    )
    static let word = Binary(
        "WINWORD.EXE",
        in: #"C:\Program Files\Microsoft Office\root\Office16"#,
        product: "Microsoft Office",
        description: "Microsoft Word"
    )
    static let excel = Binary(
        "EXCEL.EXE",
        in: #"C:\Program Files\Microsoft Office\root\Office16"#,
        product: "Microsoft Office",
        description: "Microsoft Excel"
    )
    static let teams = Binary(
        "ms-teams.exe",
        in: #"C:\Program Files\WindowsApps\MSTeams_24215.1007.3082.1590_x64__8wekyb3d8bbwe"#,
        product: "Microsoft Teams",
        description: "Microsoft Teams"
    )
    static let onedrive = Binary(
        "OneDrive.exe",
        in: #"C:\Program Files\Microsoft OneDrive"#,
        product: "Microsoft OneDrive",
        description: "Microsoft OneDrive"
    )
    static let msedge = Binary(
        "msedge.exe",
        in: #"C:\Program Files (x86)\Microsoft\Edge\Application"#,
        product: "Microsoft Edge",
        description: "Microsoft Edge"
    )
    static let defender = Binary(
        "MsMpEng.exe",
        in: #"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0"#,
        product: "Microsoft® Windows® Operating System",
        description: "Antimalware Service Executable"
    )

    /// What users start from Explorer during a working day.
    static let userApplications = [chrome, outlook, word, excel, teams, msedge, onedrive]
}

struct SimulatedUser: Sendable {
    let accountName: String
    let displayName: String
    let upn: String
    let sid: String
    let objectId: String
    let department: String
    let jobTitle: String
}

struct SimulatedDevice: Sendable {
    let deviceId: String
    let name: String
    let ip: String
    let mac: String
    let osPlatform: String
    let osBuild: Int64
    let primaryUser: Int
    let isServer: Bool
    let aadDeviceId: String
}

/// The estate a simulation runs in: users, devices, the domain, all derived from the seed.
struct SimulatedWorld: Sendable {
    let domain: String
    let netbios: String
    let users: [SimulatedUser]
    let devices: [SimulatedDevice]

    private static let givenNames = [
        "Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Robin", "Drew", "Emery", "Rowan", "Sasha",
        "Noor", "Mika", "Leah", "Omar", "Priya", "Chen", "Lucas", "Sofia", "Ines", "Tomas",
    ]
    private static let surnames = [
        "Kim", "Garcia", "Nowak", "Okafor", "Jensen", "Silva", "Haddad", "Tanaka", "Murphy", "Rossi", "Dubois", "Schmidt", "Patel", "Cohen",
        "Larsen", "Ivanova", "Costa", "Moreau", "Novak", "Singh",
    ]
    private static let departments = [
        ("Finance", "Accountant"), ("Sales", "Account Executive"), ("Engineering", "Software Engineer"), ("HR", "HR Partner"),
        ("IT", "Systems Administrator"), ("Legal", "Counsel"),
    ]

    init(domain: String, users userCount: Int, devices deviceCount: Int, random: inout SeededRandom) {
        self.domain = domain
        netbios = String(domain.split(separator: ".").first ?? "CONTOSO").uppercased()
        let domainSid =
            "S-1-5-21-\(random.int(1_000_000_000...2_000_000_000))-\(random.int(1_000_000_000...2_000_000_000))-\(random.int(100_000_000...999_999_999))"
        var taken = Set<String>()
        users = (0..<max(1, userCount)).map { index in
            var given = random.pick(Self.givenNames)
            var surname = random.pick(Self.surnames)
            while taken.contains("\(given).\(surname)".lowercased()) {
                given = random.pick(Self.givenNames)
                surname = random.pick(Self.surnames) + String(index)
            }
            let account = "\(given).\(surname)".lowercased()
            taken.insert(account)
            let (department, title) = random.pick(Self.departments)
            return SimulatedUser(
                accountName: account,
                displayName: "\(given) \(surname)",
                upn: "\(account)@\(domain)",
                sid: "\(domainSid)-\(1100 + index)",
                objectId: random.guid(),
                department: department,
                jobTitle: title
            )
        }
        let userTotal = users.count
        devices = (0..<max(1, deviceCount)).map { index in
            let isServer = index > 0 && index % 25 == 0
            return SimulatedDevice(
                deviceId: random.hex(40),
                name: (isServer ? "srv-\(zeroPadded(index, 3))" : "ws-\(zeroPadded(index + 1, 4))") + ".\(domain)",
                ip: "10.\(1 + index / 250 % 200).\(index / 250 / 200).\(10 + index % 240)",
                mac: (0..<6).map { _ in random.hex(2) }.joined(separator: "-").uppercased(),
                osPlatform: isServer ? "WindowsServer2022" : "Windows11",
                osBuild: isServer ? 20348 : 22631,
                primaryUser: index % userTotal,
                isServer: isServer,
                aadDeviceId: random.guid()
            )
        }
    }
}

/// `value` with leading zeros to `width` digits.
func zeroPadded(_ value: Int, _ width: Int) -> String {
    let digits = Swift.String(value)
    return Swift.String(repeating: "0", count: max(0, width - digits.count)) + digits
}
