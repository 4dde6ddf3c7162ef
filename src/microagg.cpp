// Microaggregation: MDAV and k-means with a minimum group size (see microagg.h).
//
// MDAV, exactly as the literature and μ-ARGUS/sdcMicro define it (it reproduces the published
// SSE/SST of Tarragona, CASC and EIA to 4 decimals, see tests/unit/test_microagg.cpp):
//   while ≥ 3k records remain: x̄ = centroid of the remaining; r = farthest from x̄; s = farthest
//     from r among the records not in r's group; r's group = r and its k − 1 nearest; s's group
//     = s and its k − 1 nearest among those left; remove both;
//   if 2k … 3k − 1 remain: r = farthest from their centroid, r's group, the rest is the last;
//   if fewer than 2k remain: they are the last group.
// Ties (farthest or nearest at equal distance) go to the lowest row index; r and s are always
// in their own groups.
//
// Speed: the remaining records live in a column-major pool, compacted by moving the last record
// into each hole (O(p) per removal); distances are computed a block of 256 records at a time by
// vectorisable kernels and consumed while the block is in L1 (bounded-heap selection of the
// k − 1 nearest, running arg-max for the farthest, both skipping whole blocks by their min or
// max); the centroid comes from running column sums. No allocation inside the loop.
#include "microagg.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

