import CMalloc

/// Process-wide settings for glibc's allocator, made before any command runs.
enum HeapTuning {
  /// Keeps up to 16 MB of freed memory at the top of the heap instead of glibc's 128 KB. A
  /// forward pass frees and re-allocates its multi-megabyte batch buffers on every batch; handed
  /// back to the kernel each time, they came back as fresh zeroed pages, about 1,400 page faults
  /// (10 ms) per `pare eval` of 10,000 MNIST images. The cost is at most 16 MB held while idle.
  static func apply() {
    mallopt(M_TOP_PAD, 16 << 20)
  }
}
