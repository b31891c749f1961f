public import Store

/// Checks a user's name and password in a tenant, with Entra's answers: unknown account (50034), wrong password
/// (50126), disabled account (50057, told only after the password matched).
public struct UserAuthenticator: Sendable {
    let directory: any DirectoryStore

    public init(directory: any DirectoryStore) {
        self.directory = directory
    }

    public func authenticate(tenant: TenantRecord, username: String, password: String) async throws -> UserRecord {
        guard let user = try await directory.user(tenantId: tenant.id, userPrincipalName: username) else {
            throw IdentityError.userNotFound(tenant: tenant.domain)
        }
        guard try await SlowHash.verify(password, salt: user.passwordSalt, hash: user.passwordHash, rounds: user.passwordRounds) else {
            throw IdentityError.invalidPassword
        }
        guard user.enabled else { throw IdentityError.userDisabled }
        return user
    }
}