#include "error.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace pc {
namespace {

// Rows per block in the distance loops: the block's distances stay in L1 while the columns
// are streamed.
constexpr std::size_t kBlock = 256;
constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
constexpr uint32_t kNoGroup = std::numeric_limits<uint32_t>::max();

void requireFinite(const Eigen::MatrixXd& X) {
  if (static_cast<uint64_t>(X.rows()) >= std::numeric_limits<uint32_t>::max())
    throw std::length_error("microaggregation: more rows than 32-bit ids can number");
  if (!X.allFinite()) {
    throw InputError(
        "microagg.non-finite",
        "数値の列に数値でない値 (NaN または無限大) があるため、サブクラスタを作れません。",
        "A numeric column holds a value that is not a finite number (NaN or "
        "infinity), so sub-clusters cannot be formed.");
  }
}

void requireK(std::size_t k) {
  if (k == 0) {
    throw InputError("microagg.bad-k", "サブクラスタの最小サイズ k は 1 以上にしてください。",
                     "The minimum sub-cluster size k must be at least 1.");
  }
}

/// A candidate for the nearest records: ordered by distance, then by row id.
struct Candidate {
  double dist;
  uint32_t id;
  uint32_t pos;
};

inline bool before(double da, uint32_t ia, double db, uint32_t ib) {
  return da < db || (da == db && ia < ib);
}

struct CandidateLess {
  bool operator()(const Candidate& a, const Candidate& b) const {
    return before(a.dist, a.id, b.dist, b.id);
  }
};

/// Columns per pass of the distance kernel.
constexpr std::size_t kChunk = 4;

/// Squared distances over C ≤ kChunk columns for one full block: d[i] = (First ? 0 : d[i]) +
/// (c_0[i] − q_0)² + … + (c_{C−1}[i] − q_{C−1})², added left to right, which is the same number
/// as adding one column at a time. __restrict lets the compilers vectorise it.
template <int C, bool First>
void squaredDiffBlock(const double* const* cols, const double* q, double* __restrict d) noexcept {
  const double* __restrict c0 = cols[0];
  const double* __restrict c1 = cols[C > 1 ? 1 : 0];
  const double* __restrict c2 = cols[C > 2 ? 2 : 0];
  const double* __restrict c3 = cols[C > 3 ? 3 : 0];
  const double q0 = q[0], q1 = q[C > 1 ? 1 : 0], q2 = q[C > 2 ? 2 : 0], q3 = q[C > 3 ? 3 : 0];
  for (std::size_t i = 0; i < kBlock; ++i) {
    double t = c0[i] - q0;
    double sum = First ? t * t : d[i] + t * t;
    if (C > 1) {
      t = c1[i] - q1;
      sum += t * t;
    }
    if (C > 2) {
      t = c2[i] - q2;
      sum += t * t;
    }
    if (C > 3) {
      t = c3[i] - q3;
      sum += t * t;
    }
    d[i] = sum;
  }
}

template <bool First>
void squaredDiffBlock(int columns, const double* const* cols, const double* q, double* d) noexcept {
  switch (columns) {
    case 1:
      squaredDiffBlock<1, First>(cols, q, d);
      break;
    case 2:
      squaredDiffBlock<2, First>(cols, q, d);
      break;
    case 3:
      squaredDiffBlock<3, First>(cols, q, d);
      break;
    default:
      squaredDiffBlock<4, First>(cols, q, d);
      break;
  }
}

/// Largest and smallest of d[0, len) (len ≥ 1; no NaN). Max and min do not round, so the SSE2,
/// wasm SIMD and scalar versions give the same number.
#if defined(__SSE2__)
double blockMax(const double* d, std::size_t len) noexcept {
  std::size_t i = 0;
  __m128d m0 = _mm_set1_pd(d[0]), m1 = m0;
  for (; i + 4 <= len; i += 4) {
    m0 = _mm_max_pd(m0, _mm_loadu_pd(d + i));
    m1 = _mm_max_pd(m1, _mm_loadu_pd(d + i + 2));
  }
  double lanes[4];
  _mm_storeu_pd(lanes, m0);
  _mm_storeu_pd(lanes + 2, m1);
  double m = std::max(std::max(lanes[0], lanes[1]), std::max(lanes[2], lanes[3]));
  for (; i < len; ++i) m = std::max(m, d[i]);
  return m;
}

double blockMin(const double* d, std::size_t len) noexcept {
  std::size_t i = 0;
  __m128d m0 = _mm_set1_pd(d[0]), m1 = m0;
  for (; i + 4 <= len; i += 4) {
    m0 = _mm_min_pd(m0, _mm_loadu_pd(d + i));
    m1 = _mm_min_pd(m1, _mm_loadu_pd(d + i + 2));
  }
  double lanes[4];
  _mm_storeu_pd(lanes, m0);
  _mm_storeu_pd(lanes + 2, m1);
  double m = std::min(std::min(lanes[0], lanes[1]), std::min(lanes[2], lanes[3]));
  for (; i < len; ++i) m = std::min(m, d[i]);
  return m;
}
#elif defined(__wasm_simd128__)
double blockMax(const double* d, std::size_t len) noexcept {
  std::size_t i = 0;
  v128_t m0 = wasm_f64x2_splat(d[0]), m1 = m0;
  for (; i + 4 <= len; i += 4) {
    m0 = wasm_f64x2_pmax(m0, wasm_v128_load(d + i));
    m1 = wasm_f64x2_pmax(m1, wasm_v128_load(d + i + 2));
  }
  double m = std::max(std::max(wasm_f64x2_extract_lane(m0, 0), wasm_f64x2_extract_lane(m0, 1)),
                      std::max(wasm_f64x2_extract_lane(m1, 0), wasm_f64x2_extract_lane(m1, 1)));
  for (; i < len; ++i) m = std::max(m, d[i]);
  return m;
}

double blockMin(const double* d, std::size_t len) noexcept {
  std::size_t i = 0;
  v128_t m0 = wasm_f64x2_splat(d[0]), m1 = m0;
  for (; i + 4 <= len; i += 4) {
    m0 = wasm_f64x2_pmin(m0, wasm_v128_load(d + i));
    m1 = wasm_f64x2_pmin(m1, wasm_v128_load(d + i + 2));
  }
  double m = std::min(std::min(wasm_f64x2_extract_lane(m0, 0), wasm_f64x2_extract_lane(m0, 1)),
                      std::min(wasm_f64x2_extract_lane(m1, 0), wasm_f64x2_extract_lane(m1, 1)));
  for (; i < len; ++i) m = std::min(m, d[i]);
  return m;
}
#else
double blockMax(const double* d, std::size_t len) noexcept {
  double m[4] = {d[0], d[0], d[0], d[0]};
  std::size_t i = 0;
  for (; i + 4 <= len; i += 4)
    for (std::size_t l = 0; l < 4; ++l) m[l] = d[i + l] > m[l] ? d[i + l] : m[l];
  for (; i < len; ++i) m[0] = d[i] > m[0] ? d[i] : m[0];
  return std::max(std::max(m[0], m[1]), std::max(m[2], m[3]));
}

double blockMin(const double* d, std::size_t len) noexcept {
  double m[4] = {d[0], d[0], d[0], d[0]};
  std::size_t i = 0;
  for (; i + 4 <= len; i += 4)
    for (std::size_t l = 0; l < 4; ++l) m[l] = d[i + l] < m[l] ? d[i + l] : m[l];
  for (; i < len; ++i) m[0] = d[i] < m[0] ? d[i] : m[0];
  return std::min(std::min(m[0], m[1]), std::min(m[2], m[3]));
}
#endif

/// The records not yet grouped: a column-major copy (column j at data[j·n, j·n + size)) and
/// their row ids. Removal swaps the last record into the hole, so it costs O(p) per record;
/// the order of records in the pool is therefore arbitrary and ties are broken by row id.
class Pool {
 public:
  explicit Pool(const Eigen::MatrixXd& X)
      : n_(static_cast<std::size_t>(X.rows())),
        p_(static_cast<std::size_t>(X.cols())),
        size_(n_),
        data_(n_ * p_),
        ids_(n_) {
    for (std::size_t j = 0; j < p_; ++j)
      for (std::size_t i = 0; i < n_; ++i)
        data_[j * n_ + i] = X(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
    std::iota(ids_.begin(), ids_.end(), 0u);
  }

  std::size_t size() const noexcept { return size_; }
  std::size_t dims() const noexcept { return p_; }
  uint32_t id(std::size_t pos) const noexcept { return ids_[pos]; }
  double at(std::size_t pos, std::size_t j) const noexcept { return data_[j * n_ + pos]; }

  /// Copies the coordinates of the record at `pos` into out[0, p).
  void copyRow(std::size_t pos, double* out) const noexcept {
    for (std::size_t j = 0; j < p_; ++j) out[j] = data_[j * n_ + pos];
  }

  /// Sum of column j over the remaining records.
  double columnSum(std::size_t j) const noexcept {
    const double* col = data_.data() + j * n_;
    double sum = 0.0;
    for (std::size_t i = 0; i < size_; ++i) sum += col[i];
    return sum;
  }

  /// Streams the squared Euclidean distances of the remaining records to q (p doubles), one
  /// block at a time: visit(first position, count, distances). Each distance is summed over
  /// the columns in order, so it is the same number wherever the record sits.
  template <typename Visit>
  void forEachDistanceBlock(const double* q, Visit&& visit) const {
    double d[kBlock];
    for (std::size_t b = 0; b < size_; b += kBlock) {
      const std::size_t len = std::min(kBlock, size_ - b);
      for (std::size_t j = 0; j < p_; j += kChunk) addColumnDistances(j, b, len, q, d);
      if (p_ == 0) std::fill(d, d + len, 0.0);  // no columns: every record at distance 0
      visit(b, len, static_cast<const double*>(d));
    }
  }

  /// Like forEachDistanceBlock, but skips (does not visit) a block as soon as the partial
  /// distances over its first columns all exceed `bound` (read anew for every block): they
  /// only grow with more columns, also after rounding, so no skipped record is within it.
  template <typename Visit>
  void forEachNearBlock(const double* q, const double& bound, Visit&& visit) const {
    double d[kBlock];
    for (std::size_t b = 0; b < size_; b += kBlock) {
      const std::size_t len = std::min(kBlock, size_ - b);
      bool skip = false;
      for (std::size_t j = 0; j < p_ && !skip; j += kChunk) {
        addColumnDistances(j, b, len, q, d);
        skip = j + kChunk < p_ && blockMin(d, len) > bound;
      }
      if (p_ == 0) std::fill(d, d + len, 0.0);
      if (!skip) visit(b, len, static_cast<const double*>(d));
    }
  }

  /// Removes the records at the given positions (sorted in descending order, distinct);
  /// `tracked` (a position) is updated if the record there moves.
  void removeDescending(const std::vector<uint32_t>& positions, std::size_t& tracked) noexcept {
    for (uint32_t pos : positions) {
      const std::size_t last = size_ - 1;
      if (pos != last) {
        for (std::size_t j = 0; j < p_; ++j) data_[j * n_ + pos] = data_[j * n_ + last];
        ids_[pos] = ids_[last];
        if (tracked == last) tracked = pos;
      }
      size_ = last;
    }
  }

 private:
  /// Adds the squared differences to q of columns j … j + kChunk − 1 (those that exist) into
  /// d[0, len) for the records b … b + len − 1 (j = 0 starts the sums).
  void addColumnDistances(std::size_t j, std::size_t b, std::size_t len, const double* q,
                          double* d) const noexcept {
    const std::size_t count = std::min(kChunk, p_ - j);
    const double* cols[kChunk];
    for (std::size_t c = 0; c < count; ++c) cols[c] = data_.data() + (j + c) * n_ + b;
    if (len == kBlock) {
      if (j == 0) {
        squaredDiffBlock<true>(static_cast<int>(count), cols, q + j, d);
      } else {
        squaredDiffBlock<false>(static_cast<int>(count), cols, q + j, d);
      }
      return;
    }
    for (std::size_t c = 0; c < count; ++c) {
      for (std::size_t i = 0; i < len; ++i) {
        const double t = cols[c][i] - q[j + c];
        d[i] = j + c == 0 ? t * t : d[i] + t * t;
      }
    }
  }

  std::size_t n_;
  std::size_t p_;
  std::size_t size_;
  std::vector<double> data_;
  std::vector<uint32_t> ids_;
};

/// Running arg-max of distances; ties go to the lowest row id.
struct Farthest {
  std::size_t pos = 0;
  double dist = -1.0;
  uint32_t id = std::numeric_limits<uint32_t>::max();
  void offer(double d, uint32_t i, std::size_t p) noexcept {
    if (d > dist || (d == dist && i < id)) {
      dist = d;
      id = i;
      pos = p;
    }
  }
  /// Offers the block d[0, len) of records at positions b…, except position `skip`.
  void offerBlock(const Pool& pool, std::size_t b, std::size_t len, const double* d,
                  std::size_t skip) noexcept {
    if (blockMax(d, len) < dist) return;
    for (std::size_t i = 0; i < len; ++i)
      if (b + i != skip) offer(d[i], pool.id(b + i), b + i);
  }
};

/// Running selection of the `count` nearest records (by distance, then row id) with a
/// bounded max-heap: most records fail the first comparison with the heap's top.
class Nearest {
 public:
  void reset(std::size_t count) {
    count_ = count;
    heap_.clear();
    heap_.reserve(count);
    worst_ = count == 0 ? -1.0 : std::numeric_limits<double>::infinity();
  }
  void offer(double d, uint32_t id, std::size_t pos) {
    if (d > worst_) return;
    if (heap_.size() < count_) {
      heap_.push_back({d, id, static_cast<uint32_t>(pos)});
      std::push_heap(heap_.begin(), heap_.end(), CandidateLess());
    } else if (before(d, id, heap_.front().dist, heap_.front().id)) {
      std::pop_heap(heap_.begin(), heap_.end(), CandidateLess());
      heap_.back() = {d, id, static_cast<uint32_t>(pos)};
      std::push_heap(heap_.begin(), heap_.end(), CandidateLess());
    } else {
      return;
    }
    if (heap_.size() == count_) worst_ = heap_.front().dist;
  }
  /// Offers the block d[0, len) of records at positions b…, except position `skip`.
  void offerBlock(const Pool& pool, std::size_t b, std::size_t len, const double* d,
                  std::size_t skip) {
    if (blockMin(d, len) > worst_) return;
    for (std::size_t i = 0; i < len; ++i)
      if (b + i != skip) offer(d[i], pool.id(b + i), b + i);
  }
  /// Distance of the count-th nearest so far (+inf while fewer have been offered).
  const double& bound() const noexcept { return worst_; }
  /// The centre and the selected positions, in descending order, into `out`.
  void groupWith(std::size_t centre, std::vector<uint32_t>& out) const {
    out.clear();
    out.push_back(static_cast<uint32_t>(centre));
    for (const Candidate& c : heap_) out.push_back(c.pos);
    std::sort(out.begin(), out.end(), std::greater<uint32_t>());
  }

