#include "cluster_swap.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "error.h"
#include "rng.h"

namespace pc {
namespace {

std::size_t requireColumn(const Table& table, const std::string& name, const char* what_ja,
                          const char* what_en) {
  const long index = table.indexOf(name);
  if (index < 0) {
    throw InputError("recipe.unknown-column",
                     std::string(what_ja) + "の列「" + name + "」がファイルにありません。",
                     std::string(what_en) + " column \"" + name + "\" is not in the file.");
  }
  return static_cast<std::size_t>(index);
}

}  // namespace

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

Table swapWithinClusters(const Table& table, const SwapRequest& request,
                         const ProgressFn& progress) {
  if (request.clusterColumns.empty()) {
    throw InputError("recipe.no-cluster", "地区（クラスタ）の列を選んでください。",
                     "Choose the column that defines the clusters (districts).");
  }
  std::vector<std::size_t> keyColumns;
  for (const auto& name : request.clusterColumns)
    keyColumns.push_back(requireColumn(table, name, "地区（クラスタ）", "Cluster"));
  std::vector<bool> dropped(table.names.size(), false);
  for (const auto& name : request.dropColumns)
    dropped[requireColumn(table, name, "削除する", "Dropped")] = true;
  for (const std::size_t k : keyColumns) {
    if (dropped[k]) {
      throw InputError("recipe.drop-cluster",
                       "地区（クラスタ）の列「" + table.names[k] + "」は削除できません。",
                       "The cluster column \"" + table.names[k] + "\" cannot be dropped.");
    }
  }

  if (progress) progress("clustering", 0.0);
  const ClusterIndex clusters = groupRows(table, keyColumns);
  const std::size_t rows = table.rows();

  // Layout: the rows of cluster 0, then cluster 1, … (each cluster a block).
  std::vector<uint32_t> layout;
  std::vector<std::pair<std::size_t, std::size_t>> blocks;  // [begin, end) per cluster
  layout.reserve(rows);
  for (const auto& members : clusters.members) {
    blocks.emplace_back(layout.size(), layout.size() + members.size());
    layout.insert(layout.end(), members.begin(), members.end());
  }

  // The order rows are written in: a random permutation of the layout positions.
  std::vector<uint32_t> outputOrder(rows);
  std::iota(outputOrder.begin(), outputOrder.end(), 0u);
  Rng orderRng(deriveSeed(request.seed, "output-order"));
  shuffleRange(outputOrder.begin(), outputOrder.end(), orderRng);
  if (progress) progress("clustering", 1.0);

  Table out;
  std::vector<uint32_t> source(rows);
  const std::size_t ncols = table.names.size();
  for (std::size_t c = 0; c < ncols; ++c) {
    if (dropped[c]) continue;
    const bool isKey = std::find(keyColumns.begin(), keyColumns.end(), c) != keyColumns.end();
    // source[p] = input row whose value lands at layout position p.
    std::copy(layout.begin(), layout.end(), source.begin());
    if (!isKey) {
      const uint64_t columnSeed = deriveSeed(request.seed, "swap:" + table.names[c]);
      for (std::size_t k = 0; k < blocks.size(); ++k) {
        Rng rng(deriveSeed(columnSeed, clusters.labels[k]));
        shuffleRange(source.begin() + static_cast<long>(blocks[k].first),
                     source.begin() + static_cast<long>(blocks[k].second), rng);
      }
    }
    const TextColumn& in = table.columns[c];
    TextColumn column;
    column.reserve(rows, in.byteSize());
    for (std::size_t r = 0; r < rows; ++r) column.push(in.at(source[outputOrder[r]]));
    out.names.push_back(table.names[c]);
    out.columns.push_back(std::move(column));
    if (progress) progress("synthesising", static_cast<double>(c + 1) / static_cast<double>(ncols));
  }
  return out;
}

}  // namespace pc
