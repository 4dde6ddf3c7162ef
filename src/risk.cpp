#include "risk.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "values.h"

namespace pc {
namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
constexpr uint64_t kRowSeed = 0x243F6A8885A308D3ULL;

// ------------------------------------------------------------------------------------ hashing
//
// Hashes only place keys in buckets (every id and figure is independent of the hash values),
// except in expectedCopiedShareByChance, which documents it.
//
// The per-row code avoids calls to memcpy/memcmp with variable sizes (function calls in wasm)
// and runs in functions without objects to destroy: with Emscripten's JavaScript-based
// exceptions, every call made where a destructor would run on unwinding goes through a
// JavaScript trampoline, which made these loops several times slower in wasm.

inline uint64_t mix64(uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// 8 bytes at p as a number (a fixed-size memcpy compiles to one load).
inline uint64_t load8(const char* p) noexcept {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

/// The n < 8 bytes at p as a number (little-endian order).
inline uint64_t loadTail(const char* p, std::size_t n) noexcept {
  uint64_t w = 0;
  for (std::size_t i = 0; i < n; ++i)
    w |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return w;
}

/// 64-bit hash of bytes chained on `seed`, their length included (so cells "a","bc" and
/// "ab","c" hash differently).
inline uint64_t hashBytes(std::string_view s, uint64_t seed) noexcept {
  uint64_t h = seed ^ (0x9E3779B97F4A7C15ULL * (static_cast<uint64_t>(s.size()) + 1));
  const char* p = s.data();
  std::size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) h = mix64(h ^ load8(p));
  if (n > 0) h = mix64(h ^ loadTail(p, n) ^ 0xA0761D6478BD642FULL);
  return h;
}

inline uint64_t hashCell(std::string_view s) noexcept {
  return hashBytes(s, 0x243F6A8885A308D3ULL);
}

/// Folds one more cell hash into a row hash (order-sensitive).
inline uint64_t combineHash(uint64_t row, uint64_t cell) noexcept { return mix64(row ^ cell); }

/// True if the n bytes at a and b are equal.
inline bool equalBytes(const char* a, const char* b, std::size_t n) noexcept {
  for (; n >= 8; a += 8, b += 8, n -= 8)
    if (load8(a) != load8(b)) return false;
  return loadTail(a, n) == loadTail(b, n);
}

/// The cells of some columns of a table, seen as rows. A row's key is its cells one after the
/// other, each as its length (LEB128) then its bytes, so two rows have equal keys exactly when
/// their cells are byte-equal.
class RowCells {
 public:
  RowCells(const Table& table, const std::vector<std::size_t>& cols) : rows_(table.rows()) {
    columns_.reserve(cols.size());
    for (const std::size_t c : cols) {
      if (c >= table.columns.size()) {
        throw std::invalid_argument("risk: column index " + std::to_string(c) +
                                    " is out of range (" + std::to_string(table.columns.size()) +
                                    " columns)");
      }
      columns_.push_back(&table.columns[c]);
    }
  }

  std::size_t rows() const noexcept { return rows_; }
  std::size_t width() const noexcept { return columns_.size(); }
  /// An upper bound of the bytes of all the rows' keys (cells shorter than 128 bytes).
  std::size_t keyBytes() const noexcept {
    std::size_t bytes = rows_ * columns_.size();
    for (const TextColumn* column : columns_) bytes += column->byteSize();
    return bytes;
  }
  std::string_view cell(std::size_t j, std::size_t r) const noexcept { return columns_[j]->at(r); }

  /// Row hash as a fold of cell hashes (what expectedCopiedShareByChance shuffles).
  uint64_t foldedHash(std::size_t r) const noexcept {
    uint64_t h = kRowSeed;
    for (const TextColumn* column : columns_) h = combineHash(h, hashCell(column->at(r)));
    return h;
  }

  /// Hash of the row's cells (the same for byte-equal rows of any RowCells).
  uint64_t hash(std::size_t r) const noexcept {
    uint64_t h = kRowSeed;
    for (const TextColumn* column : columns_) h = hashBytes(column->at(r), h);
    return h;
  }

  /// True if row r's key is `key`.
  bool keyEquals(std::size_t r, std::string_view key) const noexcept {
    const char* k = key.data();
    const char* const end = k + key.size();
    for (const TextColumn* column : columns_) {
      const std::string_view cell = column->at(r);
      std::size_t length = 0;
      for (int shift = 0; k < end; shift += 7) {
        const auto byte = static_cast<uint8_t>(*k++);
        length |= static_cast<std::size_t>(byte & 0x7F) << shift;
        if (byte < 0x80) break;
      }
      if (length != cell.size() || static_cast<std::size_t>(end - k) < length) return false;
      if (!equalBytes(k, cell.data(), length)) return false;
      k += length;
    }
    return k == end;
  }

  /// Appends row r's key to `out`.
  void appendKey(std::size_t r, std::vector<char>& out) const {
    for (const TextColumn* column : columns_) {
      const std::string_view cell = column->at(r);
      std::size_t length = cell.size();
      while (length >= 0x80) {
        out.push_back(static_cast<char>(0x80 | (length & 0x7F)));
        length >>= 7;
      }
      out.push_back(static_cast<char>(length));
      out.insert(out.end(), cell.begin(), cell.end());
    }
  }

 private:
  std::size_t rows_;
  std::vector<const TextColumn*> columns_;
};

/// Open-addressing table from row combinations to dense ids, assigned in order of first
/// appearance. The key of each distinct combination is copied once into an arena, so a lookup
/// compares a row's cells with contiguous memory instead of another row's scattered cells. A
/// slot holds the id and the top 32 bits of the hash, so most misses cost one memory access.
class KeyIndex {
 public:
  /// `expectedKeys` and `expectedBytes` (distinct combinations and their key bytes), when known,
  /// spare the table its growth steps.
  explicit KeyIndex(std::size_t expectedKeys = 0, std::size_t expectedBytes = 0) {
    std::size_t capacity = 64;
    while (capacity < 2 * expectedKeys && capacity < (std::size_t{1} << 31)) capacity *= 2;
    slots_.assign(capacity, kEmpty);
    lowHash_.reserve(expectedKeys);
    keyStart_.reserve(expectedKeys + 1);
    keyStart_.push_back(0);
    arena_.reserve(expectedBytes);
  }

  uint32_t size() const noexcept { return static_cast<uint32_t>(lowHash_.size()); }

  /// The id of row r of `cells`, or kNone.
  uint32_t find(const RowCells& cells, std::size_t r) const noexcept {
    const uint64_t h = cells.hash(r);
    const uint64_t tag = h & kTagMask;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(h) & mask;; i = (i + 1) & mask) {
      const uint64_t slot = slots_[i];
      if (slot == kEmpty) return kNone;
      const auto id = static_cast<uint32_t>(slot);
      if ((slot & kTagMask) == tag && cells.keyEquals(r, keyOf(id))) return id;
    }
  }

  /// The id of row r of `cells`, added (as the next dense id) when new.
  uint32_t findOrAdd(const RowCells& cells, std::size_t r) {
    if ((lowHash_.size() + 1) * 2 > slots_.size()) grow();
    const uint64_t h = cells.hash(r);
    const uint64_t tag = h & kTagMask;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(h) & mask;; i = (i + 1) & mask) {
      const uint64_t slot = slots_[i];
      if (slot == kEmpty) return add(i, h, cells, r);
      const auto id = static_cast<uint32_t>(slot);
      if ((slot & kTagMask) == tag && cells.keyEquals(r, keyOf(id))) return id;
    }
  }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  static constexpr uint64_t kTagMask = 0xFFFFFFFF00000000ULL;

