// Embind bindings of the Pseudocitizen core: the whole JS surface of the wasm module.
//
// Exported (all synchronous; call them from a worker, never from the page):
//   version()                                   -> string
//   inspect(bytes: Uint8Array, encoding: string, today: 'YYYY-MM-DD'[, delimiter: string])
//       -> {ok: true, json: string}             // pc::inspectJson, see src/pipeline.h
//          (delimiter: 'auto' (default, sniffed), ',', 'tab' or ';')
//   synthesize(bytes: Uint8Array, recipeJson: string, onProgress: (stage, fraction) => void)
//       -> {ok: true, bytes: Uint8Array, summary: string, recipe: string}
//          (summary: the report, without the seed; recipe: the resolved recipe, with it)
//   load(bytes: Uint8Array, encoding: string, today[, delimiter])   -> as inspect, and the
//       parsed table is kept in the module, so the caller can drop its copy of the file's bytes
//   loadBuffer(size) -> {ok: true, view: Uint8Array}    room for a file in the heap, which the
//       caller fills (e.g. from a File, piece by piece), then
//   loadFilled(encoding, today, delimiter)              -> as load, on those bytes
//   synthesizeLoaded(recipeJson, onProgress)            -> as synthesize, on the kept table;
//       the columns a run drops are emptied in it, and a later run that needs one of them
//       fails with {code: 'state.reload'}: load the file again (pc::synthesizeKept)
//   unload()                                            -> frees the kept table
// Any failure comes back as a value, never as a thrown C++ exception:
//       -> {ok: false, error: {code, ja, en, line, column}}
// Running out of memory is {code: 'memory.exhausted'}: with ALLOW_MEMORY_GROWTH, malloc
// returns null when the heap cannot grow (Emscripten turns ABORTING_MALLOC off), so
// operator new throws std::bad_alloc, which unwinds (-fwasm-exceptions) to guarded().
//
// Memory: the input bytes are copied into the wasm heap once, by this file, into a
// std::string allocated here (so a file too large for the heap is a bad_alloc caught
// below, not a failed malloc inside Embind's own string marshalling, which does not
// check for null), for the duration of the call (load: only until they are parsed); the
// output is copied out into a fresh Uint8Array owned by JS, so no heap view outlives a call
// (the heap may grow and replace its buffer). Call load/synthesizeLoaded from one worker only.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <new>
#include <optional>
#include <string>

#include "error.h"
#include "pipeline.h"
#include "recipe.h"

