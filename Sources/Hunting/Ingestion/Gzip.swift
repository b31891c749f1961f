import Foundation
import KQL

/// Gzip-compressed imports (Streaming API storage blobs are often shipped gzipped).
enum Gzip {
    static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// The decompressed bytes; nil when the data is not valid gzip or would exceed `limit` bytes.
    static func decompress(_ data: Data, limit: Int) -> Data? {
        Zlib.inflate([UInt8](data), .gzip, limit: limit).map { Data($0) }
    }
}