  std::string_view keyOf(uint32_t id) const noexcept {
    return std::string_view(arena_.data() + keyStart_[id], keyStart_[id + 1] - keyStart_[id]);
  }

  uint32_t add(std::size_t slot, uint64_t h, const RowCells& cells, std::size_t r) {
    const uint32_t id = size();
    if (id == kNone) throw std::length_error("risk: too many combinations");
    slots_[slot] = (h & kTagMask) | id;
    lowHash_.push_back(static_cast<uint32_t>(h));
    cells.appendKey(r, arena_);
    keyStart_.push_back(arena_.size());
    return id;
  }

  void grow() {
    std::vector<uint64_t> old(slots_.size() * 2, kEmpty);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const uint64_t slot : old) {
      if (slot == kEmpty) continue;
      // Slot positions use the low bits of the hash (fewer than 2^32 slots).
      std::size_t i = lowHash_[static_cast<uint32_t>(slot)] & mask;
      while (slots_[i] != kEmpty) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  std::vector<uint64_t> slots_;
  std::vector<uint32_t> lowHash_;  ///< low 32 bits of each id's hash, to re-place it on growth
  std::vector<std::size_t> keyStart_;
  std::vector<char> arena_;
};

/// Sorts 64-bit values in place (LSD radix sort, 8 passes of 8 bits; `scratch` is resized to
/// match). Sequential passes instead of the random accesses of a hash set.
void radixSort(std::vector<uint64_t>& values, std::vector<uint64_t>& scratch) {
  scratch.resize(values.size());
  for (int shift = 0; shift < 64; shift += 8) {
    std::size_t count[257] = {};
    for (const uint64_t v : values) ++count[((v >> shift) & 0xFF) + 1];
    if (count[1 + ((values.empty() ? 0 : values[0] >> shift) & 0xFF)] == values.size()) continue;
    for (int d = 0; d < 256; ++d) count[d + 1] += count[d];
    for (const uint64_t v : values) scratch[count[(v >> shift) & 0xFF]++] = v;
    values.swap(scratch);
  }
}

/// ids[r] = the id of row r of `cells` in `index` (added when new), for every row.
void assignIds(const RowCells& cells, KeyIndex& index, uint32_t* ids) {
  for (std::size_t r = 0; r < cells.rows(); ++r) ids[r] = index.findOrAdd(cells, r);
}

/// Adds the combination of every row of `cells` to `index`.
void addRows(const RowCells& cells, KeyIndex& index) {
  for (std::size_t r = 0; r < cells.rows(); ++r) index.findOrAdd(cells, r);
}

/// Rows of `cells` whose combination is in `index`.
std::size_t countKnown(const RowCells& cells, const KeyIndex& index) {
  std::size_t known = 0;
  for (std::size_t r = 0; r < cells.rows(); ++r) known += index.find(cells, r) != kNone ? 1 : 0;
  return known;
}

/// Ids of the combinations of one table's rows (first appearance order) and their count.
std::vector<uint32_t> groupIds(const RowCells& cells, uint32_t& count) {
  std::vector<uint32_t> ids(cells.rows());
  KeyIndex index;
  assignIds(cells, index, ids.data());
  count = index.size();
  return ids;
}

void requireSameWidth(const std::vector<std::size_t>& a, const std::vector<std::size_t>& b) {
  if (a.size() != b.size())
    throw std::invalid_argument("risk: the original and pseudo column lists differ in length");
}

/// Rows grouped by id: rows of id k are order[start[k] .. start[k+1]), ascending.
struct Grouping {
  std::vector<uint32_t> start;
  std::vector<uint32_t> order;
};

Grouping groupById(const std::vector<uint32_t>& ids, uint32_t count) {
  Grouping g;
  g.start.assign(static_cast<std::size_t>(count) + 1, 0);
  for (const uint32_t id : ids) ++g.start[id + 1];
  for (std::size_t k = 0; k < count; ++k) g.start[k + 1] += g.start[k];
  g.order.resize(ids.size());
  std::vector<uint32_t> next(g.start.begin(), g.start.end() - 1);
  for (std::size_t r = 0; r < ids.size(); ++r) g.order[next[ids[r]]++] = static_cast<uint32_t>(r);
  return g;
}

/// Pseudo rows ordered by (cluster, QI): each cluster is a contiguous segment, sorted by QI id
/// within, so the rows sharing a target's cluster and QIs are one sub-range found by binary search.
struct CandidateIndex {
  std::vector<uint32_t> clusterStart;  ///< segment of cluster c: [clusterStart[c], [c+1])
  std::vector<uint32_t> order;         ///< pseudo rows
  std::vector<uint32_t> qiOfOrder;     ///< QI id of order[i]

