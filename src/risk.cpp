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

/// Sorts 64-bit values in place (LSD radix sort, 6 passes of 11 bits; `scratch` is resized to
/// match). Sequential passes instead of the random accesses of a hash set.
void radixSort(std::vector<uint64_t>& values, std::vector<uint64_t>& scratch) {
  constexpr int kBits = 11;
  constexpr uint64_t kMask = (uint64_t{1} << kBits) - 1;
  scratch.resize(values.size());
  std::vector<std::size_t> count((std::size_t{1} << kBits) + 1);
  for (int shift = 0; shift < 64; shift += kBits) {
    std::fill(count.begin(), count.end(), 0);
    for (const uint64_t v : values) ++count[((v >> shift) & kMask) + 1];
    if (count[1 + ((values.empty() ? 0 : values[0] >> shift) & kMask)] == values.size()) continue;
    for (std::size_t d = 0; d < kMask + 1; ++d) count[d + 1] += count[d];
    for (const uint64_t v : values) scratch[count[(v >> shift) & kMask]++] = v;
    values.swap(scratch);
  }
}

/// Column `c` of `table`, or std::invalid_argument.
const TextColumn& columnAt(const Table& table, std::size_t c) {
  if (c >= table.columns.size()) {
    throw std::invalid_argument("risk: column index " + std::to_string(c) + " is out of range (" +
                                std::to_string(table.columns.size()) + " columns)");
  }
  return table.columns[c];
}

/// True if an open-addressing table of `slots` slots holding `keys` keys must grow before it
/// takes one more (load at most 0.7: short probe runs, a third less memory than at 0.5).
inline bool full(std::size_t keys, std::size_t slots) noexcept {
  return (static_cast<uint64_t>(keys) + 1) * 10 > static_cast<uint64_t>(slots) * 7;
}

/// Slots for an open-addressing table expected to hold `keys` keys (a power of two, >= 1024).
std::size_t slotsFor(std::size_t keys) {
  std::size_t slots = 1024;
  while (full(keys, slots) && slots < (std::size_t{1} << 30)) slots *= 2;
  return slots;
}

/// A slot of the open-addressing tables below: a 64-bit key and its id (kNone = free), placed
/// at mix64(key) with linear probing.
struct KeySlot {
  uint64_t key = 0;
  uint32_t id = kNone;
};

/// Doubles a table of KeySlots, placing every key again.
void growSlots(std::vector<KeySlot>& slots) {
  std::vector<KeySlot> old(slots.size() * 2);
  old.swap(slots);
  const std::size_t mask = slots.size() - 1;
  for (const KeySlot& slot : old) {
    if (slot.id == kNone) continue;
    std::size_t i = static_cast<std::size_t>(mix64(slot.key)) & mask;
    while (slots[i].id != kNone) i = (i + 1) & mask;
    slots[i] = slot;
  }
}

/// Open-addressing table from cell texts to dense ids, assigned in order of first appearance.
/// A slot holds the id and a 64-bit key: a cell of at most 7 bytes is its key (its bytes and its
/// length), so it is found with one memory access and no text comparison; a longer cell's key is
/// its hash (top byte 0xFF), confirmed by comparing the text where it first appeared (row
/// firstRow[id] of the original column for ids below `boundary`, of the pseudo column above).
class ValueIndex {
 public:
  ValueIndex(const TextColumn* original, const TextColumn* pseudo)
      : original_(original), pseudo_(pseudo), slots_(1024) {}

  uint32_t size() const noexcept { return static_cast<uint32_t>(firstRow_.size()); }
  /// From now on new ids first appear in the pseudo column.
  void startPseudo() noexcept { boundary_ = size(); }
  /// The first row of each id (in the original column below the boundary, else the pseudo one).
  std::vector<uint32_t>& firstRows() noexcept { return firstRow_; }

  /// The id of `cell`, first seen at `row` of the current column; a new cell gets the next id
  /// and hashCell(cell) is appended to `hashes`.
  uint32_t findOrAdd(std::string_view cell, uint32_t row, std::vector<uint64_t>& hashes) {
    if (full(firstRow_.size(), slots_.size())) grow();
    const bool isShort = cell.size() < 8;
    const uint64_t key =
        isShort ? (static_cast<uint64_t>(cell.size()) << 56) | loadTail(cell.data(), cell.size())
                : hashCell(cell) | kLongKey;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(mix64(key)) & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.id == kNone) {
        const uint32_t id = size();
        if (id == kNone) throw std::length_error("risk: too many distinct values");
        slot.key = key;
        slot.id = id;
        firstRow_.push_back(row);
        hashes.push_back(hashCell(cell));
        return id;
      }
      if (slot.key == key && (isShort || sameText(slot.id, cell))) return slot.id;
    }
  }

 private:
  static constexpr uint64_t kLongKey = 0xFF00000000000000ULL;
  using Slot = KeySlot;

  bool sameText(uint32_t id, std::string_view cell) const noexcept {
    const std::string_view known =
        id < boundary_ ? original_->at(firstRow_[id]) : pseudo_->at(firstRow_[id]);
    return known.size() == cell.size() && equalBytes(known.data(), cell.data(), cell.size());
  }

  void grow() { growSlots(slots_); }

  const TextColumn* original_;
  const TextColumn* pseudo_;
  uint32_t boundary_ = kNone;
  std::vector<Slot> slots_;
  std::vector<uint32_t> firstRow_;
};

