#include "clusters.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <unordered_map>

namespace pc {

namespace {

std::string labelOf(const Table& table, const std::vector<std::size_t>& keyColumns,
                    std::size_t row) {
  std::string key;
  for (std::size_t k = 0; k < keyColumns.size(); ++k) {
    if (k != 0) key.append(" / ");
    key.append(table.columns[keyColumns[k]].at(row));
  }
  return key;
}

/// When every key column is a dictionary whose sizes multiply to less than 2^32: a number per
/// row (its codes in mixed radix) stands for its key. Otherwise an empty vector.
std::vector<uint32_t> keyNumbers(const Table& table, const std::vector<std::size_t>& keyColumns,
                                 uint64_t& range) {
  range = 1;
  for (const std::size_t c : keyColumns) {
    const TextColumn& column = table.columns[c];
    if (!column.isDictionary()) return {};
    range *= std::max<std::size_t>(column.dictionarySize(), 1);
    if (range >= (uint64_t{1} << 32)) return {};
  }
  std::vector<uint32_t> numbers(table.rows(), 0);
  uint64_t scale = 1;
  for (const std::size_t c : keyColumns) {
    const TextColumn& column = table.columns[c];
    for (std::size_t r = 0; r < numbers.size(); ++r)
      numbers[r] += static_cast<uint32_t>(column.code(r) * scale);
    scale *= std::max<std::size_t>(column.dictionarySize(), 1);
  }
  return numbers;
}

}  // namespace

ClusterIndex groupRows(const Table& table, const std::vector<std::size_t>& keyColumns) {
  const std::size_t rows = table.rows();
  std::vector<uint32_t> clusterOfRow(rows);
  std::vector<std::string> labels;  // in order of first appearance
  uint64_t range = 0;
  const std::vector<uint32_t> numbers = keyNumbers(table, keyColumns, range);
  if (!numbers.empty() && range <= 4 * rows + 1024) {
    // Few possible keys: a direct table from key number to cluster.
    std::vector<uint32_t> idOf(range, UINT32_MAX);
    for (std::size_t r = 0; r < rows; ++r) {
      uint32_t& id = idOf[numbers[r]];
      if (id == UINT32_MAX) {
        id = static_cast<uint32_t>(labels.size());
        labels.push_back(labelOf(table, keyColumns, r));
      }
      clusterOfRow[r] = id;
    }
  } else if (!numbers.empty()) {
    std::unordered_map<uint32_t, uint32_t> idOf;
    for (std::size_t r = 0; r < rows; ++r) {
      auto [it, inserted] = idOf.try_emplace(numbers[r], static_cast<uint32_t>(labels.size()));
      if (inserted) labels.push_back(labelOf(table, keyColumns, r));
      clusterOfRow[r] = it->second;
    }
  }
  if (!labels.empty() && !numbers.empty()) {
    // Two key tuples may join to one label ("a / b", "c" and "a", "b / c"): the label decides.
    std::vector<std::string_view> sorted(labels.begin(), labels.end());
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) labels.clear();
  }
  if (labels.empty()) {
    std::unordered_map<std::string, uint32_t> idOf;
    for (std::size_t r = 0; r < rows; ++r) {
      std::string key = labelOf(table, keyColumns, r);
      auto [it, inserted] = idOf.try_emplace(std::move(key), static_cast<uint32_t>(labels.size()));
      if (inserted) labels.push_back(it->first);
      clusterOfRow[r] = it->second;
    }
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
  std::vector<uint32_t> sizes(labels.size(), 0);
  for (std::size_t r = 0; r < rows; ++r) ++sizes[clusterOfRow[r]];
  for (std::size_t k = 0; k < labels.size(); ++k) index.members[rank[k]].reserve(sizes[k]);
  for (std::size_t r = 0; r < rows; ++r)
    index.members[rank[clusterOfRow[r]]].push_back(static_cast<uint32_t>(r));
  return index;
}

}  // namespace pc
