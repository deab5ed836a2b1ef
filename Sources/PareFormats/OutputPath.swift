#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The check every command that writes makes before computing anything: its output must not be
/// one of its own inputs. Compared by file identity (device and inode, symbolic links followed),
/// so another spelling of the path, a link to it or a hard link is caught as well.
public enum OutputPath {
  /// Throws when `output` is the same file as any of `inputs`; outputs not yet written pass.
  public static func refuseOverwriting(_ inputs: [String], with output: String) throws(FileWriteError) {
    guard let target = identity(output) else { return }
    if let input = inputs.first(where: { identity($0) == target }) {
      let same = input == output ? "is" : "is the same file as"
      throw FileWriteError(path: output, reason: "\(same) an input of this command (\(input)); choose another output")
    }
  }

  /// Device and inode of what `path` names (links followed), nil when nothing is there.
  private static func identity(_ path: String) -> [UInt64]? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return [UInt64(info.st_dev), UInt64(info.st_ino)]
  }
}