namespace {

using emscripten::val;

val errorValue(const std::string& code, const std::string& ja, const std::string& en, long line = 0,
               long column = 0) {
  val error = val::object();
  error.set("code", code);
  error.set("ja", ja);
  error.set("en", en);
  error.set("line", static_cast<double>(line));
  error.set("column", static_cast<double>(column));
  val result = val::object();
  result.set("ok", false);
  result.set("error", error);
  return result;
}

/// Runs `body`, turning every exception into {ok: false, error}.
template <typename Body>
val guarded(Body&& body) {
  try {
    return body();
  } catch (const pc::InputError& e) {
    return errorValue(e.code(), e.ja(), e.en(), e.where().line, e.where().column);
  } catch (const std::bad_alloc&) {
    // The same words as web/failure.js (memoryExhausted) shows for the worker's own failures.
    return errorValue("memory.exhausted",
                      "メモリが足りません。このファイルはブラウザーで扱える大きさを超えています。"
                      "ファイルを地区などで分けるか、他のタブやアプリを閉じてから、もう一度"
                      "読み込んでください（コマンドライン版ならより大きなファイルも扱えます）。",
                      "Out of memory: this file is larger than the browser can handle. Split "
                      "the file (by district, for example) or close other tabs and programs, "
                      "then load it again (the command-line version handles larger files).");
  } catch (const std::exception& e) {
    return errorValue("internal", std::string("内部エラー: ") + e.what(),
                      std::string("Internal error: ") + e.what());
  }
}

/// The bytes of a Uint8Array (or ArrayBuffer) copied into a std::string on the wasm heap with
/// one TypedArray.set. Allocating here keeps a failed allocation a std::bad_alloc.
std::string copyBytes(val bytes) {
  if (bytes.typeOf().as<std::string>() == "string") return bytes.as<std::string>();
  if (bytes.instanceof (val::global("ArrayBuffer"))) bytes = val::global("Uint8Array").new_(bytes);
  if (!bytes.instanceof (val::global("Uint8Array"))) {
    throw pc::InputError("bytes.type", "ファイルの中身はバイト列（Uint8Array）で渡してください。",
                         "Pass the file's contents as bytes (a Uint8Array).");
  }
  std::string out(bytes["length"].as<std::size_t>(), '\0');
  // The view is made after the allocation: a grown heap has a new buffer.
  val(emscripten::typed_memory_view(out.size(), reinterpret_cast<unsigned char*>(out.data())))
      .call<void>("set", bytes);
  return out;
}

std::string version() { return PROJECT_VERSION_STRING; }

val inspectWith(val bytes, const std::string& encoding, const std::string& today,
                const std::string& delimiter) {
  return guarded([&] {
    const pc::LoadedTable loaded = pc::loadTableFrom(copyBytes(bytes), encoding, {}, delimiter);
    val result = val::object();
    result.set("ok", true);
    result.set("json", pc::inspectJson(loaded, today));
    return result;
  });
}

val inspect(val bytes, const std::string& encoding, const std::string& today) {
  return inspectWith(bytes, encoding, today, "auto");
}

/// The table kept by load() for synthesizeLoaded().
std::optional<pc::LoadedTable> kept;

val loadWith(val bytes, const std::string& encoding, const std::string& today,
             const std::string& delimiter) {
  kept.reset();
  return guarded([&] {
    kept = pc::loadTableFrom(copyBytes(bytes), encoding, {}, delimiter);
    val result = val::object();
    result.set("ok", true);
    result.set("json", pc::inspectJson(*kept, today));
    return result;
  });
}

val load(val bytes, const std::string& encoding, const std::string& today) {
  return loadWith(bytes, encoding, today, "auto");
}

void unload() { kept.reset(); }

/// The bytes of a file being copied into the heap piece by piece (loadBuffer / loadFilled).
std::string incoming;

/// Makes room for a file of `size` bytes in the heap and returns a view of it, which the worker
/// fills from the File in pieces — so the page never holds the whole file in JavaScript. The view
/// stays valid until the next call into the module (nothing else allocates meanwhile).
val loadBuffer(double size) {
  kept.reset();
  std::string().swap(incoming);
  return guarded([&] {
    incoming.resize(static_cast<std::size_t>(size));
    val result = val::object();
    result.set("ok", true);
    result.set("view", val(emscripten::typed_memory_view(
                           incoming.size(), reinterpret_cast<unsigned char*>(incoming.data()))));
    return result;
  });
}

/// As load, on the bytes loadBuffer's view was filled with.
val loadFilled(const std::string& encoding, const std::string& today,
               const std::string& delimiter) {
  return guarded([&] {
    kept = pc::loadTableFrom(std::move(incoming), encoding, {}, delimiter);
    std::string().swap(incoming);
    val result = val::object();
    result.set("ok", true);
    result.set("json", pc::inspectJson(*kept, today));
    return result;
  });
}

pc::ProgressFn progressOf(val& onProgress) {
  const bool report = onProgress.typeOf().as<std::string>() == "function";
  return [&onProgress, report](std::string_view stage, double fraction) {
    if (report) onProgress(std::string(stage), fraction);
  };
}

val resultValue(const pc::SynthResult& out) {
  // new Uint8Array(view) copies the bytes out of the heap.
  const val view = val(emscripten::typed_memory_view(
      out.bytes.size(), reinterpret_cast<const unsigned char*>(out.bytes.data())));
  val result = val::object();
  result.set("ok", true);
  result.set("bytes", val::global("Uint8Array").new_(view));
  result.set("summary", out.summaryJson);
  result.set("recipe", pc::recipeToJson(out.resolved));
  return result;
}

val synthesizeLoaded(const std::string& recipeJson, val onProgress) {
  return guarded([&] {
    if (!kept) {
      throw pc::InputError("state.no-file", "先にファイルを読み込んでください。",
                           "Load a file first.");
    }
    // The columns the run drops leave the kept table (peak memory; the heap never shrinks).
    return resultValue(
        pc::synthesizeKept(*kept, pc::parseRecipe(recipeJson), progressOf(onProgress)));
  });
}

val synthesize(val bytes, const std::string& recipeJson, val onProgress) {
  return guarded([&] {
    const pc::Recipe recipe = pc::parseRecipe(recipeJson);
    return resultValue(pc::synthesize(copyBytes(bytes), recipe, progressOf(onProgress)));
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(pseudocitizen) {
  emscripten::function("version", &version);
  // inspect and load take an optional fourth argument, the delimiter (overloads by arity).
  emscripten::function("inspect", &inspect);
  emscripten::function("inspect", &inspectWith);
  emscripten::function("synthesize", &synthesize);
  emscripten::function("load", &load);
  emscripten::function("load", &loadWith);
  emscripten::function("loadBuffer", &loadBuffer);
  emscripten::function("loadFilled", &loadFilled);
  emscripten::function("synthesizeLoaded", &synthesizeLoaded);
  emscripten::function("unload", &unload);
}
