// The recipe: every setting of a conversion, as one versioned JSON document.
//
// The page downloads and loads it, the CLI reads it with --recipe, and the same
// recipe with the same input gives byte-identical output everywhere (G6).
// Version 1 (this file) covers the first slice: input encoding, cluster key
// column(s), columns to drop, seed and output encoding. Reading is strict: an
// unknown key, a wrong type or an out-of-range value is an InputError that
// names the key (code "recipe.invalid").
//
//   {
//     "version": 1,
//     "inputEncoding": "auto",          // or "utf-8", "shift_jis", …
//     "cluster": ["中学校区"],           // one or more column names
//     "drop": ["住民番号", "氏名"],       // columns never written to the output
//     "seed": 20201019,                 // integer 0 … 2^53−1 (exact in JSON and JS); keep it
//                                       // secret: with the seed, the swap can be undone
//     "outputEncoding": "utf-8-bom"     // "utf-8-bom", "utf-8" or "shift_jis"
//   }
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pc {

struct Recipe {
  static constexpr int kVersion = 1;
  /// Largest seed that JSON numbers and JavaScript represent exactly.
  static constexpr uint64_t kMaxSeed = (uint64_t{1} << 53) - 1;

  int version = kVersion;
  std::string inputEncoding = "auto";
  std::vector<std::string> cluster;
  std::vector<std::string> drop;
  uint64_t seed = 1;
  /// True when the seed came from a recipe file rather than the default.
  bool hasSeed = false;
  std::string outputEncoding = "utf-8-bom";
};

/// Parses a recipe from JSON text. Throws InputError "recipe.invalid" naming the key.
Recipe parseRecipe(std::string_view json);

/// Writes the recipe as pretty-printed JSON (keys in the documented order).
std::string recipeToJson(const Recipe& recipe);

}  // namespace pc