 private:
  std::size_t count_ = 0;
  double worst_ = 0.0;
  std::vector<Candidate> heap_;
};

/// Column sums of the pool kept up to date by subtracting the rows removed, with Neumaier's
/// compensation, and recomputed from scratch whenever the pool has halved since the last time
/// (O(np) in total), so that the centroid stays accurate to a few ulps.
class RunningSums {
 public:
  explicit RunningSums(std::size_t p) : sum_(p), comp_(p) {}

  /// Mean of the pool into c[0, p).
  void centroid(const Pool& pool, double* c) {
    if (2 * pool.size() <= freshAt_) {
      for (std::size_t j = 0; j < sum_.size(); ++j) {
        sum_[j] = pool.columnSum(j);
        comp_[j] = 0.0;
      }
      freshAt_ = pool.size();
    }
    for (std::size_t j = 0; j < sum_.size(); ++j)
      c[j] = (sum_[j] + comp_[j]) / static_cast<double>(pool.size());
  }

  /// Subtracts the records at the given positions (before they leave the pool).
  void subtract(const Pool& pool, const std::vector<uint32_t>& positions) noexcept {
    for (uint32_t pos : positions) {
      for (std::size_t j = 0; j < sum_.size(); ++j) {
        const double v = -pool.at(pos, j);
        const double t = sum_[j] + v;
        comp_[j] += std::fabs(sum_[j]) >= std::fabs(v) ? (sum_[j] - t) + v : (v - t) + sum_[j];
        sum_[j] = t;
      }
    }
  }