  CandidateIndex(const JointIds& cluster, const JointIds& qi) {
    const std::size_t n = cluster.pseudo.size();
    // Counting sort by QI id, then a stable counting sort by cluster id.
    const Grouping byQi = groupById(qi.pseudo, qi.count);
    clusterStart.assign(static_cast<std::size_t>(cluster.count) + 1, 0);
    for (const uint32_t c : cluster.pseudo) ++clusterStart[c + 1];
    for (std::size_t c = 0; c < cluster.count; ++c) clusterStart[c + 1] += clusterStart[c];
    std::vector<uint32_t> next(clusterStart.begin(), clusterStart.end() - 1);
    order.resize(n);
    for (const uint32_t r : byQi.order) order[next[cluster.pseudo[r]]++] = r;
    qiOfOrder.resize(n);
    for (std::size_t i = 0; i < n; ++i) qiOfOrder[i] = qi.pseudo[order[i]];
  }

  /// Candidate range for a target in cluster c with QI id q; sets the fallback flags.
  std::pair<uint32_t, uint32_t> candidates(uint32_t c, uint32_t q, bool& noQi,
                                           bool& noCluster) const {
    noQi = false;
    noCluster = false;
    if (c >= clusterStart.size() - 1 || clusterStart[c] == clusterStart[c + 1]) {
      noCluster = true;
      return {0, static_cast<uint32_t>(order.size())};
    }
    const auto first = qiOfOrder.begin() + clusterStart[c];
    const auto last = qiOfOrder.begin() + clusterStart[c + 1];
    const auto range = std::equal_range(first, last, q);
    if (range.first == range.second) {
      noQi = true;
      return {clusterStart[c], clusterStart[c + 1]};
    }
    return {static_cast<uint32_t>(range.first - qiOfOrder.begin()),
            static_cast<uint32_t>(range.second - qiOfOrder.begin())};
  }

  uint32_t clusterSize(uint32_t c) const {
    if (c >= clusterStart.size() - 1) return 0;
    return clusterStart[c + 1] - clusterStart[c];
  }
};

/// k items drawn without replacement from `pool` (partial Fisher–Yates), returned ascending.
std::vector<uint32_t> sampleWithoutReplacement(std::vector<uint32_t> pool, std::size_t k,
                                               Rng& rng) {
  k = std::min(k, pool.size());
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(rng.below(pool.size() - i));
    std::swap(pool[i], pool[j]);
  }
  pool.resize(k);
  std::sort(pool.begin(), pool.end());
  return pool;
}

std::vector<uint32_t> allRows(std::size_t n) {
  std::vector<uint32_t> rows(n);
  for (std::size_t r = 0; r < n; ++r) rows[r] = static_cast<uint32_t>(r);
  return rows;
}

/// Wilson interval at a possibly fractional number of successes.
WilsonInterval wilsonAt(double successes, std::size_t trials, double z) {
  if (trials == 0) return {};
  const double n = static_cast<double>(trials);
  const double p = std::min(1.0, std::max(0.0, successes / n));
  const double z2 = z * z;
  const double denominator = 1.0 + z2 / n;
  const double centre = (p + z2 / (2.0 * n)) / denominator;
  const double half = z * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator;
  WilsonInterval interval;
  interval.low = p <= 0.0 ? 0.0 : std::max(0.0, centre - half);
  interval.high = p >= 1.0 ? 1.0 : std::min(1.0, centre + half);
  return interval;
}

double median(std::vector<double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower =
      *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2.0;
}

void requireRows(std::size_t actual, std::size_t expected, const char* what) {
  if (actual != expected) {
    throw std::invalid_argument(std::string("risk: ") + what + " has " + std::to_string(actual) +
                                " rows, expected " + std::to_string(expected));
  }
}

void requireMatrix(const NumericMatrix& m, std::size_t rows, const char* what) {
  if (m.values.size() != m.rows * m.cols)
    throw std::invalid_argument(std::string("risk: ") + what + " has the wrong number of values");
  if (m.cols > 0) requireRows(m.rows, rows, what);
}

void requireJoint(const JointIds& ids, std::size_t originalRows, std::size_t pseudoRows,
                  const char* what) {
  requireRows(ids.original.size(), originalRows, what);
  requireRows(ids.pseudo.size(), pseudoRows, what);
}

