import Crypto
import Foundation
import OpenMTPModels

/// Proof, carried in a hidden form field, that a user signed in a moment ago: lets the consent page follow the
/// sign-in page without asking for the password again. HMAC-signed with a key that lives only in this process,
/// bound to one tenant and user, valid for ten minutes.
public final class InteractionTickets: Sendable {
    private let key = SymmetricKey(size: .bits256)
    private let clock: IdentityClock
    static let lifetime: Int64 = 600

    public init(clock: IdentityClock = .system) {
        self.clock = clock
    }

    public func issue(tenantId: String, userObjectId: String) -> String {
        let body = "\(tenantId)|\(userObjectId)|\(clock.now().adding(seconds: Self.lifetime).unixSeconds)"
        let tag = HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: key)
        return Base64URL.encode(Array(body.utf8)) + "." + Base64URL.encode(Array(tag))
    }

    /// The user object id, if the ticket is genuine, unexpired and for this tenant.
    public func verify(_ ticket: String, tenantId: String) -> String? {
        let parts = ticket.split(separator: ".")
        guard parts.count == 2, let body = Base64URL.decode(parts[0]), let tag = Base64URL.decode(parts[1]),
            HMAC<SHA256>.isValidAuthenticationCode(tag, authenticating: body, using: key)
        else { return nil }
        let fields = String(decoding: body, as: UTF8.self).split(separator: "|").map(String.init)
        guard fields.count == 3, fields[0] == tenantId, let expiry = Int64(fields[2]), clock.now().unixSeconds < expiry else { return nil }
        return fields[1]
    }
}
