public import Hunting
public import OpenMTPModels

/// Groups advanced hunting alerts (`AlertInfo` with its `AlertEvidence` rows) into the incidents Microsoft Defender
/// would show: alerts that share a device, a user or a mailbox belong to one incident.
public enum AlertCorrelation {
    /// Incidents numbered from `firstIncidentId`, oldest first, from the alert rows among `rows`.
    public static func incidents(from rows: [IngestRow], firstIncidentId: Int64) -> [Incident] {
        let infos = rows.filter { $0.table == "AlertInfo" }
        var evidence: [String: [IngestRow]] = [:]
        for row in rows where row.table == "AlertEvidence" {
            if let id = text(row, "AlertId") { evidence[id, default: []].append(row) }
        }
        // Union-find over alerts by the entities their evidence names.
        var parent = Array(infos.indices)
        func root(_ index: Int) -> Int {
            var index = index
            while parent[index] != index { index = parent[index] }
            return index
        }
        var owner: [String: Int] = [:]
        for (index, info) in infos.enumerated() {
            for entity in evidence[text(info, "AlertId") ?? ""] ?? [] {
                for key in ["DeviceId", "AccountUpn", "AccountSid", "AccountObjectId"] {
                    guard let value = text(entity, key) else { continue }
                    let label = "\(key)=\(value.lowercased())"
                    if let other = owner[label] { parent[root(index)] = root(other) } else { owner[label] = index }
                }
            }
        }
        let groups = Dictionary(grouping: infos.indices, by: root).values.sorted { time(infos[$0[0]]) < time(infos[$1[0]]) }
        return groups.enumerated().map { number, members in
            let incidentId = firstIncidentId + Int64(number)
            let alerts = members.map { alert(infos[$0], evidence: evidence[text(infos[$0], "AlertId") ?? ""] ?? [], incidentId: incidentId) }
                .sorted { $0.firstActivity < $1.firstActivity }
            return Incident(
                incidentId: incidentId,
                incidentName: name(alerts),
                createdTime: alerts.map(\.creationTime).min()!,
                lastUpdateTime: alerts.map(\.lastUpdatedTime).max()!,
                determination: alerts.count > 1 ? .multiStagedAttack : .notAvailable,
                severity: alerts.contains { $0.severity == .high } ? .high : .medium,
                alerts: alerts
            )
        }
    }

    /// Defender's naming: "Multi-stage incident involving <first> & <last> on one endpoint / multiple endpoints".
    static func name(_ alerts: [Alert]) -> String {
        let devices = Set(alerts.flatMap { $0.devices.map(\.mdatpDeviceId) }).count
        let place = devices > 1 ? "on multiple endpoints" : (devices == 1 ? "on one endpoint" : "involving one user")
        guard alerts.count > 1 else { return "\(alerts[0].title) \(place)" }
        let first = words(alerts.first!.category)
        let last = words(alerts.last!.category)
        return first == last ? "Multi-stage incident involving \(first) \(place)" : "Multi-stage incident involving \(first) & \(last) \(place)"
    }

    /// `CredentialAccess` → `Credential access`.
    static func words(_ category: String) -> String {
        var result = ""
        for character in category {
            if character.isUppercase, !result.isEmpty { result += " " + character.lowercased() } else { result.append(character) }
        }
        return result
    }

    private static let serviceSources = [
        "Microsoft Defender for Endpoint": "MicrosoftDefenderForEndpoint", "Microsoft Defender for Office 365": "MicrosoftDefenderForOffice",
        "Microsoft Defender for Identity": "MicrosoftDefenderForIdentity", "Microsoft Defender for Cloud Apps": "MicrosoftCloudAppSecurity",
        "Microsoft Entra ID Protection": "AzureAdIdentityProtection",
    ]

    private static func alert(_ info: IngestRow, evidence: [IngestRow], incidentId: Int64) -> Alert {
        let at = time(info)
        let title = text(info, "Title") ?? ""
        let source = text(info, "ServiceSource") ?? ""
        let techniques = text(info, "AttackTechniques").map { value in
            value.split(separator: "\"").filter { $0.contains("(T") }.compactMap { $0.split(separator: "(").last?.dropLast() }.map(String.init)
        }
        let machines = evidence.filter { text($0, "EntityType") == "Machine" }
        return Alert(
            alertId: text(info, "AlertId") ?? "",
            incidentId: incidentId,
            serviceSource: serviceSources[source] ?? source,
            creationTime: at.adding(seconds: 60),
            lastUpdatedTime: at.adding(seconds: 120),
            firstActivity: at.adding(seconds: -300),
            lastActivity: at,
            title: title,
            description: "\(title). Review the related evidence and the timeline around it.",
            category: text(info, "Category") ?? "",
            severity: Severity(rawValue: text(info, "Severity") ?? "Medium"),
            detectionSource: text(info, "DetectionSource") ?? "",
            mitreTechniques: techniques ?? [],
            devices: machines.map { machine in
                AlertDevice(
                    mdatpDeviceId: text(machine, "DeviceId") ?? "",
                    deviceDnsName: text(machine, "DeviceName") ?? "",
                    osPlatform: "Windows11",
                    version: "23H2",
                    osBuild: 22631,
                    riskScore: text(info, "Severity") ?? "Medium",
                    firstSeen: at.adding(seconds: -90 * 86_400)
                )
            },
            entities: evidence.filter { text($0, "EntityType") != "Machine" }.map(entity)
        )
    }

    private static func entity(_ row: IngestRow) -> AlertEntity {
        var entity = AlertEntity(entityType: text(row, "EntityType") ?? "")
        entity.fileName = text(row, "FileName")
        entity.filePath = text(row, "FolderPath")
        entity.sha1 = text(row, "SHA1")
        entity.sha256 = text(row, "SHA256")
        entity.processCommandLine = text(row, "ProcessCommandLine")
        entity.ipAddress = text(row, "RemoteIP")
        entity.accountName = text(row, "AccountName")
        entity.domainName = text(row, "AccountDomain")
        entity.userSid = text(row, "AccountSid")
        entity.aadUserId = text(row, "AccountObjectId")
        entity.userPrincipalName = text(row, "AccountUpn")
        entity.subject = text(row, "EmailSubject")
        entity.deviceId = text(row, "DeviceId")
        if entity.entityType == "Mailbox" {
            entity.entityType = "MailBox"
            entity.mailboxAddress = entity.userPrincipalName
        }
        return entity
    }

    private static func text(_ row: IngestRow, _ column: String) -> String? {
        guard case .string(let value)? = row[column], !value.isEmpty else { return nil }
        return value
    }

    private static func time(_ row: IngestRow) -> Timestamp {
        text(row, "Timestamp").flatMap { Timestamp(iso8601: $0) } ?? Timestamp(ticks: 0)
    }
}
