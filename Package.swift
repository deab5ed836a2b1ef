// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "Pare",
  products: [
    .executable(name: "pare", targets: ["pare"]),
    .library(name: "PareCore", targets: ["PareCore"]),
    .library(name: "PareFormats", targets: ["PareFormats"]),
    .library(name: "PareEngine", targets: ["PareEngine"]),
    .library(name: "PareCompression", targets: ["PareCompression"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
  ],
  targets: [
    // MARK: - System libraries
    .systemLibrary(
      name: "CBLAS", pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
    .systemLibrary(
      name: "CNcurses", pkgConfig: "ncursesw",
      providers: [.apt(["libncursesw5-dev"])]),

    // MARK: - Library modules (dependencies point left: Core <- Formats <- Engine <- Compression)
    .target(name: "PareCore", dependencies: ["CBLAS"]),
    .target(name: "PareFormats", dependencies: ["PareCore", .product(name: "Crypto", package: "swift-crypto")]),
    .target(name: "PareEngine", dependencies: ["PareCore", "PareFormats"]),
    .target(name: "PareCompression", dependencies: ["PareCore", "PareFormats", "PareEngine"]),

    // MARK: - The executable
    .executableTarget(
      name: "pare",
      dependencies: [
        "PareCore", "PareFormats", "PareEngine", "PareCompression",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: - Unit tests
    .testTarget(name: "PareCoreTests", dependencies: ["PareCore"]),
    .testTarget(name: "PareFormatsTests", dependencies: ["PareFormats"]),
    .testTarget(name: "PareCompressionTests", dependencies: ["PareCompression"]),
    .testTarget(
      name: "PareEngineTests", dependencies: ["PareEngine", "PareFormats"],
      exclude: ["Fixtures"]),
  ],
  swiftLanguageModes: [.v6]
)