/// Values tied for most frequent among `ids` (ascending), using `counts` (all zero on entry and
/// on return) as scratch.
template <typename Ids>
std::vector<uint32_t> modes(const Ids& ids, std::vector<uint32_t>& counts) {
  uint32_t best = 0;
  for (const uint32_t v : ids) best = std::max(best, ++counts[v]);
  std::vector<uint32_t> result;
  for (const uint32_t v : ids) {
    if (counts[v] == best) result.push_back(v);
    counts[v] = 0;  // also marks v as reported
  }
  std::sort(result.begin(), result.end());
  return result;
}

/// A range of ids seen through a row list: ids[rows[i]] for i in [first, last).
struct IdsOfRows {
  const std::vector<uint32_t>* ids;
  const uint32_t* first;
  const uint32_t* last;

  struct Iterator {
    const std::vector<uint32_t>* ids;
    const uint32_t* at;
    uint32_t operator*() const { return (*ids)[*at]; }
    Iterator& operator++() {
      ++at;
      return *this;
    }
    bool operator!=(const Iterator& other) const { return at != other.at; }
  };
  Iterator begin() const { return {ids, first}; }
  Iterator end() const { return {ids, last}; }
};

/// Fast path of parseDecimal for the common plain ASCII form "-?digits(.digits)?" with at most
/// 18 digits; false for anything else (which parseDecimal then reads).
bool parsePlainDecimal(std::string_view s, Decimal& out) {
  std::size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) i = 1;
  int64_t mantissa = 0;
  int digits = 0, scale = 0;
  bool dot = false, digitAfterDot = false;
  if (i == s.size() || s[i] < '0' || s[i] > '9') return false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      if (++digits > 18) return false;
      mantissa = mantissa * 10 + (c - '0');
      if (dot) {
        ++scale;
        digitAfterDot = true;
      }
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  if (dot && !digitAfterDot) return false;
  out.mantissa = negative ? -mantissa : mantissa;
  out.scale = scale;
  return true;
}

bool parseInto(std::string_view s, Decimal& out) {
  const std::optional<Decimal> value = parseDecimal(s);
  if (value) out = *value;
  return value.has_value();
}

/// Writes the numbers of `column` to out[0], out[stride], …; leaves NaN where there is none.
void parseColumn(const TextColumn& column, double* out, std::size_t stride) {
  for (std::size_t r = 0; r < column.size(); ++r) {
    const std::string_view cell = column.at(r);
    Decimal value;
    if (parsePlainDecimal(cell, value) || (!isMissingToken(cell) && parseInto(cell, value)))
      out[r * stride] = value.toDouble();
  }
}

}  // namespace

// ---------------------------------------------------------------------------------- intervals

WilsonInterval wilson(std::size_t successes, std::size_t trials, double z) {
  if (successes > trials) throw std::invalid_argument("risk: successes exceed trials");
  return wilsonAt(static_cast<double>(successes), trials, z);
}

// ------------------------------------------------------------------------ equivalence classes

ClassStats equivalenceClasses(const Table& table, const std::vector<std::size_t>& qi) {
  const RowCells cells(table, qi);
  ClassStats stats;
  stats.rows = table.rows();
  if (stats.rows == 0) return stats;
  uint32_t count = 0;
  const std::vector<uint32_t> ids = groupIds(cells, count);
  std::vector<uint32_t> sizes(count, 0);
  for (const uint32_t id : ids) ++sizes[id];
  std::sort(sizes.begin(), sizes.end());
  for (const uint32_t size : sizes) {
    if (stats.sizeHistogram.empty() || stats.sizeHistogram.back().first != size)
      stats.sizeHistogram.emplace_back(size, 0);
    ++stats.sizeHistogram.back().second;
  }
  stats.classes = count;
  stats.sampleUniques =
      stats.sizeHistogram.front().first == 1 ? stats.sizeHistogram.front().second : 0;
  stats.averageProsecutorRisk = static_cast<double>(count) / static_cast<double>(stats.rows);
  stats.smallestClass = sizes.front();
  stats.maxProsecutorRisk = 1.0 / static_cast<double>(sizes.front());
  return stats;
}

BelowK classesBelowK(const ClassStats& stats, std::size_t k) {
  BelowK below;
  for (const auto& [size, classes] : stats.sizeHistogram) {
    if (size >= k) break;
    below.classes += classes;
    below.records += size * classes;
  }
  return below;
}

BelowK classesBelowK(const Table& table, const std::vector<std::size_t>& qi, std::size_t k) {
  return classesBelowK(equivalenceClasses(table, qi), k);
}

DiversityStats lDiversity(const Table& table, const std::vector<std::size_t>& qi,
                          std::size_t sensitive) {
  const RowCells qiCells(table, qi);
  const RowCells sensitiveCells(table, {sensitive});
  DiversityStats stats;
  if (table.rows() == 0) return stats;
  uint32_t classCount = 0, valueCount = 0;
  const std::vector<uint32_t> classOf = groupIds(qiCells, classCount);
  const std::vector<uint32_t> valueOf = groupIds(sensitiveCells, valueCount);
  const Grouping classes = groupById(classOf, classCount);
  // Distinct values of each class, marking each value with the class that last saw it.
  std::vector<uint32_t> seenIn(valueCount, kNone);
  stats.classes = classCount;
  stats.distinctL = std::numeric_limits<std::size_t>::max();
  for (uint32_t c = 0; c < classCount; ++c) {
    std::size_t distinct = 0;
    for (uint32_t i = classes.start[c]; i < classes.start[c + 1]; ++i) {
      const uint32_t v = valueOf[classes.order[i]];
      if (seenIn[v] != c) {
        seenIn[v] = c;
        ++distinct;
      }
    }
    const std::size_t size = classes.start[c + 1] - classes.start[c];
    stats.distinctL = std::min(stats.distinctL, distinct);
    if (distinct == 1) {
      ++stats.homogeneousClasses;
      stats.recordsInHomogeneousClasses += size;
      if (size >= 2) ++stats.homogeneousClassesOfTwoOrMore;
    }
  }
  return stats;
}