 private:
  std::vector<double> sum_;
  std::vector<double> comp_;
  std::size_t freshAt_ = std::numeric_limits<std::size_t>::max();
};

/// MDAV on the rows of X; `groups` gets one id per row, ids start at `firstGroup`.
/// Returns the number of groups formed.
///
/// Three streaming passes over the pool per pair of groups: distances to the centroid (→ r),
/// distances to r (→ r's group and s), distances to s (→ s's group; a block is dropped as soon
/// as the partial distances over its first columns all exceed the k-th nearest so far).
uint32_t mdavInto(const Eigen::MatrixXd& X, std::size_t k, uint32_t firstGroup,
                  std::vector<uint32_t>& groups) {
  const std::size_t n = static_cast<std::size_t>(X.rows());
  groups.assign(n, firstGroup);
  if (n == 0) return 0;
  if (k > n / 2) return 1;  // n < 2k (written so that 2k cannot overflow)
  Pool pool(X);
  const std::size_t p = pool.dims();
  std::vector<double> centre(p), rowR(p), rowS(p);
  RunningSums sums(p);
  std::vector<uint8_t> taken(n, 0);
  std::vector<uint32_t> members;
  members.reserve(k);
  Nearest nearest;
  uint32_t group = firstGroup;

  // Gives the records at `positions` the next group id and removes them from the pool;
  // `tracked` (a position) follows its record if that moves.
  auto formGroup = [&](const std::vector<uint32_t>& positions, std::size_t& tracked) {
    for (uint32_t pos : positions) groups[pool.id(pos)] = group;
    ++group;
    sums.subtract(pool, positions);
    pool.removeDescending(positions, tracked);
  };
  std::size_t untracked = 0;

  while (pool.size() >= 2 * k) {
    const bool twoGroups = pool.size() >= 3 * k;
    // r: the record farthest from the centroid of the remaining records.
    sums.centroid(pool, centre.data());
    Farthest r;
    pool.forEachDistanceBlock(centre.data(), [&](std::size_t b, std::size_t len, const double* d) {
      r.offerBlock(pool, b, len, d, kNone);
    });
    pool.copyRow(r.pos, rowR.data());
    // r's group: r and its k − 1 nearest records; s: the record farthest from r outside it.
    nearest.reset(k - 1);
    Farthest s;
    pool.forEachDistanceBlock(rowR.data(), [&](std::size_t b, std::size_t len, const double* d) {
      nearest.offerBlock(pool, b, len, d, r.pos);
      s.offerBlock(pool, b, len, d, r.pos);
    });
    nearest.groupWith(r.pos, members);
    if (!twoGroups) {  // the 2k … 3k − 1 ending: the rest forms the last group
      formGroup(members, untracked);
      break;
    }
    if (std::find(members.begin(), members.end(), s.pos) != members.end()) {
      // Only when nearly every record is equally far from r: search again outside the group.
      for (uint32_t pos : members) taken[pos] = 1;
      s = Farthest();
      pool.forEachDistanceBlock(rowR.data(), [&](std::size_t b, std::size_t len, const double* d) {
        for (std::size_t i = 0; i < len; ++i)
          if (!taken[b + i]) s.offer(d[i], pool.id(b + i), b + i);
      });
      for (uint32_t pos : members) taken[pos] = 0;
    }
    std::size_t sPos = s.pos;
    formGroup(members, sPos);
    pool.copyRow(sPos, rowS.data());
    // s's group: s and its k − 1 nearest remaining records.
    nearest.reset(k - 1);
    pool.forEachNearBlock(rowS.data(), nearest.bound(),
                          [&](std::size_t b, std::size_t len, const double* d) {
                            nearest.offerBlock(pool, b, len, d, sPos);
                          });
    nearest.groupWith(sPos, members);
    formGroup(members, untracked);
  }
  if (pool.size() > 0) {
    for (std::size_t i = 0; i < pool.size(); ++i) groups[pool.id(i)] = group;
    ++group;
  }
  return group - firstGroup;
}

// ---------------------------------------------------------------------------------------------
// k-means with a minimum group size k.
//
// 1. Start from the MDAV partition (groups of k … 2k − 1 rows).
// 2. Lloyd rounds with repair: assign every row to its nearest group mean; groups left with
//    fewer than k rows are dissolved and their rows go to the nearest surviving mean; groups of
//    2k rows or more are split by MDAV. The partition with the lowest SSE so far is kept.
// 3. Local search from the best partition: rows in a random order (the Rng), each may move to
//    one of its 4 nearest other groups (if its own group keeps ≥ k rows) or swap with a row of
//    one of them, whichever lowers the SSE most (exact Hartigan gains); big groups are split
//    after each sweep. Sweeps end when nothing changes (checked once more by a full sweep).
// Every accepted step lowers the SSE, hence SSE(k-means) ≤ SSE(MDAV) (checked at the end).
// Nearest means come from a k-d tree over the means (exact, ties by lowest group id).

/// The rows of X, row-major (row i at data[i·p, i·p + p)).
struct Rows {
  std::size_t n = 0;
  std::size_t p = 0;
  std::vector<double> data;
  explicit Rows(const Eigen::MatrixXd& X)
      : n(static_cast<std::size_t>(X.rows())), p(static_cast<std::size_t>(X.cols())), data(n * p) {
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < p; ++j)
        data[i * p + j] = X(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
  }
  const double* row(std::size_t i) const noexcept { return data.data() + i * p; }
};

inline double squaredDistance(const double* a, const double* b, std::size_t p) noexcept {
  double d = 0.0;
  for (std::size_t j = 0; j < p; ++j) {
    const double t = a[j] - b[j];
    d += t * t;
  }
  return d;
}

/// A k-d tree over a set of points (the group centroids) for nearest-point queries.
/// Queries are exact: results are the `count` nearest points by (distance, point index).
class KdTree {
 public:
  /// Indexes points[i·p, i·p + p) for the i in `active`.
  void build(const std::vector<double>& points, std::size_t p,
             const std::vector<uint32_t>& active) {
    points_ = &points;
    p_ = p;
    index_ = active;
    nodes_.clear();
    if (!index_.empty()) build(0, static_cast<uint32_t>(index_.size()));
    // Coordinates in tree order, so that a leaf's points are contiguous.
    ordered_.resize(index_.size() * p);
    for (std::size_t i = 0; i < index_.size(); ++i)
      std::copy_n(points.data() + index_[i] * p, p, ordered_.data() + i * p);
  }

