import PareCompression
import PareCore
import PareTerminal
import PareWorkbench

/// Everything the explorer shows: a plain value, so `view(state)` is a pure function and every
/// screen can be pinned by a golden test.
///
/// The controller fills the model-derived parts (rows, totals, metric, details) from the
/// `Session` after each change; `update` changes the UI-only parts and asks for session changes
/// through `Effect`s.
public struct ExplorerState: Sendable, Equatable {
  /// Display name of the model.
  public var modelName: String
  /// Every tensor, in file order.
  public var rows: [TensorRow]
  /// Total parameters.
  public var totalParams: Int
  /// Size of every tensor as stored.
  public var originalBytes: Int
  /// Size with the current plan (an earlier plan's while `isApplying`).
  public var compressedBytes: Int
  /// Whether the current plan's tensors are being compressed in the background.
  public var isApplying: Bool
  /// The current plan.
  public var plan: Plan
  /// The current plan's metric (or the last one while it is being measured).
  public var metric: PlanMetric?
  /// Whether the metric is being measured for the current plan.
  public var isEvaluating: Bool
  /// Why the last evaluation failed, if it did.
  public var evaluationFailure: String?
  /// What a measured item is called ("sentences") when only the first items of the data are
  /// measured: the header then says how many. Nil when all are.
  public var sampledItems: String?
  /// Whether the model can be evaluated at all (browse-only otherwise).
  public var canEvaluate: Bool
  /// Why nothing is measured when the model cannot be evaluated (or has no sweep), in the words
  /// every message and hint uses.
  public var noMeasurementReason: String
  /// Whether undo / redo would do something.
  public var canUndo: Bool
  public var canRedo: Bool

  /// The selected tensor, by name (kept across filtering and edits).
  public var selection: String?
  /// First table row shown.
  public var scrollOffset: Int
  /// Which detail view is shown.
  public var detailView: DetailView
  /// Histogram counts on a log scale.
  public var logHistogram: Bool
  /// Filter on tensor names, as `NamePattern` matches ("" shows all).
  public var filter: String
  /// The last pattern typed at `/`, whose matches `n` and `N` step through (kept when the
  /// filter is cleared).
  public var searchPattern: String
  /// The table's order.
  public var sort: TableSort
  /// A modal layer over the screen, if any.
  public var overlay: Overlay?
  /// The message on the status line: a note clears itself after a few seconds, an error stays
  /// until the next key.
  public var message: Message?
  /// Every message shown so far, oldest first (the last `messageLogLimit`), for `M`.
  public var messageLog: [LoggedMessage]
  /// First line of the help shown, where the help is taller than the screen.
  public var helpScroll: Int
  /// The sensitivity map's selected column (a candidate): Enter applies it to the selected
  /// tensor.
  public var mapColumn: Int
  /// The edit key pressed last and the tensor it changed, while no other key came between: a
  /// run of one key on one tensor (b b b b) is one undo step.
  public var editRun: EditRun?
  /// The `--plan` file the explorer was started with (the plan export proposes it).
  public var planFile: String?
  /// Where a relative path typed at a prompt leads, and what `~` stands for (shown under the
  /// export prompt as the full target).
  public var workingDirectory: String?
  public var homeDirectory: String?
  /// Detail data for tensors, by name (the controller computes the selected one).
  public var details: [String: TensorDetail]
  /// Animation frame counter (spinner), advanced by `.tick`.
  public var tick: Int
  /// Whether the terminal shows colours.
  public var colors: Bool
  /// The glyph set (Unicode or ASCII).
  public var glyphs: Glyphs
  /// Terminal size.
  public var width: Int
  public var height: Int
  /// Whether "press ? for help" has been said after an unknown key (it is said once).
  public var hasPointedToHelp: Bool
  /// Whether the current plan has been exported (quitting does not ask then).
  public var isExported: Bool
  /// The sensitivity map (the sensitivity view).
  public var sensitivity: SensitivityStatus
  /// The `a` search and the frontier its runs have measured.
  public var search: SearchState

