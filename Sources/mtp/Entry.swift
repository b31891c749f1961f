import ArgumentParser
import NIOCore
import NIOPosix

@main
enum Entry {
    static func main() async {
        // Async code runs on NIO's event loops instead of a separate thread pool, so a request is not handed
        // between threads on its way through the server (docs/decisions.md, "One pool of threads").
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await MTP.main()
    }
}