  /// The `count` nearest indexed points to q, nearest first (ties: lowest index), into out.
  void nearest(const double* q, std::size_t count, std::vector<Candidate>& out) const {
    out.clear();
    if (nodes_.empty() || count == 0) return;
    search(0, q, count, out);
  }

 private:
  struct Node {
    uint32_t lo, hi;      // index_[lo, hi)
    int32_t left, right;  // children, −1 for a leaf
    uint32_t dim;
    double split;
  };
  static constexpr uint32_t kLeaf = 8;

  double coord(uint32_t point, std::size_t dim) const { return (*points_)[point * p_ + dim]; }

  int32_t build(uint32_t lo, uint32_t hi) {
    const auto id = static_cast<int32_t>(nodes_.size());
    nodes_.push_back({lo, hi, -1, -1, 0, 0.0});
    if (hi - lo <= kLeaf || p_ == 0) return id;
    std::size_t dim = 0;
    double spread = -1.0;
    for (std::size_t j = 0; j < p_; ++j) {
      double lowest = coord(index_[lo], j), highest = lowest;
      for (uint32_t i = lo + 1; i < hi; ++i) {
        lowest = std::min(lowest, coord(index_[i], j));
        highest = std::max(highest, coord(index_[i], j));
      }
      if (highest - lowest > spread) {
        spread = highest - lowest;
        dim = j;
      }
    }
    if (!(spread > 0.0)) return id;  // all points equal: one leaf
    const uint32_t mid = lo + (hi - lo) / 2;
    std::nth_element(index_.begin() + lo, index_.begin() + mid, index_.begin() + hi,
                     [&](uint32_t a, uint32_t b) {
                       const double ca = coord(a, dim), cb = coord(b, dim);
                       return ca < cb || (ca == cb && a < b);
                     });
    nodes_[static_cast<std::size_t>(id)].dim = static_cast<uint32_t>(dim);
    nodes_[static_cast<std::size_t>(id)].split = coord(index_[mid], dim);
    const int32_t left = build(lo, mid);
    const int32_t right = build(mid, hi);
    nodes_[static_cast<std::size_t>(id)].left = left;
    nodes_[static_cast<std::size_t>(id)].right = right;
    return id;
  }

