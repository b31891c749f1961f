import Crypto
import JWTKit
import OpenMTPModels
public import Store
import Synchronization

/// Who called the API, as proven by a valid access token.
public struct CallerIdentity: Sendable, Equatable {
    public let tenantId: String
    /// The client application.
    public let appId: String
    /// The service principal (application tokens) or the user (delegated tokens).
    public let objectId: String
    public let displayName: String?
    /// Application permissions (`roles`).
    public let roles: Set<String>
    /// Delegated permissions (`scp`).
    public let scopes: Set<String>
    /// The signed-in user's directory role template ids (`wids`), for delegated tokens.
    public let userRoleTemplateIds: [String]
    /// The signed-in user's name, for delegated tokens.
    public let userPrincipalName: String?

    public var isApplication: Bool { scopes.isEmpty }

    /// How the caller is named on what it writes (comments, assignments): the user's UPN, or `API-App:<appId>`
    /// for an application, as Defender names API clients.
    public var actorName: String { userPrincipalName ?? "API-App:\(appId)" }

    /// Whether the caller may exercise any of `permissions`: an application through its roles; a user through a
    /// delegated scope that the user's directory roles also allow (the effective permission is the intersection).
    public func holdsAny(of permissions: [String]) -> Bool {
        if isApplication { return permissions.contains(where: roles.contains) }
        let delegated = permissions.filter(scopes.contains)
        return DirectoryRole.allowAny(of: delegated, templateIds: userRoleTemplateIds)
    }
}

/// Why a bearer token was refused; the API answers every case with 401 and logs the reason.
public struct TokenRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

/// Verifies bearer tokens for the Threat Protection API: signature (key chosen by `kid`), `ver`, issuer for the
/// token's own tenant, audience, lifetime (with clock skew), and that the tenant exists here.
public struct TokenValidator: Sendable {
    let keys: SigningKeys
    let directory: any DirectoryStore
    let clock: IdentityClock
    /// Seconds of clock difference tolerated on `nbf` and `exp`.
    let allowedSkew: Int64 = 300

    /// The API these tokens must be for; its identifiers and app id are the accepted audiences.
    let audience: APIResource
    /// Claims of tokens whose signature already checked out, so a client reusing its token (as every client does
    /// until it expires) costs no RSA verification; every other check still runs on each request.
    let verified = VerifiedTokens()

    public init(
        keys: SigningKeys,
        directory: any DirectoryStore,
        audience: APIResource = ThreatProtectionResource.resource,
        clock: IdentityClock = .system
    ) {
        self.keys = keys
        self.directory = directory
        self.audience = audience
        self.clock = clock
    }

    public func validate(_ token: String) async throws(TokenRejection) -> CallerIdentity {
        let claims: AccessTokenClaims
        if let known = verified.claims(of: token) {
            claims = known
        } else {
            do {
                claims = try await keys.collection.verify(token, as: AccessTokenClaims.self)
            } catch {
                throw TokenRejection(reason: "signature or format: \(error)")
            }
            verified.remember(claims, of: token)
        }
        guard claims.ver == "1.0" else { throw TokenRejection(reason: "unsupported token version \(claims.ver)") }
        guard claims.iss == TokenSettings.v1Issuer(tenantId: claims.tid) else { throw TokenRejection(reason: "issuer \(claims.iss)") }
        guard audience.identifier(matching: claims.aud) != nil else { throw TokenRejection(reason: "audience \(claims.aud)") }
        let now = clock.now().unixSeconds
        guard claims.nbf - allowedSkew <= now else { throw TokenRejection(reason: "not yet valid") }
        guard now < claims.exp + allowedSkew else { throw TokenRejection(reason: "expired") }
        let tenant: TenantRecord?
        do {
            tenant = try await directory.tenant(idOrDomain: claims.tid)
        } catch {
            throw TokenRejection(reason: "directory unavailable: \(error)")
        }
        guard let tenant, tenant.id == claims.tid else { throw TokenRejection(reason: "unknown tenant \(claims.tid)") }
        return CallerIdentity(
            tenantId: claims.tid,
            appId: claims.appid,
            objectId: claims.oid,
            displayName: claims.appDisplayName,
            roles: Set(claims.roles ?? []),
            scopes: Set((claims.scp ?? "").split(separator: " ").map(String.init)),
            userRoleTemplateIds: claims.wids ?? [],
            userPrincipalName: claims.upn
        )
    }
}

/// Verified token claims by the SHA-256 of the whole token text: only the exact bytes whose signature checked out
/// map to claims. Bounded; emptied when full.
final class VerifiedTokens: Sendable {
    private static let capacity = 10_000
    private let entries = Mutex<[SHA256Digest: AccessTokenClaims]>([:])

    func claims(of token: String) -> AccessTokenClaims? {
        let key = SHA256.hash(data: Array(token.utf8))
        return entries.withLock { $0[key] }
    }

    func remember(_ claims: AccessTokenClaims, of token: String) {
        let key = SHA256.hash(data: Array(token.utf8))
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll() }
            entries[key] = claims
        }
    }
}
