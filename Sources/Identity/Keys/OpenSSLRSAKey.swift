import COpenSSL
import Crypto
import Synchronization

#if canImport(Glibc)
import Glibc
private func currentThread() -> UInt { UInt(pthread_self()) }
#else
import Darwin
private func currentThread() -> UInt { UInt(bitPattern: pthread_self()) }
#endif

/// An RSA private key held by the system's OpenSSL, signing RS256 (RSASSA-PKCS1-v1_5 over SHA-256).
///
/// Token issuance is bounded by this signature, and OpenSSL's RSA code is several times faster than BoringSSL's on
/// current x86-64 (see docs/decisions.md). The message is hashed with swift-crypto and the digest signed by
/// `EVP_PKEY_sign`, as `openssl speed` does. Each thread that signs gets its own copy of the key with a prepared
/// context (padding, digest): OpenSSL's RSA blinding state belongs to the thread that created it, and a key shared
/// between threads takes a lock and a slower blinding path on every signature for all but one of them.
final class OpenSSLRSAKey: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let pem: String
    private let signatureSize: Int
    /// Signing contexts by thread; a context is only used by its thread, and signing never suspends.
    private let threadContexts = Mutex<[UInt: UnsafeSendablePointer]>([:])

    init(pem: String) throws {
        self.pem = pem
        // A key that cannot sign fails here rather than at the first token request.
        let first = try Self.makeContext(pem)
        signatureSize = Int(EVP_PKEY_get_size(EVP_PKEY_CTX_get0_pkey(first.pointer)))
        threadContexts.withLock { $0[currentThread()] = first }
    }

    deinit {
        for context in threadContexts.withLock({ $0.values }) {
            EVP_PKEY_CTX_free(context.pointer)
        }
    }

    /// The RS256 signature of `message`.
    func sign(_ message: [UInt8]) throws -> [UInt8] {
        let thread = currentThread()
        let context: UnsafeSendablePointer
        if let existing = threadContexts.withLock({ $0[thread] }) {
            context = existing
        } else {
            context = try Self.makeContext(pem)
            threadContexts.withLock { $0[thread] = context }
        }
        let digest = Array(SHA256.hash(data: message))
        var length = signatureSize
        var signature = [UInt8](repeating: 0, count: length)
        let status = signature.withUnsafeMutableBufferPointer { output in
            EVP_PKEY_sign(context.pointer, output.baseAddress, &length, digest, digest.count)
        }
        guard status == 1 else { throw Failure(description: "RSA signing failed: \(Self.lastError())") }
        signature.removeSubrange(length...)
        return signature
    }

    /// A signing context for this key with PKCS #1 v1.5 padding over SHA-256 digests.
    private static func makeContext(_ pem: String) throws -> UnsafeSendablePointer {
        let parsed = pem.utf8CString.withUnsafeBufferPointer { text -> OpaquePointer? in
            guard let bio = BIO_new_mem_buf(text.baseAddress, Int32(text.count - 1)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let parsed else { throw Failure(description: "not a PEM private key: \(Self.lastError())") }
        defer { EVP_PKEY_free(parsed) }
        guard EVP_PKEY_get_base_id(parsed) == EVP_PKEY_RSA else { throw Failure(description: "not an RSA private key") }
        guard let context = EVP_PKEY_CTX_new(parsed, nil) else { throw Failure(description: "out of memory") }
        guard EVP_PKEY_sign_init(context) == 1, EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1,
            EVP_PKEY_CTX_set_signature_md(context, EVP_sha256()) == 1
        else {
            EVP_PKEY_CTX_free(context)
            throw Failure(description: "cannot prepare RSA signing: \(Self.lastError())")
        }
        return UnsafeSendablePointer(context)
    }

    private static func lastError() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(ERR_get_error(), &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An OpenSSL signing context that only the thread it belongs to uses.
private struct UnsafeSendablePointer: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
}
