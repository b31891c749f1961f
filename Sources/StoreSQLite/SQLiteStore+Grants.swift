import Foundation
import GRDB
public import OpenMTPModels
public import Store

extension SQLiteStore: GrantStore {
    public func insertAuthorizationCode(_ code: AuthorizationCodeRecord) async throws {
        let record = try JSONText.encode(code)
        try await write(duplicateOf: "authorization code") { db in
            try db.execute(
                sql: "INSERT INTO authorization_code (code_hash, record, expires_at) VALUES (?, ?, ?)",
                arguments: [code.codeHash, record, code.expiresAt.ticks]
            )
        }
    }

    public func redeemAuthorizationCode(hash: String, at time: Timestamp) async throws -> AuthorizationCodeRecord? {
        let text: String? = try await database.write { db in
            guard let text = try String.fetchOne(db, sql: "SELECT record FROM authorization_code WHERE code_hash = ?", arguments: [hash]) else {
                return nil
            }
            var record = try JSONText.decode(AuthorizationCodeRecord.self, text)
            if record.redeemedAt == nil {
                record.redeemedAt = time
                try db.execute(sql: "UPDATE authorization_code SET record = ? WHERE code_hash = ?", arguments: [try JSONText.encode(record), hash])
            }
            return text
        }
        return try text.map { try JSONText.decode(AuthorizationCodeRecord.self, $0) }
    }

    public func insertDeviceCode(_ code: DeviceCodeRecord) async throws {
        let record = try JSONText.encode(code)
        try await write(duplicateOf: "device code") { db in
            try db.execute(
                sql: "INSERT INTO device_code (device_code_hash, user_code, record, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [code.deviceCodeHash, code.userCode, record, code.expiresAt.ticks]
            )
        }
    }

    public func deviceCode(hash: String) async throws -> DeviceCodeRecord? {
        try await deviceCode(where: "device_code_hash = ?", hash)
    }

    public func deviceCode(userCode: String) async throws -> DeviceCodeRecord? {
        try await deviceCode(where: "user_code = ?", userCode)
    }

    private func deviceCode(where condition: String, _ value: String) async throws -> DeviceCodeRecord? {
        let text = try await database.read { db in
            try String.fetchOne(db, sql: "SELECT record FROM device_code WHERE \(condition)", arguments: [value])
        }
        return try text.map { try JSONText.decode(DeviceCodeRecord.self, $0) }
    }

    public func updateDeviceCode(_ code: DeviceCodeRecord) async throws {
        let record = try JSONText.encode(code)
        try await database.write { db in
            try db.execute(sql: "UPDATE device_code SET record = ? WHERE device_code_hash = ?", arguments: [record, code.deviceCodeHash])
        }
    }

    public func insertRefreshToken(_ token: RefreshTokenRecord) async throws {
        let record = try JSONText.encode(token)
        try await write(duplicateOf: "refresh token") { db in
            try db.execute(
                sql: """
                    INSERT INTO refresh_token (token_hash, family_id, tenant_id, user_object_id, status, record, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    token.tokenHash, token.familyId, token.session.tenantId, token.session.userObjectId, token.status.rawValue, record,
                    token.expiresAt.ticks,
                ]
            )
        }
    }

    public func refreshToken(hash: String) async throws -> RefreshTokenRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT status, record FROM refresh_token WHERE token_hash = ?", arguments: [hash]).map { row in
                var record = try JSONText.decode(RefreshTokenRecord.self, row["record"])
                record.status = RefreshTokenRecord.Status(rawValue: row["status"]) ?? .revoked
                return record
            }
        }
    }

    public func setRefreshTokenStatus(_ status: RefreshTokenRecord.Status, hash: String, family: Bool) async throws {
        try await database.write { db in
            if family {
                try db.execute(
                    sql: "UPDATE refresh_token SET status = ? WHERE family_id = (SELECT family_id FROM refresh_token WHERE token_hash = ?)",
                    arguments: [status.rawValue, hash]
                )
            } else {
                try db.execute(sql: "UPDATE refresh_token SET status = ? WHERE token_hash = ?", arguments: [status.rawValue, hash])
            }
        }
    }

    public func revokeRefreshTokens(tenantId: String, userObjectId: String) async throws -> Int {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE refresh_token SET status = 'revoked' WHERE tenant_id = ? AND user_object_id = ? AND status = 'active'",
                arguments: [tenantId, userObjectId]
            )
            return db.changesCount
        }
    }
}