std::size_t homogeneousClasses(const Table& table, const std::vector<std::size_t>& qi,
                               std::size_t sensitive) {
  return lDiversity(table, qi, sensitive).homogeneousClasses;
}

// ------------------------------------------------------------------------------- joint ids

JointIds jointIds(const Table& original, const std::vector<std::size_t>& colsOrig,
                  const Table& pseudo, const std::vector<std::size_t>& colsPseudo) {
  requireSameWidth(colsOrig, colsPseudo);
  const RowCells a(original, colsOrig);
  const RowCells b(pseudo, colsPseudo);
  JointIds result;
  result.original.resize(a.rows());
  result.pseudo.resize(b.rows());
  KeyIndex index;
  assignIds(a, index, result.original.data());
  result.countInOriginal = index.size();
  assignIds(b, index, result.pseudo.data());
  result.count = index.size();
  return result;
}

NumericMatrix numericMatrix(const Table& table, const std::vector<std::size_t>& cols) {
  const RowCells cells(table, cols);
  NumericMatrix m;
  m.rows = table.rows();
  m.cols = cols.size();
  m.values.assign(m.rows * m.cols, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t j = 0; j < m.cols; ++j)
    parseColumn(table.columns[cols[j]], m.values.data() + j, m.cols);
  return m;
}

// ----------------------------------------------------------------------------- copied rows

double copiedRowShare(const Table& original, const Table& pseudo,
                      const std::vector<std::size_t>& colsOrig,
                      const std::vector<std::size_t>& colsPseudo) {
  requireSameWidth(colsOrig, colsPseudo);
  const RowCells a(original, colsOrig);
  const RowCells b(pseudo, colsPseudo);
  if (b.rows() == 0) return 0.0;
  KeyIndex index(a.rows(), a.keyBytes());  // released rows are mostly distinct
  addRows(a, index);
  const std::size_t copied = countKnown(b, index);
  return static_cast<double>(copied) / static_cast<double>(b.rows());
}

double expectedCopiedShareByChance(const Table& original, const std::vector<std::size_t>& cols,
                                   const std::vector<std::size_t>& clusterColumns, Rng& rng,
                                   int repetitions) {
  if (repetitions < 1) throw std::invalid_argument("risk: repetitions must be at least 1");
  const RowCells cells(original, cols);
  const RowCells clusterCells(original, clusterColumns);
  const std::size_t n = cells.rows();
  if (n == 0) return 0.0;
  // The original rows' hashes, sorted and unique.
  std::vector<uint64_t> originalRows(n);
  std::vector<uint64_t> scratch;
  for (std::size_t r = 0; r < n; ++r) originalRows[r] = cells.foldedHash(r);
  radixSort(originalRows, scratch);
  originalRows.erase(std::unique(originalRows.begin(), originalRows.end()), originalRows.end());
  uint32_t clusterCount = 0;
  const std::vector<uint32_t> clusterOf = groupIds(clusterCells, clusterCount);
  const Grouping clusters = groupById(clusterOf, clusterCount);

  // Work in cluster order: position i holds row clusters.order[i]. Shuffling a column within
  // clusters = permuting its cell hashes within each cluster's segment of positions.
  std::vector<uint64_t> rowHash(n);
  std::vector<uint64_t> cellHash(n);
  std::vector<uint64_t> columnHash(n);
  double total = 0.0;
  for (int rep = 0; rep < repetitions; ++rep) {
    std::fill(rowHash.begin(), rowHash.end(), kRowSeed);
    for (std::size_t j = 0; j < cells.width(); ++j) {
      for (std::size_t r = 0; r < n; ++r) columnHash[r] = hashCell(cells.cell(j, r));
      for (std::size_t i = 0; i < n; ++i) cellHash[i] = columnHash[clusters.order[i]];
      for (uint32_t c = 0; c < clusterCount; ++c) {
        shuffleRange(cellHash.begin() + clusters.start[c], cellHash.begin() + clusters.start[c + 1],
                     rng);
      }
      for (std::size_t i = 0; i < n; ++i) rowHash[i] = combineHash(rowHash[i], cellHash[i]);
    }
    // Shuffled rows whose hash is an original row's: a merge of the two sorted lists.
    radixSort(rowHash, scratch);
    std::size_t copied = 0;
    auto known = originalRows.begin();
    for (const uint64_t h : rowHash) {
      while (known != originalRows.end() && *known < h) ++known;
      if (known != originalRows.end() && *known == h) ++copied;
    }
    total += static_cast<double>(copied) / static_cast<double>(n);
  }
  return total / repetitions;
}

// ------------------------------------------------------------------------- replicated uniques

