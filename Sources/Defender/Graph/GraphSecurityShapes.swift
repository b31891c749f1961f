public import OpenMTPModels

/// Microsoft Graph's `security` shapes of the same incidents and alerts (spec §3.7): `incident`, `alert` (alerts_v2)
/// with typed `evidence`, camelCase enum values, string ids, `…DateTime` names.
public enum GraphSecurityShapes {
    /// Defender's names of values whose Graph member is spelled differently; the rest only lower their first letter.
    static let graphNames: [String: String] = [
        "NotAvailable": "unknown", "UnSpecified": "unknown", "CompromisedAccount": "compromisedUser",
        "ConfirmedActivity": "confirmedUserActivity", "NoEnoughDataToValidate": "insufficientData",
        "MicrosoftDefenderForOffice": "microsoftDefenderForOffice365", "MicrosoftCloudAppSecurity": "microsoftDefenderForCloudApps",
        "WindowsDefenderAv": "antivirus", "WindowsDefenderAtp": "microsoftDefenderForEndpoint", "CustomDetection": "customDetection",
    ]

    /// A Defender enum value as Graph writes it: `TruePositive` → `truePositive`.
    public static func member(_ value: String) -> String {
        if let renamed = graphNames[value] { return renamed }
        guard let first = value.first else { return value }
        return first.lowercased() + value.dropFirst()
    }

    /// A Graph enum value as Defender names it (`truePositive` → `TruePositive`); Defender's parser resolves the
    /// alternative spellings (`compromisedUser`, `insufficientData`, …).
    public static func defenderName(_ member: String) -> String {
        guard let first = member.first else { return member }
        return first.uppercased() + member.dropFirst()
    }

