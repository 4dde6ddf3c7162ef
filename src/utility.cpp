#include "utility.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "values.h"

namespace pc {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void requireColumn(const Table& t, std::size_t c, const char* what) {
  if (c >= t.columns.size())
    throw std::invalid_argument(std::string("utility: ") + what + " column index " +
                                std::to_string(c) + " out of range");
}

/// Order-preserving key of a non-NaN double (−0 folded to +0): a < b <=> key(a) < key(b).
uint64_t orderKey(double v) {
  if (v == 0) v = 0.0;
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return (bits & 0x8000000000000000ULL) ? ~bits : (bits | 0x8000000000000000ULL);
}

/// LSD radix sort of keys (8-bit digits; digits equal in every key are skipped), carrying payload.
/// Scratch buffers of radixSort, reused across calls (fresh pages are the main cost at 1M rows).
struct RadixScratch {
  std::vector<uint64_t> keys;
  std::vector<uint32_t> payload;
};

void radixSort(std::vector<uint64_t>& keys, std::vector<uint32_t>& payload, RadixScratch& scratch) {
  // 11-bit digits: 6 passes at most, fewer when a digit is the same in every key.
  constexpr int kBits = 11, kDigits = 6;
  constexpr std::size_t kBuckets = std::size_t{1} << kBits;
  const std::size_t n = keys.size();
  if (n < 2) return;
  std::vector<uint32_t> counts(kDigits * kBuckets, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const uint64_t key = keys[i];
    for (int d = 0; d < kDigits; ++d)
      ++counts[static_cast<std::size_t>(d) * kBuckets + ((key >> (kBits * d)) & (kBuckets - 1))];
  }
  std::vector<uint64_t>& k2 = scratch.keys;
  std::vector<uint32_t>& p2 = scratch.payload;
  k2.resize(n);
  p2.resize(n);
  for (int d = 0; d < kDigits; ++d) {
    uint32_t* c = counts.data() + static_cast<std::size_t>(d) * kBuckets;
    const int shift = kBits * d;
    if (c[(keys[0] >> shift) & (kBuckets - 1)] == n) continue;
    uint32_t sum = 0;
    for (std::size_t b = 0; b < kBuckets; ++b) {
      const uint32_t t = c[b];
      c[b] = sum;
      sum += t;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const uint32_t to = c[(keys[i] >> shift) & (kBuckets - 1)]++;
      k2[to] = keys[i];
      p2[to] = payload[i];
    }
    keys.swap(k2);
    payload.swap(p2);
  }
}

/// max |i·nb − j·na| over the pooled distinct values of two sorted key ranges.
uint64_t ksMaxGap(const uint64_t* a, std::size_t na, const uint64_t* b, std::size_t nb) {
  std::size_t i = 0, j = 0;
  uint64_t best = 0;
  while (i < na && j < nb) {
    const uint64_t v = std::min(a[i], b[j]);
    while (i < na && a[i] == v) ++i;
    while (j < nb && b[j] == v) ++j;
    const uint64_t x = static_cast<uint64_t>(i) * nb, y = static_cast<uint64_t>(j) * na;
    best = std::max(best, x > y ? x - y : y - x);
  }
  // Once one side is exhausted the gap only shrinks to 0.
  return best;
}

double ksComplementSorted(const uint64_t* a, std::size_t na, const uint64_t* b, std::size_t nb) {
  if (na == 0 || nb == 0) return kNaN;
  const uint64_t denom = static_cast<uint64_t>(na) * nb;
  return static_cast<double>(denom - ksMaxGap(a, na, b, nb)) / static_cast<double>(denom);
}

/// The non-NaN values of `values` as sorted keys.
std::vector<uint64_t> sortedKeys(const std::vector<double>& values) {
  std::vector<uint64_t> keys;
  keys.reserve(values.size());
  for (const double v : values)
    if (!std::isnan(v)) keys.push_back(orderKey(v));
  std::vector<uint32_t> none(keys.size(), 0);
  RadixScratch scratch;
  radixSort(keys, none, scratch);
  return keys;
}

/// Rows grouped by cluster: rows of cluster k are order[start[k] .. start[k+1]), ascending.
struct Grouping {
  std::vector<uint32_t> order;
  std::vector<std::size_t> start;
};

Grouping groupByCluster(const std::vector<uint32_t>& clusterOfRow, std::size_t clusterCount) {
  Grouping g;
  g.start.assign(clusterCount + 1, 0);
  for (const uint32_t k : clusterOfRow) {
    if (k >= clusterCount) throw std::invalid_argument("utility: cluster id out of range");
    ++g.start[k + 1];
  }
  for (std::size_t k = 0; k < clusterCount; ++k) g.start[k + 1] += g.start[k];
  g.order.resize(clusterOfRow.size());
  std::vector<std::size_t> next(g.start.begin(), g.start.end() - 1);
  for (std::size_t r = 0; r < clusterOfRow.size(); ++r)
    g.order[next[clusterOfRow[r]]++] = static_cast<uint32_t>(r);
  return g;
}

/// One side of one numeric column for KS: keys sorted overall, and sorted within clusters.
struct SortedSide {
  std::vector<uint64_t> all;        ///< every non-missing value, ascending
  std::vector<uint64_t> byCluster;  ///< cluster 0's values ascending, then cluster 1's …
  std::vector<std::size_t> start;   ///< cluster k = byCluster[start[k] .. start[k+1])
};

/// Fills `s` (buffers reused) with the sorted values of column `column` of `m`.
void sortSide(const NumericMatrix& m, std::size_t column, const std::vector<uint32_t>& clusterOfRow,
              std::size_t clusterCount, SortedSide& s, std::vector<uint32_t>& cluster,
              RadixScratch& scratch) {
  s.all.clear();
  cluster.clear();
  s.all.reserve(m.rows);
  cluster.reserve(m.rows);
  for (std::size_t r = 0; r < m.rows; ++r) {
    const double v = m.values[r * m.cols + column];
    if (std::isnan(v)) continue;
    s.all.push_back(orderKey(v));
    cluster.push_back(clusterOfRow[r]);
  }
  radixSort(s.all, cluster, scratch);
  s.start.assign(clusterCount + 1, 0);
  for (const uint32_t k : cluster) ++s.start[k + 1];
  for (std::size_t k = 0; k < clusterCount; ++k) s.start[k + 1] += s.start[k];
  std::vector<std::size_t> next(s.start.begin(), s.start.end() - 1);
  s.byCluster.resize(s.all.size());
  for (std::size_t i = 0; i < s.all.size(); ++i) s.byCluster[next[cluster[i]]++] = s.all[i];
}

std::vector<std::string> columnNames(const Table& t, const std::vector<std::size_t>& cols) {
  std::vector<std::string> names;
  for (const std::size_t c : cols) names.push_back(c < t.names.size() ? t.names[c] : std::string());
  return names;
}

double minDefined(const std::vector<ClusterValue>& values) {
  double best = kNaN;
  for (const auto& v : values)
    if (!std::isnan(v.value) && (std::isnan(best) || v.value < best)) best = v.value;
  return best;
}

std::string labelOf(const Table& t, const std::vector<std::size_t>& cols, std::size_t row) {
  std::string label;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (i) label += " / ";
    label += t.columns[cols[i]].at(row);
  }
  return label;
}