/// ids[r] = the id of row r of `column` in `index` (added when new; hashes of new cells go to
/// `hashes`). A dictionary column looks each of its values up once, at its first row.
void codeRows(const TextColumn& column, ValueIndex& index, std::vector<uint64_t>& hashes,
              std::vector<uint32_t>& ids) {
  const std::size_t n = column.size();
  ids.resize(n);
  uint32_t* out = ids.data();
  if (column.isDictionary()) {
    std::vector<uint32_t> idOfCode(column.dictionarySize(), kNone);
    uint32_t* const map = idOfCode.data();
    for (std::size_t r = 0; r < n; ++r) {
      const uint32_t code = column.code(r);
      uint32_t id = map[code];
      if (id == kNone) {
        id = index.findOrAdd(column.value(code), static_cast<uint32_t>(r), hashes);
        map[code] = id;
      }
      out[r] = id;
    }
  } else {
    for (std::size_t r = 0; r < n; ++r)
      out[r] = index.findOrAdd(column.at(r), static_cast<uint32_t>(r), hashes);
  }
}

/// Open-addressing table from 64-bit keys to dense ids, assigned in order of first appearance.
/// A slot holds the key and its id, so a look-up costs one memory access.
class KeyIndex {
 public:
  explicit KeyIndex(std::size_t expectedKeys) : slots_(slotsFor(expectedKeys)) {}

  uint32_t size() const noexcept { return size_; }

  /// The id of `key`, or kNone.
  uint32_t find(uint64_t key) const noexcept {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(mix64(key)) & mask;; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (slot.id == kNone) return kNone;
      if (slot.key == key) return slot.id;
    }
  }

  /// The id of `key`, added as the next id when new.
  uint32_t findOrAdd(uint64_t key) {
    if (full(size_, slots_.size())) grow();
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(mix64(key)) & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.id == kNone) {
        if (size_ == kNone) throw std::length_error("risk: too many combinations");
        slot.key = key;
        slot.id = size_++;
        return slot.id;
      }
      if (slot.key == key) return slot.id;
    }
  }

 private:
  using Slot = KeySlot;

  void grow() { growSlots(slots_); }

  std::vector<Slot> slots_;
  uint32_t size_ = 0;
};

void requireSameWidth(const std::vector<std::size_t>& a, const std::vector<std::size_t>& b) {
  if (a.size() != b.size())
    throw std::invalid_argument("risk: the original and pseudo column lists differ in length");
}

/// Row counts shared by every column of `columns` (std::invalid_argument otherwise).
std::pair<std::size_t, std::size_t> sharedRows(const std::vector<const JointIds*>& columns) {
  if (columns.empty()) return {0, 0};
  const std::size_t nOrig = columns[0]->original.size(), nPseudo = columns[0]->pseudo.size();
  for (const JointIds* c : columns) {
    if (c->original.size() != nOrig || c->pseudo.size() != nPseudo)
      throw std::invalid_argument("risk: coded columns differ in their numbers of rows");
    for (const uint32_t id : c->original)
      if (id >= c->count) throw std::invalid_argument("risk: a coded column's id is out of range");
    for (const uint32_t id : c->pseudo)
      if (id >= c->count) throw std::invalid_argument("risk: a coded column's id is out of range");
  }
  return {nOrig, nPseudo};
}

/// A group of columns whose ids pack into one 64-bit key per row: the ids as the digits of a
/// mixed-radix number, the columns' counts as the radices (so keys are below the product of the
/// counts, which fits in 64 bits, and equal keys <=> equal ids in every column).
struct PackedColumns {
  std::vector<const JointIds*> columns;
  uint64_t product = 1;  ///< number of possible keys

  uint64_t key(const std::vector<const uint32_t*>& side, std::size_t r) const noexcept {
    uint64_t k = 0;
    for (std::size_t j = 0; j < side.size(); ++j) k = k * columns[j]->count + side[j][r];
    return k;
  }
  std::vector<const uint32_t*> side(bool pseudo) const {
    std::vector<const uint32_t*> out;
    for (const JointIds* c : columns) out.push_back(pseudo ? c->pseudo.data() : c->original.data());
    return out;
  }
};

/// The leading columns of `columns` (at least two when there are two) whose ids pack into 64 bits.
PackedColumns leadingPackable(const std::vector<const JointIds*>& columns) {
  PackedColumns packed;
  for (const JointIds* c : columns) {
    const uint64_t radix = std::max<uint64_t>(c->count, 1);
    if (packed.product > std::numeric_limits<uint64_t>::max() / radix) break;
    packed.product *= radix;
    packed.columns.push_back(c);
  }
  return packed;
}

