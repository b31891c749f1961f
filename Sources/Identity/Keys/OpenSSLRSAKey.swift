import COpenSSL
import Synchronization

/// An RSA private key held by the system's OpenSSL, signing RS256 (RSASSA-PKCS1-v1_5 over SHA-256).
///
/// Token issuance is bounded by this signature, and OpenSSL's RSA code is several times faster than BoringSSL's on
/// current x86-64 (see docs/decisions.md). The digest context is initialised once with the key and copied for
/// each signature, which spares OpenSSL 3's per-call algorithm fetch; copies are pooled between calls.
final class OpenSSLRSAKey: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// An `EVP_MD_CTX` prepared by `EVP_DigestSignInit`; copied for each signature.
    private let template: UnsafeSendablePointer
    private let key: UnsafeSendablePointer
    private let spareContexts = Mutex<[UnsafeSendablePointer]>([])

    init(pem: String) throws {
        let parsed = pem.utf8CString.withUnsafeBufferPointer { text -> OpaquePointer? in
            guard let bio = BIO_new_mem_buf(text.baseAddress, Int32(text.count - 1)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let parsed else { throw Failure(description: "not a PEM private key: \(Self.lastError())") }
        guard EVP_PKEY_get_base_id(parsed) == EVP_PKEY_RSA, let context = EVP_MD_CTX_new() else {
            EVP_PKEY_free(parsed)
            throw Failure(description: "not an RSA private key")
        }
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, parsed) == 1 else {
            EVP_MD_CTX_free(context)
            EVP_PKEY_free(parsed)
            throw Failure(description: "cannot sign with this key: \(Self.lastError())")
        }
        key = UnsafeSendablePointer(parsed)
        template = UnsafeSendablePointer(context)
    }

    deinit {
        for context in spareContexts.withLock({ $0 }) { EVP_MD_CTX_free(context.pointer) }
        EVP_MD_CTX_free(template.pointer)
        EVP_PKEY_free(key.pointer)
    }

    /// The RS256 signature of `message`.
    func sign(_ message: [UInt8]) throws -> [UInt8] {
        let context = try checkOutContext()
        defer { spareContexts.withLock { $0.append(context) } }
        guard EVP_MD_CTX_copy_ex(context.pointer, template.pointer) == 1 else {
            throw Failure(description: "cannot copy the signing context: \(Self.lastError())")
        }
        var length = Int(EVP_PKEY_get_size(key.pointer))
        var signature = [UInt8](repeating: 0, count: length)
        let status = signature.withUnsafeMutableBufferPointer { output in
            message.withUnsafeBufferPointer { input in
                EVP_DigestSign(context.pointer, output.baseAddress, &length, input.baseAddress, input.count)
            }
        }
        guard status == 1 else { throw Failure(description: "RSA signing failed: \(Self.lastError())") }
        signature.removeSubrange(length...)
        return signature
    }

    private func checkOutContext() throws -> UnsafeSendablePointer {
        if let spare = spareContexts.withLock({ $0.popLast() }) { return spare }
        guard let context = EVP_MD_CTX_new() else { throw Failure(description: "out of memory") }
        return UnsafeSendablePointer(context)
    }

    private static func lastError() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(ERR_get_error(), &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An OpenSSL object pointer that is only used under OpenSSL's own thread-safety rules: the key and template are
/// read-only after creation, and each pooled context is used by one caller at a time.
private struct UnsafeSendablePointer: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
}