/// Per-cluster accumulators of the correlation pass, values shifted by the cluster's first value.
struct CorrCluster {
  std::vector<double> shift;  ///< per column; NaN until a value is seen
  // Complete rows (every column present): one count, per-column sums, per-pair cross sums.
  double nComplete = 0;
  std::vector<double> sx, sxx;  ///< per column
  std::vector<double> sxy;      ///< per pair (i, j), i * p + j
  // Rows with some missing value: full per-pair accumulators.
  std::vector<double> pn, px, py, pxx, pyy, pxy;  ///< per pair (i, j), i * p + j, i <= j
};

struct Moments {
  double n = 0, mx = 0, my = 0, cxx = 0, cyy = 0, cxy = 0;
  double rawXX = 0, rawYY = 0;  ///< second moments about the shifts (for the constant test)
};

double correlationOf(const Moments& m) {
  if (m.n < 2) return kNaN;
  const double eps = 1e-12;
  if (!(m.cxx > eps * m.rawXX) || !(m.cyy > eps * m.rawYY) || m.cxx <= 0 || m.cyy <= 0) return kNaN;
  double r = m.cxy / std::sqrt(m.cxx * m.cyy);
  if (r > 1) r = 1;
  if (r < -1) r = -1;
  return r;
}

using OrderedJson = nlohmann::ordered_json;

OrderedJson number(double v) {
  return std::isnan(v) || std::isinf(v) ? OrderedJson(nullptr) : OrderedJson(v);
}

OrderedJson similarityJson(const std::vector<ColumnSimilarity>& list) {
  OrderedJson out = OrderedJson::array();
  for (const auto& s : list) {
    OrderedJson per = OrderedJson::array();
    for (const auto& v : s.perCluster)
      per.push_back({{"label", v.label}, {"value", number(v.value)}});
    out.push_back({{"column", s.column},
                   {"overall", number(s.overall)},
                   {"perCluster", per},
                   {"min", number(s.min)}});
  }
  return out;
}

OrderedJson matrixJson(const SquareMatrix& m) {
  OrderedJson out = OrderedJson::array();
  for (std::size_t i = 0; i < m.size; ++i) {
    OrderedJson row = OrderedJson::array();
    for (std::size_t j = 0; j < m.size; ++j) row.push_back(number(m.at(i, j)));
    out.push_back(row);
  }
  return out;
}

bool sameFigure(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

}  // namespace

// ------------------------------------------------------------------------------- primitives

double ksDistance(std::vector<double> a, std::vector<double> b) {
  const std::vector<uint64_t> ka = sortedKeys(a), kb = sortedKeys(b);
  if (ka.empty() || kb.empty()) return kNaN;
  const uint64_t denom = static_cast<uint64_t>(ka.size()) * kb.size();
  return static_cast<double>(ksMaxGap(ka.data(), ka.size(), kb.data(), kb.size())) /
         static_cast<double>(denom);
}

double ksComplement(const std::vector<double>& a, const std::vector<double>& b) {
  const std::vector<uint64_t> ka = sortedKeys(a), kb = sortedKeys(b);
  return ksComplementSorted(ka.data(), ka.size(), kb.data(), kb.size());
}

