#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The temporaries Pare writes beside its outputs carry the writer's process id in their names:
/// `NAME.pare-tmp-PID-XXXXXX` (`AtomicFile`) and `.pare-staging-PID-XXXXXX` (`ModelExport`'s
/// staging directory). A process killed while writing (kill -9) cannot remove its own; the next
/// write into the same directory removes those whose process no longer exists.
public enum StaleTemporaries {
  /// What follows the destination's name in an `AtomicFile` temporary, before the pid.
  public static let fileMarker = ".pare-tmp-"
  /// How a staging directory's name starts, before the pid.
  public static let directoryPrefix = ".pare-staging-"

  /// The process's file-creation mask (read by setting it and putting it back).
  static var creationMask: mode_t {
    let mask = umask(0o022)
    umask(mask)
    return mask
  }

  /// Removes, in `directory`, the temporaries of processes that have exited.
  public static func remove(in directory: String) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
    for name in names {
      guard let pid = writer(of: name), kill(pid, 0) != 0 && errno == ESRCH else { continue }
      try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: directory).appendingPathComponent(name).path)
    }
  }

  /// The process id in a temporary's name, nil for any other name.
  static func writer(of name: String) -> pid_t? {
    let rest: Substring
    if name.hasPrefix(directoryPrefix) {
      rest = name.dropFirst(directoryPrefix.count)
    } else if let marker = name.range(of: fileMarker, options: .backwards) {
      rest = name[marker.upperBound...]
    } else {
      return nil
    }
    // The pid, then "-" and mkstemp's suffix (or nothing: the names of earlier versions).
    let digits = rest.prefix { $0.isASCII && $0.isNumber }
    guard !digits.isEmpty, digits.count == rest.count || rest.dropFirst(digits.count).first == "-" else { return nil }
    return pid_t(digits)
  }
}