/// Dense arrays are used for the keys of a group when there are at most this many possible
/// keys (4 bytes each): about the rows themselves.
std::size_t denseLimit(std::size_t rows) {
  return std::max<std::size_t>(std::size_t{1} << 16, rows);
}

/// Joint ids of a packed group (ids in order of first appearance, original rows first).
JointIds groupPacked(const PackedColumns& group, std::size_t nOrig, std::size_t nPseudo) {
  JointIds out;
  out.original.resize(nOrig);
  out.pseudo.resize(nPseudo);
  if (group.product <= denseLimit(nOrig + nPseudo)) {
    std::vector<uint32_t> map(static_cast<std::size_t>(group.product), kNone);
    uint32_t next = 0;
    auto side = [&](bool pseudo, std::vector<uint32_t>& ids) {
      const std::vector<const uint32_t*> cols = group.side(pseudo);
      for (std::size_t r = 0; r < ids.size(); ++r) {
        uint32_t& id = map[static_cast<std::size_t>(group.key(cols, r))];
        if (id == kNone) id = next++;
        ids[r] = id;
      }
    };
    side(false, out.original);
    out.countInOriginal = next;
    side(true, out.pseudo);
    out.count = next;
  } else {
    KeyIndex index(nOrig);
    auto side = [&](bool pseudo, std::vector<uint32_t>& ids) {
      const std::vector<const uint32_t*> cols = group.side(pseudo);
      for (std::size_t r = 0; r < ids.size(); ++r) ids[r] = index.findOrAdd(group.key(cols, r));
    };
    side(false, out.original);
    out.countInOriginal = index.size();
    side(true, out.pseudo);
    out.count = index.size();
  }
  return out;
}

/// Columns whose combination is that of `columns`, the last group packable into 64 bits: groups
/// that do not fit are combined (groupPacked) into one column first. The order of the columns
/// does not change which rows combine (nor, since ids are given by first appearance, their ids):
/// the fewest ids first, so that most columns share a key. `owned` keeps the combined columns.
PackedColumns finalGroup(std::vector<const JointIds*> columns, std::size_t nOrig,
                         std::size_t nPseudo, std::vector<JointIds>& owned) {
  owned.reserve(columns.size());
  auto byCount = [](const JointIds* a, const JointIds* b) { return a->count < b->count; };
  for (;;) {
    std::stable_sort(columns.begin(), columns.end(), byCount);
    PackedColumns group = leadingPackable(columns);
    if (group.columns.size() == columns.size()) return group;
    owned.push_back(groupPacked(group, nOrig, nPseudo));
    columns.erase(columns.begin(),
                  columns.begin() + static_cast<std::ptrdiff_t>(group.columns.size()));
    columns.push_back(&owned.back());
  }
}

/// Ids of one table's combinations of `cols` (first appearance order) and their count.
std::vector<uint32_t> groupIds(const Table& table, const std::vector<std::size_t>& cols,
                               uint32_t& count) {
  std::vector<CodedColumn> coded;
  coded.reserve(cols.size());
  for (const std::size_t c : cols) coded.push_back(codeColumn(table, c, nullptr, 0));
  std::vector<const JointIds*> ids;
  for (const CodedColumn& c : coded) ids.push_back(&c.ids);
  JointIds joint = combineJointIds(ids, table.rows(), 0);
  count = joint.count;
  return std::move(joint.original);
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

/// The number of a cell, or NaN.
double numberOf(std::string_view cell) {
  Decimal value;
  if (parsePlainDecimal(cell, value) || (!isMissingToken(cell) && parseInto(cell, value)))
    return value.toDouble();
  return std::numeric_limits<double>::quiet_NaN();
}

/// Writes the numbers of `column` to out[0], out[stride], … (NaN where there is none). A
/// dictionary column's values are parsed once each.
void parseColumn(const TextColumn& column, double* out, std::size_t stride) {
  const std::size_t n = column.size();
  if (column.isDictionary()) {
    std::vector<double> numbers(column.dictionarySize());
    for (uint32_t code = 0; code < numbers.size(); ++code)
      numbers[code] = numberOf(column.value(code));
    for (std::size_t r = 0; r < n; ++r) out[r * stride] = numbers[column.code(r)];
  } else {
    for (std::size_t r = 0; r < n; ++r) out[r * stride] = numberOf(column.at(r));
  }
}

}  // namespace

// ---------------------------------------------------------------------------------- intervals

WilsonInterval wilson(std::size_t successes, std::size_t trials, double z) {
  if (successes > trials) throw std::invalid_argument("risk: successes exceed trials");
  return wilsonAt(static_cast<double>(successes), trials, z);
}

// ------------------------------------------------------------------------ equivalence classes