ReplicatedUniques replicatedUniques(const Table& original, const Table& pseudo,
                                    const std::vector<std::size_t>& qiOrig,
                                    const std::vector<std::size_t>& qiPseudo) {
  const JointIds ids = jointIds(original, qiOrig, pseudo, qiPseudo);
  std::vector<uint32_t> inOriginal(ids.count, 0);
  std::vector<uint32_t> inPseudo(ids.count, 0);
  for (const uint32_t id : ids.original) ++inOriginal[id];
  for (const uint32_t id : ids.pseudo) ++inPseudo[id];
  ReplicatedUniques result;
  result.originalRows = ids.original.size();
  for (uint32_t id = 0; id < ids.count; ++id) {
    if (inOriginal[id] == 1) ++result.originalUniques;
    if (inPseudo[id] == 1) ++result.pseudoUniques;
    if (inOriginal[id] == 1 && inPseudo[id] == 1) ++result.replicated;
  }
  if (result.originalRows > 0) {
    result.percent =
        100.0 * static_cast<double>(result.replicated) / static_cast<double>(result.originalRows);
  }
  return result;
}

// ---------------------------------------------------------------------------- record linkage

LinkageResult recordLinkage(const JointIds& cluster, const JointIds& qi,
                            const NumericMatrix& numericOrig, const NumericMatrix& numericPseudo,
                            const std::vector<int64_t>& trueMatch, Rng& rng,
                            const LinkageOptions& options) {
  const std::size_t nOrig = cluster.original.size();
  const std::size_t nPseudo = cluster.pseudo.size();
  requireJoint(qi, nOrig, nPseudo, "the QI ids");
  requireRows(trueMatch.size(), nOrig, "trueMatch");
  requireMatrix(numericOrig, nOrig, "the original numbers");
  requireMatrix(numericPseudo, nPseudo, "the pseudo numbers");
  if (numericOrig.cols != numericPseudo.cols)
    throw std::invalid_argument("risk: the original and pseudo numbers differ in columns");
  const std::size_t d = numericOrig.cols;

  LinkageResult result;
  std::vector<uint32_t> eligible;
  for (std::size_t r = 0; r < nOrig; ++r) {
    if (trueMatch[r] >= 0 && static_cast<uint64_t>(trueMatch[r]) < nPseudo)
      eligible.push_back(static_cast<uint32_t>(r));
  }
  const std::vector<uint32_t> targets =
      sampleWithoutReplacement(std::move(eligible), options.targets, rng);
  result.targets = targets.size();
  if (targets.empty()) return result;

  // Scale of each numeric column: 1 / sd of the original (non-missing values).
  std::vector<double> scale(d, 1.0);
  if (options.standardise) {
    for (std::size_t j = 0; j < d; ++j) {
      double mean = 0.0, m2 = 0.0;
      std::size_t count = 0;
      for (std::size_t r = 0; r < nOrig; ++r) {
        const double x = numericOrig.at(r, j);
        if (std::isnan(x)) continue;
        ++count;
        const double delta = x - mean;
        mean += delta / static_cast<double>(count);
        m2 += delta * (x - mean);
      }
      const double sd = count > 1 ? std::sqrt(m2 / static_cast<double>(count - 1)) : 0.0;
      if (sd > 0.0 && std::isfinite(sd)) scale[j] = 1.0 / sd;
    }
  }

  // Each target's candidate range; targets sharing a range are processed together, over a
  // contiguous copy of the candidates' scaled numbers.
  const CandidateIndex index(cluster, qi);
  struct Target {
    uint32_t row, first, last;
  };
  std::vector<Target> work;
  work.reserve(targets.size());
  double chanceSum = 0.0;
  double candidateSum = 0.0;
  for (const uint32_t t : targets) {
    bool noQi = false, noCluster = false;
    const auto [first, last] =
        index.candidates(cluster.original[t], qi.original[t], noQi, noCluster);
    result.targetsWithoutQiMatch += noQi ? 1 : 0;
    result.targetsWithoutCluster += noCluster ? 1 : 0;
    const uint32_t clusterSize =
        noCluster ? static_cast<uint32_t>(nPseudo) : index.clusterSize(cluster.original[t]);
    chanceSum += 1.0 / static_cast<double>(clusterSize);
    candidateSum += static_cast<double>(last - first);
    work.push_back({t, first, last});
  }
  std::sort(work.begin(), work.end(), [](const Target& a, const Target& b) {
    return std::tie(a.first, a.last, a.row) < std::tie(b.first, b.last, b.row);
  });

  std::vector<double> candidates;  // scaled numbers of index.order[first .. last), row-major
  uint32_t loadedFirst = 1, loadedLast = 0;
  std::vector<double> target(d);
  for (const Target& w : work) {
    if (w.first != loadedFirst || w.last != loadedLast) {
      candidates.resize(static_cast<std::size_t>(w.last - w.first) * d);
      for (uint32_t i = w.first; i < w.last; ++i) {
        const std::size_t p = index.order[i];
        for (std::size_t j = 0; j < d; ++j)
          candidates[(i - w.first) * d + j] = numericPseudo.values[p * d + j] * scale[j];
      }
      loadedFirst = w.first;
      loadedLast = w.last;
    }
    for (std::size_t j = 0; j < d; ++j) target[j] = numericOrig.at(w.row, j) * scale[j];

    // Nearest candidate; an equally near one replaces the pick with probability 1/ties
    // (reservoir sampling), so each of the tied candidates is picked with probability 1/ties.
    double best = std::numeric_limits<double>::infinity();
    uint32_t pick = kNone;
    uint64_t ties = 0;
    const double* y = candidates.data();
    for (uint32_t i = w.first; i < w.last; ++i, y += d) {
      double distance = 0.0;
      for (std::size_t j = 0; j < d; ++j) {
        const double a = target[j], b = y[j];
        const double delta = a - b;
        if (delta == delta) {
          distance += delta * delta;
        } else {  // a or b missing: 0 if both are, else 1
          distance += (std::isnan(a) && std::isnan(b)) ? 0.0 : 1.0;
        }
      }
      if (distance < best) {
        best = distance;
        pick = index.order[i];
        ties = 1;
      } else if (distance == best) {
        ++ties;
        if (rng.below(ties) == 0) pick = index.order[i];
      }
    }
    result.targetsWithTies += ties > 1 ? 1 : 0;
    if (pick != kNone && static_cast<int64_t>(pick) == trueMatch[w.row]) ++result.correct;
  }
  const double n = static_cast<double>(result.targets);
  result.rate = static_cast<double>(result.correct) / n;
  result.rateInterval = wilson(result.correct, result.targets);
  result.chanceRate = chanceSum / n;
  result.chanceInterval = wilsonAt(chanceSum, result.targets, 1.959963984540054);
  result.meanCandidates = candidateSum / n;
  return result;
}

