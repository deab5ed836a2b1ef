import PareCompression
import PareTerminal
import Testing
@testable import PareTUI

/// Focused checks of the view: shapes of output, elision, spec forms, scrolling, edge cases.
struct ViewTests {
  @Test func middleElisionKeepsBothEnds() {
    let name = "encoder.layer.11.attention.self.query.weight"
    #expect(Format.middleElided(name, toWidth: 24, ellipsis: "…") == "encoder.lay…query.weight")
    #expect(Format.middleElided(name, toWidth: 44, ellipsis: "…") == name)
    #expect(Format.middleElided(name, toWidth: 10, ellipsis: "~") == "enco~eight")
    #expect(Format.middleElided(name, toWidth: 1, ellipsis: "…") == "…")
    #expect(Format.middleElided(name, toWidth: 0, ellipsis: "…") == "")
  }

  @Test(arguments: [
    (CompressionSpec(quantize: QuantizeSpec(bits: 4)), "int4 ch"),
    (CompressionSpec(quantize: QuantizeSpec(bits: 8, granularity: .tensor)), "int8 t"),
    (CompressionSpec(quantize: QuantizeSpec(bits: 4, granularity: .group, groupSize: 64)), "int4 g64"),
    (CompressionSpec(quantize: QuantizeSpec(bits: 4, symmetric: false)), "a-int4 ch"),
    (CompressionSpec(quantize: QuantizeSpec(scheme: .codebook, bits: 4, granularity: .tensor)), "cb4 t"),
    (CompressionSpec(quantize: QuantizeSpec(scheme: .fp8E4M3)), "fp8e4 ch"),
    (CompressionSpec(quantize: QuantizeSpec(scheme: .fp8E5M2, granularity: .tensor)), "fp8e5 t"),
    (CompressionSpec(quantize: QuantizeSpec(scheme: .fp16)), "fp16"),
    (CompressionSpec(quantize: QuantizeSpec(scheme: .bf16)), "bf16"),
    (CompressionSpec(lowrank: LowRankSpec(rank: 32)), "r32"),
    (CompressionSpec(lowrank: LowRankSpec(rank: 32), quantize: QuantizeSpec(bits: 8)), "r32+int8"),
    (CompressionSpec(lowrank: LowRankSpec(energy: 0.9)), "e0.9"),
    (CompressionSpec(prune: .nm(2, 4)), "2:4"),
    (CompressionSpec(prune: .magnitude(0.9)), "90%"),
    (CompressionSpec(prune: .magnitude(0.9), quantize: QuantizeSpec(scheme: .codebook, bits: 4)), "90%+cb4"),
    (CompressionSpec(prune: .nm(2, 4), quantize: QuantizeSpec(bits: 8)), "2:4+int8"),
  ])
  func specShortForms(spec: CompressionSpec, expected: String) {
    #expect(spec.shortForm == expected)
  }

  @Test func specInWords() {
    let spec = CompressionSpec(prune: .magnitude(0.5), quantize: QuantizeSpec(bits: 4))
    #expect(spec.words == "prune 50% by magnitude, per tensor, then int4 symmetric, per channel")
    #expect(CompressionSpec(lowrank: LowRankSpec(energy: 0.95)).words == "rank for 95% energy")
  }

  @Test func numbersAreFormattedCompactly() {
    #expect(Format.count(300) == "300")
    #expect(Format.count(235_200) == "235.2k")
    #expect(Format.count(22_700_000) == "22.7M")
    #expect(Format.bytes(940_800) == "940.8kB")
    #expect(Format.bytes(1_066_440) == "1.07MB")
    #expect(Format.bytes(999_999) == "1.00MB")
    #expect(Format.fixed(-0.0001, decimals: 2) == "0.00")
    #expect(Format.signed(-0.3, decimals: 2) == "-0.30")
    #expect(Format.value(-0.25134) == "-0.2513")
    #expect(Format.value(0.00032104) == "3.210e-4")
    #expect(Format.decibels(31.24) == "31.2dB")
    #expect(Format.decibels(nil) == "-")
  }