    public static func incident(_ incident: Incident, tenantId: String, alerts expand: Bool) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("@odata.type", "#microsoft.graph.security.incident"),
            ("id", .string(String(incident.incidentId))),
            ("tenantId", .string(tenantId)),
            ("status", .string(member(incident.status.rawValue))),
            ("incidentWebUrl", .string(webURL("incidents", incident.incidentId, tenantId))),
            ("redirectIncidentId", incident.redirectIncidentId.map { .string(String($0)) } ?? .null),
            ("displayName", .string(incident.incidentName)),
            ("createdDateTime", time(incident.createdTime)),
            ("lastUpdateDateTime", time(incident.lastUpdateTime)),
            ("assignedTo", incident.assignedTo.map(JSONValue.string) ?? .null),
            ("classification", .string(member(incident.classification.rawValue))),
            ("determination", .string(member(incident.determination.rawValue))),
            ("severity", .string(member(incident.severity.rawValue))),
            ("customTags", .array(incident.tags.map(JSONValue.string))),
            ("systemTags", .array([])),
            ("description", .null),
            ("comments", .array(incident.comments.map(comment))),
        ]
        if expand { members.append(("alerts", .array(incident.alerts.map { alert($0, tenantId: tenantId) }))) }
        return .object(members)
    }

    public static func alert(_ alert: Alert, tenantId: String) -> JSONValue {
        let identity: [(String, JSONValue)] = [
            ("@odata.type", "#microsoft.graph.security.alert"),
            ("id", .string(alert.alertId)),
            ("providerAlertId", .string(alert.alertId)),
            ("incidentId", .string(String(alert.incidentId))),
            ("status", .string(member(alert.status.rawValue))),
            ("severity", .string(member(alert.severity.rawValue))),
            ("classification", alert.classification.map { .string(member($0.rawValue)) } ?? .null),
            ("determination", alert.determination.map { .string(member($0.rawValue)) } ?? .null),
            ("serviceSource", .string(member(alert.serviceSource))),
            ("detectionSource", .string(member(alert.detectionSource))),
            ("detectorId", alert.detectorId.map(JSONValue.string) ?? .null),
            ("tenantId", .string(tenantId)),
            ("title", .string(alert.title)),
            ("description", .string(alert.description)),
            ("recommendedActions", .string("")),
        ]
        let details: [(String, JSONValue)] = [
            ("category", .string(alert.category)),
            ("assignedTo", alert.assignedTo.map(JSONValue.string) ?? .null),
            ("alertWebUrl", .string("https://security.microsoft.com/alerts/\(alert.alertId)?tid=\(tenantId)")),
            ("incidentWebUrl", .string(webURL("incidents", alert.incidentId, tenantId))),
            ("actorDisplayName", alert.actorName.map(JSONValue.string) ?? .null),
            ("threatDisplayName", alert.threatFamilyName.map(JSONValue.string) ?? .null),
            ("threatFamilyName", alert.threatFamilyName.map(JSONValue.string) ?? .null),
        ]
        let evidence = alert.devices.map { device($0, at: alert.creationTime) } + alert.entities.map { entity($0, at: alert.creationTime) }
        let times: [(String, JSONValue)] = [
            ("mitreTechniques", .array(alert.mitreTechniques.map(JSONValue.string))),
            ("createdDateTime", time(alert.creationTime)),
            ("lastUpdateDateTime", time(alert.lastUpdatedTime)),
            ("resolvedDateTime", alert.resolvedTime.map(time) ?? .null),
            ("firstActivityDateTime", time(alert.firstActivity)),
            ("lastActivityDateTime", time(alert.lastActivity)),
            ("comments", .array([])),
            ("evidence", .array(evidence)),
            ("systemTags", .array([])),
        ]
        return .object(identity + details + times)
    }

    static func comment(_ comment: IncidentComment) -> JSONValue {
        .object([
            ("@odata.type", "microsoft.graph.security.alertComment"),
            ("comment", .string(comment.comment)),
            ("createdByDisplayName", .string(comment.createdBy)),
            ("createdDateTime", time(comment.createdTime)),
        ])
    }

    static func device(_ device: AlertDevice, at time: Timestamp) -> JSONValue {
        evidence(
            "deviceEvidence",
            at: time,
            [
                ("mdeDeviceId", .string(device.mdatpDeviceId)), ("azureAdDeviceId", device.aadDeviceId.map(JSONValue.string) ?? .null),
                ("deviceDnsName", .string(device.deviceDnsName)), ("osPlatform", .string(device.osPlatform)),
                ("osBuild", .int(device.osBuild)), ("version", .string(device.version)), ("healthStatus", .string(member(device.healthStatus))),
                ("riskScore", .string(member(device.riskScore))), ("rbacGroupId", device.rbacGroupId.map(JSONValue.int) ?? .null),
                ("rbacGroupName", device.rbacGroupName.map(JSONValue.string) ?? .null),
                ("firstSeenDateTime", Self.time(device.firstSeen)),
            ]
        )
    }

    /// Alert entities as Graph's typed evidence; the type follows the entity type.
    static func entity(_ entity: AlertEntity, at time: Timestamp) -> JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        let file: JSONValue = .object([
            ("sha1", text(entity.sha1)), ("sha256", text(entity.sha256)), ("fileName", text(entity.fileName)),
            ("filePath", text(entity.filePath)),
        ])
        switch entity.entityType {
        case "File":
            return evidence("fileEvidence", at: time, [("fileDetails", file), ("mdeDeviceId", text(entity.deviceId))])
        case "Process":
            return evidence(
                "processEvidence",
                at: time,
                [
                    ("processId", entity.processId.map(JSONValue.int) ?? .null), ("processCommandLine", text(entity.processCommandLine)),
                    ("processCreationDateTime", entity.processCreationTime.map(Self.time) ?? .null),
                    ("parentProcessId", entity.parentProcessId.map(JSONValue.int) ?? .null), ("imageFile", file),
                    ("mdeDeviceId", text(entity.deviceId)),
                ]
            )
        case "Ip":
            return evidence("ipEvidence", at: time, [("ipAddress", text(entity.ipAddress))])
        case "Url":
            return evidence("urlEvidence", at: time, [("url", text(entity.url))])
        case "User":
            let account: JSONValue = .object([
                ("accountName", text(entity.accountName)), ("domainName", text(entity.domainName)), ("userSid", text(entity.userSid)),
                ("azureAdUserId", text(entity.aadUserId)), ("userPrincipalName", text(entity.userPrincipalName)),
            ])
            return evidence("userEvidence", at: time, [("userAccount", account)])
        case "MailBox":
            return evidence(
                "mailboxEvidence",
                at: time,
                [("displayName", text(entity.mailboxDisplayName)), ("primaryAddress", text(entity.mailboxAddress))]
            )
        case "MailMessage":
            return evidence(
                "analyzedMessageEvidence",
                at: time,
                [
                    ("senderIp", .null), ("p1Sender", .object([("emailAddress", text(entity.sender))])),
                    ("recipientEmailAddress", text(entity.recipient)), ("subject", text(entity.subject)),
                    ("deliveryAction", text(entity.deliveryAction)),
                ]
            )
        case "Registry":
            return evidence(
                "registryValueEvidence",
                at: time,
                [
                    ("registryHive", text(entity.registryHive)), ("registryKey", text(entity.registryKey)),
                    ("registryValueType", text(entity.registryValueType)), ("registryValue", text(entity.registryValue)),
                ]
            )
        default:
            return evidence("alertEvidence", at: time, [("entityType", .string(entity.entityType))])
        }
    }

    /// The members every evidence type shares, then the type's own.
    private static func evidence(_ type: String, at time: Timestamp, _ members: [(String, JSONValue)]) -> JSONValue {
        .object(
            [
                ("@odata.type", .string("#microsoft.graph.security.\(type)")), ("createdDateTime", Self.time(time)),
                ("verdict", "suspicious"), ("remediationStatus", "none"), ("remediationStatusDetails", .null),
                ("roles", .array([])), ("detailedRoles", .array([])), ("tags", .array([])),
            ] + members
        )
    }

    private static func time(_ timestamp: Timestamp) -> JSONValue { .string(timestamp.iso8601) }

    private static func webURL(_ kind: String, _ id: Int64, _ tenantId: String) -> String {
        "https://security.microsoft.com/\(kind)/\(id)?tid=\(tenantId)"
    }
}
