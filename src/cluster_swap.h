// Swapping within clusters: the first end-to-end treatment.
//
// Records are grouped by the value of the cluster key column(s) (e.g. 中学校区);
// inside each cluster every other column's values are permuted among the
// cluster's records, each column with its own random permutation. Every
// cluster therefore keeps its row count and the exact count of every value of
// every column, while the link between a record's columns is broken. Columns
// named in `drop` are removed, and the output rows are in random order.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "table.h"

namespace pc {

/// Reports progress: a stage name ("clustering", "synthesising", …) and a fraction in [0, 1].
using ProgressFn = std::function<void(std::string_view stage, double fraction)>;

struct SwapRequest {
  std::vector<std::string> clusterColumns;  ///< at least one; their combination is the cluster
  std::vector<std::string> dropColumns;     ///< removed from the output
  uint64_t seed = 1;
};

/// Rows of each cluster, clusters in byte order of their label.
struct ClusterIndex {
  std::vector<std::string> labels;             ///< cluster label (key values joined by " / ")
  std::vector<std::vector<uint32_t>> members;  ///< input row numbers, ascending
};

/// Groups the rows by the values of the given columns (column indices into `table`).
ClusterIndex groupRows(const Table& table, const std::vector<std::size_t>& keyColumns);

/// Applies the swap described above. Throws InputError (code "recipe.unknown-column")
/// if a named column is not in the table, or "recipe.no-cluster" if none is given.
/// The result is a function of (table, request) only: same input and seed, same output.
Table swapWithinClusters(const Table& table, const SwapRequest& request,
                         const ProgressFn& progress = {});

}  // namespace pc
