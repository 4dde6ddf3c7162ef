#include "clusters.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace pc {

ClusterIndex groupRows(const Table& table, const std::vector<std::size_t>& keyColumns) {
  const std::size_t rows = table.rows();
  std::unordered_map<std::string, uint32_t> idOf;
  std::vector<uint32_t> clusterOfRow(rows);
  std::vector<std::string> labels;
  std::string key;
  for (std::size_t r = 0; r < rows; ++r) {
    key.clear();
    for (std::size_t k = 0; k < keyColumns.size(); ++k) {
      if (k != 0) key.append(" / ");
      key.append(table.columns[keyColumns[k]].at(r));
    }
    auto [it, inserted] = idOf.try_emplace(key, static_cast<uint32_t>(labels.size()));
    if (inserted) labels.push_back(key);
    clusterOfRow[r] = it->second;
  }
  // Order clusters by label bytes so the result does not depend on row order.
  std::vector<uint32_t> order(labels.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return labels[a] < labels[b]; });
  std::vector<uint32_t> rank(labels.size());
  for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]] = static_cast<uint32_t>(i);

  ClusterIndex index;
  index.labels.resize(labels.size());
  index.members.resize(labels.size());
  for (std::size_t i = 0; i < order.size(); ++i) index.labels[i] = std::move(labels[order[i]]);
  for (std::size_t r = 0; r < rows; ++r)
    index.members[rank[clusterOfRow[r]]].push_back(static_cast<uint32_t>(r));
  return index;
}

}  // namespace pc
