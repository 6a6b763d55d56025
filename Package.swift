// swift-tools-version:6.1
import Foundation
import PackageDescription

/// The numeric targets are compiled for the build host's vector units when it is an x86-64 Linux
/// machine with AVX2 and FMA (`-target-cpu haswell`: 256-bit SIMD, about twice the GEMM speed of
/// the SSE2 baseline; results are the same, no fused multiply-adds are introduced). A binary built
/// so needs such a CPU: set `AUTOREC_PORTABLE=1` when building for other machines.
let vectorSettings: [SwiftSetting] = {
    #if arch(x86_64) && os(Linux)
    let portable = ProcessInfo.processInfo.environment["AUTOREC_PORTABLE"].map { !$0.isEmpty && $0 != "0" } ?? false
    let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
        .split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ") ?? []
    if !portable && flags.contains("avx2") && flags.contains("fma") {
        return [.unsafeFlags(["-target-cpu", "haswell"])]
    }
    #endif
    return []
}()

let package = Package(
    name: "autorec-swift",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "RecMath", targets: ["RecMath"]),
        .library(name: "RecData", targets: ["RecData"]),
        .library(name: "AutoRec", targets: ["AutoRec"]),
        .executable(name: "autorec", targets: ["autorec"]),
        .executable(name: "autorec-bench", targets: ["autorec-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", exact: "1.1.1"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", exact: "1.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
    ],
    targets: [
        // MARK: - Libraries
        .target(
            name: "RecMath",
            dependencies: [.product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: vectorSettings
        ),
        .target(
            name: "RecData",
            dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: vectorSettings
        ),
        .target(
            name: "AutoRec",
            dependencies: [
                "RecMath", "RecData",
                .product(name: "RealModule", package: "swift-numerics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: vectorSettings
        ),

        .target(
            name: "AutoRecServer",
            dependencies: [
                "AutoRec", "RecData",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources")]
        ),

        // MARK: - Executables
        .executableTarget(
            name: "autorec",
            dependencies: [
                "AutoRec", "RecData", "RecMath", "AutoRecServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: vectorSettings
        ),
        .executableTarget(
            name: "autorec-bench",
            dependencies: [
                "AutoRec", "RecData", "RecMath",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: vectorSettings
        ),

        // MARK: - Tests
        .target(
            name: "RecTestSupport",
            dependencies: ["RecMath", "RecData", .product(name: "RealModule", package: "swift-numerics")],
            path: "Sources/RecTestSupport"
        ),
        .testTarget(name: "RecMathTests", dependencies: ["RecMath", "RecTestSupport"]),
        .testTarget(
            name: "RecDataTests",
            dependencies: ["RecData", "RecMath", "RecTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "AutoRecTests",
            dependencies: ["AutoRec", "RecData", "RecMath", "RecTestSupport",
                           .product(name: "RealModule", package: "swift-numerics")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "AutoRecServerTests",
            dependencies: ["AutoRecServer", "AutoRec", "RecData", "RecTestSupport",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "AutoRecCLITests",
            dependencies: ["autorec", "AutoRec", "AutoRecServer", "RecData", "RecTestSupport",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