  void offer(const double* q, uint32_t slot, std::size_t count, std::vector<Candidate>& out) const {
    const double d = squaredDistance(q, ordered_.data() + slot * p_, p_);
    const uint32_t point = index_[slot];
    if (out.size() == count && !before(d, point, out.back().dist, out.back().id)) return;
    if (out.size() == count) out.pop_back();
    auto at = out.end();
    while (at != out.begin() && before(d, point, (at - 1)->dist, (at - 1)->id)) --at;
    out.insert(at, {d, point, 0});
  }

  void search(int32_t nodeId, const double* q, std::size_t count,
              std::vector<Candidate>& out) const {
    const Node& node = nodes_[static_cast<std::size_t>(nodeId)];
    if (node.left < 0) {
      for (uint32_t i = node.lo; i < node.hi; ++i) offer(q, i, count, out);
      return;
    }
    // Points left of the split have coordinate ≤ split, points right of it ≥ split, so
    // (q − split)² is a lower bound on the distance to any point on the far side, also after
    // rounding (rounding is monotone and the distance adds non-negative terms to it). Far sides
    // at the same distance as the count-th nearest are still searched, for the ties.
    const double diff = q[node.dim] - node.split;
    const int32_t nearSide = diff < 0.0 ? node.left : node.right;
    const int32_t farSide = diff < 0.0 ? node.right : node.left;
    search(nearSide, q, count, out);
    if (out.size() < count || diff * diff <= out.back().dist) search(farSide, q, count, out);
  }

