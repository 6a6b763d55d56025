// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets for the parsers that read user files. A separate package, so `swift build` and
// `swift test` at the root never build them; `Fuzz/run.sh` builds them with
// `-sanitize=fuzzer,address` into `.build-fuzz` and runs them (see docs/RELIABILITY.md).
let package = Package(
    name: "autorec-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "autorec-swift", path: "..")],
    targets: [
        // MARK: - Fuzz targets (one executable each, with libFuzzer's driver)
        .target(name: "FuzzDriver"),
        .executableTarget(
            name: "FuzzRatingFiles",
            dependencies: ["FuzzDriver", .product(name: "RecData", package: "autorec-swift")]
        ),
        .executableTarget(
            name: "FuzzSafeTensors",
            dependencies: ["FuzzDriver", .product(name: "AutoRec", package: "autorec-swift")]
        ),
        .executableTarget(
            name: "FuzzModelJSON",
            dependencies: ["FuzzDriver", .product(name: "AutoRec", package: "autorec-swift")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