ClassStats equivalenceClasses(const std::vector<uint32_t>& classOf, uint32_t idCount) {
  ClassStats stats;
  stats.rows = classOf.size();
  if (stats.rows == 0) return stats;
  std::vector<uint32_t> sizes(idCount, 0);
  for (const uint32_t id : classOf) {
    if (id >= idCount) throw std::invalid_argument("risk: a class id is out of range");
    ++sizes[id];
  }
  sizes.erase(std::remove(sizes.begin(), sizes.end(), 0u), sizes.end());
  std::sort(sizes.begin(), sizes.end());
  for (const uint32_t size : sizes) {
    if (stats.sizeHistogram.empty() || stats.sizeHistogram.back().first != size)
      stats.sizeHistogram.emplace_back(size, 0);
    ++stats.sizeHistogram.back().second;
  }
  stats.classes = sizes.size();
  stats.sampleUniques =
      stats.sizeHistogram.front().first == 1 ? stats.sizeHistogram.front().second : 0;
  stats.averageProsecutorRisk =
      static_cast<double>(stats.classes) / static_cast<double>(stats.rows);
  stats.smallestClass = sizes.front();
  stats.maxProsecutorRisk = 1.0 / static_cast<double>(sizes.front());
  return stats;
}

ClassStats equivalenceClasses(const Table& table, const std::vector<std::size_t>& qi) {
  uint32_t count = 0;
  const std::vector<uint32_t> ids = groupIds(table, qi, count);
  return equivalenceClasses(ids, count);
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

DiversityStats lDiversity(const std::vector<uint32_t>& classOf, uint32_t classCount,
                          const std::vector<uint32_t>& valueOf, uint32_t valueCount) {
  requireRows(valueOf.size(), classOf.size(), "the sensitive values");
  DiversityStats stats;
  if (classOf.empty()) return stats;
  for (const uint32_t id : classOf)
    if (id >= classCount) throw std::invalid_argument("risk: a class id is out of range");
  for (const uint32_t id : valueOf)
    if (id >= valueCount) throw std::invalid_argument("risk: a value id is out of range");
  const Grouping classes = groupById(classOf, classCount);
  // Distinct values of each class, marking each value with the class that last saw it.
  std::vector<uint32_t> seenIn(valueCount, kNone);
  stats.distinctL = std::numeric_limits<std::size_t>::max();
  for (uint32_t c = 0; c < classCount; ++c) {
    if (classes.start[c] == classes.start[c + 1]) continue;  // an id no row has
    ++stats.classes;
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

DiversityStats lDiversity(const Table& table, const std::vector<std::size_t>& qi,
                          std::size_t sensitive) {
  uint32_t classCount = 0, valueCount = 0;
  const std::vector<uint32_t> classOf = groupIds(table, qi, classCount);
  const std::vector<uint32_t> valueOf = groupIds(table, {sensitive}, valueCount);
  return lDiversity(classOf, classCount, valueOf, valueCount);
}

std::size_t homogeneousClasses(const Table& table, const std::vector<std::size_t>& qi,
                               std::size_t sensitive) {
  return lDiversity(table, qi, sensitive).homogeneousClasses;
}

// ------------------------------------------------------------------------------- joint ids

CodedColumn codeColumn(const Table& original, std::size_t colOrig, const Table* pseudo,
                       std::size_t colPseudo) {
  const TextColumn& a = columnAt(original, colOrig);
  const TextColumn* b = pseudo != nullptr ? &columnAt(*pseudo, colPseudo) : nullptr;
  CodedColumn out;
  ValueIndex index(&a, b);
  codeRows(a, index, out.cellHash, out.ids.original);
  out.ids.countInOriginal = index.size();
  if (b != nullptr) {
    index.startPseudo();
    codeRows(*b, index, out.cellHash, out.ids.pseudo);
  }
  out.ids.count = index.size();
  out.firstRow = std::move(index.firstRows());
  out.originalColumn = &a;
  out.pseudoColumn = b;
  return out;
}

CodedNumbers codedNumbers(const std::vector<const CodedColumn*>& columns) {
  CodedNumbers out;
  for (const CodedColumn* column : columns) {
    out.ids.push_back(&column->ids);
    std::vector<double> numbers(column->ids.count);
    for (uint32_t id = 0; id < column->ids.count; ++id) numbers[id] = numberOf(column->value(id));
    out.number.push_back(std::move(numbers));
  }
  return out;
}

JointIds combineJointIds(const std::vector<const JointIds*>& columns, std::size_t originalRows,
                         std::size_t pseudoRows) {
  JointIds out;
  if (columns.empty()) {
    out.original.assign(originalRows, 0);
    out.pseudo.assign(pseudoRows, 0);
    out.countInOriginal = originalRows > 0 ? 1 : 0;
    out.count = originalRows + pseudoRows > 0 ? 1 : 0;
    return out;
  }
  const auto [nOrig, nPseudo] = sharedRows(columns);
  requireRows(nOrig, originalRows, "a coded column's original side");
  requireRows(nPseudo, pseudoRows, "a coded column's pseudo side");
  if (columns.size() == 1) return *columns[0];
  std::vector<JointIds> owned;
  const PackedColumns group = finalGroup(columns, nOrig, nPseudo, owned);
  return groupPacked(group, nOrig, nPseudo);
}

std::vector<const JointIds*> idsOf(const std::vector<const CodedColumn*>& columns) {
  std::vector<const JointIds*> out;
  out.reserve(columns.size());
  for (const CodedColumn* c : columns) out.push_back(&c->ids);
  return out;
}

JointIds jointIds(const Table& original, const std::vector<std::size_t>& colsOrig,
                  const Table& pseudo, const std::vector<std::size_t>& colsPseudo) {
  requireSameWidth(colsOrig, colsPseudo);
  std::vector<CodedColumn> coded;
  coded.reserve(colsOrig.size());
  for (std::size_t k = 0; k < colsOrig.size(); ++k)
    coded.push_back(codeColumn(original, colsOrig[k], &pseudo, colsPseudo[k]));
  std::vector<const JointIds*> ids;
  for (const CodedColumn& c : coded) ids.push_back(&c.ids);
  return combineJointIds(ids, original.rows(), pseudo.rows());
}

NumericMatrix numericMatrix(const Table& table, const std::vector<std::size_t>& cols) {
  for (const std::size_t c : cols) columnAt(table, c);
  NumericMatrix m;
  m.rows = table.rows();
  m.cols = cols.size();
  m.values.assign(m.rows * m.cols, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t j = 0; j < m.cols; ++j)
    parseColumn(table.columns[cols[j]], m.values.data() + j, m.cols);
  return m;
}

// ----------------------------------------------------------------------------- copied rows

double copiedRowShare(const std::vector<const JointIds*>& columns) {
  if (columns.empty()) return 0.0;
  const auto [nOrig, nPseudo] = sharedRows(columns);
  if (nPseudo == 0) return 0.0;
  std::vector<JointIds> owned;
  const PackedColumns group = finalGroup(columns, nOrig, nPseudo, owned);
  // The original rows' keys; a pseudo row with an id the original lacks cannot be among them.
  const std::size_t width = group.columns.size();
  std::vector<uint32_t> known(width);
  for (std::size_t j = 0; j < width; ++j) known[j] = group.columns[j]->countInOriginal;
  const std::vector<const uint32_t*> orig = group.side(false), pseudo = group.side(true);
  auto possible = [&](std::size_t r) {
    for (std::size_t j = 0; j < width; ++j)
      if (pseudo[j][r] >= known[j]) return false;
    return true;
  };
  std::size_t copied = 0;
  if (group.product <= denseLimit(nOrig + nPseudo)) {
    std::vector<uint8_t> inOriginal(static_cast<std::size_t>(group.product), 0);
    for (std::size_t r = 0; r < nOrig; ++r) inOriginal[group.key(orig, r)] = 1;
    for (std::size_t r = 0; r < nPseudo; ++r)
      if (possible(r)) copied += inOriginal[group.key(pseudo, r)];
  } else {
    // The keys of the pseudo rows that may be copies (usually far fewer than the original rows)
    // with their numbers of rows, looked up with every original row; each key counts once.
    KeyIndex candidates(0);
    std::vector<uint32_t> rows;
    for (std::size_t r = 0; r < nPseudo; ++r) {
      if (!possible(r)) continue;
      const uint32_t id = candidates.findOrAdd(group.key(pseudo, r));
      if (id == rows.size()) rows.push_back(0);
      ++rows[id];
    }
    for (std::size_t r = 0; r < nOrig && candidates.size() > 0; ++r) {
      const uint32_t id = candidates.find(group.key(orig, r));
      if (id != kNone && rows[id] > 0) {
        copied += rows[id];
        rows[id] = 0;
      }
    }
  }
  return static_cast<double>(copied) / static_cast<double>(nPseudo);
}

double copiedRowShare(const Table& original, const Table& pseudo,
                      const std::vector<std::size_t>& colsOrig,
                      const std::vector<std::size_t>& colsPseudo) {
  requireSameWidth(colsOrig, colsPseudo);
  if (colsOrig.empty()) {  // every row is the empty combination
    return pseudo.rows() > 0 && original.rows() > 0 ? 1.0 : 0.0;
  }
  std::vector<CodedColumn> coded;
  coded.reserve(colsOrig.size());
  for (std::size_t k = 0; k < colsOrig.size(); ++k)
    coded.push_back(codeColumn(original, colsOrig[k], &pseudo, colsPseudo[k]));
  std::vector<const JointIds*> ids;
  for (const CodedColumn& c : coded) ids.push_back(&c.ids);
  return copiedRowShare(ids);
}

double expectedCopiedShareByChance(const std::vector<const CodedColumn*>& columns,
                                   const JointIds& clusters, Rng& rng, int repetitions) {
  if (repetitions < 1) throw std::invalid_argument("risk: repetitions must be at least 1");
  const std::size_t n = clusters.original.size();
  for (const CodedColumn* column : columns) {
    requireRows(column->ids.original.size(), n, "a coded column");
    if (column->cellHash.size() < column->ids.countInOriginal)
      throw std::invalid_argument("risk: a coded column lacks cell hashes");
  }
  if (n == 0) return 0.0;
  // The original rows' hashes (a fold of their cells' hashes), sorted and unique.
  std::vector<uint64_t> originalRows(n, kRowSeed);
  std::vector<uint64_t> scratch;
  for (const CodedColumn* column : columns) {
    const uint64_t* valueHash = column->cellHash.data();
    const uint32_t* ids = column->ids.original.data();
    for (std::size_t r = 0; r < n; ++r)
      originalRows[r] = combineHash(originalRows[r], valueHash[ids[r]]);
  }
  radixSort(originalRows, scratch);
  originalRows.erase(std::unique(originalRows.begin(), originalRows.end()), originalRows.end());
  const uint32_t clusterCount = clusters.countInOriginal;
  for (const uint32_t c : clusters.original)
    if (c >= clusterCount) throw std::invalid_argument("risk: a cluster id is out of range");
  const Grouping groups = groupById(clusters.original, clusterCount);

  // Work in cluster order: position i holds row groups.order[i]. Shuffling a column within
  // clusters = permuting its cell hashes within each cluster's segment of positions (held in
  // `scratch`, which the sort needs only afterwards).
  std::vector<uint64_t> rowHash(n);
  std::vector<uint64_t>& cellHash = scratch;
  cellHash.resize(n);
  double total = 0.0;
  for (int rep = 0; rep < repetitions; ++rep) {
    std::fill(rowHash.begin(), rowHash.end(), kRowSeed);
    for (const CodedColumn* column : columns) {
      const uint64_t* valueHash = column->cellHash.data();
      const uint32_t* ids = column->ids.original.data();
      for (std::size_t i = 0; i < n; ++i) cellHash[i] = valueHash[ids[groups.order[i]]];
      for (uint32_t c = 0; c < clusterCount; ++c) {
        shuffleRange(cellHash.begin() + groups.start[c], cellHash.begin() + groups.start[c + 1],
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

double expectedCopiedShareByChance(const Table& original, const std::vector<std::size_t>& cols,
                                   const std::vector<std::size_t>& clusterColumns, Rng& rng,
                                   int repetitions) {
  if (repetitions < 1) throw std::invalid_argument("risk: repetitions must be at least 1");
  std::vector<CodedColumn> coded;
  coded.reserve(cols.size());
  for (const std::size_t c : cols) coded.push_back(codeColumn(original, c, nullptr, 0));
  std::vector<CodedColumn> keys;
  keys.reserve(clusterColumns.size());
  for (const std::size_t c : clusterColumns) keys.push_back(codeColumn(original, c, nullptr, 0));
  std::vector<const CodedColumn*> columns, keyColumns;
  for (const CodedColumn& c : coded) columns.push_back(&c);
  for (const CodedColumn& c : keys) keyColumns.push_back(&c);
  const JointIds clusters = combineJointIds(idsOf(keyColumns), original.rows(), 0);
  return expectedCopiedShareByChance(columns, clusters, rng, repetitions);
}

// ------------------------------------------------------------------------- replicated uniques

ReplicatedUniques replicatedUniques(const JointIds& ids) {
  std::vector<uint32_t> inOriginal(ids.count, 0);
  std::vector<uint32_t> inPseudo(ids.count, 0);
  for (const uint32_t id : ids.original) {
    if (id >= ids.count) throw std::invalid_argument("risk: a QI id is out of range");
    ++inOriginal[id];
  }
  for (const uint32_t id : ids.pseudo) {
    if (id >= ids.count) throw std::invalid_argument("risk: a QI id is out of range");
    ++inPseudo[id];
  }
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

ReplicatedUniques replicatedUniques(const Table& original, const Table& pseudo,
                                    const std::vector<std::size_t>& qiOrig,
                                    const std::vector<std::size_t>& qiPseudo) {
  return replicatedUniques(jointIds(original, qiOrig, pseudo, qiPseudo));
}

// ---------------------------------------------------------------------------- record linkage

namespace {

/// Numbers of a pair of row-major matrices, read as the measures read them.
struct MatrixNumbers {
  const NumericMatrix& originalMatrix;
  const NumericMatrix& pseudoMatrix;

  std::size_t cols() const noexcept { return originalMatrix.cols; }
  double original(std::size_t r, std::size_t j) const noexcept {
    return originalMatrix.values[r * originalMatrix.cols + j];
  }
  double pseudo(std::size_t r, std::size_t j) const noexcept {
    return pseudoMatrix.values[r * pseudoMatrix.cols + j];
  }
};

/// Numbers of coded columns, read the same way.
struct CodedNumbersView {
  const CodedNumbers& numbers;

  std::size_t cols() const noexcept { return numbers.ids.size(); }
  double original(std::size_t r, std::size_t j) const noexcept {
    return numbers.number[j][numbers.ids[j]->original[r]];
  }
  double pseudo(std::size_t r, std::size_t j) const noexcept {
    return numbers.number[j][numbers.ids[j]->pseudo[r]];
  }
};

void requireMatrices(const NumericMatrix& numericOrig, const NumericMatrix& numericPseudo,
                     std::size_t nOrig, std::size_t nPseudo) {
  requireMatrix(numericOrig, nOrig, "the original numbers");
  requireMatrix(numericPseudo, nPseudo, "the pseudo numbers");
  if (numericOrig.cols != numericPseudo.cols)
    throw std::invalid_argument("risk: the original and pseudo numbers differ in columns");
}

void requireCoded(const CodedNumbers& numbers, std::size_t nOrig, std::size_t nPseudo) {
  if (numbers.number.size() != numbers.ids.size())
    throw std::invalid_argument("risk: coded numbers need one number list per column");
  for (std::size_t j = 0; j < numbers.ids.size(); ++j) {
    requireJoint(*numbers.ids[j], nOrig, nPseudo, "a numeric column's ids");
    if (numbers.number[j].size() < numbers.ids[j]->count)
      throw std::invalid_argument("risk: a numeric column lacks the numbers of some ids");
    for (const uint32_t id : numbers.ids[j]->original)
      if (id >= numbers.ids[j]->count) throw std::invalid_argument("risk: an id is out of range");
    for (const uint32_t id : numbers.ids[j]->pseudo)
      if (id >= numbers.ids[j]->count) throw std::invalid_argument("risk: an id is out of range");
  }
}

template <typename Numbers>
LinkageResult linkage(const JointIds& cluster, const JointIds& qi, const Numbers& numbers,
                      const std::vector<int64_t>& trueMatch, Rng& rng,
                      const LinkageOptions& options) {
  const std::size_t nOrig = cluster.original.size();
  const std::size_t nPseudo = cluster.pseudo.size();
  const std::size_t d = numbers.cols();

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
        const double x = numbers.original(r, j);
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
          candidates[(i - w.first) * d + j] = numbers.pseudo(p, j) * scale[j];
      }
      loadedFirst = w.first;
      loadedLast = w.last;
    }
    for (std::size_t j = 0; j < d; ++j) target[j] = numbers.original(w.row, j) * scale[j];

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

}  // namespace

LinkageResult recordLinkage(const JointIds& cluster, const JointIds& qi,
                            const NumericMatrix& numericOrig, const NumericMatrix& numericPseudo,
                            const std::vector<int64_t>& trueMatch, Rng& rng,
                            const LinkageOptions& options) {
  const std::size_t nOrig = cluster.original.size();
  const std::size_t nPseudo = cluster.pseudo.size();
  requireJoint(qi, nOrig, nPseudo, "the QI ids");
  requireRows(trueMatch.size(), nOrig, "trueMatch");
  requireMatrices(numericOrig, numericPseudo, nOrig, nPseudo);
  return linkage(cluster, qi, MatrixNumbers{numericOrig, numericPseudo}, trueMatch, rng, options);
}

LinkageResult recordLinkage(const JointIds& cluster, const JointIds& qi,
                            const CodedNumbers& numbers, const std::vector<int64_t>& trueMatch,
                            Rng& rng, const LinkageOptions& options) {
  const std::size_t nOrig = cluster.original.size();
  const std::size_t nPseudo = cluster.pseudo.size();
  requireJoint(qi, nOrig, nPseudo, "the QI ids");
  requireRows(trueMatch.size(), nOrig, "trueMatch");
  requireCoded(numbers, nOrig, nPseudo);
  return linkage(cluster, qi, CodedNumbersView{numbers}, trueMatch, rng, options);
}

// ----------------------------------------------------------------------- attribute inference

std::vector<InferenceResult> attributeInference(const JointIds& cluster, const JointIds& qi,
                                                const std::vector<JointIds>& sensitive, Rng& rng,
                                                std::size_t targets) {
  std::vector<const JointIds*> columns;
  for (const JointIds& s : sensitive) columns.push_back(&s);
  return attributeInference(cluster, qi, columns, rng, targets);
}

std::vector<InferenceResult> attributeInference(const JointIds& cluster, const JointIds& qi,
                                                const std::vector<const JointIds*>& sensitive,
                                                Rng& rng, std::size_t targets) {
  const std::size_t nOrig = cluster.original.size();
  const std::size_t nPseudo = cluster.pseudo.size();
  requireJoint(qi, nOrig, nPseudo, "the QI ids");
  for (const JointIds* s : sensitive) requireJoint(*s, nOrig, nPseudo, "a sensitive column's ids");

  const CandidateIndex index(cluster, qi);
  std::vector<uint32_t> eligible;
  for (std::size_t r = 0; r < nOrig; ++r)
    if (index.clusterSize(cluster.original[r]) > 0) eligible.push_back(static_cast<uint32_t>(r));
  const std::vector<uint32_t> sample = sampleWithoutReplacement(std::move(eligible), targets, rng);
  const Grouping originalByCluster = groupById(cluster.original, cluster.count);

  std::vector<InferenceResult> results(sensitive.size());
  for (std::size_t s = 0; s < sensitive.size(); ++s) {
    const JointIds& column = *sensitive[s];
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

namespace {

template <typename Numbers>
DcrResult dcr(const std::vector<const JointIds*>& categorical, const Numbers& numbers,
              std::size_t nOrig, std::size_t nPseudo, Rng& rng, const DcrOptions& options) {
  const std::size_t nCat = categorical.size();
  const std::size_t nNum = numbers.cols();
  DcrResult result;
  if (nOrig == 0 || nPseudo == 0) {
    result.score = std::numeric_limits<double>::quiet_NaN();
    return result;
  }
  // Range of each numeric column in the original.
  std::vector<double> low(nNum, std::numeric_limits<double>::infinity());
  std::vector<double> high(nNum, -std::numeric_limits<double>::infinity());
  for (std::size_t j = 0; j < nNum; ++j) {
    for (std::size_t r = 0; r < nOrig; ++r) {
      const double x = numbers.original(r, j);
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
    for (std::size_t j = 0; j < nCat; ++j) refCat[j][i] = categorical[j]->original[reference[i]];
    for (std::size_t j = 0; j < nNum; ++j)
      refNum[j][i] = normalise(j, numbers.original(reference[i], j));
  }

  // DCR of one row: the smallest sum over columns of the per-column distances, divided by the
  // number of columns. The categorical columns come first and add 0 or 1 each: their sum is
  // counted in integers (exactly the double sum 0 + 1 + … of whole numbers), then the numeric
  // columns are added in order.
  const double columns = static_cast<double>(nCat + nNum);
  std::vector<double> sum(nRef);
  std::vector<uint32_t> mismatches(nRef);
  auto closest = [&](const uint32_t* qCat, const double* qNum) {
    double* out = sum.data();
    if (nCat == 0) {
      std::fill(sum.begin(), sum.end(), 0.0);
    } else {
      uint32_t* count = mismatches.data();
      std::fill(mismatches.begin(), mismatches.end(), 0u);
      for (std::size_t j = 0; j < nCat; ++j) {
        const uint32_t q = qCat[j];
        const uint32_t* x = refCat[j].data();
        for (std::size_t i = 0; i < nRef; ++i) count[i] += x[i] != q ? 1u : 0u;
      }
      for (std::size_t i = 0; i < nRef; ++i) out[i] = static_cast<double>(count[i]);
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
    for (std::size_t j = 0; j < nCat; ++j) qCat[j] = categorical[j]->pseudo[p];
    for (std::size_t j = 0; j < nNum; ++j) qNum[j] = normalise(j, numbers.pseudo(p, j));
    synthetic.push_back(closest(qCat.data(), qNum.data()));
    atZero += synthetic.back() == 0.0 ? 1 : 0;
  }
  std::vector<double> random;
  random.reserve(queries.size());
  for (std::size_t q = 0; q < queries.size(); ++q) {
    for (std::size_t j = 0; j < nCat; ++j)
      qCat[j] = static_cast<uint32_t>(rng.below(categorical[j]->countInOriginal));
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

}  // namespace

DcrResult dcrBaselineProtection(const std::vector<JointIds>& categoricalIds,
                                const NumericMatrix& numericOrig,
                                const NumericMatrix& numericPseudo, Rng& rng,
                                const DcrOptions& options) {
  std::vector<const JointIds*> categorical;
  for (const JointIds& c : categoricalIds) categorical.push_back(&c);
  const std::size_t nCat = categorical.size();
  const std::size_t nNum = numericOrig.cols;
  if (nCat + nNum == 0) throw std::invalid_argument("risk: DCR needs at least one column");
  if (numericPseudo.cols != nNum)
    throw std::invalid_argument("risk: the original and pseudo numbers differ in columns");
  const std::size_t nOrig = nCat > 0 ? categorical[0]->original.size() : numericOrig.rows;
  const std::size_t nPseudo = nCat > 0 ? categorical[0]->pseudo.size() : numericPseudo.rows;
  for (const JointIds* ids : categorical)
    requireJoint(*ids, nOrig, nPseudo, "a categorical column");
  requireMatrix(numericOrig, nOrig, "the original numbers");
  requireMatrix(numericPseudo, nPseudo, "the pseudo numbers");
  return dcr(categorical, MatrixNumbers{numericOrig, numericPseudo}, nOrig, nPseudo, rng, options);
}

DcrResult dcrBaselineProtection(const std::vector<const JointIds*>& categorical,
                                const CodedNumbers& numbers, Rng& rng, const DcrOptions& options) {
  const std::size_t nCat = categorical.size();
  const std::size_t nNum = numbers.ids.size();
  if (nCat + nNum == 0) throw std::invalid_argument("risk: DCR needs at least one column");
  const JointIds& first = nCat > 0 ? *categorical[0] : *numbers.ids[0];
  const std::size_t nOrig = first.original.size();
  const std::size_t nPseudo = first.pseudo.size();
  for (const JointIds* ids : categorical)
    requireJoint(*ids, nOrig, nPseudo, "a categorical column");
  requireCoded(numbers, nOrig, nPseudo);
  return dcr(categorical, CodedNumbersView{numbers}, nOrig, nPseudo, rng, options);
}

}  // namespace pc
