// swift-tools-version:6.2
import PackageDescription

/// One set of strict settings for every target of ours (design.md, convention 1).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "OpenMTP",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mtp", targets: ["mtp"]),
        .executable(name: "openmtp-bench", targets: ["openmtp-bench"]),
        .library(name: "OpenMTPModels", targets: ["OpenMTPModels"]),
        .library(name: "KQL", targets: ["KQL"]),
        .library(name: "Server", targets: ["Server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .target(name: "KustoTime", swiftSettings: strictSettings),
        // The system's libcrypto (OpenSSL 3), for RSA token signatures: see Sources/COpenSSL/shim.h.
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // The system's zlib, for gzip-compressed hunting imports.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "OpenMTPModels", dependencies: ["KustoTime"], swiftSettings: strictSettings),
        .target(
            name: "KQL",
            dependencies: [
                "KustoTime", "CZlib", .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(name: "Store", dependencies: ["OpenMTPModels"], swiftSettings: strictSettings),
        .target(
            name: "StoreSQLite",
            dependencies: ["Store", "OpenMTPModels", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Hunting",
            dependencies: ["KQL", "Store", "OpenMTPModels"],
            resources: [.copy("Resources/advanced-hunting-schema.json")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Identity",
            dependencies: [
                "Store", "OpenMTPModels", "COpenSSL",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSettings
        ),
        .target(name: "Defender", dependencies: ["Hunting", "Store", "OpenMTPModels"], swiftSettings: strictSettings),
        .target(
            name: "Server",
            dependencies: [
                "Identity", "Defender", "Hunting", "KQL", "Store", "StoreSQLite", "OpenMTPModels",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources/openapi.json")],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "mtp",
            dependencies: [
                "Server", "Identity", "StoreSQLite", "Store", "Hunting", "KQL", "Defender",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "openmtp-bench",
            dependencies: ["KQL", "Hunting", "Store", "StoreSQLite", "OpenMTPModels"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "Server", "Identity", "Store", "StoreSQLite", "OpenMTPModels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "CLITests", dependencies: ["mtp", "Server", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "HuntingTests", dependencies: ["Hunting", "Defender", "KQL", "Store", "OpenMTPModels"], swiftSettings: strictSettings),
        .testTarget(name: "StoreTests", dependencies: ["Store", "StoreSQLite", "OpenMTPModels"], swiftSettings: strictSettings),
        .testTarget(name: "KQLTests", dependencies: ["KQL", "KustoTime", "Hunting"], resources: [.copy("Resources")], swiftSettings: strictSettings),
        .testTarget(
            name: "IdentityTests",
            dependencies: ["Identity", "Store", "OpenMTPModels", "TestSupport", .product(name: "JWTKit", package: "jwt-kit")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "TestSupport", "Identity", "Store", "StoreSQLite", "OpenMTPModels", "Hunting", "Defender",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