// ----------------------------------------------------------------------- attribute inference

std::vector<InferenceResult> attributeInference(const JointIds& cluster, const JointIds& qi,
                                                const std::vector<JointIds>& sensitive, Rng& rng,
                                                std::size_t targets) {
  const std::size_t nOrig = cluster.original.size();
  const std::size_t nPseudo = cluster.pseudo.size();
  requireJoint(qi, nOrig, nPseudo, "the QI ids");
  for (const JointIds& s : sensitive) requireJoint(s, nOrig, nPseudo, "a sensitive column's ids");

  const CandidateIndex index(cluster, qi);
  std::vector<uint32_t> eligible;
  for (std::size_t r = 0; r < nOrig; ++r)
    if (index.clusterSize(cluster.original[r]) > 0) eligible.push_back(static_cast<uint32_t>(r));
  const std::vector<uint32_t> sample = sampleWithoutReplacement(std::move(eligible), targets, rng);
  const Grouping originalByCluster = groupById(cluster.original, cluster.count);

  std::vector<InferenceResult> results(sensitive.size());
  for (std::size_t s = 0; s < sensitive.size(); ++s) {
    const JointIds& column = sensitive[s];
    InferenceResult& result = results[s];
    result.targets = sample.size();
    if (sample.empty()) continue;
    std::vector<uint32_t> counts(column.count, 0);
    // Modal values of a candidate range (keyed by its start in index.order) and of an original
    // cluster, computed once each.
    std::unordered_map<uint64_t, std::vector<uint32_t>> pseudoModes;
    std::unordered_map<uint32_t, std::vector<uint32_t>> clusterModes;
    double baselineSum = 0.0;
    for (const uint32_t t : sample) {
      const uint32_t c = cluster.original[t];
      bool noQi = false, noCluster = false;
      const auto [first, last] = index.candidates(c, qi.original[t], noQi, noCluster);
      result.targetsWithoutQiMatch += noQi ? 1 : 0;
      const uint64_t key = (static_cast<uint64_t>(first) << 32) | last;
      auto it = pseudoModes.find(key);
      if (it == pseudoModes.end()) {
        const IdsOfRows values{&column.pseudo, index.order.data() + first,
                               index.order.data() + last};
        it = pseudoModes.emplace(key, modes(values, counts)).first;
      }
      const std::vector<uint32_t>& guesses = it->second;
      const uint32_t guess = guesses.size() == 1 ? guesses[0] : guesses[rng.below(guesses.size())];
      const uint32_t truth = column.original[t];
      if (guess == truth) ++result.correct;

      auto base = clusterModes.find(c);
      if (base == clusterModes.end()) {
        const uint32_t* rows = originalByCluster.order.data();
        const IdsOfRows values{&column.original, rows + originalByCluster.start[c],
                               rows + originalByCluster.start[c + 1]};
        base = clusterModes.emplace(c, modes(values, counts)).first;
      }
      const std::vector<uint32_t>& majority = base->second;
      if (std::binary_search(majority.begin(), majority.end(), truth))
        baselineSum += 1.0 / static_cast<double>(majority.size());
    }
    const double n = static_cast<double>(result.targets);
    result.accuracy = static_cast<double>(result.correct) / n;
    result.accuracyInterval = wilson(result.correct, result.targets);
    result.baseline = baselineSum / n;
    result.baselineInterval = wilsonAt(baselineSum, result.targets, 1.959963984540054);
  }
  return results;
}

// ------------------------------------------------------------------ distance to closest record

