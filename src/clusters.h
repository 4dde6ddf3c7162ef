// Clusters: grouping rows by the value of their key column(s), and the progress callback
// every long step of the engine reports through.
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

/// Rows of each cluster, clusters in byte order of their label.
struct ClusterIndex {
  std::vector<std::string> labels;             ///< cluster label (key values joined by " / ")
  std::vector<std::vector<uint32_t>> members;  ///< input row numbers, ascending
};

/// Groups the rows by the values of the given columns (column indices into `table`).
ClusterIndex groupRows(const Table& table, const std::vector<std::size_t>& keyColumns);

}  // namespace pc
