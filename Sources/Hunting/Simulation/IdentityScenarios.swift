import KustoTime
import OpenMTPModels

/// Identity-side attacks: a business email compromise in the cloud, and Kerberoasting from the compromised device.
extension Simulator {
    static let domainController = (name: "dc01", ip: "10.0.0.5")
    static let sprayIP = "192.0.2.66"

    /// A benign interactive sign-in to Exchange Online from the office.
    mutating func signIn(_ user: SimulatedUser, at time: Int64, into day: inout DayBuilder) {
        record(signInFields(user, ip: "203.0.113.10", country: "NL", city: "Amsterdam", errorCode: 0, risk: 0), at: time, into: &day)
    }

    /// A sign-in in `EntraIdSignInEvents` and in its predecessor `AADSignInEventsBeta`, which tenants still query.
    private func record(_ fields: [(String, JSONValue)], at time: Int64, into day: inout DayBuilder) {
        day.add("EntraIdSignInEvents", at: time, fields)
        day.add("AADSignInEventsBeta", at: time, fields)
    }

    private mutating func signInFields(
        _ user: SimulatedUser,
        ip: String,
        country: String,
        city: String,
        errorCode: Int64,
        risk: Int64
    ) -> [(String, JSONValue)] {
        [
            ("Application", .string("Office 365 Exchange Online")), ("ApplicationId", .string("00000002-0000-0ff1-ce00-000000000000")),
            ("LogonType", .string(#"["interactiveUser"]"#)), ("ErrorCode", .int(errorCode)), ("CorrelationId", .string(random.guid())),
            ("SessionId", .string(random.guid())), ("AccountDisplayName", .string(user.displayName)), ("AccountObjectId", .string(user.objectId)),
            ("AccountUpn", .string(user.upn)), ("IsExternalUser", .int(0)), ("IsGuestUser", .bool(false)),
            ("ResourceDisplayName", .string("Office 365 Exchange Online")), ("ClientAppUsed", .string("Browser")),
            ("Browser", .string("Edge 130.0.0")),
            (
                "UserAgent",
                .string(
                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0"
                )
            ),
            ("RiskLevelAggregated", .int(risk)), ("IPAddress", .string(ip)), ("Country", .string(country)), ("City", .string(city)),
            ("RequestId", .string(random.guid())), ("ReportId", .string(random.guid())),
        ]
    }

    /// T1110.003 password spray, T1078 a foreign sign-in, T1114.003 and T1564.008 an inbox rule that forwards and hides
    /// payment mail.
    mutating func businessEmailCompromise(of user: SimulatedUser, at beginning: Int64, into day: inout DayBuilder) {
        var time = beginning
        for _ in 0..<5 {
            time += Int64(random.int(20...90)) * DateTimeTicks.perSecond
            record(signInFields(user, ip: Self.sprayIP, country: "LT", city: "Vilnius", errorCode: 50126, risk: 50), at: time, into: &day)
        }
        time += Int64(random.int(60...300)) * DateTimeTicks.perSecond
        record(signInFields(user, ip: Self.sprayIP, country: "LT", city: "Vilnius", errorCode: 0, risk: 50), at: time, into: &day)
        time += Int64(random.int(120...600)) * DateTimeTicks.perSecond
        let forwardTo = "payments.update@protonmail.test"
        let rule =
            #"{"Operation":"New-InboxRule","Parameters":[{"Name":"Name","Value":"."},{"Name":"SubjectOrBodyContainsWords","Value":"invoice;payment;wire"},{"Name":"ForwardTo","Value":"\#(forwardTo)"},{"Name":"MoveToFolder","Value":"RSS Feeds"},{"Name":"MarkAsRead","Value":"True"}]}"#
        for (action, raw) in [
            ("New-InboxRule", rule),
            (
                "Set-Mailbox",
                #"{"Operation":"Set-Mailbox","Parameters":[{"Name":"ForwardingSmtpAddress","Value":"smtp:\#(forwardTo)"},{"Name":"DeliverToMailboxAndForward","Value":"False"}]}"#
            ),
        ] {
            time += Int64(random.int(10...60)) * DateTimeTicks.perSecond
            day.add(
                "CloudAppEvents",
                at: time,
                [
                    ("ActionType", .string(action)), ("Application", .string("Microsoft Exchange Online")), ("ApplicationId", .int(20893)),
                    ("AccountObjectId", .string(user.objectId)), ("AccountId", .string(user.objectId)),
                    ("AccountDisplayName", .string(user.displayName)),
                    ("IsAdminOperation", .bool(false)), ("IPAddress", .string(Self.sprayIP)), ("CountryCode", .string("LT")),
                    ("City", .string("Vilnius")),
                    ("ActivityType", .string("Edit")), ("ObjectName", .string(user.upn)), ("ObjectType", .string("Mailbox")),
                    ("RawEventData", .string(raw)), ("ReportId", .string(random.guid())), ("AccountType", .string("Regular")),
                ]
            )
        }
        let mailbox: [(String, JSONValue)] = [
            ("EntityType", .string("Mailbox")), ("EvidenceRole", .string("Impacted")), ("AccountUpn", .string(user.upn)),
            ("AccountObjectId", .string(user.objectId)),
        ]
        let address: [(String, JSONValue)] = [
            ("EntityType", .string("Ip")), ("EvidenceRole", .string("Related")), ("RemoteIP", .string(Self.sprayIP)),
        ]
        alert(
            "Password spray followed by a sign-in from an unfamiliar location",
            category: "InitialAccess",
            techniques: ["Password Spraying (T1110.003)", "Valid Accounts (T1078)"],
            source: "Microsoft Entra ID Protection",
            detection: "AADIdentityProtection",
            severity: "Medium",
            at: beginning + 15 * 60 * DateTimeTicks.perSecond,
            evidence: [mailbox, address],
            into: &day
        )
        alert(
            "Suspicious inbox forwarding rule",
            category: "Exfiltration",
            techniques: ["Email Forwarding Rule (T1114.003)", "Email Hiding Rules (T1564.008)"],
            source: "Microsoft Defender for Cloud Apps",
            detection: "MCAS",
            severity: "High",
            at: time + 5 * 60 * DateTimeTicks.perSecond,
            evidence: [mailbox, address],
            into: &day
        )
    }

    /// T1087.002 domain account discovery and T1558.003 Kerberoasting from the compromised device.
    mutating func kerberoasting(from device: SimulatedDevice, as account: SimulatedAccount, at beginning: Int64, into day: inout DayBuilder) {
        var time = beginning
        let dc = "\(Self.domainController.name).\(world.domain)"
        let queries = [
            ("AllUsers", "(&(objectCategory=person)(objectClass=user))"), ("AllGroups", "(objectClass=group)"),
            ("AllDomainControllers", "(&(objectCategory=computer)(userAccountControl:1.2.840.113556.1.4.803:=8192))"),
            ("Kerberoastable", "(&(objectCategory=person)(objectClass=user)(servicePrincipalName=*))"),
        ]
        for (queryType, query) in queries {
            time += Int64(random.int(2...15)) * DateTimeTicks.perSecond
            day.add(
                "IdentityQueryEvents",
                at: time,
                [
                    ("ActionType", .string("LDAP query")), ("Application", .string("Active Directory")), ("QueryType", .string(queryType)),
                    ("QueryTarget", .string(world.domain)), ("Query", .string(query)), ("Protocol", .string("Ldap")),
                    ("AccountName", .string(account.name)), ("AccountDomain", .string(world.domain)),
                    ("AccountUpn", account.upn.map(JSONValue.string) ?? .null),
                    ("AccountSid", .string(account.sid)), ("DeviceName", .string(device.name)), ("IPAddress", .string(device.ip)),
                    ("DestinationDeviceName", .string(dc)), ("DestinationIPAddress", .string(Self.domainController.ip)),
                    ("DestinationPort", .int(389)),
                    ("ReportId", .string(random.guid())),
                ]
            )
        }
        let services = ["MSSQLSvc/sql01.\(world.domain):1433", "HTTP/intranet.\(world.domain)", "CIFS/files01.\(world.domain)"]
        for spn in services {
            time += Int64(random.int(1...5)) * DateTimeTicks.perSecond
            kerberosLogon(
                from: device,
                as: account,
                type: "Resource access",
                target: spn,
                failure: nil,
                at: time,
                details: [("AdditionalFields", .string(#"{"Spns":"\#(spn)","EncryptionType":"Rc4Hmac"}"#))],
                into: &day
            )
        }
        alert(
            "Suspected Kerberos SPN exposure",
            category: "CredentialAccess",
            techniques: ["Kerberoasting (T1558.003)", "Domain Account (T1087.002)"],
            source: "Microsoft Defender for Identity",
            detection: "AATP",
            severity: "High",
            at: time + 2 * 60 * DateTimeTicks.perSecond,
            evidence: [
                machineEvidence(device),
                [
                    ("EntityType", .string("User")), ("EvidenceRole", .string("Impacted")), ("AccountName", .string(account.name)),
                    ("AccountSid", .string(account.sid)),
                ],
            ],
            into: &day
        )
    }

    /// A Kerberos logon of `account` from `device` as Defender for Identity records it at the domain controller,
    /// failed when `failure` names a reason; `details` adds the columns particular to the logon.
    mutating func kerberosLogon(
        from device: SimulatedDevice,
        as account: SimulatedAccount,
        type: String,
        target: String,
        failure: String?,
        at time: Int64,
        details: [(String, JSONValue)],
        into day: inout DayBuilder
    ) {
        var fields: [(String, JSONValue)] = [
            ("ActionType", .string(failure == nil ? "LogonSuccess" : "LogonFailed")), ("Application", .string("Active Directory")),
            ("LogonType", .string(type)), ("Protocol", .string("Kerberos")), ("AccountName", .string(account.name)),
            ("AccountDomain", .string(world.domain)), ("AccountUpn", account.upn.map(JSONValue.string) ?? .null),
            ("AccountSid", .string(account.sid)), ("DeviceName", .string(device.name)), ("IPAddress", .string(device.ip)),
            ("DestinationDeviceName", .string("\(Self.domainController.name).\(world.domain)")),
            ("DestinationIPAddress", .string(Self.domainController.ip)), ("DestinationPort", .int(88)),
            ("TargetDeviceName", .string(target)), ("ReportId", .string(random.guid())),
        ]
        if let failure { fields.append(("FailureReason", .string(failure))) }
        day.add("IdentityLogonEvents", at: time, fields + details)
    }
}
