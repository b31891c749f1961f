import Foundation

/// A Defender XDR incident as `GET /api/incidents` returns it (spec §3.5); absent values are written as `null`.
public struct Incident: Codable, Sendable, Equatable {
    public var incidentId: Int64
    @Nullable public var redirectIncidentId: Int64?
    public var incidentName: String
    /// The incident's page in the Defender portal.
    @Nullable public var incidentUri: String?
    public var createdTime: Timestamp
    public var lastUpdateTime: Timestamp
    @Nullable public var assignedTo: String?
    public var classification: Classification
    public var determination: Determination
    public var status: IncidentStatus
    public var severity: Severity
    public var tags: [String]
    public var comments: [IncidentComment]
    public var alerts: [Alert]

    public init(
        incidentId: Int64,
        redirectIncidentId: Int64? = nil,
        incidentName: String,
        createdTime: Timestamp,
        lastUpdateTime: Timestamp,
        assignedTo: String? = nil,
        classification: Classification = .unknown,
        determination: Determination = .notAvailable,
        status: IncidentStatus = .active,
        severity: Severity,
        tags: [String] = [],
        comments: [IncidentComment] = [],
        alerts: [Alert]
    ) {
        self.incidentId = incidentId
        self.redirectIncidentId = redirectIncidentId
        self.incidentName = incidentName
        self.createdTime = createdTime
        self.lastUpdateTime = lastUpdateTime
        self.assignedTo = assignedTo
        self.classification = classification
        self.determination = determination
        self.status = status
        self.severity = severity
        self.tags = tags
        self.comments = comments
        self.alerts = alerts
    }
}

public struct IncidentComment: Codable, Sendable, Equatable {
    public var comment: String
    public var createdBy: String
    public var createdTime: Timestamp

    public init(comment: String, createdBy: String, createdTime: Timestamp) {
        self.comment = comment
        self.createdBy = createdBy
        self.createdTime = createdTime
    }
}

/// An alert inside an incident.
public struct Alert: Codable, Sendable, Equatable {
    public var alertId: String
    public var incidentId: Int64
    public var serviceSource: String
    public var creationTime: Timestamp
    public var lastUpdatedTime: Timestamp
    @Nullable public var resolvedTime: Timestamp?
    public var firstActivity: Timestamp
    public var lastActivity: Timestamp
    public var title: String
    public var description: String
    public var category: String
    public var status: AlertStatus
    public var severity: Severity
    @Nullable public var investigationId: Int64?
    public var investigationState: String
    @Nullable public var classification: Classification?
    @Nullable public var determination: Determination?
    public var detectionSource: String
    @Nullable public var detectorId: String?
    @Nullable public var assignedTo: String?
    @Nullable public var actorName: String?
    @Nullable public var threatFamilyName: String?
    public var mitreTechniques: [String]
    public var devices: [AlertDevice]
    public var entities: [AlertEntity]

    public init(
        alertId: String,
        incidentId: Int64,
        serviceSource: String,
        creationTime: Timestamp,
        lastUpdatedTime: Timestamp,
        resolvedTime: Timestamp? = nil,
        firstActivity: Timestamp,
        lastActivity: Timestamp,
        title: String,
        description: String,
        category: String,
        status: AlertStatus = .new,
        severity: Severity,
        investigationId: Int64? = nil,
        investigationState: String = "Queued",
        classification: Classification? = nil,
        determination: Determination? = nil,
        detectionSource: String,
        detectorId: String? = nil,
        assignedTo: String? = nil,
        actorName: String? = nil,
        threatFamilyName: String? = nil,
        mitreTechniques: [String] = [],
        devices: [AlertDevice] = [],
        entities: [AlertEntity] = []
    ) {
        self.alertId = alertId
        self.incidentId = incidentId
        self.serviceSource = serviceSource
        self.creationTime = creationTime
        self.lastUpdatedTime = lastUpdatedTime
        self.resolvedTime = resolvedTime
        self.firstActivity = firstActivity
        self.lastActivity = lastActivity
        self.title = title
        self.description = description
        self.category = category
        self.status = status
        self.severity = severity
        self.investigationId = investigationId
        self.investigationState = investigationState
        self.classification = classification
        self.determination = determination
        self.detectionSource = detectionSource
        self.detectorId = detectorId
        self.assignedTo = assignedTo
        self.actorName = actorName
        self.threatFamilyName = threatFamilyName
        self.mitreTechniques = mitreTechniques
        self.devices = devices
        self.entities = entities
    }
}

