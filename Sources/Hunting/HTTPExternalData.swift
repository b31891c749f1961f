import Dispatch
public import Foundation
public import KQL

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Reads `externaldata` sources over HTTP(S), bounded in time and size; an unreachable network is a clear error.
/// With a mirror folder, `https://host/a/b.csv` is read from `<mirror>/host/a/b.csv` when that file exists, and
/// `https://host/a/` from `<mirror>/host/a/index.html` (the layout `wget --mirror` writes), so queries with
/// threat-intelligence lists run on machines without internet.
public struct HTTPExternalData: ExternalDataFetcher {
    public var mirror: URL?
    var timeout: TimeInterval = 30
    var maxBytes = 64 << 20

    public init(mirror: URL? = nil) {
        self.mirror = mirror
    }

    public func fetch(_ uri: String) throws(ExternalDataError) -> String {
        guard let url = URL(string: uri), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http" else {
            throw ExternalDataError("only http and https URIs can be read")
        }
        if let mirror, let host = url.host {
            // `..` in a URI must not reach files outside the mirror.
            let root = mirror.standardizedFileURL.path + "/"
            // `path(percentEncoded:)` keeps a trailing slash, which `path` drops.
            let uriPath = url.path(percentEncoded: false)
            let path = uriPath.isEmpty || uriPath.hasSuffix("/") ? uriPath + "index.html" : uriPath
            let copy = mirror.appendingPathComponent(host).appendingPathComponent(path).standardizedFileURL
            if copy.path.hasPrefix(root), let data = FileManager.default.contents(atPath: copy.path) {
                guard data.count <= maxBytes else { throw ExternalDataError("the mirrored copy is larger than \(maxBytes >> 20) MB") }
                return String(decoding: data, as: UTF8.self)
            }
        }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "GET"
        let done = DispatchSemaphore(value: 0)
        let outcome = OutcomeBox()
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            outcome.set(data: data, status: (response as? HTTPURLResponse)?.statusCode, error: error)
            done.signal()
        }
        task.resume()
        done.wait()
        let (data, status, error) = outcome.get()
        if let error { throw ExternalDataError("the network request failed (\(error.localizedDescription))") }
        guard let status, (200..<300).contains(status) else { throw ExternalDataError("the server answered HTTP \(status ?? 0)") }
        guard let data, data.count <= maxBytes else { throw ExternalDataError("the source is larger than \(maxBytes >> 20) MB") }
        return String(decoding: data, as: UTF8.self)
    }

    /// The completion handler's results, handed from URLSession's queue to the waiting thread.
    private final class OutcomeBox: @unchecked Sendable {
        private let lock = NSLock()
        private var value: (Data?, Int?, (any Error)?) = (nil, nil, nil)

        func set(data: Data?, status: Int?, error: (any Error)?) {
            lock.withLock { value = (data, status, error) }
        }

        func get() -> (Data?, Int?, (any Error)?) {
            lock.withLock { value }
        }
    }
}
