// Embind bindings of the Pseudocitizen core: the whole JS surface of the wasm module.
//
// Exported (all synchronous; call them from a worker, never from the page):
//   version()                                   -> string
//   inspect(bytes: Uint8Array, encoding: string, today: 'YYYY-MM-DD')
//       -> {ok: true, json: string}             // pc::inspectJson, see src/pipeline.h
//   synthesize(bytes: Uint8Array, recipeJson: string, onProgress: (stage, fraction) => void)
//       -> {ok: true, bytes: Uint8Array, summary: string, recipe: string}
//          (summary: the report, without the seed; recipe: the resolved recipe, with it)
//   load(bytes: Uint8Array, encoding: string, today)   -> as inspect, and the parsed table is
//       kept in the module, so the caller can drop its copy of the file's bytes
//   synthesizeLoaded(recipeJson, onProgress)            -> as synthesize, on the kept table
//   unload()                                            -> frees the kept table
// Any failure comes back as a value, never as a thrown C++ exception:
//       -> {ok: false, error: {code, ja, en, line, column}}
//
// Memory: the input bytes are copied into the wasm heap for the duration of the
// call (load: only until they are parsed); the output is copied out into a fresh
// Uint8Array owned by JS, so no heap view outlives a call (the heap may grow and
// replace its buffer). Call load/synthesizeLoaded from one worker only.
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
    return errorValue(
        "memory",
        "メモリが足りません。ファイルを分けるか、他のタブを閉じてからやり直してください。",
        "Out of memory. Split the file or close other tabs, then try again.");
  } catch (const std::exception& e) {
    return errorValue("internal", std::string("内部エラー: ") + e.what(),
                      std::string("Internal error: ") + e.what());
  }
}

std::string version() { return PROJECT_VERSION_STRING; }

val inspect(const std::string& bytes, const std::string& encoding, const std::string& today) {
  return guarded([&] {
    const pc::LoadedTable loaded = pc::loadTable(bytes, encoding);
    val result = val::object();
    result.set("ok", true);
    result.set("json", pc::inspectJson(loaded, today));
    return result;
  });
}

/// The table kept by load() for synthesizeLoaded().
std::optional<pc::LoadedTable> kept;

val load(const std::string& bytes, const std::string& encoding, const std::string& today) {
  kept.reset();
  return guarded([&] {
    kept = pc::loadTable(bytes, encoding);
    val result = val::object();
    result.set("ok", true);
    result.set("json", pc::inspectJson(*kept, today));
    return result;
  });
}

void unload() { kept.reset(); }

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
    return resultValue(
        pc::synthesizeTable(*kept, pc::parseRecipe(recipeJson), progressOf(onProgress)));
  });
}

val synthesize(const std::string& bytes, const std::string& recipeJson, val onProgress) {
  return guarded([&] {
    const pc::Recipe recipe = pc::parseRecipe(recipeJson);
    return resultValue(pc::synthesize(bytes, recipe, progressOf(onProgress)));
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(pseudocitizen) {
  emscripten::function("version", &version);
  emscripten::function("inspect", &inspect);
  emscripten::function("synthesize", &synthesize);
  emscripten::function("load", &load);
  emscripten::function("synthesizeLoaded", &synthesizeLoaded);
  emscripten::function("unload", &unload);
}
