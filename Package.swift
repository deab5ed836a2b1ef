// swift-tools-version: 6.0
import PackageDescription

/// `make build` sets PARE_STATIC_BLAS=1 and links the release binary against OpenBLAS's and
/// LAPACKE's static archives, which it names on the command line (see the Makefile): the binary
/// then starts without loading and binding libopenblas and the libblas, liblapack and libtmglib
/// that liblapacke pulls in (about 2.5 ms of each start). Every other build (tests, benchmarks)
/// links the shared libraries found through pkg-config.
let linksBLASStatically = Context.environment["PARE_STATIC_BLAS"] == "1"

let package = Package(
  name: "Pare",
  products: [
    .executable(name: "pare", targets: ["pare"]),
    .library(name: "PareCore", targets: ["PareCore"]),
    .library(name: "PareFormats", targets: ["PareFormats"]),
    .library(name: "PareEngine", targets: ["PareEngine"]),
    .library(name: "PareCompression", targets: ["PareCompression"]),
    .library(name: "PareWorkbench", targets: ["PareWorkbench"]),
    .library(name: "PareTerminal", targets: ["PareTerminal"]),
    .library(name: "PareTUI", targets: ["PareTUI"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
  ],
  targets: [
    // MARK: - System libraries
    .systemLibrary(
      name: "CBLAS", pkgConfig: linksBLASStatically ? nil : "openblas",
      providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
    .systemLibrary(
      name: "CNcurses", pkgConfig: "ncursesw",
      providers: [.apt(["libncursesw5-dev"])]),
    .systemLibrary(name: "CMalloc"),

    // MARK: - C helpers
    .target(name: "CCPUFeatures"),
    // xerbla_ and LAPACKE_xerbla: LAPACK's argument diagnostics recorded, never printed.
    .target(name: "CLAPACKDiagnostics"),

    // MARK: - Library modules (dependencies point left: Core <- Formats <- Engine <- Compression)
    .target(
      name: "PareCore", dependencies: ["CBLAS", "CCPUFeatures", "CLAPACKDiagnostics"],
      linkerSettings: linksBLASStatically ? [] : [.linkedLibrary("lapacke")]),
    .target(name: "PareFormats", dependencies: ["PareCore", .product(name: "Crypto", package: "swift-crypto")]),
    .target(name: "PareEngine", dependencies: ["PareCore", "PareFormats"]),
    .target(name: "PareCompression", dependencies: ["PareCore", "PareFormats"]),
    .target(name: "PareWorkbench", dependencies: ["PareCore", "PareFormats", "PareEngine", "PareCompression"]),
    .target(name: "PareTerminal", dependencies: ["CNcurses"]),
    .target(name: "PareTUI", dependencies: ["PareCore", "PareFormats", "PareCompression", "PareWorkbench", "PareTerminal"]),

    // MARK: - The executable
    .executableTarget(
      name: "pare",
      dependencies: [
        "CMalloc", "PareCore", "PareFormats", "PareEngine", "PareCompression", "PareWorkbench", "PareTerminal", "PareTUI",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: - Unit tests
    .target(name: "PareTestSupport", dependencies: ["PareCore", "PareWorkbench"], path: "Tests/PareTestSupport"),
    .testTarget(name: "PareCoreTests", dependencies: ["PareTestSupport", "PareCore"]),
    .testTarget(name: "PareFormatsTests", dependencies: ["PareFormats", "PareWorkbench"], exclude: ["Fixtures"]),
    .testTarget(name: "PareCompressionTests", dependencies: ["PareTestSupport", "PareCompression"], exclude: ["Fixtures"]),
    .testTarget(name: "PareWorkbenchTests", dependencies: ["PareTestSupport", "PareWorkbench"], exclude: ["Fixtures"]),
    .testTarget(name: "PareTerminalTests", dependencies: ["PareTerminal"]),
    .testTarget(name: "PareTUITests", dependencies: ["PareTestSupport", "PareTUI"], exclude: ["Golden"]),
    .testTarget(
      name: "PareEngineTests", dependencies: ["PareTestSupport", "PareEngine", "PareFormats", "PareWorkbench"],
      exclude: ["Fixtures"]),
  ],
  swiftLanguageModes: [.v6]
)
