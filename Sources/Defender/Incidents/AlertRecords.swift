public import OpenMTPModels

/// The advanced hunting rows of incidents' alerts: one `AlertInfo` row per alert and one `AlertEvidence` row per
/// device and entity, under the alerts' own ids, as JSON lines per table. ``AlertCorrelation`` reads the same
/// columns back, so an incident and `AlertInfo | where AlertId == …` describe one alert either way.
public enum AlertRecords {
    public static func jsonLines(for incidents: [Incident]) -> [String: [String]] {
        var tables: [String: [String]] = ["AlertInfo": [], "AlertEvidence": []]
        for alert in incidents.flatMap(\.alerts) {
            let common: [(String, JSONValue)] = [
                ("Timestamp", .string(alert.creationTime.iso8601)), ("AlertId", .string(alert.alertId)), ("Title", .string(alert.title)),
                ("ServiceSource", .string(serviceSources[alert.serviceSource] ?? alert.serviceSource)),
                ("DetectionSource", .string(alert.detectionSource)),
                ("AttackTechniques", .string(JSONValue.array(alert.mitreTechniques.map { .string("(\($0))") }).serialized)),
            ]
            tables["AlertInfo"]?.append(
                JSONValue.object(common + [("Category", .string(alert.category)), ("Severity", .string(alert.severity.rawValue))]).serialized
            )
            let evidence = common + [("Categories", .string(JSONValue.array([.string(alert.category)]).serialized))]
            for device in alert.devices {
                let row =
                    evidence + [
                        ("EntityType", "Machine"), ("EvidenceRole", "Impacted"), ("DeviceId", .string(device.mdatpDeviceId)),
                        ("DeviceName", .string(device.deviceDnsName)),
                    ]
                tables["AlertEvidence"]?.append(JSONValue.object(row).serialized)
            }
            for entity in alert.entities {
                tables["AlertEvidence"]?.append(JSONValue.object(evidence + columns(of: entity)).serialized)
            }
        }
        return tables
    }

    /// Defender's product names as `AlertInfo.ServiceSource` writes them, from the API's enum values.
    static let serviceSources = [
        "MicrosoftDefenderForEndpoint": "Microsoft Defender for Endpoint", "MicrosoftDefenderATP": "Microsoft Defender for Endpoint",
        "MicrosoftDefenderForOffice": "Microsoft Defender for Office 365", "OfficeATP": "Microsoft Defender for Office 365",
        "MicrosoftDefenderForIdentity": "Microsoft Defender for Identity", "MicrosoftCloudAppSecurity": "Microsoft Defender for Cloud Apps",
        "AzureAdIdentityProtection": "Microsoft Entra ID Protection",
    ]

    /// The evidence columns an entity fills; the rest stay empty.
    private static func columns(of entity: AlertEntity) -> [(String, JSONValue)] {
        let values: [(String, String?)] = [
            ("EntityType", entity.entityType == "MailBox" ? "Mailbox" : entity.entityType), ("EvidenceRole", "Related"),
            ("FileName", entity.fileName), ("FolderPath", entity.filePath), ("SHA1", entity.sha1), ("SHA256", entity.sha256),
            ("ProcessCommandLine", entity.processCommandLine), ("RemoteIP", entity.ipAddress), ("RemoteUrl", entity.url),
            ("AccountName", entity.accountName), ("AccountDomain", entity.domainName), ("AccountSid", entity.userSid),
            ("AccountObjectId", entity.aadUserId), ("AccountUpn", entity.userPrincipalName ?? entity.mailboxAddress),
            ("EmailSubject", entity.subject), ("DeviceId", entity.deviceId),
        ]
        return values.compactMap { name, value in value.map { (name, .string($0)) } }
    }
}
