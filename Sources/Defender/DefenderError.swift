/// The one error type of the Defender domain; `code` is the API's `error.code` (spec §3.0).
public struct DefenderError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let message: String
    public let httpStatus: Int

    public static func odata(_ detail: String) -> DefenderError {
        DefenderError(code: "ODataError", message: "Invalid OData URI query \(detail)", httpStatus: 400)
    }

    public static func invalidInput(_ detail: String) -> DefenderError {
        DefenderError(code: "InvalidInput", message: "Invalid input \(detail)", httpStatus: 400)
    }

    public static func notFound(_ resource: String) -> DefenderError {
        DefenderError(code: "ResourceNotFound", message: "Resource \(resource) wasn't found.", httpStatus: 404)
    }

    public var description: String { "\(code): \(message)" }
}
