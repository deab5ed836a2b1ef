import Foundation
import PareWorkbench

/// Finds the repository's `assets/` folder (demo models and their test data) so that `pare`
/// works without arguments wherever it is run from.
struct BundledAssets {
  /// The assets folder.
  let root: URL

  /// The model `pare` opens with no argument.
  var defaultModel: String { root.appendingPathComponent("models/lenet-300-100").path }

  /// The test set shared by the bundled classifiers.
  var mnistTestSet: String { root.appendingPathComponent("data/mnist-test.safetensors").path }

  /// The sentences text encoders are evaluated on by default.
  var sentences: String { root.appendingPathComponent("data/sentences.txt").path }

  /// Looks in `$PARE_ASSETS`, then `./assets`, then in each folder above the executable (a
  /// build puts it in `.build/<triple>/<config>/` inside the repository).
  static func locate() throws -> BundledAssets {
    var candidates: [URL] = []
    if let env = ProcessInfo.processInfo.environment["PARE_ASSETS"] { candidates.append(URL(fileURLWithPath: env)) }
    candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("assets"))
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    while folder.path != "/" {
      candidates.append(folder.appendingPathComponent("assets"))
      folder.deleteLastPathComponent()
    }
    for candidate in candidates where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("models").path) {
      return BundledAssets(root: candidate.standardizedFileURL)
    }
    throw AssetsNotFound(searched: candidates.map(\.path))
  }

  /// The bundled data of `kind` for the model at `modelPath`: the test set only when the model
  /// is one of the bundled ones; nil when there is none.
  static func defaultData(_ kind: EvaluationDataKind.BundledData, for modelPath: String) throws -> String? {
    switch kind {
    case .sentences:
      return try locate().sentences
    case .testSetOfBundledModels:
      guard let assets = try? locate() else { return nil }
      let model = URL(fileURLWithPath: modelPath).resolvingSymlinksInPath().standardizedFileURL.path
      let models = assets.root.appendingPathComponent("models").resolvingSymlinksInPath().standardizedFileURL.path
      return model.hasPrefix(models + "/") ? assets.mnistTestSet : nil
    }
  }
}

/// No assets folder was found; says where Pare looked.
struct AssetsNotFound: Error, CustomStringConvertible {
  let searched: [String]
  var description: String {
    "cannot find the bundled demo models (an assets/models folder); looked in: "
      + searched.prefix(6).joined(separator: ", ") + ". Pass a model path, or set PARE_ASSETS."
  }
}