  @Test(arguments: [(80, 24), (81, 25), (120, 40), (200, 60), (60, 20), (0, 0)])
  func outputIsExactlyTheScreenSize(size: (Int, Int)) {
    for view in DetailView.allCases {
      let states = [Fixtures.lenet(width: size.0, height: size.1, view: view), Fixtures.bert(width: size.0, height: size.1)]
      for state in states {
        let canvas = render(state)
        #expect(canvas.width == size.0 && canvas.height == size.1)
        let lines = canvas.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == size.1)
        #expect(lines.allSatisfy { Canvas.displayWidth(of: String($0)) <= size.0 })
      }
    }
  }

  @Test func theSelectionIsAlwaysVisible() {
    var state = Fixtures.bert(width: 200, height: 30)
    let names = state.rows.map(\.name)
    for (index, name) in names.enumerated() where index.isMultiple(of: 7) || index == names.count - 1 {
      for offset in [0, 50, 200, -3] {
        state.selection = name
        state.scrollOffset = offset
        let canvas = render(state)
        // The table body is rows 2 ..< height - 2; the selected row is drawn in reverse video.
        let selectedRows = (2..<state.height - 2).filter { canvas.runs(row: $0).first?.style.reverse == true }
        #expect(selectedRows.count == 1, "\(name) at offset \(offset)")
        if let row = selectedRows.first {
          #expect(canvas.runs(row: row).first?.text.hasPrefix(name + " ") == true, "\(name) at offset \(offset)")
        }
      }
    }
  }

  @Test func effectiveOffsetClampsAndFollowsTheSelection() {
    #expect(View.firstVisibleRow(offset: 0, selected: 95, count: 104, visible: 44) == 52)
    #expect(View.firstVisibleRow(offset: 90, selected: 10, count: 104, visible: 44) == 10)
    #expect(View.firstVisibleRow(offset: 500, selected: nil, count: 104, visible: 44) == 60)
    #expect(View.firstVisibleRow(offset: -4, selected: 3, count: 6, visible: 20) == 0)
    #expect(View.firstVisibleRow(offset: 3, selected: nil, count: 0, visible: 20) == 0)
  }

  @Test func anEmptyModelRenders() {
    var state = ExplorerState(modelName: "empty", rows: [], width: 80, height: 24)
    for view in DetailView.allCases {
      state.detailView = view
      let text = render(state).text
      #expect(text.contains("no tensors"))
      #expect(text.contains("no tensor selected"))
    }
    state.overlay = .help
    #expect(render(state).height == 24)
  }

  @Test func aFilterWithoutMatchesSaysSo() {
    var state = Fixtures.lenet()
    state.filter = "conv"
    #expect(render(state).text.contains("no tensor matches \"conv\""))
  }

  @Test(arguments: [(80, 24), (160, 48)])
  func everyBindingIsInTheHelpOverlay(size: (Int, Int)) {
    var state = Fixtures.lenet(width: size.0, height: size.1)
    state.overlay = .help
    // Taller than the screen, it scrolls: every binding is on one of its pages.
    var text = ""
    for scroll in 0...View(state: state).helpScrollLimit {
      state.helpScroll = scroll
      text += render(state).text
    }
    for binding in Keymap.bindings {
      #expect(text.contains(binding.label + "  "), "label \(binding.label)")
      // The first words of the help text are there even where it wraps.
      let start = binding.help.split(separator: " ").prefix(2).joined(separator: " ")
      #expect(text.contains(start), "help \(binding.help)")
    }
  }

  @Test(arguments: [Glyphs.unicode, Glyphs.ascii])
  func hintsComeFromTheKeymapAndKeepTheEssentialOnesHelpAndQuit(glyphs: Glyphs) {
    let lines = render(Fixtures.lenet(glyphs: glyphs)).text.split(separator: "\n", omittingEmptySubsequences: false)
    let hints = String(lines[23])
    for hint in ["u undo", "e export", "/ filter", "r rank-", "b bits-"] { #expect(hints.contains(hint)) }
    #expect(hints.hasSuffix("? help  q quit"))
    let wide = render(Fixtures.lenet(width: 200, height: 24)).text.split(separator: "\n")[23]
    let all = Keymap.hints.map { $0.key + " " + $0.word }.joined(separator: "  ")
    #expect(String(wide) == all)
  }

  @Test func headerShowsEvaluationStates() {
    var state = Fixtures.lenet()
    #expect(firstLine(state).hasSuffix("accuracy 0.9420 -0.30 pts"))
    state.isEvaluating = true
    state.tick = 3
    #expect(firstLine(state).hasSuffix("⠸ accuracy 0.9420 -0.30 pts…"))
    #expect(render(state).runs(row: 0).last?.style.dim == true)
    state.isEvaluating = false
    state.evaluationFailure = "out of memory"
    #expect(firstLine(state).hasSuffix("evaluation failed: out of memory"))
    state.canEvaluate = false
    #expect(firstLine(state).hasSuffix("browse only"))
  }

  @Test func messagesShowOnTheStatusLineErrorsInRed() {
    var state = Fixtures.lenet()
    state.message = Message(text: "fc1.bias (I64) holds no weights", isError: true, expiresAt: 10)
    let canvas = render(state)
    #expect(canvas.text.split(separator: "\n")[22].hasPrefix("fc1.bias (I64) holds no weights"))
    #expect(canvas.runs(row: 22).first?.style.foreground == .red)
    state.colors = false
    #expect(render(state).runs(row: 22).first?.style.foreground == nil)
  }

  @Test func monochromeUsesNoColours() {
    var state = Fixtures.lenet(width: 160, height: 48)
    state.colors = false
    let canvas = render(state)
    for row in 0..<canvas.height {
      #expect(canvas.runs(row: row).allSatisfy { $0.style.foreground == nil && $0.style.background == nil })
    }
  }

  @Test func oneDimensionalTensorsHaveNoSpectrum() {
    let text = render(Fixtures.lenet(view: .spectrum, selection: "fc1.bias")).text
    #expect(text.contains("no spectrum: 1-D tensor"))
  }

  @Test func missingDetailsSayComputing() {
    var state = Fixtures.lenet()
    state.details = [:]
    #expect(render(state).text.contains("computing…"))
  }

  private func firstLine(_ state: ExplorerState) -> String {
    String(render(state).text.prefix { $0 != "\n" })
  }
}