  const std::vector<double>* points_ = nullptr;
  std::size_t p_ = 0;
  std::vector<uint32_t> index_;
  std::vector<double> ordered_;
  std::vector<Node> nodes_;
};

/// Renumbers group ids densely in order of first appearance along the rows; returns the count.
uint32_t renumber(std::vector<uint32_t>& groups) {
  std::vector<uint32_t> map;
  uint32_t next = 0;
  for (uint32_t& g : groups) {
    if (g >= map.size()) map.resize(static_cast<std::size_t>(g) + 1, kNoGroup);
    if (map[g] == kNoGroup) map[g] = next++;
    g = map[g];
  }
  return next;
}

/// Group means (G×p, row-major) and sizes.
void groupMeans(const Rows& rows, const std::vector<uint32_t>& groups, uint32_t count,
                std::vector<double>& means, std::vector<uint32_t>& sizes) {
  const std::size_t p = rows.p;
  means.assign(static_cast<std::size_t>(count) * p, 0.0);
  sizes.assign(count, 0);
  for (std::size_t i = 0; i < rows.n; ++i) {
    ++sizes[groups[i]];
    for (std::size_t j = 0; j < p; ++j) means[groups[i] * p + j] += rows.row(i)[j];
  }
  for (uint32_t g = 0; g < count; ++g)
    for (std::size_t j = 0; j < p; ++j)
      if (sizes[g] > 0) means[g * p + j] /= static_cast<double>(sizes[g]);
}

/// Within-group sum of squares.
double withinSse(const Rows& rows, const std::vector<uint32_t>& groups, uint32_t count) {
  std::vector<double> means;
  std::vector<uint32_t> sizes;
  groupMeans(rows, groups, count, means, sizes);
  double sse = 0.0;
  for (std::size_t i = 0; i < rows.n; ++i)
    sse += squaredDistance(rows.row(i), means.data() + groups[i] * rows.p, rows.p);
  return sse;
}

/// Splits every group of 2k rows or more by MDAV into groups of k … 2k − 1 rows (which never
/// raises the SSE). Returns the new group count; ids stay dense.
uint32_t splitLargeGroups(const Rows& rows, std::size_t k, std::vector<uint32_t>& groups,
                          uint32_t count) {
  std::vector<std::vector<uint32_t>> members(count);
  for (std::size_t i = 0; i < rows.n; ++i) members[groups[i]].push_back(static_cast<uint32_t>(i));
  std::vector<uint32_t> sub;
  for (uint32_t g = 0; g < members.size(); ++g) {
    const std::vector<uint32_t>& m = members[g];
    if (m.size() < 2 * k) continue;
    Eigen::MatrixXd part(static_cast<Eigen::Index>(m.size()), static_cast<Eigen::Index>(rows.p));
    for (std::size_t r = 0; r < m.size(); ++r)
      for (std::size_t j = 0; j < rows.p; ++j)
        part(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j)) = rows.row(m[r])[j];
    const uint32_t made = mdavInto(part, k, count, sub);
    for (std::size_t r = 0; r < m.size(); ++r) groups[m[r]] = sub[r] == count ? g : sub[r] - 1;
    count += made - 1;
  }
  return count;
}

/// Lloyd rounds: assign every row to its nearest group mean, dissolve the groups left with
/// fewer than k rows (their rows go to the nearest surviving mean), split groups of 2k or
/// more by MDAV. Keeps the best partition seen (lowest SSE); stops when the partition repeats,
/// after 3 rounds without improvement, or after maxRounds.
uint32_t lloydRounds(const Rows& rows, std::size_t k, int maxRounds, std::vector<uint32_t>& best,
                     uint32_t bestCount, double& bestSse) {
  std::vector<uint32_t> current = best, next(rows.n), sizes, all, alive;
  uint32_t count = bestCount;
  std::vector<double> means;
  std::vector<Candidate> found;
  KdTree tree;
  int stale = 0;
  for (int round = 0; round < maxRounds && stale < 3; ++round) {
    groupMeans(rows, current, count, means, sizes);
    all.resize(count);
    std::iota(all.begin(), all.end(), 0u);
    tree.build(means, rows.p, all);
    std::vector<uint32_t> assigned(count, 0);
    for (std::size_t i = 0; i < rows.n; ++i) {
      tree.nearest(rows.row(i), 1, found);
      next[i] = found.front().id;
      ++assigned[next[i]];
    }
    alive.clear();
    for (uint32_t g = 0; g < count; ++g)
      if (assigned[g] >= k) alive.push_back(g);
    if (alive.empty()) break;
    if (alive.size() < count) {
      tree.build(means, rows.p, alive);
      for (std::size_t i = 0; i < rows.n; ++i) {
        if (assigned[next[i]] >= k) continue;
        tree.nearest(rows.row(i), 1, found);
        next[i] = found.front().id;
      }
    }
    uint32_t nextCount = renumber(next);
    nextCount = splitLargeGroups(rows, k, next, nextCount);
    nextCount = renumber(next);
    if (next == current) break;
    const double sse = withinSse(rows, next, nextCount);
    if (sse < bestSse) {
      best = next;
      bestCount = nextCount;
      bestSse = sse;
      stale = 0;
    } else {
      ++stale;
    }
    current.swap(next);
    count = nextCount;
  }
  return bestCount;
}

/// Local search (Hartigan-style, with swaps): visits the rows in a random order and applies
/// the best SSE-lowering change among moving the row to one of its nearest groups (only if its
/// own group keeps ≥ k rows) and swapping it with a row of one of those groups. After the first
/// sweep a row is looked at again only if its group or one of its candidate groups changed
/// since; the first sweep that changes nothing is followed by one more full sweep (candidate
/// groups looked up afresh). Every change lowers the SSE and group sizes never fall below k.
/// At most maxSweeps sweeps.
uint32_t localSearch(const Rows& rows, std::size_t k, Rng& rng, int maxSweeps,
                     std::vector<uint32_t>& groups, uint32_t count, double scale) {
  constexpr std::size_t kCandidates = 4;
  const std::size_t p = rows.p;
  const double eps = 1e-12 * scale;  // gains below this are rounding noise
  std::vector<uint32_t> order(rows.n), all, sizes;
  std::iota(order.begin(), order.end(), 0u);
  std::vector<double> means, sums, snapshot;
  std::vector<std::vector<uint32_t>> members;
  std::vector<Candidate> found;
  // A change counter: changedAt[g] is when group g last changed, seenAt[i] when row i was last
  // looked at; candidates[i·kCandidates …] are the groups it was compared with then.
  uint64_t tick = 1;
  std::vector<uint64_t> changedAt(count, 1), seenAt(rows.n, 0);
  std::vector<uint32_t> candidates(rows.n * kCandidates, kNoGroup);
  KdTree tree;
  bool full = true, confirmed = false;
  for (int sweep = 0; sweep < maxSweeps; ++sweep) {
    groupMeans(rows, groups, count, means, sizes);
    sums.assign(means.size(), 0.0);
    members.assign(count, {});
    for (std::size_t i = 0; i < rows.n; ++i) {
      members[groups[i]].push_back(static_cast<uint32_t>(i));
      for (std::size_t j = 0; j < p; ++j) sums[groups[i] * p + j] += rows.row(i)[j];
    }
    changedAt.resize(count, tick);
    snapshot = means;
    all.resize(count);
    std::iota(all.begin(), all.end(), 0u);
    tree.build(snapshot, p, all);
    shuffleRange(order.begin(), order.end(), rng);
    std::size_t changes = 0;
    for (uint32_t i : order) {
      const uint32_t a = groups[i];
      uint32_t* cand = candidates.data() + static_cast<std::size_t>(i) * kCandidates;
      if (!full) {
        bool stale = changedAt[a] > seenAt[i];
        for (std::size_t c = 0; c < kCandidates && !stale; ++c)
          stale = cand[c] != kNoGroup && changedAt[cand[c]] > seenAt[i];
        if (!stale) continue;
      }
      seenAt[i] = tick;
      const double* x = rows.row(i);
      const double nA = sizes[a];
      const double* cA = means.data() + a * p;
      const double dA = squaredDistance(x, cA, p);
      tree.nearest(x, kCandidates + 1, found);
      std::size_t stored = 0;
      for (const Candidate& c : found)
        if (c.id != a && stored < kCandidates) cand[stored++] = c.id;
      for (; stored < kCandidates; ++stored) cand[stored] = kNoGroup;
      double bestGain = -eps;
      uint32_t bestGroup = kNoGroup, bestPartner = kNoGroup;
      for (std::size_t c = 0; c < kCandidates && cand[c] != kNoGroup; ++c) {
        const uint32_t b = cand[c];
        const double nB = sizes[b];
        const double* cB = means.data() + b * p;
        if (sizes[a] > k) {
          const double gain = nB / (nB + 1.0) * squaredDistance(x, cB, p) - nA / (nA - 1.0) * dA;
          if (gain < bestGain) {
            bestGain = gain;
            bestGroup = b;
            bestPartner = kNoGroup;
          }
        }
        const double w = 1.0 / nA + 1.0 / nB;
        for (uint32_t y : members[b]) {
          const double* yr = rows.row(y);
          double dot = 0.0;
          for (std::size_t j = 0; j < p; ++j) dot += (cB[j] - cA[j]) * (yr[j] - x[j]);
          const double gain = 2.0 * dot - w * squaredDistance(x, yr, p);
          if (gain < bestGain) {
            bestGain = gain;
            bestGroup = b;
            bestPartner = y;
          }
        }
      }
      if (bestGroup == kNoGroup) continue;
      ++changes;
      const uint32_t b = bestGroup;
      auto moveRow = [&](uint32_t row, uint32_t from, uint32_t to) {
        std::vector<uint32_t>& f = members[from];
        f.erase(std::find(f.begin(), f.end(), row));
        members[to].push_back(row);
        --sizes[from];
        ++sizes[to];
        groups[row] = to;
        for (std::size_t j = 0; j < p; ++j) {
          sums[from * p + j] -= rows.row(row)[j];
          sums[to * p + j] += rows.row(row)[j];
        }
      };
      moveRow(i, a, b);
      if (bestPartner != kNoGroup) moveRow(bestPartner, b, a);
      ++tick;
      changedAt[a] = changedAt[b] = tick;
      for (uint32_t g : {a, b})
        for (std::size_t j = 0; j < p; ++j) means[g * p + j] = sums[g * p + j] / sizes[g];
    }
    // Split groups that grew to 2k rows or more; their rows are looked at again.
    const uint32_t before = count;
    std::vector<uint32_t> oldSizes = sizes;
    count = splitLargeGroups(rows, k, groups, count);
    if (count != before) {
      ++tick;
      for (uint32_t g = 0; g < before; ++g)
        if (oldSizes[g] >= 2 * k) changedAt[g] = tick;
      changedAt.resize(count, tick);
    }
    if (changes == 0 && count == before) {
      if (full || confirmed) break;
      full = confirmed = true;  // once: a sweep over every row, with fresh candidate groups
    } else {
      full = false;
    }
  }
  return count;
}

}  // namespace

