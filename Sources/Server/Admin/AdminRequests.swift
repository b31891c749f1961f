import Identity

/// The JSON bodies the admin API accepts; optional members have the defaults of the matching `mtp` options.
enum AdminRequests {
    struct CreateTenant: Decodable {
        let domain: String
        let displayName: String?
    }

    struct CreateApplication: Decodable {
        let displayName: String
        let permissions: [String]?
        let delegatedPermissions: [String]?
        let publicClient: Bool?
        let redirectURIs: [String]?
    }

    struct AddSecret: Decodable {
        /// Days until the secret expires (default 730).
        let days: Int64?
    }

    struct AddCertificate: Decodable {
        /// The certificate as PEM; its private key stays with the caller.
        let pem: String
    }

    struct MergeIncidents: Decodable {
        /// The incidents to merge into the one in the path.
        let incidents: [Int64]
    }

    struct RedirectURIs: Decodable {
        let redirectURIs: [String]
    }

    struct Permissions: Decodable {
        let permissions: [String]
    }

    struct Consent: Decodable {
        let delegatedPermissions: [String]
        /// Consent for this user only (name or object id); absent: for every user (admin consent).
        let user: String?
    }

    struct CreateUser: Decodable {
        /// The part before `@`; the tenant's domain follows.
        let name: String
        let displayName: String?
        /// Generated (and returned once) when absent.
        let password: String?
        let roles: [String]?
    }

    struct Roles: Decodable {
        let roles: [String]
    }
}

/// The answers that are not plain views.
enum AdminResponses {
    struct Secret: Encodable {
        let clientId: String
        let clientSecret: String
    }

    struct CreatedUser: Encodable {
        let username: String
        let password: String
        let objectId: String
    }

    struct Sessions: Encodable {
        let user: UserView
        let revokedSessions: Int
    }
}
