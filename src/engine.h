// The synthesis engine: clusters, small-cluster protection, sub-clusters, and the
// treatments that replace every record while keeping each cluster's aggregates.
//
// Input: a table and a resolved recipe (every column has a role and a treatment, see
// resolveRecipe). Output: the pseudo table (rows in random order, identifiers and
// sub-cluster labels absent) and the plan: which clusters were released, merged or
// suppressed, and what each numeric treatment kept. Every random draw comes from a
// stream derived from the recipe seed, the purpose, the cluster label and the column
// name (src/rng.h), so the output does not depend on the order of work or the platform.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clusters.h"
#include "recipe.h"
#include "table.h"

namespace pc {

/// What happened to one cluster of the input.
struct ClusterOutcome {
  std::string label;     ///< the key value(s) joined by " / "
  std::size_t rows = 0;  ///< rows in the input
  std::string status;    ///< "released", "merged" or "suppressed"
  std::string into;      ///< for "merged": the label of the receiving cluster
  std::string reasonJa, reasonEn;
  std::size_t subclusters = 0;  ///< groups it was split into (1 when not split)
};

/// What a numeric treatment could not keep exactly, per column (summed over groups).
struct ColumnOutcome {
  std::string name;       ///< output name
  std::string role;       ///< resolved role
  std::string treatment;  ///< resolved treatment
  int scale = 0;          ///< decimals written (numbers)
  std::size_t groups = 0, groupsSdInexact = 0, groupsLogScale = 0, groupsFellBack = 0;
  double maxSdRelativeError = 0;  ///< largest |sd'' − sd| / sd before rounding
  std::string note;
};

struct EngineResult {
  Table table;
  std::vector<ClusterOutcome> clusters;
  std::vector<ColumnOutcome> columns;
  /// For each output row, the input row whose place it took (its cluster position).
  std::vector<uint32_t> origin;
  /// Output cluster label of each input row ("" when suppressed), one cell per input row.
  TextColumn releasedLabelOfInputRow;
  /// The released input rows (input order) written as the output writes them — the same
  /// columns, key values of the receiving cluster, ages, numbers at the column's precision —
  /// so that the risk measures can compare the two files cell by cell.
  Table releasedOriginal;
  /// For each row of releasedOriginal, the output row that took its place.
  std::vector<int64_t> trueMatch;
};

/// Makes every column's rule explicit: drop list, cluster key, recipe rules, and for the
/// rest `suggestedRoles[c]` ("drop", "cluster", "category", "number", "date-to-age").
/// Also checks that every column the recipe names exists (InputError
/// "recipe.unknown-column") and that blocks and groups are consistent.
Recipe resolveRecipe(const Table& table, const Recipe& recipe,
                     const std::vector<std::string>& suggestedRoles);

/// Groups of at least k similar rows (the `pseudocitizen cluster` command): the named columns
/// are read as numbers where every non-missing cell is one (missing → the column mean) and as
/// categories ranked by label otherwise, z-scored, then grouped by "mdav" or "kmeans".
/// Returns the group id of every row, in input order. Throws InputError for an unknown column.
std::vector<uint32_t> microaggregateRows(const Table& table,
                                         const std::vector<std::string>& columns,
                                         const std::string& method, int k, uint64_t seed);

/// Runs a resolved recipe. Throws InputError for values that do not fit their role
/// (e.g. text in a number column, naming row and column) and for impossible settings.
EngineResult runEngine(const Table& table, const Recipe& resolved, const ProgressFn& progress = {});

}  // namespace pc
