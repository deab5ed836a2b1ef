// libFuzzer target for the WordPiece tokenizer's file loading and encoding (nothing on a
// file-input path may crash; every id must be in the vocabulary). Built by Fuzz/run.sh with the
// real PareFormats sources it exercises.
//
// The first byte picks the mode:
// - even: the rest is a tokenizer.json, loaded from a scratch model directory. Loading must
//   succeed or throw `ModelError` naming the file; a loaded tokenizer must encode a fixed text
//   into non-negative ids, [CLS] first and [SEP] last, within its maximum length. (A vocabulary
//   may skip ids, as in `tokenizers`; the encoder refuses ids past its embedding table.)
// - odd: the rest is text (any bytes, decoded as UTF-8 with replacement) for all-MiniLM-L6-v2's
//   real tokenizer (Tests/PareFormatsTests/Fixtures), under the same checks, and every id must
//   be inside its dense 30,522-token vocabulary.
// A broken promise traps, which libFuzzer reports like any crash.

#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The scratch model directory, one per fuzzing process, inside the directory run.sh creates.
private let scratch: String = {
  let path = fuzzScratchPath("tokenizer", isDirectory: true)
  // The maximum length comes from config.json when nothing else names it.
  FileManager.default.createFile(atPath: "\(path)/config.json", contents: Data(#"{"max_position_embeddings": 64}"#.utf8))
  return path
}()

/// all-MiniLM-L6-v2's tokenizer, loaded once.
private let miniLM: WordPieceTokenizer = {
  guard let fixtures = getenv("PARE_FUZZ_TOKENIZER").map({ String(cString: $0) }),
        let tokenizer = try? WordPieceTokenizer(modelDirectory: fixtures) else {
    fatalError("set PARE_FUZZ_TOKENIZER to Tests/PareFormatsTests/Fixtures/all-MiniLM-L6-v2-tokenizer")
  }
  return tokenizer
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  guard let mode = input.first else { return 0 }
  let rest = Array(input.dropFirst())
  if mode % 2 == 0 {
    fuzzLoading(rest)
  } else {
    check(miniLM, encoding: String(decoding: rest, as: UTF8.self), idLimit: miniLM.vocabularySize)
  }
  return 0
}

private func fuzzLoading(_ json: [UInt8]) {
  let file = "\(scratch)/tokenizer.json"
  guard FileManager.default.createFile(atPath: file, contents: Data(json)) else { return }
  do {
    check(try WordPieceTokenizer(modelDirectory: scratch), encoding: "Héllo, wörld! 你好 [SEP] unaffable 12.5%")
  } catch let error as ModelError {
    guard error.file.hasPrefix(scratch) else { fatalError("error names \(error.file), not the file read: \(error)") }
  } catch {
    fatalError("not a ModelError: \(error)")
  }
}

private func check(_ tokenizer: WordPieceTokenizer, encoding text: String, idLimit: Int = Int(Int32.max)) {
  let ids = tokenizer.encode(text)
  guard ids.count >= 2, ids.count <= max(2, tokenizer.maxLength) else { fatalError("\(ids.count) ids for max \(tokenizer.maxLength)") }
  guard ids.first == tokenizer.clsID, ids.last == tokenizer.sepID else { fatalError("not [CLS] ... [SEP]: \(ids)") }
  guard ids.allSatisfy({ $0 >= 0 && Int($0) < idLimit }) else { fatalError("id outside the vocabulary: \(ids)") }
}
