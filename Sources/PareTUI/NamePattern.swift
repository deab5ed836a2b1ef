/// What `/` matches tensor names with, case-insensitively, anywhere in the name: a substring,
/// or a glob where `*` is any run of characters and `?` any one (`layer.*.mlp`).
struct NamePattern {
  private let pattern: [Character]
  private let isGlob: Bool

  init(_ text: String) {
    pattern = Array(text.lowercased())
    isGlob = pattern.contains("*") || pattern.contains("?")
  }

  func matches(_ name: String) -> Bool {
    let name = Array(name.lowercased())
    guard isGlob else { return pattern.isEmpty || name.firstRange(of: pattern) != nil }
    // Unanchored, as the substring is: the glob may start and end anywhere in the name.
    return globMatches(["*"] + pattern + ["*"], name)
  }

  /// Whether `glob` matches all of `name`: one pass that backtracks only to the last `*`.
  private func globMatches(_ glob: [Character], _ name: [Character]) -> Bool {
    var (g, n) = (0, 0)
    var star: (glob: Int, name: Int)?
    while n < name.count {
      if g < glob.count, glob[g] == "*" {
        star = (g, n)
        g += 1
      } else if g < glob.count, glob[g] == "?" || glob[g] == name[n] {
        (g, n) = (g + 1, n + 1)
      } else if let last = star {
        (g, n) = (last.glob + 1, last.name + 1)
        star = (last.glob, last.name + 1)
      } else {
        return false
      }
    }
    while g < glob.count, glob[g] == "*" { g += 1 }
    return g == glob.count
  }
}
