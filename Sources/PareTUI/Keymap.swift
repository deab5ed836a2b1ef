import PareTerminal

/// What a key asks the explorer to do.
public enum Action: Sendable, Equatable, CaseIterable {
  case moveUp, moveDown, pageUp, pageDown, first, last
  case nextView, previousView, toggleLogScale, searchPlan
  case bitsDown, bitsUp, cycleFormat, cycleGranularity, rankDown, rankUp, sparsityDown, sparsityUp
  case clearTensor, applyToShown, enterSpec, applyCell
  case sortNext, sortReverse, nextMatch, previousMatch
  case undo, redo, export, filter, cancel, messages, help, quit
}

/// One entry of the keymap: the keys, how they are written in hints and help, what they do.
public struct KeyBinding: Sendable, Equatable {
  /// The events that trigger the action.
  public let keys: [KeyEvent]
  /// The keys as shown to the user, e.g. "b" or "↑/k" (arrows as `Glyphs.keyLabel` names them).
  public let label: String
  /// The action.
  public let action: Action
  /// One line for the help overlay.
  public let help: String
  /// A word or two for the bottom hint line (nil: help overlay only).
  public let hint: String?
  /// Which hints a key bar too narrow for all of them keeps.
  public let priority: HintPriority

  public init(keys: [KeyEvent], label: String, action: Action, help: String, hint: String?,
              priority: HintPriority = .rare) {
    (self.keys, self.label, self.action, self.help, self.hint, self.priority) = (keys, label, action, help, hint, priority)
  }
}

/// How much a key's hint matters on a key bar too narrow for all of them: `pinned` hints (help,
/// which lists the rest, and quit) end every bar, then as many as fit are kept, `essential`
/// ones first, then `common`, then `rare`.
public enum HintPriority: Int, Sendable, Comparable {
  case pinned, essential, common, rare

  public static func < (a: HintPriority, b: HintPriority) -> Bool { a.rawValue < b.rawValue }
}

