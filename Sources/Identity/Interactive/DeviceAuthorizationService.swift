import Foundation
import OpenMTPModels
public import Store

/// The device authorization endpoint's answer (RFC 8628, Entra's field names).
public struct DeviceCodeResponse: Codable, Sendable, Equatable {
    public let userCode: String
    public let deviceCode: String
    public let verificationURI: String
    public let expiresIn: Int
    public let interval: Int
    public let message: String

    enum CodingKeys: String, CodingKey {
        case userCode = "user_code"
        case deviceCode = "device_code"
        case verificationURI = "verification_uri"
        case expiresIn = "expires_in"
        case interval, message
    }
}

/// The device code flow: start a request for a client, then let a user approve it on the verification page.
public struct DeviceAuthorizationService: Sendable {
    let directory: any DirectoryStore
    let grants: any GrantStore
    let clock: IdentityClock
    /// Seconds a device code is valid (Entra: 15 minutes).
    public var lifetime: Int64 = 900
    /// Seconds clients should wait between polls.
    public var interval: Int = 5

    public init(directory: any DirectoryStore, grants: any GrantStore, clock: IdentityClock = .system) {
        self.directory = directory
        self.grants = grants
        self.clock = clock
    }

    /// `POST /{tenant}/oauth2/v2.0/devicecode` with `client_id` and `scope` (v1: `resource`).
    public func start(
        tenantName: String,
        version: TokenEndpointVersion,
        parameters: [String: String],
        verificationURI: String
    ) async throws
        -> DeviceCodeResponse
    {
        func required(_ name: String) throws(IdentityError) -> String {
            guard let value = parameters[name], !value.isEmpty else { throw IdentityError.missingParameter(name) }
            return value
        }
        let clientId = try required("client_id")
        let scopes = version == .v1 ? try ScopeRequest.v1(resource: try required("resource")) : try ScopeRequest.v2(try required("scope"))
        let application: ApplicationRecord
        if TenantName.isMultiTenant(tenantName) {
            guard let found = try await directory.application(appId: clientId) else {
                throw IdentityError.applicationNotFound(clientId, tenant: tenantName)
            }
            application = found
        } else {
            guard let tenant = try await directory.tenant(idOrDomain: tenantName) else { throw IdentityError.tenantNotFound(tenantName) }
            guard let found = try await directory.application(tenantId: tenant.id, appId: clientId) else {
                throw IdentityError.applicationNotFound(clientId, tenant: tenant.id)
            }
            application = found
        }
        let deviceCode = "DAQABAAEAAA" + Base64URL.encode(SecureRandom.bytes(48))
        let userCode = Self.userCode()
        try await grants.insertDeviceCode(
            DeviceCodeRecord(
                deviceCodeHash: TokenService.hash(deviceCode),
                userCode: userCode,
                tenantId: application.tenantId,
                clientId: clientId,
                resource: scopes.resource.audience(for: scopes.identifier),
                scopes: scopes.scopes.isEmpty ? [] : scopes.scopes,
                openIDScopes: scopes.openID,
                status: .pending,
                userObjectId: nil,
                expiresAt: clock.now().adding(seconds: lifetime)
            )
        )
        return DeviceCodeResponse(
            userCode: userCode,
            deviceCode: deviceCode,
            verificationURI: verificationURI,
            expiresIn: Int(lifetime),
            interval: interval,
            message: "To sign in, use a web browser to open the page \(verificationURI) and enter the code \(userCode) to authenticate."
        )
    }

    /// The pending request behind a code a user typed (case and spaces ignored).
    public func pending(userCode: String) async throws -> DeviceCodeRecord {
        let normalized = userCode.uppercased().filter { $0.isLetter || $0.isNumber }
        guard let record = try await grants.deviceCode(userCode: normalized), record.status == .pending else {
            throw IdentityError("invalid_request", 70000, "The code you entered is not valid. Check the code and try again.")
        }
        guard clock.now() < record.expiresAt else { throw IdentityError.deviceCodeExpired }
        return record
    }

    /// The request's scopes as a ``ScopeRequest`` for consent checks.
    public func scopeRequest(of record: DeviceCodeRecord) throws -> ScopeRequest {
        guard let named = APIResource.named(record.resource) else { throw IdentityError.resourceNotFound(record.resource, tenant: record.tenantId) }
        return ScopeRequest(resource: named.resource, identifier: named.identifier, scopes: record.scopes, openID: record.openIDScopes)
    }

    /// Approves the request for `user`, granting the consented scopes; `missing` lists scopes still lacking consent.
    public func approve(_ record: DeviceCodeRecord, user: UserRecord) async throws -> [String] {
        guard user.tenantId == record.tenantId else { throw IdentityError.userNotFound(tenant: record.tenantId) }
        let request = try scopeRequest(of: record)
        let consent = try await DelegatedConsent(directory: directory).evaluate(
            request,
            tenantId: record.tenantId,
            clientAppId: record.clientId,
            userObjectId: user.objectId
        )
        guard consent.missing.isEmpty else { return consent.missing }
        guard !consent.granted.isEmpty else {
            guard let application = try await directory.application(tenantId: record.tenantId, appId: record.clientId) else {
                throw IdentityError.applicationNotFound(record.clientId, tenant: record.tenantId)
            }
            throw IdentityError.consentRequired(appId: application.appId, name: application.displayName)
        }
        var approved = record
        approved.status = .approved
        approved.userObjectId = user.objectId
        approved.scopes = consent.granted
        try await grants.updateDeviceCode(approved)
        return []
    }

    /// The user turned the request down; the device's next poll gets `authorization_declined`.
    public func decline(_ record: DeviceCodeRecord) async throws {
        var declined = record
        declined.status = .declined
        try await grants.updateDeviceCode(declined)
    }

    /// Records the user's own consent to the request's scopes.
    public func consent(_ record: DeviceCodeRecord, user: UserRecord) async throws {
        try await directory.saveDelegatedGrant(
            DelegatedGrantRecord(
                tenantId: record.tenantId,
                clientAppId: record.clientId,
                resourceAppId: try scopeRequest(of: record).resource.appId,
                principalId: user.objectId,
                scopes: record.scopes,
                createdAt: clock.now()
            )
        )
    }

    /// Nine characters from an alphabet without look-alikes, e.g. `HKQ2R3TBW`.
    static func userCode() -> String {
        let alphabet = Array("BCDFGHJKLMNPQRSTVWXZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<9).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
    }
}
