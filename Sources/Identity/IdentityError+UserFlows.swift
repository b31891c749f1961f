extension IdentityError {
    static func userNotFound(tenant: String) -> IdentityError {
        IdentityError(
            "invalid_grant",
            50034,
            "The user account {EmailHidden} does not exist in the \(tenant) directory. To sign into this application, the account must be added to the directory."
        )
    }

    static let invalidPassword = IdentityError("invalid_grant", 50126, "Error validating credentials due to invalid username or password.")
    static let userDisabled = IdentityError("invalid_grant", 50057, "The user account is disabled.")

    static func consentRequired(appId: String, name: String) -> IdentityError {
        IdentityError(
            "invalid_grant",
            65001,
            "The user or administrator has not consented to use the application with ID '\(appId)' named '\(name)'. Send an interactive "
                + "authorization request for this user and resource.",
            suberror: "consent_required"
        )
    }

    static func unknownScope(_ scope: String, resource: String) -> IdentityError {
        IdentityError(
            "invalid_scope",
            70011,
            "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' isn't valid. "
                + "The scope '\(scope)' does not exist on the resource '\(resource)'."
        )
    }

    static let invalidCode = IdentityError("invalid_grant", 70000, "The provided value for the 'code' parameter is not valid.")
    static let codeRedeemed = IdentityError(
        "invalid_grant",
        54005,
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token."
    )
    static let expiredGrant = IdentityError(
        "invalid_grant",
        70008,
        "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource."
    )
    static let revokedRefreshToken = IdentityError(
        "invalid_grant",
        70008,
        "The refresh token has been revoked or was used after being replaced. Send a new interactive authorization request for this user and resource."
    )
    static let invalidRefreshToken = IdentityError(
        "invalid_grant",
        9_002_313,
        "Invalid request. Request is malformed or invalid. The refresh token is not valid."
    )
    static let codeVerifierMismatch = IdentityError(
        "invalid_grant",
        501481,
        "The Code_Verifier doesn't match the code_challenge supplied in the authorization request."
    )
    static func redirectMismatch(_ uri: String, appId: String) -> IdentityError {
        IdentityError(
            "invalid_request",
            50011,
            "The redirect URI '\(uri)' specified in the request does not match the redirect URIs configured for the application '\(appId)'."
        )
    }
    static let grantForAnotherClient = IdentityError("invalid_grant", 70000, "The provided grant was issued to another client.")

    static let authorizationPending = IdentityError(
        "authorization_pending",
        70016,
        "OAuth 2.0 device flow error. Authorization is pending. Continue polling."
    )
    static let deviceCodeExpired = IdentityError("expired_token", 70019, "Verification code expired.")
    static let deviceCodeDeclined = IdentityError("authorization_declined", 70017, "The user declined the authorization request.")
    static let badVerificationCode = IdentityError("bad_verification_code", 70000, "The device code is not valid.")

    static func assertion(_ code: Int, _ message: String) -> IdentityError {
        IdentityError("invalid_client", code, message, status: 401)
    }

    static func ropcOnMultiTenant() -> IdentityError {
        IdentityError(
            "invalid_request",
            9_001_023,
            "The grant type isn't supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint."
        )
    }
}