double tvComplement(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.empty() || b.empty()) return kNaN;
  std::vector<uint64_t> ka(a.begin(), a.end()), kb(b.begin(), b.end());
  std::vector<uint32_t> pa(ka.size(), 0), pb(kb.size(), 0);
  RadixScratch scratch;
  radixSort(ka, pa, scratch);
  radixSort(kb, pb, scratch);
  const uint64_t na = ka.size(), nb = kb.size();
  uint64_t gap = 0;
  std::size_t i = 0, j = 0;
  while (i < ka.size() || j < kb.size()) {
    uint64_t v;
    if (i == ka.size())
      v = kb[j];
    else if (j == kb.size())
      v = ka[i];
    else
      v = std::min(ka[i], kb[j]);
    uint64_t ca = 0, cb = 0;
    while (i < ka.size() && ka[i] == v) ++i, ++ca;
    while (j < kb.size() && kb[j] == v) ++j, ++cb;
    const uint64_t x = ca * nb, y = cb * na;
    gap += x > y ? x - y : y - x;
  }
  const uint64_t denom = 2 * na * nb;
  return static_cast<double>(denom - gap) / static_cast<double>(denom);
}

// --------------------------------------------------------------------------------- clusters

ClusterGroups clusterGroups(const Table& original, const Table& pseudo,
                            const std::vector<std::size_t>& clusterColumns) {
  for (const std::size_t c : clusterColumns) {
    requireColumn(original, c, "cluster");
    requireColumn(pseudo, c, "cluster");
  }
  const JointIds ids = jointIds(original, clusterColumns, pseudo, clusterColumns);
  ClusterGroups g;
  // A label per joint id, from its first row.
  std::vector<std::string> labels(ids.count);
  std::vector<bool> seen(ids.count, false);
  for (std::size_t r = 0; r < ids.original.size(); ++r)
    if (!seen[ids.original[r]]) {
      seen[ids.original[r]] = true;
      labels[ids.original[r]] = labelOf(original, clusterColumns, r);
    }
  for (std::size_t r = 0; r < ids.pseudo.size(); ++r)
    if (!seen[ids.pseudo[r]]) {
      seen[ids.pseudo[r]] = true;
      labels[ids.pseudo[r]] = labelOf(pseudo, clusterColumns, r);
    }
  std::vector<uint32_t> byLabel(ids.count);
  for (uint32_t k = 0; k < ids.count; ++k) byLabel[k] = k;
  std::sort(byLabel.begin(), byLabel.end(), [&](uint32_t x, uint32_t y) {
    return labels[x] != labels[y] ? labels[x] < labels[y] : x < y;
  });
  std::vector<uint32_t> rank(ids.count);
  for (uint32_t k = 0; k < ids.count; ++k) {
    rank[byLabel[k]] = k;
    g.labels.push_back(labels[byLabel[k]]);
  }
  g.original.resize(ids.original.size());
  g.pseudo.resize(ids.pseudo.size());
  for (std::size_t r = 0; r < ids.original.size(); ++r) g.original[r] = rank[ids.original[r]];
  for (std::size_t r = 0; r < ids.pseudo.size(); ++r) g.pseudo[r] = rank[ids.pseudo[r]];
  return g;
}

// ----------------------------------------------------------------------- KS and TV per column