  public init(modelName: String, rows: [TensorRow], width: Int, height: Int, colors: Bool = true,
              glyphs: Glyphs = .unicode) {
    self.modelName = modelName
    self.rows = rows
    totalParams = rows.reduce(0) { $0 + $1.params }
    originalBytes = rows.reduce(0) { $0 + $1.originalBytes }
    compressedBytes = originalBytes
    isApplying = false
    plan = Plan()
    metric = nil
    isEvaluating = false
    evaluationFailure = nil
    sampledItems = nil
    canEvaluate = false
    noMeasurementReason = "no evaluation data"
    canUndo = false
    canRedo = false
    selection = rows.first?.name
    scrollOffset = 0
    detailView = .histogram
    logHistogram = false
    filter = ""
    searchPattern = ""
    sort = TableSort()
    overlay = nil
    message = nil
    messageLog = []
    helpScroll = 0
    mapColumn = 0
    editRun = nil
    planFile = nil
    workingDirectory = nil
    homeDirectory = nil
    details = [:]
    tick = 0
    self.colors = colors
    self.glyphs = glyphs
    self.width = width
    self.height = height
    hasPointedToHelp = false
    isExported = true
    sensitivity = .unavailable
    search = SearchState()
  }

  /// The rows passing the filter, in the table's order.
  public var visibleRows: [TensorRow] {
    let pattern = NamePattern(filter)
    return sort.sorted(filter.isEmpty ? rows : rows.filter { pattern.matches($0.name) }, sensitivity: sensitivity.table)
  }

  /// The selected row, if it is visible.
  public var selectedRow: TensorRow? { visibleRows.first { $0.name == selection } }

  /// original / compressed.
  public var ratio: Double { compressedBytes > 0 ? Double(originalBytes) / Double(compressedBytes) : 1 }
  /// Bits per weight of the model as planned: llama.cpp's measure of a mix (Q4_K_M ≈ 4.9).
  public var bitsPerWeight: Double { totalParams > 0 ? Double(compressedBytes) * 8 / Double(totalParams) : 0 }
}

/// One tensor as the table shows it.
public struct TensorRow: Sendable, Equatable {
  public var name: String
  public var shape: [Int]
  public var dtype: DType
  public var params: Int
  /// Bytes as stored in the model file.
  public var originalBytes: Int
  /// Bytes with the current plan.
  public var currentBytes: Int
  /// The current spec, if any.
  public var spec: CompressionSpec?
  /// SQNR of the compressed values in dB (nil: untouched or exact).
  public var sqnrDecibels: Double?
  /// Whether the tensor can be compressed (floating point, writable dtype).
  public var isCompressible: Bool
  /// Whether its spec changed and its size and error are being computed in the background.
  public var isPending = false

  public init(name: String, shape: [Int], dtype: DType, params: Int, originalBytes: Int,
              currentBytes: Int? = nil, spec: CompressionSpec? = nil, sqnrDecibels: Double? = nil,
              isCompressible: Bool = true) {
    (self.name, self.shape, self.dtype, self.params, self.originalBytes) = (name, shape, dtype, params, originalBytes)
    self.currentBytes = currentBytes ?? originalBytes
    (self.spec, self.sqnrDecibels, self.isCompressible) = (spec, sqnrDecibels, isCompressible)
  }
}

/// The five views of the detail pane, cycled by Tab.
public enum DetailView: String, Sendable, CaseIterable {
  case histogram, spectrum, sparsity, stats, sensitivity

  /// The next view in Tab order.
  public var next: DetailView { stepped(by: 1) }
  /// The previous view in Tab order (Shift-Tab).
  public var previous: DetailView { stepped(by: -1) }

  private func stepped(by step: Int) -> DetailView {
    let all = DetailView.allCases
    return all[((all.firstIndex(of: self) ?? 0) + step + all.count) % all.count]
  }
}

/// Data behind the detail views of one tensor (computed by the controller, not the view).
public struct TensorDetail: Sendable, Equatable {
  /// Statistics of the original values.
  public var original: TensorStatistics
  /// Statistics of the values with the current spec (nil when untouched).
  public var compressed: TensorStatistics?
  /// Percentiles 1, 5, 25, 50, 75, 95, 99 of the original values.
  public var percentiles: [Float]
  /// Histogram bin edges over [min, max] of the original values.
  public var histogramEdges: [Float]
  /// Counts of the original values per bin.
  public var originalCounts: [Int]
  /// Counts of the compressed values per bin (nil when untouched).
  public var compressedCounts: [Int]?
  /// The quantization levels of the group with the widest range (empty when not quantized or
  /// when there are too many levels to draw, as with FP8 and FP16).
  public var gridLevels: [Float]
  /// Smallest magnitude kept by magnitude pruning (nil without it).
  public var pruneThreshold: Float?
  /// Singular values of the original matrix, largest first (nil for 1-D tensors or not yet
  /// computed).
  public var singularValues: [Float]?
  /// The rank the current spec keeps (nil without low rank).
  public var rank: Int?
  /// Fraction of zeros in each row of the compressed (or original) tensor.
  public var rowZeroFractions: [Double]
  /// Storage of the current spec (nil when untouched).
  public var storage: StorageCost?
  /// Relative MSE of the current spec (nil when untouched).
  public var relativeMSE: Double?

