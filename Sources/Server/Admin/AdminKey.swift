import Crypto
import Foundation
import Hummingbird
import Identity
import Logging

/// The secret that authenticates calls to the admin API: 32 random bytes, base64url, in `<data>/admin.key`
/// (mode 0600), made on first start and kept across restarts. Only its SHA-256 stays in memory.
struct AdminKey: Sendable {
    static let fileName = "admin.key"

    private let digest: SHA256.Digest

    init(value: String) {
        digest = SHA256.hash(data: Array(value.utf8))
    }

    /// Whether `presented` is the key; the comparison of digests takes the same time wherever they differ.
    func accepts(_ presented: String) -> Bool {
        SHA256.hash(data: Array(presented.utf8)) == digest
    }

    /// Reads the key file of the data folder, creating it when there is none.
    static func loadOrCreate(in dataDirectory: URL) throws -> AdminKey {
        let file = dataDirectory.appendingPathComponent(fileName)
        if let text = try? String(contentsOf: file, encoding: .utf8) {
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard value.count >= 32 else { throw AdminKeyError(file: file.path) }
            return AdminKey(value: value)
        }
        let value = SymmetricKey(size: .bits256).withUnsafeBytes { Base64URL.encode(Data($0)) }
        guard FileManager.default.createFile(atPath: file.path, contents: Data((value + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw AdminKeyError(file: file.path)
        }
        return AdminKey(value: value)
    }
}

struct AdminKeyError: Error, CustomStringConvertible {
    let file: String
    var description: String { "The admin key file \(file) cannot be written or holds fewer than 32 characters." }
}

/// Lets a request through to the admin API only with `Authorization: Bearer <admin key>`; anything else is a 401.
/// Tokens of the identity platform are not admin credentials.
struct AdminAuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let key: AdminKey

    func handle(_ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response) async throws -> Response {
        let parts = request.headers[.authorization]?.split(separator: " ", maxSplits: 1) ?? []
        guard parts.count == 2, parts[0].lowercased() == "bearer", key.accepts(parts[1].trimmingCharacters(in: .whitespaces)) else {
            context.logger.info("admin.unauthorized")
            throw APIError.unauthorized
        }
        return try await next(request, context)
    }
}