Eigen::MatrixXd standardise(const Eigen::MatrixXd& X) {
  requireFinite(X);
  const Eigen::Index n = X.rows();
  Eigen::MatrixXd Z = Eigen::MatrixXd::Zero(n, X.cols());
  if (n < 2) return Z;
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    double mean = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) mean += X(i, j);
    mean /= static_cast<double>(n);
    double ss = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) ss += (X(i, j) - mean) * (X(i, j) - mean);
    const double sd = std::sqrt(ss / static_cast<double>(n - 1));
    if (!(sd > 0.0)) continue;
    for (Eigen::Index i = 0; i < n; ++i) Z(i, j) = (X(i, j) - mean) / sd;
  }
  return Z;
}

std::vector<uint32_t> mdav(const Eigen::MatrixXd& X, std::size_t k) {
  requireK(k);
  requireFinite(X);
  std::vector<uint32_t> groups;
  mdavInto(X, k, 0, groups);
  return groups;
}

std::vector<uint32_t> kmeansMinSize(const Eigen::MatrixXd& X, std::size_t k, Rng& rng,
                                    int maxIterations) {
  requireK(k);
  requireFinite(X);
  std::vector<uint32_t> groups;
  uint32_t count = mdavInto(X, k, 0, groups);
  count = renumber(groups);
  if (count <= 1 || k == 1) return groups;  // one group, or singletons (SSE 0)
  const Rows rows(X);
  const std::vector<uint32_t> mdavGroups = groups;
  const double mdavSse = withinSse(rows, groups, count);
  double sse = mdavSse;
  count = lloydRounds(rows, k, maxIterations, groups, count, sse);
  const double sst = withinSse(rows, std::vector<uint32_t>(rows.n, 0), 1);
  count =
      localSearch(rows, k, rng, maxIterations, groups, count, sst / static_cast<double>(rows.n));
  count = renumber(groups);
  // Every accepted change lowered the SSE; this only guards against rounding.
  if (withinSse(rows, groups, count) > mdavSse) return mdavGroups;
  return groups;
}

double sseOverSst(const Eigen::MatrixXd& X, const std::vector<uint32_t>& groups) {
  const std::size_t n = static_cast<std::size_t>(X.rows());
  const std::size_t p = static_cast<std::size_t>(X.cols());
  if (groups.size() != n) throw std::invalid_argument("sseOverSst: one group id per row");
  if (n == 0) return 0.0;
  const std::size_t g =
      static_cast<std::size_t>(*std::max_element(groups.begin(), groups.end())) + 1;
  if (g > n) throw std::invalid_argument("sseOverSst: group ids must be below the row count");
  std::vector<double> sums(g * p, 0.0), mean(p, 0.0);
  std::vector<std::size_t> counts(g, 0);
  for (std::size_t i = 0; i < n; ++i) {
    ++counts[groups[i]];
    for (std::size_t j = 0; j < p; ++j) {
      const double v = X(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      sums[groups[i] * p + j] += v;
      mean[j] += v;
    }
  }
  for (std::size_t j = 0; j < p; ++j) mean[j] /= static_cast<double>(n);
  for (std::size_t a = 0; a < g; ++a)
    for (std::size_t j = 0; j < p && counts[a] > 0; ++j)
      sums[a * p + j] /= static_cast<double>(counts[a]);
  double sse = 0.0, sst = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < p; ++j) {
      const double v = X(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      const double w = v - sums[groups[i] * p + j];
      const double t = v - mean[j];
      sse += w * w;
      sst += t * t;
    }
  }
  return sst > 0.0 ? sse / sst : 0.0;
}

}  // namespace pc
