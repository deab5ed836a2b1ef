#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file, unmapped when the last reference goes.
///
/// Mapping (rather than reading) lets a model open instantly and pages in only the tensors that
/// are looked at.
final class MappedFile: @unchecked Sendable {
  // Immutable after init and read-only memory: safe to share across threads.
  let bytes: UnsafeRawBufferPointer

  /// Maps `path`; throws `.unreadable` with the system's reason when it cannot.
  init(path: String) throws(SafetensorsError) {
    let fd: Int32
    do { fd = try InputFile.openRegular(path) } catch { throw SafetensorsError(file: path, .unreadable(error.reason)) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw SafetensorsError(file: path, .unreadable(Self.systemError())) }
    let size = Int(info.st_size)
    guard size > 0 else {
      bytes = UnsafeRawBufferPointer(start: nil, count: 0)
      return
    }
    guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
      throw SafetensorsError(file: path, .unreadable(Self.systemError()))
    }
    bytes = UnsafeRawBufferPointer(start: address, count: size)
  }

  /// Reads the pages behind `range` in now, with one system call, for bytes about to be read
  /// whole, instead of a page fault every few pages as the reader walks them (about 140 fewer
  /// faults for the 10,000-image test set). Advisory: failure is ignored.
  func prefetch(_ range: Range<Int>) {
    guard let (start, length) = pageAligned(range) else { return }
    let address = UnsafeMutableRawPointer(mutating: bytes.baseAddress! + start)
    #if os(Linux)
    if madvise(address, length, MADV_POPULATE_READ) == 0 { return }  // Linux 5.14 and later
    #endif
    madvise(address, length, MADV_WILLNEED)
  }

  /// Lets the kernel drop the pages behind `range` from this process's memory; touching them
  /// again reads them back from the page cache. A decoded tensor is a copy, and keeping its
  /// mapped bytes resident as well would double a model's footprint (90 MB for MiniLM).
  func release(_ range: Range<Int>) {
    guard let (start, length) = pageAligned(range) else { return }
    madvise(UnsafeMutableRawPointer(mutating: bytes.baseAddress! + start), length, MADV_DONTNEED)
  }

  /// The whole pages covering `range` (clipped to the file) as (offset, length), nil when empty.
  private func pageAligned(_ range: Range<Int>) -> (Int, Int)? {
    guard bytes.baseAddress != nil, !range.isEmpty else { return nil }
    let page = max(1, sysconf(Int32(_SC_PAGESIZE)))
    let start = range.lowerBound / page * page
    let end = min(bytes.count, (range.upperBound + page - 1) / page * page)
    return end > start ? (start, end - start) : nil
  }

  deinit {
    if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
  }

  static func systemError() -> String { String(cString: strerror(errno)) }
}
