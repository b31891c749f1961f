public import OpenMTPModels

/// A change to one alert (Graph's `PATCH /security/alerts_v2/{id}`): `status` (`new`, `inProgress`, `resolved`),
/// `assignedTo`, `classification` and `determination` (checked as for incidents). Values in Graph's camelCase.
public struct AlertUpdate: Sendable, Equatable {
    public var status: AlertStatus?
    public var assignedTo: String??
    public var classification: Classification?
    public var determination: Determination?

    static let statuses: [AlertStatus] = [.new, .inProgress, .resolved]

    public static func parse(_ body: [(String, JSONValue)]) throws(DefenderError) -> AlertUpdate {
        var update = AlertUpdate()
        var incidentFields: [(String, JSONValue)] = []
        for (name, value) in body {
            switch name {
            case "status":
                guard case .string(let text) = value, let status = statuses.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
                    throw .invalidInput("status: use new, inProgress or resolved.")
                }
                update.status = status
            case "assignedTo", "classification", "determination":
                // Graph's camelCase members are Defender's names with a lower-case first letter.
                if case .string(let text) = value, name != "assignedTo" {
                    incidentFields.append((name, .string(GraphSecurityShapes.defenderName(text))))
                } else {
                    incidentFields.append((name, value))
                }
            default:
                throw DefenderError(
                    code: "BadRequest",
                    message:
                        "Invalid request body. The property '\(name)' cannot be updated; use status, assignedTo, classification or determination.",
                    httpStatus: 400
                )
            }
        }
        let fields = try IncidentUpdate.parse(incidentFields)
        update.assignedTo = fields.assignedTo
        update.classification = fields.classification
        update.determination = fields.determination
        return update
    }

    /// `alert` with the update applied at `time`.
    public func applied(to alert: Alert, at time: Timestamp) throws(DefenderError) -> Alert {
        guard self != AlertUpdate() else { return alert }
        var result = alert
        if let status {
            result.status = status
            result.resolvedTime = status == .resolved ? (alert.resolvedTime ?? time) : nil
        }
        if let assignedTo { result.assignedTo = assignedTo }
        if let classification {
            result.classification = classification
            if determination == nil { result.determination = nil }
        }
        if let determination {
            result.determination = try IncidentUpdate.canonical(determination, for: result.classification ?? .unknown)
        }
        result.lastUpdatedTime = time
        return result
    }
}