DcrResult dcrBaselineProtection(const std::vector<JointIds>& categorical,
                                const NumericMatrix& numericOrig,
                                const NumericMatrix& numericPseudo, Rng& rng,
                                const DcrOptions& options) {
  const std::size_t nCat = categorical.size();
  const std::size_t nNum = numericOrig.cols;
  if (nCat + nNum == 0) throw std::invalid_argument("risk: DCR needs at least one column");
  if (numericPseudo.cols != nNum)
    throw std::invalid_argument("risk: the original and pseudo numbers differ in columns");
  const std::size_t nOrig = nCat > 0 ? categorical[0].original.size() : numericOrig.rows;
  const std::size_t nPseudo = nCat > 0 ? categorical[0].pseudo.size() : numericPseudo.rows;
  for (const JointIds& ids : categorical) requireJoint(ids, nOrig, nPseudo, "a categorical column");
  requireMatrix(numericOrig, nOrig, "the original numbers");
  requireMatrix(numericPseudo, nPseudo, "the pseudo numbers");

  DcrResult result;
  if (nOrig == 0 || nPseudo == 0) {
    result.score = std::numeric_limits<double>::quiet_NaN();
    return result;
  }
  // Range of each numeric column in the original.
  std::vector<double> low(nNum, std::numeric_limits<double>::infinity());
  std::vector<double> high(nNum, -std::numeric_limits<double>::infinity());
  for (std::size_t r = 0; r < nOrig; ++r) {
    for (std::size_t j = 0; j < nNum; ++j) {
      const double x = numericOrig.at(r, j);
      if (std::isnan(x)) continue;
      low[j] = std::min(low[j], x);
      high[j] = std::max(high[j], x);
    }
  }
  std::vector<double> range(nNum);
  for (std::size_t j = 0; j < nNum; ++j) range[j] = high[j] - low[j];

  const std::vector<uint32_t> reference = sampleWithoutReplacement(
      allRows(nOrig), options.referenceRows == 0 ? nOrig : options.referenceRows, rng);
  const std::vector<uint32_t> queries = sampleWithoutReplacement(
      allRows(nPseudo), options.queries == 0 ? nPseudo : options.queries, rng);
  result.referenceRows = reference.size();
  result.queries = queries.size();

  // Numbers are normalised once: a column with a positive range to (x − min) / range, so its
  // distance is min(1, |a − b|); a column with range 0 (or no value) is compared for equality.
  std::vector<uint8_t> byRange(nNum);
  for (std::size_t j = 0; j < nNum; ++j) byRange[j] = range[j] > 0.0 && std::isfinite(range[j]);
  auto normalise = [&](std::size_t j, double x) {
    return byRange[j] ? (x - low[j]) / range[j] : x;
  };
  // Reference rows gathered column by column, so that the distances of one query to every
  // reference row are computed column after column in simple (vectorisable) loops.
  const std::size_t nRef = reference.size();
  std::vector<std::vector<uint32_t>> refCat(nCat, std::vector<uint32_t>(nRef));
  std::vector<std::vector<double>> refNum(nNum, std::vector<double>(nRef));
  for (std::size_t i = 0; i < nRef; ++i) {
    for (std::size_t j = 0; j < nCat; ++j) refCat[j][i] = categorical[j].original[reference[i]];
    for (std::size_t j = 0; j < nNum; ++j)
      refNum[j][i] = normalise(j, numericOrig.at(reference[i], j));
  }

  // DCR of one row: the smallest sum over columns of the per-column distances, divided by the
  // number of columns.
  const double columns = static_cast<double>(nCat + nNum);
  std::vector<double> sum(nRef);
  auto closest = [&](const uint32_t* qCat, const double* qNum) {
    std::fill(sum.begin(), sum.end(), 0.0);
    double* out = sum.data();
    for (std::size_t j = 0; j < nCat; ++j) {
      const uint32_t q = qCat[j];
      const uint32_t* x = refCat[j].data();
      for (std::size_t i = 0; i < nRef; ++i) out[i] += x[i] != q ? 1.0 : 0.0;
    }
    for (std::size_t j = 0; j < nNum; ++j) {
      const double q = qNum[j];
      const double* x = refNum[j].data();
      if (std::isnan(q)) {  // both missing 0, one missing 1
        for (std::size_t i = 0; i < nRef; ++i) out[i] += x[i] != x[i] ? 0.0 : 1.0;
      } else if (byRange[j]) {  // min(1, NaN) is 1: a missing reference value counts 1
        for (std::size_t i = 0; i < nRef; ++i) out[i] += std::min(1.0, std::fabs(q - x[i]));
      } else {
        for (std::size_t i = 0; i < nRef; ++i) out[i] += x[i] == q ? 0.0 : 1.0;
      }
    }
    return *std::min_element(sum.begin(), sum.end()) / columns;
  };

  std::vector<uint32_t> qCat(nCat);
  std::vector<double> qNum(nNum);
  std::vector<double> synthetic;
  synthetic.reserve(queries.size());
  std::size_t atZero = 0;
  for (const uint32_t p : queries) {
    for (std::size_t j = 0; j < nCat; ++j) qCat[j] = categorical[j].pseudo[p];
    for (std::size_t j = 0; j < nNum; ++j) qNum[j] = normalise(j, numericPseudo.at(p, j));
    synthetic.push_back(closest(qCat.data(), qNum.data()));
    atZero += synthetic.back() == 0.0 ? 1 : 0;
  }
  std::vector<double> random;
  random.reserve(queries.size());
  for (std::size_t q = 0; q < queries.size(); ++q) {
    for (std::size_t j = 0; j < nCat; ++j)
      qCat[j] = static_cast<uint32_t>(rng.below(categorical[j].countInOriginal));
    for (std::size_t j = 0; j < nNum; ++j) {
      if (byRange[j]) {
        qNum[j] = rng.uniform();  // uniform in [min, max], normalised
      } else {
        qNum[j] = std::isfinite(range[j]) ? low[j] : std::numeric_limits<double>::quiet_NaN();
      }
    }
    random.push_back(closest(qCat.data(), qNum.data()));
  }
  result.medianSynthetic = median(std::move(synthetic));
  result.medianRandom = median(std::move(random));
  result.syntheticAtZero = static_cast<double>(atZero) / static_cast<double>(result.queries);
  result.score = result.medianRandom > 0.0
                     ? std::min(1.0, result.medianSynthetic / result.medianRandom)
                     : std::numeric_limits<double>::quiet_NaN();
  return result;
}

}  // namespace pc