std::vector<ColumnSimilarity> ksSimilarities(const NumericMatrix& original,
                                             const NumericMatrix& pseudo,
                                             const ClusterGroups& clusters,
                                             const std::vector<std::string>& names) {
  const std::size_t kc = clusters.labels.size();
  if (clusters.original.size() != original.rows || clusters.pseudo.size() != pseudo.rows)
    throw std::invalid_argument("utility: cluster ids do not match the matrices");
  if (original.cols != pseudo.cols || names.size() != original.cols)
    throw std::invalid_argument("utility: the matrices and names differ in columns");
  std::vector<ColumnSimilarity> out;
  SortedSide a, b;
  std::vector<uint32_t> cluster;
  RadixScratch scratch;
  for (std::size_t c = 0; c < original.cols; ++c) {
    sortSide(original, c, clusters.original, kc, a, cluster, scratch);
    sortSide(pseudo, c, clusters.pseudo, kc, b, cluster, scratch);
    ColumnSimilarity s;
    s.column = names[c];
    s.overall = ksComplementSorted(a.all.data(), a.all.size(), b.all.data(), b.all.size());
    for (std::size_t k = 0; k < kc; ++k)
      s.perCluster.push_back(
          {clusters.labels[k],
           ksComplementSorted(a.byCluster.data() + a.start[k], a.start[k + 1] - a.start[k],
                              b.byCluster.data() + b.start[k], b.start[k + 1] - b.start[k])});
    s.min = minDefined(s.perCluster);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<ColumnSimilarity> ksSimilarities(const Table& original, const Table& pseudo,
                                             const ClusterGroups& clusters,
                                             const std::vector<std::size_t>& numericColumns) {
  for (const std::size_t c : numericColumns) {
    requireColumn(original, c, "numeric");
    requireColumn(pseudo, c, "numeric");
  }
  return ksSimilarities(numericMatrix(original, numericColumns),
                        numericMatrix(pseudo, numericColumns), clusters,
                        columnNames(pseudo, numericColumns));
}

std::vector<ColumnSimilarity> tvSimilarities(const Table& original, const Table& pseudo,
                                             const ClusterGroups& clusters,
                                             const std::vector<std::size_t>& categoryColumns) {
  const std::size_t kc = clusters.labels.size();
  if (clusters.original.size() != original.rows() || clusters.pseudo.size() != pseudo.rows())
    throw std::invalid_argument("utility: cluster ids do not match the tables");
  const Grouping ga = groupByCluster(clusters.original, kc);
  const Grouping gb = groupByCluster(clusters.pseudo, kc);
  std::vector<ColumnSimilarity> out;
  for (const std::size_t c : categoryColumns) {
    requireColumn(original, c, "category");
    requireColumn(pseudo, c, "category");
    const JointIds ids = jointIds(original, {c}, pseudo, {c});
    // Which ids are missing-value tokens.
    std::vector<int8_t> missing(ids.count, -1);
    for (std::size_t r = 0; r < ids.original.size(); ++r)
      if (missing[ids.original[r]] < 0)
        missing[ids.original[r]] = isMissingToken(original.columns[c].at(r)) ? 1 : 0;
    for (std::size_t r = 0; r < ids.pseudo.size(); ++r)
      if (missing[ids.pseudo[r]] < 0)
        missing[ids.pseudo[r]] = isMissingToken(pseudo.columns[c].at(r)) ? 1 : 0;

    std::vector<uint64_t> countA(ids.count, 0), countB(ids.count, 0);
    std::vector<uint32_t> touched;
    // Exact TV complement of the rows order[from..to) of each side.
    auto tv = [&](const uint32_t* ra, std::size_t na0, const uint32_t* rb, std::size_t nb0) {
      uint64_t na = 0, nb = 0;
      touched.clear();
      for (std::size_t i = 0; i < na0; ++i) {
        const uint32_t id = ids.original[ra ? ra[i] : i];
        if (missing[id] == 1) continue;
        if (countA[id] == 0 && countB[id] == 0) touched.push_back(id);
        ++countA[id];
        ++na;
      }
      for (std::size_t i = 0; i < nb0; ++i) {
        const uint32_t id = ids.pseudo[rb ? rb[i] : i];
        if (missing[id] == 1) continue;
        if (countA[id] == 0 && countB[id] == 0) touched.push_back(id);
        ++countB[id];
        ++nb;
      }
      uint64_t gap = 0;
      for (const uint32_t id : touched) {
        const uint64_t x = countA[id] * nb, y = countB[id] * na;
        gap += x > y ? x - y : y - x;
        countA[id] = countB[id] = 0;
      }
      if (na == 0 || nb == 0) return kNaN;
      const uint64_t denom = 2 * na * nb;
      return static_cast<double>(denom - gap) / static_cast<double>(denom);
    };
    ColumnSimilarity s;
    s.column = pseudo.names.size() > c ? pseudo.names[c] : std::string();
    s.overall = tv(nullptr, ids.original.size(), nullptr, ids.pseudo.size());
    for (std::size_t k = 0; k < kc; ++k)
      s.perCluster.push_back(
          {clusters.labels[k], tv(ga.order.data() + ga.start[k], ga.start[k + 1] - ga.start[k],
                                  gb.order.data() + gb.start[k], gb.start[k + 1] - gb.start[k])});
    s.min = minDefined(s.perCluster);
    out.push_back(std::move(s));
  }
  return out;
}

// ------------------------------------------------------------------------------ correlation

CorrelationResult correlations(const NumericMatrix& m, const std::vector<uint32_t>& clusterOfRow,
                               std::size_t clusterCount) {
  if (clusterOfRow.size() != m.rows)
    throw std::invalid_argument("utility: one cluster id per row needed");
  const std::size_t p = m.cols;
  for (const uint32_t k : clusterOfRow)
    if (k >= clusterCount) throw std::invalid_argument("utility: cluster id out of range");
  CorrelationResult result;
  std::vector<std::vector<Moments>> moments(clusterCount, std::vector<Moments>(p * p));
  std::vector<double> d(p);
  std::vector<char> present(p);
  std::vector<CorrCluster> accs(clusterCount);
  for (CorrCluster& acc : accs) {
    acc.shift.assign(p, kNaN);
    acc.sx.assign(p, 0);
    acc.sxx.assign(p, 0);
    acc.sxy.assign(p * p, 0);
    acc.pn.assign(p * p, 0);
    acc.px.assign(p * p, 0);
    acc.py.assign(p * p, 0);
    acc.pxx.assign(p * p, 0);
    acc.pyy.assign(p * p, 0);
    acc.pxy.assign(p * p, 0);
  }
  // Rows in file order; within a cluster that is ascending row order, so each cluster's sums
  // run in a fixed order.
  for (std::size_t r = 0; r < m.rows; ++r) {
    CorrCluster& acc = accs[clusterOfRow[r]];
    const double* row = m.values.data() + r * p;
    bool complete = true;
    for (std::size_t j = 0; j < p; ++j) {
      const double v = row[j];
      if (std::isnan(v)) {
        complete = false;
        present[j] = 0;
        continue;
      }
      if (std::isnan(acc.shift[j])) acc.shift[j] = v;
      d[j] = v - acc.shift[j];
      present[j] = 1;
    }
    if (complete) {
      acc.nComplete += 1;
      for (std::size_t a = 0; a < p; ++a) {
        acc.sx[a] += d[a];
        acc.sxx[a] += d[a] * d[a];
        double* cross = acc.sxy.data() + a * p;
        for (std::size_t b = a + 1; b < p; ++b) cross[b] += d[a] * d[b];
      }
    } else {
      for (std::size_t a = 0; a < p; ++a) {
        if (!present[a]) continue;
        for (std::size_t b = a; b < p; ++b) {
          if (!present[b]) continue;
          const std::size_t e = a * p + b;
          acc.pn[e] += 1;
          acc.px[e] += d[a];
          acc.py[e] += d[b];
          acc.pxx[e] += d[a] * d[a];
          acc.pyy[e] += d[b] * d[b];
          acc.pxy[e] += d[a] * d[b];
        }
      }
    }
  }
  for (std::size_t k = 0; k < clusterCount; ++k) {
    const CorrCluster& acc = accs[k];
    SquareMatrix sm;
    sm.size = p;
    sm.values.assign(p * p, kNaN);
    for (std::size_t a = 0; a < p; ++a)
      for (std::size_t b = a; b < p; ++b) {
        const std::size_t e = a * p + b;
        const double n = acc.nComplete + acc.pn[e];
        const double sx = acc.sx[a] + acc.px[e];
        const double sy = acc.sx[b] + acc.py[e];
        const double sxx = acc.sxx[a] + acc.pxx[e];
        const double syy = acc.sxx[b] + acc.pyy[e];
        const double sxy = (a == b ? acc.sxx[a] : acc.sxy[e]) + acc.pxy[e];
        Moments mo;
        mo.n = n;
        if (n > 0) {
          mo.mx = acc.shift[a] + sx / n;
          mo.my = acc.shift[b] + sy / n;
          mo.cxx = sxx - sx * sx / n;
          mo.cyy = syy - sy * sy / n;
          mo.cxy = sxy - sx * sy / n;
          mo.rawXX = sxx;
          mo.rawYY = syy;
        }
        moments[k][e] = mo;
        const double r = a == b ? (std::isnan(correlationOf(mo)) ? kNaN : 1.0) : correlationOf(mo);
        sm.values[e] = r;
        sm.values[b * p + a] = r;
      }
    result.perCluster.push_back(std::move(sm));
  }
  // Overall: within-cluster co-moments plus the between-cluster part, clusters in order.
  result.overall.size = p;
  result.overall.values.assign(p * p, kNaN);
  for (std::size_t a = 0; a < p; ++a)
    for (std::size_t b = a; b < p; ++b) {
      const std::size_t e = a * p + b;
      // Means relative to the first cluster's, so that equal cluster means give exactly zero
      // between-cluster terms (a constant column stays exactly constant).
      Moments total;
      double refX = 0, refY = 0, sumX = 0, sumY = 0;
      bool haveRef = false;
      for (std::size_t k = 0; k < clusterCount; ++k) {
        const Moments& mo = moments[k][e];
        if (mo.n == 0) continue;
        if (!haveRef) {
          refX = mo.mx;
          refY = mo.my;
          haveRef = true;
        }
        total.n += mo.n;
        sumX += mo.n * (mo.mx - refX);
        sumY += mo.n * (mo.my - refY);
      }
      if (total.n > 0) {
        total.mx = refX + sumX / total.n;
        total.my = refY + sumY / total.n;
        for (std::size_t k = 0; k < clusterCount; ++k) {
          const Moments& mo = moments[k][e];
          if (mo.n == 0) continue;
          const double dx = mo.mx - total.mx, dy = mo.my - total.my;
          total.cxx += mo.cxx + mo.n * dx * dx;
          total.cyy += mo.cyy + mo.n * dy * dy;
          total.cxy += mo.cxy + mo.n * dx * dy;
          total.rawXX += mo.rawXX + mo.n * dx * dx;
          total.rawYY += mo.rawYY + mo.n * dy * dy;
        }
      }
      const double r =
          a == b ? (std::isnan(correlationOf(total)) ? kNaN : 1.0) : correlationOf(total);
      result.overall.values[e] = r;
      result.overall.values[b * p + a] = r;
    }
  return result;
}

double maxAbsDifference(const SquareMatrix& a, const SquareMatrix& b) {
  if (a.size != b.size) throw std::invalid_argument("utility: matrices of different sizes");
  double best = kNaN;
  for (std::size_t i = 0; i < a.size; ++i)
    for (std::size_t j = 0; j < a.size; ++j) {
      if (i == j) continue;
      const double x = a.at(i, j), y = b.at(i, j);
      if (std::isnan(x) || std::isnan(y)) continue;
      const double diff = std::abs(x - y);
      if (std::isnan(best) || diff > best) best = diff;
    }
  return best;
}

// --------------------------------------------------------------------------------- districts

bool isHeavyCare(std::string_view careLevel) {
  std::string scratch;
  std::string_view v = foldNarrow(trimSpaces(careLevel), scratch);
  const std::string_view prefix = "要介護";
  if (v.substr(0, prefix.size()) != prefix) return false;
  v.remove_prefix(prefix.size());
  const std::string_view degree = "度";
  if (v.substr(0, degree.size()) == degree) v.remove_prefix(degree.size());
  v = trimSpaces(v);
  return v.size() == 1 && v[0] >= '3' && v[0] <= '5';
}

namespace {

/// District figures from parsed ages (column `ageIndex` of the matrices; null = no age column).
std::vector<DistrictFigures> districtFiguresFrom(const Table& original, const Table& pseudo,
                                                 const ClusterGroups& clusters,
                                                 const NumericMatrix* agesA,
                                                 const NumericMatrix* agesB, std::size_t ageIndex,
                                                 long careColumn) {
  const std::size_t kc = clusters.labels.size();
  std::vector<DistrictFigures> out(kc);
  for (std::size_t k = 0; k < kc; ++k) out[k].label = clusters.labels[k];
  // Care levels classified once per distinct cell: 0 missing, 1 light or none, 2 heavy.
  std::unordered_map<std::string_view, char> careClass;
  for (int side = 0; side < 2; ++side) {
    const Table& t = side == 0 ? original : pseudo;
    const NumericMatrix* ages = side == 0 ? agesA : agesB;
    const std::vector<uint32_t>& ids = side == 0 ? clusters.original : clusters.pseudo;
    for (std::size_t r = 0; r < t.rows(); ++r) {
      DistrictSide& s = side == 0 ? out[ids[r]].original : out[ids[r]].pseudo;
      ++s.rows;
      if (ages) {
        const double v = ages->values[r * ages->cols + ageIndex];
        if (!std::isnan(v) && v == std::floor(v) && std::abs(v) < 9007199254740992.0) {
          const auto age = static_cast<int64_t>(v);
          ++s.aged;
          s.ageSum += age;
          if (age >= 65) ++s.age65plus;
          if (age < 10) ++s.under10;
        }
      }
      if (careColumn >= 0) {
        const std::string_view cell = t.columns[static_cast<std::size_t>(careColumn)].at(r);
        auto it = careClass.find(cell);
        if (it == careClass.end())
          it = careClass.emplace(cell, isMissingToken(cell) ? 0 : isHeavyCare(cell) ? 2 : 1).first;
        if (it->second != 0) {
          ++s.withCare;
          if (it->second == 2) ++s.heavyCare;
        }
      }
    }
  }
  for (auto& f : out)
    for (DistrictSide* s : {&f.original, &f.pseudo}) {
      s->ratio65to10 = agesA && s->under10 > 0
                           ? static_cast<double>(s->age65plus) / static_cast<double>(s->under10)
                           : kNaN;
      s->meanAge = agesA && s->aged > 0
                       ? static_cast<double>(s->ageSum) / static_cast<double>(s->aged)
                       : kNaN;
      s->heavyCareShare = careColumn >= 0 && s->withCare > 0
                              ? static_cast<double>(s->heavyCare) / static_cast<double>(s->withCare)
                              : kNaN;
    }
  return out;
}

void checkDistrictColumns(const Table& original, const Table& pseudo, const ClusterGroups& clusters,
                          long ageColumn, long careColumn) {
  if (clusters.original.size() != original.rows() || clusters.pseudo.size() != pseudo.rows())
    throw std::invalid_argument("utility: cluster ids do not match the tables");
  for (const long c : {ageColumn, careColumn})
    if (c >= 0) {
      requireColumn(original, static_cast<std::size_t>(c), "district");
      requireColumn(pseudo, static_cast<std::size_t>(c), "district");
    }
}

}  // namespace

std::vector<DistrictFigures> districtFigures(const Table& original, const Table& pseudo,
                                             const ClusterGroups& clusters, long ageColumn,
                                             long careColumn) {
  checkDistrictColumns(original, pseudo, clusters, ageColumn, careColumn);
  if (ageColumn < 0)
    return districtFiguresFrom(original, pseudo, clusters, nullptr, nullptr, 0, careColumn);
  const std::vector<std::size_t> col{static_cast<std::size_t>(ageColumn)};
  const NumericMatrix a = numericMatrix(original, col), b = numericMatrix(pseudo, col);
  return districtFiguresFrom(original, pseudo, clusters, &a, &b, 0, careColumn);
}

// -------------------------------------------------------------------------- pMSE (synthpop)

namespace {

/// exp(x) from basic IEEE operations only (identical natively and in wasm): x = k·ln2 + r,
/// |r| <= ln2/2, e^r by its Taylor series to degree 17, times 2^k.
double portableExp(double x) {
  if (x > 700) x = 700;
  if (x < -700) x = -700;
  const double ln2hi = 6.93147180369123816490e-01, ln2lo = 1.90821492927058770002e-10;
  const double k = std::nearbyint(x * 1.44269504088896338700);
  const double r = (x - k * ln2hi) - k * ln2lo;
  double term = 1, sum = 1;
  for (int i = 1; i <= 17; ++i) {
    term = term * r / i;
    sum += term;
  }
  return std::ldexp(sum, static_cast<int>(k));
}

/// Solves (A + ridge·I) x = b for a symmetric positive (semi)definite A (row-major k×k) by
/// Cholesky; false if a pivot is not positive.
bool choleskySolve(std::vector<double> a, std::vector<double>& b, std::size_t k, double ridge) {
  for (std::size_t i = 0; i < k; ++i) a[i * k + i] += ridge;
  for (std::size_t j = 0; j < k; ++j) {
    double d = a[j * k + j];
    for (std::size_t m = 0; m < j; ++m) d -= a[j * k + m] * a[j * k + m];
    if (!(d > 0)) return false;
    d = std::sqrt(d);
    a[j * k + j] = d;
    for (std::size_t i = j + 1; i < k; ++i) {
      double v = a[i * k + j];
      for (std::size_t m = 0; m < j; ++m) v -= a[i * k + m] * a[j * k + m];
      a[i * k + j] = v / d;
    }
  }
  for (std::size_t i = 0; i < k; ++i) {
    double v = b[i];
    for (std::size_t m = 0; m < i; ++m) v -= a[i * k + m] * b[m];
    b[i] = v / a[i * k + i];
  }
  for (std::size_t i = k; i-- > 0;) {
    double v = b[i];
    for (std::size_t m = i + 1; m < k; ++m) v -= a[m * k + i] * b[m];
    b[i] = v / a[i * k + i];
  }
  return true;
}

/// Up to `limit` rows of `n`, without replacement, in ascending order.
std::vector<uint32_t> sampleRows(std::size_t n, std::size_t limit, Rng& rng) {
  std::vector<uint32_t> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = static_cast<uint32_t>(i);
  if (n <= limit) return rows;
  for (std::size_t i = 0; i < limit; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(rng.below(n - i));
    std::swap(rows[i], rows[j]);
  }
  rows.resize(limit);
  std::sort(rows.begin(), rows.end());
  return rows;
}

}  // namespace

PropensityResult propensityMse(const Table& original, const Table& pseudo,
                               const std::vector<std::size_t>& numericColumns,
                               const std::vector<std::size_t>& categoryColumns,
                               std::size_t maxRowsPerSide, uint64_t seed) {
  for (const std::size_t c : numericColumns) {
    requireColumn(original, c, "numeric");
    requireColumn(pseudo, c, "numeric");
  }
  for (const std::size_t c : categoryColumns) {
    requireColumn(original, c, "category");
    requireColumn(pseudo, c, "category");
  }
  Rng rng(deriveSeed(seed, "utility:pmse"));
  const std::vector<uint32_t> rowsA = sampleRows(original.rows(), maxRowsPerSide, rng);
  const std::vector<uint32_t> rowsB = sampleRows(pseudo.rows(), maxRowsPerSide, rng);
  PropensityResult res;
  res.originalRows = rowsA.size();
  res.pseudoRows = rowsB.size();
  const std::size_t n = rowsA.size() + rowsB.size();
  if (rowsA.empty() || rowsB.empty()) {
    res.pmse = res.expected = res.ratio = kNaN;
    return res;
  }
  auto cell = [&](std::size_t c, std::size_t i) {
    return i < rowsA.size() ? original.columns[c].at(rowsA[i])
                            : pseudo.columns[c].at(rowsB[i - rowsA.size()]);
  };
  // Predictor columns, each n values.
  std::vector<std::vector<double>> predictors;
  auto addPredictor = [&](std::vector<double>&& x) {
    bool constant = true;
    for (std::size_t i = 1; i < n && constant; ++i) constant = x[i] == x[0];
    if (!constant) predictors.push_back(std::move(x));
  };
  for (const std::size_t c : numericColumns) {
    std::vector<double> x(n);
    std::vector<double> indicator(n, 0);
    bool anyMissing = false;
    double count = 0, sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::string_view text = cell(c, i);
      const auto value = isMissingToken(text) ? std::nullopt : parseDecimal(text);
      x[i] = value ? value->toDouble() : kNaN;
      if (value) {
        count += 1;
        sum += x[i];
      } else {
        anyMissing = true;
        indicator[i] = 1;
      }
    }
    if (count > 0) {
      const double mean = sum / count;
      double ss = 0;
      for (std::size_t i = 0; i < n; ++i)
        if (!std::isnan(x[i])) ss += (x[i] - mean) * (x[i] - mean);
      const double sd = std::sqrt(ss / count);
      for (std::size_t i = 0; i < n; ++i)
        x[i] = std::isnan(x[i]) || !(sd > 0) ? 0.0 : (x[i] - mean) / sd;
      addPredictor(std::move(x));
    }
    if (anyMissing) addPredictor(std::move(indicator));
  }
  for (const std::size_t c : categoryColumns) {
    std::map<std::string_view, std::size_t> counts;
    for (std::size_t i = 0; i < n; ++i) ++counts[cell(c, i)];
    std::vector<std::pair<std::size_t, std::string_view>> levels;
    for (const auto& [value, k] : counts) levels.emplace_back(k, value);
    std::stable_sort(levels.begin(), levels.end(),
                     [](const auto& x, const auto& y) { return x.first > y.first; });
    const std::size_t kept = std::min<std::size_t>(levels.size(), 31);
    std::map<std::string_view, std::size_t> column;  // value -> indicator (1..kept-1)
    for (std::size_t l = 1; l < kept; ++l) column[levels[l].second] = l - 1;
    std::vector<std::vector<double>> indicators(kept > 0 ? kept - 1 : 0, std::vector<double>(n, 0));
    for (std::size_t i = 0; i < n; ++i) {
      const auto it = column.find(cell(c, i));
      if (it != column.end()) indicators[it->second][i] = 1;
    }
    for (auto& x : indicators) addPredictor(std::move(x));
  }
  const std::size_t k = predictors.size() + 1;
  res.parameters = k;
  // Sparse rows of the design (indicators are mostly 0): the non-zero entries of each row,
  // intercept first, columns ascending.
  std::vector<uint32_t> rowStart(n + 1, 0), index;
  std::vector<double> value;
  for (std::size_t i = 0; i < n; ++i) {
    index.push_back(0);
    value.push_back(1);
    for (std::size_t j = 1; j < k; ++j) {
      const double x = predictors[j - 1][i];
      if (x == 0) continue;
      index.push_back(static_cast<uint32_t>(j));
      value.push_back(x);
    }
    rowStart[i + 1] = static_cast<uint32_t>(index.size());
  }
  predictors.clear();
  const double c = static_cast<double>(rowsB.size()) / static_cast<double>(n);
  std::vector<double> beta(k, 0), p(n, c), hessian(k * k), gradient(k);
  beta[0] = std::log(c / (1 - c));
  for (int step = 0; step < 50; ++step) {
    std::fill(hessian.begin(), hessian.end(), 0.0);
    std::fill(gradient.begin(), gradient.end(), 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      const double y = i < rowsA.size() ? 0.0 : 1.0;
      const double w = p[i] * (1 - p[i]);
      const double residual = y - p[i];
      for (uint32_t u = rowStart[i]; u < rowStart[i + 1]; ++u) {
        const std::size_t a = index[u];
        gradient[a] += value[u] * residual;
        const double wx = w * value[u];
        double* row = hessian.data() + a * k;
        for (uint32_t v = u; v < rowStart[i + 1]; ++v) row[index[v]] += wx * value[v];
      }
    }
    for (std::size_t a = 0; a < k; ++a)
      for (std::size_t b = 0; b < a; ++b) hessian[a * k + b] = hessian[b * k + a];
    std::vector<double> delta = gradient;
    if (!choleskySolve(hessian, delta, k, 1e-9)) break;
    double largest = 0;
    for (std::size_t a = 0; a < k; ++a) {
      beta[a] += delta[a];
      largest = std::max(largest, std::abs(delta[a]));
    }
    for (std::size_t i = 0; i < n; ++i) {
      double eta = 0;
      for (uint32_t u = rowStart[i]; u < rowStart[i + 1]; ++u) eta += value[u] * beta[index[u]];
      p[i] = 1 / (1 + portableExp(-eta));
    }
    res.iterations = step + 1;
    if (largest < 1e-9) {
      res.converged = true;
      break;
    }
  }
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += (p[i] - c) * (p[i] - c);
  res.pmse = sum / static_cast<double>(n);
  res.expected = static_cast<double>(k - 1) * (1 - c) * (1 - c) * c / static_cast<double>(n);
  res.ratio = res.expected > 0 ? res.pmse / res.expected : kNaN;
  return res;
}

// ------------------------------------------------------------------------------------- JSON

std::string utilityReportJson(const Table& original, const Table& pseudo,
                              const std::vector<std::size_t>& clusterColumns,
                              const std::vector<std::size_t>& numericColumns,
                              const std::vector<std::size_t>& categoryColumns, long ageColumn,
                              long careColumn) {
  if (original.columns.size() != pseudo.columns.size())
    throw std::invalid_argument("utility: the original and pseudo tables have different columns");
  const ClusterGroups clusters = clusterGroups(original, pseudo, clusterColumns);
  for (const std::size_t c : numericColumns) requireColumn(original, c, "numeric");
  checkDistrictColumns(original, pseudo, clusters, ageColumn, careColumn);
  OrderedJson doc;
  {
    // The parsed numbers serve the KS, correlation and district figures, and are let go before
    // the propensity model builds its own (peak memory).
    const NumericMatrix numA = numericMatrix(original, numericColumns);
    const NumericMatrix numB = numericMatrix(pseudo, numericColumns);
    doc["ks"] =
        similarityJson(ksSimilarities(numA, numB, clusters, columnNames(pseudo, numericColumns)));
    doc["tv"] = similarityJson(tvSimilarities(original, pseudo, clusters, categoryColumns));

    const CorrelationResult a = correlations(numA, clusters.original, clusters.labels.size());
    const CorrelationResult b = correlations(numB, clusters.pseudo, clusters.labels.size());
    OrderedJson names = OrderedJson::array();
    for (const std::size_t c : numericColumns)
      names.push_back(pseudo.names.size() > c ? pseudo.names[c] : std::string());
    OrderedJson perCluster = OrderedJson::array();
    for (std::size_t k = 0; k < clusters.labels.size(); ++k)
      perCluster.push_back({{"label", clusters.labels[k]},
                            {"value", number(maxAbsDifference(a.perCluster[k], b.perCluster[k]))}});
    doc["correlation"] = {{"columns", names},
                          {"original", matrixJson(a.overall)},
                          {"pseudo", matrixJson(b.overall)},
                          {"maxAbsDifference", number(maxAbsDifference(a.overall, b.overall))},
                          {"perClusterMaxAbsDifference", perCluster}};

    OrderedJson districts = OrderedJson::array();
    if (ageColumn >= 0 || careColumn >= 0) {
      // Ages: reuse the parsed numeric column when the age column is one of them.
      std::vector<DistrictFigures> figures;
      const auto at = std::find(numericColumns.begin(), numericColumns.end(),
                                static_cast<std::size_t>(ageColumn));
      if (ageColumn < 0) {
        figures = districtFiguresFrom(original, pseudo, clusters, nullptr, nullptr, 0, careColumn);
      } else if (at != numericColumns.end()) {
        figures =
            districtFiguresFrom(original, pseudo, clusters, &numA, &numB,
                                static_cast<std::size_t>(at - numericColumns.begin()), careColumn);
      } else {
        figures = districtFigures(original, pseudo, clusters, ageColumn, careColumn);
      }
      for (const DistrictFigures& f : figures) {
        auto pair = [](double x, double y) {
          return OrderedJson{{"original", number(x)}, {"pseudo", number(y)}};
        };
        const bool match = sameFigure(f.original.ratio65to10, f.pseudo.ratio65to10) &&
                           sameFigure(f.original.meanAge, f.pseudo.meanAge) &&
                           sameFigure(f.original.heavyCareShare, f.pseudo.heavyCareShare);
        districts.push_back(
            {{"label", f.label},
             {"ratio65to10", pair(f.original.ratio65to10, f.pseudo.ratio65to10)},
             {"meanAge", pair(f.original.meanAge, f.pseudo.meanAge)},
             {"heavyCareShare", pair(f.original.heavyCareShare, f.pseudo.heavyCareShare)},
             {"rows", {{"original", f.original.rows}, {"pseudo", f.pseudo.rows}}},
             {"match", match}});
      }
    }
    doc["districts"] = districts;
  }

  const PropensityResult pm = propensityMse(original, pseudo, numericColumns, categoryColumns);
  doc["propensity"] = {{"pmse", number(pm.pmse)},         {"expected", number(pm.expected)},
                       {"ratio", number(pm.ratio)},       {"parameters", pm.parameters},
                       {"rowsOriginal", pm.originalRows}, {"rowsPseudo", pm.pseudoRows},
                       {"iterations", pm.iterations},     {"converged", pm.converged}};
  return doc.dump();
}

}  // namespace pc
