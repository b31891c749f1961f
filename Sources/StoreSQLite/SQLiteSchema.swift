import GRDB
import OpenMTPModels

/// The schema of the embedded database, as an ordered list of migrations.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-directory") { db in
            try db.execute(
                sql: """
                    CREATE TABLE tenant (
                        id TEXT PRIMARY KEY NOT NULL,
                        domain TEXT NOT NULL UNIQUE COLLATE NOCASE,
                        display_name TEXT NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE TABLE application (
                        app_id TEXT PRIMARY KEY NOT NULL,
                        tenant_id TEXT NOT NULL REFERENCES tenant(id),
                        object_id TEXT NOT NULL UNIQUE,
                        service_principal_id TEXT NOT NULL UNIQUE,
                        display_name TEXT NOT NULL,
                        is_public_client INTEGER NOT NULL,
                        redirect_uris TEXT NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX application_tenant ON application(tenant_id);
                    CREATE TABLE client_secret (
                        key_id TEXT PRIMARY KEY NOT NULL,
                        app_id TEXT NOT NULL REFERENCES application(app_id),
                        hint TEXT NOT NULL,
                        salt BLOB NOT NULL,
                        hash BLOB NOT NULL,
                        rounds INTEGER NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL
                    );
                    CREATE INDEX client_secret_app ON client_secret(app_id);
                    CREATE TABLE app_role_assignment (
                        tenant_id TEXT NOT NULL REFERENCES tenant(id),
                        principal_id TEXT NOT NULL,
                        resource_app_id TEXT NOT NULL,
                        app_role_id TEXT NOT NULL,
                        value TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        PRIMARY KEY (principal_id, resource_app_id, app_role_id)
                    );
                    CREATE TABLE user (
                        object_id TEXT PRIMARY KEY NOT NULL,
                        tenant_id TEXT NOT NULL REFERENCES tenant(id),
                        user_principal_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                        display_name TEXT NOT NULL,
                        password_salt BLOB NOT NULL,
                        password_hash BLOB NOT NULL,
                        password_rounds INTEGER NOT NULL,
                        roles TEXT NOT NULL,
                        enabled INTEGER NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE TABLE client_certificate (
                        key_id TEXT PRIMARY KEY NOT NULL,
                        app_id TEXT NOT NULL REFERENCES application(app_id),
                        thumbprint_sha1 TEXT NOT NULL,
                        thumbprint_sha256 TEXT NOT NULL,
                        certificate_der BLOB NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL
                    );
                    CREATE INDEX client_certificate_app ON client_certificate(app_id);
                    CREATE TABLE delegated_grant (
                        tenant_id TEXT NOT NULL REFERENCES tenant(id),
                        client_app_id TEXT NOT NULL,
                        resource_app_id TEXT NOT NULL,
                        principal_id TEXT NOT NULL,
                        scopes TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        PRIMARY KEY (client_app_id, resource_app_id, principal_id)
                    );
                    CREATE TABLE signing_key (
                        key_id TEXT PRIMARY KEY NOT NULL,
                        private_key_pem TEXT NOT NULL,
                        certificate_der BLOB NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("v1-grants") { db in
            try db.execute(
                sql: """
                    CREATE TABLE authorization_code (
                        code_hash TEXT PRIMARY KEY NOT NULL,
                        record TEXT NOT NULL,
                        expires_at INTEGER NOT NULL
                    );
                    CREATE TABLE device_code (
                        device_code_hash TEXT PRIMARY KEY NOT NULL,
                        user_code TEXT NOT NULL UNIQUE,
                        record TEXT NOT NULL,
                        expires_at INTEGER NOT NULL
                    );
                    CREATE TABLE refresh_token (
                        token_hash TEXT PRIMARY KEY NOT NULL,
                        family_id TEXT NOT NULL,
                        tenant_id TEXT NOT NULL,
                        user_object_id TEXT NOT NULL,
                        status TEXT NOT NULL,
                        record TEXT NOT NULL,
                        expires_at INTEGER NOT NULL
                    );
                    CREATE INDEX refresh_token_family ON refresh_token(family_id);
                    CREATE INDEX refresh_token_user ON refresh_token(tenant_id, user_object_id);
                    """
            )
        }
        migrator.registerMigration("v1-defender") { db in
            try db.execute(
                sql: """
                    CREATE TABLE incident (
                        tenant_id TEXT NOT NULL REFERENCES tenant(id),
                        incident_id INTEGER NOT NULL,
                        created_time INTEGER NOT NULL,
                        last_update_time INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        assigned_to TEXT,
                        body TEXT NOT NULL,
                        PRIMARY KEY (tenant_id, incident_id)
                    );
                    CREATE INDEX incident_recent ON incident(tenant_id, last_update_time DESC, incident_id DESC);
                    CREATE TABLE hunting_event (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        tenant_id TEXT NOT NULL REFERENCES tenant(id),
                        table_name TEXT NOT NULL,
                        record TEXT NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("v2-hunting-segments") { db in
            // Hunting data moves from one JSON record a row to column segments; records of the pre-release format are
            // not carried over.
            try db.execute(
                sql: """
                    DROP TABLE hunting_event;
                    CREATE TABLE hunting_segment (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        tenant_id TEXT NOT NULL REFERENCES tenant(id),
                        table_name TEXT NOT NULL,
                        row_count INTEGER NOT NULL,
                        data BLOB NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("v3-incident-wire-bodies") { db in
            // Incident bodies become the API's own JSON (portal link set, keys sorted) so lists are served as stored.
            let rows = try Row.fetchAll(db, sql: "SELECT tenant_id, incident_id, body FROM incident")
            for row in rows {
                let incident = try JSONText.decode(Incident.self, row["body"])
                try db.execute(
                    sql: "UPDATE incident SET body = ? WHERE tenant_id = ? AND incident_id = ?",
                    arguments: [try incident.linked(tenantId: row["tenant_id"]).wireJSON(), row["tenant_id"], row["incident_id"]]
                )
            }
        }
        return migrator
    }
}