/// The keymap: the one table that the key handling, the bottom hints and the help overlay are
/// all generated from (DESIGN.md §7).
public enum Keymap {
  public static let bindings: [KeyBinding] = [
    KeyBinding(keys: [.up, .character("k")], label: "↑/k", action: .moveUp, help: "previous tensor", hint: nil),
    KeyBinding(keys: [.down, .character("j")], label: "↓/j", action: .moveDown, help: "next tensor", hint: "move", priority: .common),
    KeyBinding(keys: [.pageUp], label: "PgUp", action: .pageUp, help: "one page up", hint: nil),
    KeyBinding(keys: [.pageDown], label: "PgDn", action: .pageDown, help: "one page down", hint: nil),
    KeyBinding(keys: [.home], label: "Home", action: .first, help: "first tensor", hint: nil),
    KeyBinding(keys: [.end], label: "End", action: .last, help: "last tensor", hint: nil),
    KeyBinding(keys: [.tab, .right], label: "Tab/→", action: .nextView, help: "next detail view (in the sensitivity map the left and right arrows pick a cell)", hint: "view", priority: .essential),
    KeyBinding(keys: [.backTab, .left], label: "S-Tab/←", action: .previousView, help: "previous detail view", hint: nil),
    KeyBinding(keys: [.enter], label: "Enter", action: .applyCell, help: "in the sensitivity map: give the tensor the selected cell's candidate", hint: nil),
    KeyBinding(keys: [.character("a")], label: "a", action: .searchPlan, help: "search the best plan for a target ratio, or a language model's plan at the size of a llama.cpp mix such as q4_k_m (one undo step)", hint: "search", priority: .common),
    KeyBinding(keys: [.character("l")], label: "l", action: .toggleLogScale, help: "histogram counts on a log scale (toggle)", hint: nil),
    KeyBinding(keys: [.character("b")], label: "b", action: .bitsDown, help: "fewer bits (first press: int8 symmetric per channel; down to 2)", hint: "bits-", priority: .essential),
    KeyBinding(keys: [.character("B")], label: "B", action: .bitsUp, help: "more bits (above 8: uncompressed)", hint: "bits+", priority: .common),
    KeyBinding(keys: [.character("f")], label: "f", action: .cycleFormat, help: "format: int sym, int asym, codebook, fp8, fp16, bf16, none", hint: "format", priority: .common),
    KeyBinding(keys: [.character("g")], label: "g", action: .cycleGranularity, help: "granularity: tensor, channel, group 128/64/32", hint: "gran"),
    KeyBinding(keys: [.character("r")], label: "r", action: .rankDown, help: "lower rank (first press: largest power of two below full rank, then halve)", hint: "rank-", priority: .essential),
    KeyBinding(keys: [.character("R")], label: "R", action: .rankUp, help: "higher rank (double; at full rank: no factorization)", hint: "rank+"),
    KeyBinding(keys: [.character("p")], label: "p", action: .sparsityDown, help: "less pruning (steps of 10%, with 2:4 beside 50%)", hint: nil),
    KeyBinding(keys: [.character("P")], label: "P", action: .sparsityUp, help: "more pruning (10% steps up to 90%, 2:4 before 50%)", hint: "prune+"),
    KeyBinding(keys: [.character("="), .character(":")], label: "=", action: .enterSpec, help: "type the tensor's spec as the CLI's candidates: int4, int4g64, rank 64, rank/8+int8, prune 50% int4, 2:4, none", hint: "spec"),
    KeyBinding(keys: [.character("x")], label: "x", action: .clearTensor, help: "clear the tensor's compression", hint: "clear"),
    KeyBinding(keys: [.character("A")], label: "A", action: .applyToShown, help: "apply its spec to the tensors shown (one undo step)", hint: nil),
    KeyBinding(keys: [.character("s")], label: "s", action: .sortNext, help: "sort by name, params, size, error, sensitivity (once mapped), file order in turn", hint: "sort", priority: .common),
    KeyBinding(keys: [.character("S")], label: "S", action: .sortReverse, help: "reverse the sort", hint: nil),
    KeyBinding(keys: [.character("n")], label: "n", action: .nextMatch, help: "next match of the last / pattern", hint: nil),
    KeyBinding(keys: [.character("N")], label: "N", action: .previousMatch, help: "previous match of the last / pattern", hint: nil),
    KeyBinding(keys: [.character("u")], label: "u", action: .undo, help: "undo (a run of one key on one tensor is one step)", hint: "undo", priority: .essential),
    KeyBinding(keys: [.control("r")], label: "^R", action: .redo, help: "redo", hint: "redo"),
    KeyBinding(keys: [.character("e")], label: "e", action: .export, help: "export the plan (Tab in the prompt: the compressed model, drop-in or packed)", hint: "export", priority: .essential),
    KeyBinding(keys: [.character("/")], label: "/", action: .filter, help: "filter by name: a substring or a glob (* ?)", hint: "filter", priority: .essential),
    KeyBinding(keys: [.escape], label: "Esc", action: .cancel, help: "stop the running search or sweep; else clear the filter", hint: nil),
    KeyBinding(keys: [.character("M")], label: "M", action: .messages, help: "the messages shown so far, errors included", hint: nil),
    KeyBinding(keys: [.character("?")], label: "?", action: .help, help: "this help", hint: "help", priority: .pinned),
    KeyBinding(keys: [.character("q"), .control("c")], label: "q", action: .quit, help: "quit (asks when unexported or searching)", hint: "quit", priority: .pinned),
  ]

  /// The action bound to `event`, if any.
  public static func action(for event: KeyEvent) -> Action? {
    bindings.first { $0.keys.contains(event) }?.action
  }

  /// The bottom line's hints, "key word" pairs in keymap order.
  public static var hints: [(key: String, word: String)] {
    bindings.compactMap { b in b.hint.map { (b.label, $0) } }
  }
}