/// A device of an alert (`alert.devices[]`); the service names the id `mdatpDeviceId`.
public struct AlertDevice: Codable, Sendable, Equatable {
    public var mdatpDeviceId: String
    @Nullable public var aadDeviceId: String?
    public var deviceDnsName: String
    public var osPlatform: String
    public var version: String
    public var osProcessor: String
    public var osBuild: Int64
    public var healthStatus: String
    public var riskScore: String
    @Nullable public var rbacGroupName: String?
    @Nullable public var rbacGroupId: Int64?
    public var firstSeen: Timestamp
    public var tags: [String]

    public init(
        mdatpDeviceId: String,
        aadDeviceId: String? = nil,
        deviceDnsName: String,
        osPlatform: String,
        version: String,
        osProcessor: String = "x64",
        osBuild: Int64,
        healthStatus: String = "Active",
        riskScore: String,
        rbacGroupName: String? = nil,
        rbacGroupId: Int64? = nil,
        firstSeen: Timestamp,
        tags: [String] = []
    ) {
        self.mdatpDeviceId = mdatpDeviceId
        self.aadDeviceId = aadDeviceId
        self.deviceDnsName = deviceDnsName
        self.osPlatform = osPlatform
        self.version = version
        self.osProcessor = osProcessor
        self.osBuild = osBuild
        self.healthStatus = healthStatus
        self.riskScore = riskScore
        self.rbacGroupName = rbacGroupName
        self.rbacGroupId = rbacGroupId
        self.firstSeen = firstSeen
        self.tags = tags
    }
}

/// An entity of an alert (`alert.entities[]`): every field is serialised, `null` where it does not apply.
public struct AlertEntity: Codable, Sendable, Equatable {
    public var entityType: String
    @Nullable public var sha1: String?
    @Nullable public var sha256: String?
    @Nullable public var fileName: String?
    @Nullable public var filePath: String?
    @Nullable public var processId: Int64?
    @Nullable public var processCommandLine: String?
    @Nullable public var processCreationTime: Timestamp?
    @Nullable public var parentProcessId: Int64?
    @Nullable public var parentProcessCreationTime: Timestamp?
    @Nullable public var ipAddress: String?
    @Nullable public var url: String?
    @Nullable public var accountName: String?
    @Nullable public var domainName: String?
    @Nullable public var userSid: String?
    @Nullable public var aadUserId: String?
    @Nullable public var userPrincipalName: String?
    @Nullable public var mailboxDisplayName: String?
    @Nullable public var mailboxAddress: String?
    @Nullable public var clusterBy: String?
    @Nullable public var sender: String?
    @Nullable public var recipient: String?
    @Nullable public var subject: String?
    @Nullable public var deliveryAction: String?
    @Nullable public var securityGroupId: String?
    @Nullable public var securityGroupName: String?
    @Nullable public var registryHive: String?
    @Nullable public var registryKey: String?
    @Nullable public var registryValueType: String?
    @Nullable public var registryValue: String?
    @Nullable public var deviceId: String?

    /// An entity of the given type with every other field empty; set the ones that apply.
    public init(entityType: String) {
        self.entityType = entityType
    }
}

extension Incident {
    /// The incident with `incidentUri` set as the service writes it: its portal page in the tenant.
    public func linked(tenantId: String) -> Incident {
        var linked = self
        linked.incidentUri = "https://security.microsoft.com/incidents/\(incidentId)?tid=\(tenantId)"
        return linked
    }

    /// The incident as the API sends it (keys sorted, slashes unescaped); stores keep it in this form so lists are
    /// served without decoding.
    public func wireJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
