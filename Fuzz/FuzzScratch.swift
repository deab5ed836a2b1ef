// Shared by every fuzz target (compiled into each by run.sh).

#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A path for this fuzzing process's files: `NAME-PID` inside the directory run.sh creates (and
/// removes), so parallel fuzzers never share one; with `isDirectory`, the directory is created.
func fuzzScratchPath(_ name: String, isDirectory: Bool = false) -> String {
  let directory = getenv("PARE_FUZZ_SCRATCH").map { String(cString: $0) } ?? "/tmp"
  let path = "\(directory)/\(name)-\(getpid())"
  if isDirectory { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
  return path
}
