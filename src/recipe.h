// The recipe: every setting of a conversion, as one versioned JSON document.
//
// The page downloads and loads it, the CLI reads it with --recipe, and the same
// recipe with the same input gives byte-identical output everywhere (G6).
// Reading is strict: an unknown key, a wrong type or an out-of-range value is an
// InputError (code "recipe.invalid") that names the key, e.g. "columns.BMI.strength".
// Version 1 recipes (cluster, drop, seed, encodings) are read as version 2 with every
// other column swapped, which is what version 1 did. docs/recipe.md describes every key.
//
//   {
//     "version": 2,
//     "preset": "standard",              // "standard" 標準 | "strong" 強 | "strongest" 最強
//     "inputEncoding": "auto",           // or "utf-8", "shift_jis", "euc-jp"
//     "inputDelimiter": "auto",          // or ",", "tab", ";"
//     "outputEncoding": "utf-8-bom",     // "utf-8-bom", "utf-8" or "shift_jis"
//     "seed": 20201019,                  // 0 … 2^53−1; keep it secret: it undoes the swap
//     "referenceDate": "2026-04-01",     // ages of date-to-age columns are taken on this day
//     "cluster": ["中学校区"],            // key column(s); their combination is a cluster
//     "minClusterSize": 10,              // ≥ 3; smaller clusters are merged or suppressed
//     "smallClusters": "merge",          // "merge" into the most similar cluster | "suppress"
//     "subclusters": {"method": "mdav", "k": 10, "columns": ["生年月日", "要介護度"]},
//     "blocks": [["性別", "生年月日"]],     // columns swapped together (joint counts kept)
//     "numericGroups": [["BMI", "収縮期血圧", "HbA1c"]],  // covariance matrix kept
//     "drop": ["住民番号", "氏名"],        // never written to the output
//     "columns": {                       // per column; unlisted columns use the suggestion
//       "生年月日": {"role": "date-to-age", "as": "年齢"},
//       "要介護度": {"role": "category", "treatment": "pram", "pramTheta": 0.2},
//       "医療費年額": {"role": "number", "strength": 1.5}
//     }
//   }
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pc {

/// What happens to one column.
struct ColumnRule {
  /// "drop", "cluster", "category", "number" or "date-to-age"; empty = the suggestion.
  std::string role;
  /// "swap" (permute within the (sub-)cluster; default for categories and ages), "noise"
  /// (numbers: noise in place, moments kept), "swap-noise" (numbers: both; their default),
  /// "shuffle" (a numeric group: correlation-preserving data shuffling — each column keeps
  /// its values exactly, re-assigned by the ranks of a Gaussian-copula sample), "pram"
  /// (categories: invariant PRAM after the swap) or "keep" (unchanged in place).
  std::string treatment;
  std::optional<double> strength;   ///< noise strength s ≥ 0 (number)
  std::optional<double> pramTheta;  ///< PRAM change probability in (0, 1] (category)
  std::string as;                   ///< output name of a date-to-age column (default "年齢")

  /// The name the column `column` has in the output: `as` (or "年齢") for date-to-age.
  std::string outputName(const std::string& column) const {
    if (role != "date-to-age") return column;
    return as.empty() ? "年齢" : as;
  }
};

/// Splitting each cluster into groups of at least k similar records.
struct SubclusterRule {
  std::string method = "mdav";  ///< "mdav" or "kmeans"
  int k = 10;                   ///< minimum group size, ≥ 3
  std::vector<std::string> columns;
};

struct Recipe {
  static constexpr int kVersion = 2;
  /// Largest seed that JSON numbers and JavaScript represent exactly.
  static constexpr uint64_t kMaxSeed = (uint64_t{1} << 53) - 1;

  int version = kVersion;
  std::string preset = "standard";
  std::string inputEncoding = "auto";
  std::string inputDelimiter = "auto";  ///< "auto" (sniffed), ",", "tab" or ";"
  std::string outputEncoding = "utf-8-bom";
  uint64_t seed = 1;
  bool hasSeed = false;       ///< the seed came from the document, not the default
  std::string referenceDate;  ///< ISO date; empty = not set (needed only for date-to-age)
  std::vector<std::string> cluster;
  int minClusterSize = 10;
  std::string smallClusters = "merge";
  std::optional<SubclusterRule> subclusters;
  std::vector<std::vector<std::string>> blocks;
  std::vector<std::vector<std::string>> numericGroups;
  std::vector<std::string> drop;
  std::vector<std::pair<std::string, ColumnRule>> columns;  ///< in document order
  /// Read from a version-1 recipe: every released column is swapped (resolved away by
  /// resolveRecipe, so a recipe written back is explicit version 2).
  bool swapEverything = false;

  /// Noise strength of numbers when a column does not set one: from the preset
  /// (standard 1.0, strong 2.0, strongest: infinite, i.e. fully synthetic values).
  double defaultStrength() const;
  /// The rule for a column, or nullptr when the recipe does not mention it.
  const ColumnRule* rule(std::string_view column) const;
};

/// The presets and what they set, documented in docs/recipe.md.
constexpr double kStrengthStandard = 1.0;
constexpr double kStrengthStrong = 2.0;
/// Marks "fully synthetic": the noise replaces the values (IPSO), moments still kept.
constexpr double kStrengthSynthetic = 1e9;

/// Parses a recipe (version 1 or 2) from JSON text. Throws InputError "recipe.invalid"
/// naming the key, or "recipe.syntax" when the text is not JSON.
Recipe parseRecipe(std::string_view json);

/// Writes the recipe as pretty-printed version-2 JSON (keys in the documented order).
std::string recipeToJson(const Recipe& recipe);

}  // namespace pc