  public init(original: TensorStatistics, compressed: TensorStatistics?, percentiles: [Float],
              histogramEdges: [Float], originalCounts: [Int], compressedCounts: [Int]?, gridLevels: [Float],
              pruneThreshold: Float?, singularValues: [Float]?, rank: Int?, rowZeroFractions: [Double],
              storage: StorageCost?, relativeMSE: Double?) {
    self.original = original
    self.compressed = compressed
    self.percentiles = percentiles
    self.histogramEdges = histogramEdges
    self.originalCounts = originalCounts
    self.compressedCounts = compressedCounts
    self.gridLevels = gridLevels
    self.pruneThreshold = pruneThreshold
    self.singularValues = singularValues
    self.rank = rank
    self.rowZeroFractions = rowZeroFractions
    self.storage = storage
    self.relativeMSE = relativeMSE
  }
}

/// A modal layer: help, a text prompt, or a yes/no question.
public enum Overlay: Sendable, Equatable {
  /// The key reference, generated from the keymap (scrolled by `helpScroll`).
  case help
  /// The messages shown so far (`M`).
  case messages
  /// A one-line text input.
  case prompt(Prompt)
  /// A yes/no question.
  case confirm(Confirmation)
}

/// A text prompt being edited.
public struct Prompt: Sendable, Equatable {
  /// What the text is for.
  public enum Purpose: Sendable, Equatable {
    /// Path of the plan JSON to write.
    case exportPlan
    /// Directory to write the compressed model to (as `pare apply`): the drop-in weights.
    case exportModel
    /// The same with the packed model beside the drop-in one (as `pare apply --packed`).
    case exportPackedModel
    /// The selected tensor's spec, typed in the CLI's candidate syntax (`=`).
    case spec(tensor: String)
    /// Name filter (applied as you type).
    case filter
    /// The compression ratio (or, for a language model, the llama.cpp mix) `a` searches a plan
    /// for.
    case searchTarget
  }

  public var purpose: Purpose
  public var text: String
  /// Whether the text is selected, as a line editor pre-selects an old value: the first
  /// character typed replaces it, Backspace clears it, an arrow key keeps it.
  public var isSelected: Bool
  /// Where typing inserts, in characters from the start (after the text when it opens).
  public var cursor: Int
  /// Why the last Enter was refused (bad input, a failed write): shown in the prompt, which
  /// keeps the text for a fix.
  public var error: String?

  public init(purpose: Purpose, text: String, isSelected: Bool = false, error: String? = nil) {
    (self.purpose, self.text, self.isSelected, self.error) = (purpose, text, isSelected, error)
    cursor = text.count
  }

  /// Whether it writes a file or directory (the export prompts, which Tab cycles).
  var isExport: Bool { purpose == .exportPlan || purpose == .exportModel || purpose == .exportPackedModel }
}

/// A yes/no question.
public enum Confirmation: Sendable, Equatable {
  /// Quit although the plan has not been exported (`unsaved`) or a search for `searchTarget`
  /// is running.
  case quit(unsaved: Bool, searchTarget: SearchTarget?)
  /// Restore the plan saved by an earlier session on this model.
  case restoreSession(tensors: Int)

  var isQuit: Bool { if case .quit = self { true } else { false } }
}

/// One message as the log (`M`) keeps it.
public struct LoggedMessage: Sendable, Equatable {
  public var text: String
  public var isError: Bool
  /// The `tick` it was shown at (about 20 a second).
  public var tick: Int

  public init(text: String, isError: Bool, tick: Int) { (self.text, self.isError, self.tick) = (text, isError, tick) }
}

/// A run of one edit key on one tensor, which undo takes back in one step.
public struct EditRun: Sendable, Equatable {
  public var action: Action
  public var tensor: String

  public init(action: Action, tensor: String) { (self.action, self.tensor) = (action, tensor) }
}

/// A status-line message that clears itself.
public struct Message: Sendable, Equatable {
  public var text: String
  public var isError: Bool
  /// The `tick` after which it is gone.
  public var expiresAt: Int

  public init(text: String, isError: Bool, expiresAt: Int) { (self.text, self.isError, self.expiresAt) = (text, isError, expiresAt) }
}
