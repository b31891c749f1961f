public import OpenMTPModels

/// The body of `PATCH /api/incidents/{id}` (spec §3.3): only the members present change.
///
/// Values are matched case-insensitively and stored in the API's spelling; determinations accept the alternative
/// names the resource pages use (`CompromisedUser` for `CompromisedAccount`, …) and must belong to the incident's
/// classification (the new one, or the stored one when the body has none). `assignedTo: ""` unassigns.
public struct IncidentUpdate: Sendable, Equatable {
    public var status: IncidentStatus?
    /// `.some(nil)` unassigns.
    public var assignedTo: String??
    public var classification: Classification?
    public var determination: Determination?
    public var tags: [String]?
    public var comment: String?

    public init() {}

    /// Statuses a caller may set; `Redirected` is the service's, when it merges incidents.
    static let settableStatuses: [IncidentStatus] = [.active, .inProgress, .resolved]

    /// Determinations per classification, with the alternative spellings each accepts.
    static let determinations: [Classification: [Determination: [String]]] = [
        .truePositive: [
            "MultiStagedAttack": [], "MaliciousUserActivity": [], "CompromisedAccount": ["CompromisedUser"], "Malware": [],
            "Phishing": [], "UnwantedSoftware": [], "Other": [],
        ],
        .informationalExpectedActivity: [
            "SecurityTesting": [], "LineOfBusinessApplication": [], "ConfirmedActivity": ["ConfirmedUserActivity"], "Other": [],
        ],
        .falsePositive: ["Clean": ["NotMalicious"], "NoEnoughDataToValidate": ["InsufficientData"], "Other": []],
    ]

    /// Reads the JSON body; any member other than the six, or a value of the wrong type, is an error.
    public static func parse(_ body: [(String, JSONValue)]) throws(DefenderError) -> IncidentUpdate {
        var update = IncidentUpdate()
        for (name, value) in body {
            switch name {
            case "status":
                let text = try string(value, name)
                guard let status = settableStatuses.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
                    if text.lowercased() == IncidentStatus.redirected.rawValue.lowercased() {
                        throw .invalidInput("status '\(text)': Redirected is set by the service when it merges incidents.")
                    }
                    throw .invalidInput("status '\(text)': use one of \(settableStatuses.map(\.rawValue).joined(separator: ", ")).")
                }
                update.status = status
            case "assignedTo":
                if case .null = value {
                    update.assignedTo = .some(nil)
                } else {
                    let text = try string(value, name)
                    update.assignedTo = .some(text.isEmpty ? nil : text)
                }
            case "classification":
                let text = try string(value, name)
                guard let classification = determinations.keys.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
                    let names = determinations.keys.map(\.rawValue).sorted().joined(separator: ", ")
                    throw .invalidInput("classification '\(text)': use one of \(names).")
                }
                update.classification = classification
            case "determination":
                update.determination = Determination(rawValue: try string(value, name))
            case "tags":
                guard case .array(let items) = value else { throw .invalidInput("tags: an array of strings is required.") }
                var tags: [String] = []
                for item in items { tags.append(try string(item, "tags")) }
                update.tags = tags
            case "comment":
                update.comment = try string(value, name)
            default:
                throw DefenderError(
                    code: "InvalidRequestBody",
                    message:
                        "Invalid request body. The property '\(name)' cannot be updated; use status, assignedTo, classification, determination, tags or comment.",
                    httpStatus: 400
                )
            }
        }
        return update
    }

    private static func string(_ value: JSONValue, _ name: String) throws(DefenderError) -> String {
        guard case .string(let text) = value else { throw .invalidInput("\(name): a string is required.") }
        return text
    }

    /// `incident` with this update applied at `time` by `author`; every change bumps `lastUpdateTime`, resolving
    /// resolves the alerts, and classification and determination carry over to the alerts as the portal does.
    public func applied(to incident: Incident, by author: String, at time: Timestamp) throws(DefenderError) -> Incident {
        guard self != IncidentUpdate() else { return incident }
        var result = incident
        if let status { result.status = status }
        if let assignedTo { result.assignedTo = assignedTo }
        if let classification {
            result.classification = classification
            if determination == nil { result.determination = .notAvailable }
        }
        if let determination { result.determination = try Self.canonical(determination, for: result.classification) }
        if let tags { result.tags = tags }
        if let comment { result.comments.append(IncidentComment(comment: comment, createdBy: author, createdTime: time)) }
        result.lastUpdateTime = time
        result.alerts = result.alerts.map { alert in
            var alert = alert
            if status == .resolved, alert.status != .resolved {
                alert.status = .resolved
                alert.resolvedTime = time
            }
            if status == .active || status == .inProgress, alert.status == .resolved {
                alert.status = status == .active ? .new : .inProgress
                alert.resolvedTime = nil
            }
            if classification != nil || determination != nil {
                alert.classification = result.classification
                alert.determination = result.determination
            }
            if let assignedTo { alert.assignedTo = assignedTo }
            alert.lastUpdatedTime = time
            return alert
        }
        return result
    }

    /// The API spelling of `determination` when `classification` allows it.
    static func canonical(_ determination: Determination, for classification: Classification) throws(DefenderError) -> Determination {
        guard let allowed = determinations[classification] else {
            throw .invalidInput(
                "determination '\(determination)': set a classification (TruePositive, InformationalExpectedActivity or FalsePositive) first."
            )
        }
        let wanted = determination.rawValue.lowercased()
        for (name, aliases) in allowed where name.rawValue.lowercased() == wanted || aliases.contains(where: { $0.lowercased() == wanted }) {
            return name
        }
        let names = allowed.keys.map(\.rawValue).sorted().joined(separator: ", ")
        throw .invalidInput("determination '\(determination)' does not fit classification \(classification); use one of \(names).")
    }
}
