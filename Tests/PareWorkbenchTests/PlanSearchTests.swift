import Foundation
import Testing
@testable import PareCompression
@testable import PareFormats
@testable import PareWorkbench

/// The search on the bundled lenet-300-100, with a few candidates (debug builds are slow).
@Suite(.serialized)
struct PlanSearchTests {
  static let candidates = try! Candidate.parseList("int2,int3,int4,int8,prune90+int4,rank/8+int8")

  func search() throws -> PlanSearch {
    let (model, evaluator) = try NetworkEvaluatorTests().fixture()
    let compression = CompressionCache()
    let table = try SensitivityAnalysis(weights: model.weights, evaluator: evaluator, compression: compression, cache: nil)
      .run(candidates: Self.candidates)
    return PlanSearch(table: table, weights: model.weights, evaluator: evaluator, compression: compression)
  }

  @Test func theSearchedPlanFitsAndIsNoWorseThanTheKnapsacks() throws {
    let search = try search()
    #expect(search.originalBytes == 266_610 * 4)
    let budget = search.originalBytes / 8
    let outcome = try search.run(budget: budget, options: .init(evaluations: 15, seed: 1))
    for plan in [outcome.allocated, outcome.found] {
      #expect(plan.compressedBytes <= budget && plan.ratio >= 8)
      // The sizes the knapsack added up are the applied plan's: biases as stored, tensors by cell.
      let cells = plan.choices.map { search.table.cell($0.key, $0.value)! }
      let untouched = search.table.tensors.filter { plan.choices[$0.name] == nil }.reduce(0) { $0 + $1.bytes }
      #expect(plan.compressedBytes == 1640 + untouched + cells.reduce(0) { $0 + $1.bytes })
      #expect(plan.predicted == Prediction(cells: cells, baseline: 0.945))
    }
    #expect(!outcome.allocated.measured.isBetter(than: outcome.found.measured))
    #expect(outcome.evaluations <= 15)
    // The plan file form: the model reference and the summary.
    let file = outcome.found.fileContents(model: ModelReference(path: "m", sha256: "s"))
    #expect(file.summary?.compressedBytes == outcome.found.compressedBytes)
    #expect(file.summary?.metric?.value == outcome.found.measured.value)
    #expect(try JSONDecoder().decode(Plan.self, from: file.jsonData()) == file)
  }

  /// A seed that measures better than the knapsack's plan is where the evolutionary step starts,
  /// and one over the budget is measured but never started from. (The table is doctored so
  /// that the knapsack shuns int8: within int8's size it picks fewer bits, which measure worse.)
  @Test func theSearchStartsFromTheBestSeedThatFits() throws {
    let search = try search(), table = search.table
    let int8 = try Candidate.parse("int8")
    let shunned = table.cells.map { cell in
      cell.candidate != int8 ? cell
        : SensitivityCell(tensor: cell.tensor, candidate: cell.candidate, spec: cell.spec, bytes: cell.bytes,
                          value: cell.value, agreement: cell.agreement, meanKL: 100)
    }
    let doctored = PlanSearch(
      table: SensitivityTable(metric: table.metric, baseline: table.baseline, tensors: table.tensors,
                              candidates: table.candidates, cells: shunned),
      weights: search.weights, evaluator: search.evaluator, compression: search.compression)
    let budget = doctored.fixedBytes + table.tensors.reduce(0) { $0 + table.cell($1.name, int8)!.bytes }
    let seeds = [SearchSeed(name: "all fp16", choices: table.tensors.reduce(into: [:]) { $0[$1.name] = try! Candidate.parse("fp16") }),
                 SearchSeed(name: "all int8", choices: table.tensors.reduce(into: [:]) { $0[$1.name] = int8 })]
    let outcome = try doctored.run(budget: budget, options: .init(evaluations: 0, seed: 1), seeds: seeds)
    #expect(outcome.seeds.map(\.name) == ["all fp16", "all int8"])
    #expect(outcome.seeds[0].plan.compressedBytes > budget && outcome.seeds[0].plan.predicted == nil)
    #expect(outcome.seeds[1].plan.compressedBytes == budget)
    #expect(outcome.allocated.choices.values.allSatisfy { $0 != int8 })
    #expect(outcome.seeds[1].plan.measured.isBetter(than: outcome.allocated.measured))
    #expect(outcome.startedFrom == "all int8" && outcome.found == outcome.seeds[1].plan)
  }

  @Test func aBudgetBelowTheSmallestPlanIsRefused() throws {
    let search = try search()
    #expect { try search.run(budget: 10_000) } throws: { error in
      (error as? SearchError)?.message.contains("below the smallest plan") ?? false
    }
  }

  /// Cells measured NaN (a model whose outputs are not finite, #17) are left out of the
  /// knapsack, and a budget only they could meet is refused saying so, with the smallest plan
  /// counted without them.
  @Test func cellsMeasuredNaNAreLeftOutAndSaidSo() throws {
    let search = try search()
    let table = search.table
    let nanCells = table.cells.map { cell in
      cell.tensor == "fc1.weight"
        ? SensitivityCell(tensor: cell.tensor, candidate: cell.candidate, spec: cell.spec, bytes: cell.bytes,
                          value: .nan, agreement: .nan, meanKL: .nan)
        : cell
    }
    let broken = PlanSearch(
      table: SensitivityTable(metric: table.metric, baseline: table.baseline, tensors: table.tensors,
                              candidates: table.candidates, cells: nanCells),
      weights: search.weights, evaluator: search.evaluator, compression: search.compression)
    // fc1.weight (940,800 bytes as stored) can no longer shrink: its cells are all NaN.
    #expect { try broken.run(budget: broken.originalBytes / 8) } throws: { error in
      let message = (error as? SearchError)?.message ?? ""
      return message.contains("below the smallest plan") && message.contains("6 cells measured NaN left out")
    }
  }

  @Test func theUniformPlanIsTheMostBitsThatFit() throws {
    let search = try search()
    // int4 per channel: 266,200 values x 4 bits + 410 f16 scales + 1,640 bytes of biases.
    let int4 = 133_100 + 820 + 1640
    #expect(try UniformPlan.best(within: int4, search: search)?.choices["fc1.weight"]?.description == "int4")
    #expect(try UniformPlan.best(within: int4 - 1, search: search)?.choices["fc1.weight"]?.description == "int3")
    #expect(try UniformPlan.best(within: 50_000, search: search) == nil)
  }

  @Test func theFrontierIsMonotoneAndPlots() throws {
    let search = try search()
    let frontier = try ParetoFrontier(search: search, ratios: [4, 8, 64], options: .init(evaluations: 5))
    #expect(frontier.points.map(\.targetRatio) == [4, 8])
    #expect(frontier.unreachable == [64])
    for point in frontier.points { #expect(point.searched.compressedBytes <= point.budget) }
    #expect(!frontier.points[1].searched.measured.isBetter(than: frontier.points[0].searched.measured))
    let plot = FrontierPlot(frontier: frontier, title: "lenet-300-100")
    let text = plot.text(width: 40, height: 10)
    #expect(text.contains("*") && text.contains("+") && text.contains("4x") && text.contains("accuracy"))
    #expect(text.split(separator: "\n").allSatisfy { $0.count <= 60 })
    let svg = plot.svg()
    #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
    #expect(svg.components(separatedBy: "<circle").count - 1 == 2 + 1 + frontier.points.compactMap(\.uniform).count + 3)
  }
}
