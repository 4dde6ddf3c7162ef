// Column types, statistics and suggested roles. See profile.h for the rules.
//
// How one column is profiled: every cell is hashed once into an open-addressing set of the
// column's distinct texts, which counts how often each occurs. Each distinct text is then
// classified once (missing token, number, date, e-mail, phone, …) and its facts are weighted by
// its count. A million-row column therefore costs one hash per cell plus one classification per
// distinct value, and the set of a low-cardinality column stays in the cache.
//
// Pattern matchers are hand-written (no std::regex): they work on decoded code points and accept
// full-width digits and the usual dash variants without folding the text first.
#include "profile.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "text.h"
#include "values.h"

namespace pc {
namespace {

// ---------------------------------------------------------------------------------------------
// Thresholds (documented in profile.h)

constexpr std::size_t kMaxCategoryValues = 100;
constexpr std::size_t kMinRowsPerCategoryValue = 5;
constexpr std::size_t kMaxClusterValues = 500;
constexpr std::size_t kMinRowsPerClusterValue = 3;
constexpr double kNearUniqueShare = 0.9;
constexpr double kPatternShare = 0.5;
constexpr double kAreaValueShare = 0.8;
constexpr double kAlmostTypeShare = 0.9;
constexpr std::size_t kMinCompactDateValues = 20;
constexpr int kMinCompactDateYear = 1868;
constexpr int kMaxCompactDateYear = 2100;
constexpr int kMinFixedIdDigits = 6;
constexpr std::size_t kMinFixedIdValues = 20;
constexpr std::size_t kLongTextCodePoints = 20;

// ---------------------------------------------------------------------------------------------
// UTF-8

// Decodes the code point at p (p < end); malformed bytes decode as U+FFFD of length 1.
char32_t decodeAt(const unsigned char* p, const unsigned char* end, int* len) {
  const unsigned char b0 = p[0];
  if (b0 < 0x80) {
    *len = 1;
    return b0;
  }
  int n;
  char32_t v;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, v = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, v = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, v = b0 & 0x07;
  } else {
    *len = 1;
    return 0xFFFD;
  }
  if (end - p < n) {
    *len = 1;
    return 0xFFFD;
  }
  for (int i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) {
      *len = 1;
      return 0xFFFD;
    }
    v = (v << 6) | (p[i] & 0x3F);
  }
  *len = n;
  return v;
}

// Decodes `s` into `out` (cleared first).
void decodeAll(std::string_view s, std::vector<char32_t>& out) {
  out.clear();
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    int len;
    out.push_back(decodeAt(p, end, &len));
    p += len;
  }
}

// ASCII or full-width digit.
bool isDigitCp(char32_t c) { return (c >= U'0' && c <= U'9') || (c >= 0xFF10 && c <= 0xFF19); }
int digitValue(char32_t c) {
  return c <= U'9' ? static_cast<int>(c - U'0') : static_cast<int>(c - 0xFF10);
}

bool isKanjiNumeral(char32_t c) {
  switch (c) {
    case U'〇':
    case U'一':
    case U'二':
    case U'三':
    case U'四':
    case U'五':
    case U'六':
    case U'七':
    case U'八':
    case U'九':
    case U'十':
    case U'百':
    case U'千':
      return true;
    default:
      return false;
  }
}

// '-' and the dashes Japanese text uses in its place (values.cpp folds the same set).
bool isHyphenCp(char32_t c) {
  return c == U'-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFF0D || c == 0x30FC ||
         c == 0xFF70 || c == 0xFE63 || c == 0xFE58;
}

bool isSpaceCp(char32_t c) { return c == U' ' || c == U'\t' || c == 0x3000 || c == 0x00A0; }

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// ---------------------------------------------------------------------------------------------
// Distinct values

uint64_t hashBytes(std::string_view s) {
  const char* p = s.data();
  std::size_t n = s.size();
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (static_cast<uint64_t>(n) * 0xFF51AFD7ED558CCDULL);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  uint64_t w = 0;  // the tail, byte by byte: a memcpy of variable length is a call in wasm
  for (std::size_t i = 0; i < n; ++i) w |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  h = (h ^ w) * 0x94D049BB133111EBULL;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 32;
  return h;
}

// a == b, comparing 8 bytes at a time (std::string_view's memcmp is a slow call in wasm).
bool sameBytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  std::size_t n = a.size();
  while (n >= 8) {
    uint64_t x;
    uint64_t y;
    std::memcpy(&x, p, 8);
    std::memcpy(&y, q, 8);
    if (x != y) return false;
    p += 8;
    q += 8;
    n -= 8;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] != q[i]) return false;
  }
  return true;
}

// The distinct cell texts of one column and how many rows hold each. Open addressing with linear
// probing; a slot holds (hash high 32 bits << 32 | id + 1). A distinct text is referred to by its
// first row in the column (or its code, for a dictionary column), not copied: a column of unique
// names would otherwise be copied whole. Cells are added in batches: hashes first, prefetching
// their slots, then the probes — so the cache misses of a large column overlap.
class DistinctSet {
 public:
  /// Adds every cell of `column` (which must outlive the set's use). The set is read-only after
  /// (value, count, size).
  void build(const TextColumn& column) {
    column_ = &column;
    byCode_ = column.isDictionary();
    ref_.clear();
    count_.clear();
    hash_.clear();
    slots_.assign(kInitialSlots, 0);
    mask_ = slots_.size() - 1;
    const std::size_t rows = column.size();
    if (column.isDictionary()) {
      // The column already knows its distinct values: count their codes.
      std::vector<uint32_t> counts(column.dictionarySize(), 0);
      for (std::size_t r = 0; r < rows; ++r) ++counts[column.code(r)];
      for (uint32_t code = 0; code < counts.size(); ++code) {
        if (counts[code] == 0) continue;
        const std::string_view cell = column.value(code);
        ref_.push_back(code);
        count_.push_back(counts[code]);
        hash_.push_back(hashBytes(cell));
      }
      return;
    }
    constexpr std::size_t kBatch = 16;
    std::string_view cells[kBatch];
    uint64_t hashes[kBatch];
    for (std::size_t start = 0; start < rows; start += kBatch) {
      if (start == kSampleRows) reserveFor(rows);
      const std::size_t n = std::min(kBatch, rows - start);
      for (std::size_t k = 0; k < n; ++k) {
        cells[k] = column.at(start + k);
        hashes[k] = hashBytes(cells[k]);
        prefetch(&slots_[static_cast<std::size_t>(hashes[k]) & mask_]);
      }
      for (std::size_t k = 0; k < n; ++k) add(cells[k], hashes[k], start + k);
    }
  }

  std::size_t size() const { return count_.size(); }
  std::string_view value(std::size_t id) const {
    return byCode_ ? column_->value(ref_[id]) : column_->at(ref_[id]);
  }
  std::size_t count(std::size_t id) const { return count_[id]; }

 private:
  static constexpr std::size_t kInitialSlots = 1024;
  static constexpr std::size_t kSampleRows = 4096;

  static void prefetch(const void* p) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
  }

  void add(std::string_view cell, uint64_t h, std::size_t row) {
    const uint32_t tag = static_cast<uint32_t>(h >> 32);
    std::size_t i = static_cast<std::size_t>(h) & mask_;
    for (;;) {
      const uint64_t slot = slots_[i];
      if (slot == 0) break;
      if (static_cast<uint32_t>(slot >> 32) == tag) {
        const uint32_t id = static_cast<uint32_t>(slot) - 1;
        if (sameBytes(value(id), cell)) {
          ++count_[id];
          return;
        }
      }
      i = (i + 1) & mask_;
    }
    const uint32_t id = static_cast<uint32_t>(count_.size());
    slots_[i] = (uint64_t{tag} << 32) | (id + 1);
    ref_.push_back(static_cast<uint32_t>(row));
    count_.push_back(1);
    hash_.push_back(h);
    if (2 * count_.size() > slots_.size()) rehash(slots_.size() * 2);
  }

  // After the first rows, sizes the table for the distinct share seen so far (at most 2 slots
  // per row), so that a column of unique values is not rehashed ten times.
  void reserveFor(std::size_t rows) {
    const double share = static_cast<double>(size()) / static_cast<double>(kSampleRows);
    const auto expected = static_cast<std::size_t>(share * static_cast<double>(rows));
    std::size_t want = slots_.size();
    while (want < 2 * expected && want < 2 * rows) want *= 2;
    if (want > slots_.size()) rehash(want);
    const std::size_t ids = std::min(rows, expected + expected / 8);
    count_.reserve(ids);
    hash_.reserve(ids);
    ref_.reserve(ids);
  }

  void rehash(std::size_t slot_count) {
    slots_.assign(slot_count, 0);
    mask_ = slots_.size() - 1;
    for (std::size_t id = 0; id < hash_.size(); ++id) {
      std::size_t i = static_cast<std::size_t>(hash_[id]) & mask_;
      while (slots_[i] != 0) i = (i + 1) & mask_;
      slots_[i] = (uint64_t{static_cast<uint32_t>(hash_[id] >> 32)} << 32) | (id + 1);
    }
  }

  const TextColumn* column_ = nullptr;
  bool byCode_ = false;        // a dictionary column: ref_ holds codes, not rows
  std::vector<uint32_t> ref_;  // text id's first row (or code) in the column
  std::vector<uint32_t> count_;
  std::vector<uint64_t> hash_;
  std::vector<uint64_t> slots_;
  std::size_t mask_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Content patterns (on decoded code points)

// An e-mail address somewhere in the text: local@label.label (ASCII, @ or ＠).
bool looksLikeEmail(const std::vector<char32_t>& s) {
  const auto local = [](char32_t c) {
    return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || (c >= U'0' && c <= U'9') ||
           c == U'.' || c == U'_' || c == U'%' || c == U'+' || c == U'-';
  };
  const auto label = [](char32_t c) {
    return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || (c >= U'0' && c <= U'9') ||
           c == U'-';
  };
  for (std::size_t i = 1; i < s.size(); ++i) {
    if ((s[i] != U'@' && s[i] != 0xFF20) || !local(s[i - 1])) continue;
    std::size_t j = i + 1;
    int labels = 0;
    for (;;) {
      const std::size_t start = j;
      while (j < s.size() && label(s[j])) ++j;
      if (j == start) break;
      ++labels;
      if (j + 1 < s.size() && s[j] == U'.' && label(s[j + 1])) {
        ++j;
      } else {
        break;
      }
    }
    if (labels >= 2) return true;
  }
  return false;
}

// A Japanese phone number somewhere in the text: 10 or 11 digits starting 0 then 1–9, written
// with dashes, spaces or parentheses (03-1234-5678, (029)123-4567, 090 1234 5678), or alone in
// the cell without separators (09012345678); or +81 and 9–10 more digits.
bool looksLikePhone(const std::vector<char32_t>& s) {
  const auto phone_char = [](char32_t c) {
    return isDigitCp(c) || isHyphenCp(c) || isSpaceCp(c) || c == U'+' || c == U'(' || c == U')' ||
           c == 0xFF08 || c == 0xFF09 || c == 0xFF0B;
  };
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    if (!phone_char(s[i])) {
      ++i;
      continue;
    }
    std::size_t start = i;
    std::size_t end = i;
    while (end < n && phone_char(s[end])) ++end;
    i = end;
    while (start < end && isSpaceCp(s[start])) ++start;
    while (end > start && isSpaceCp(s[end - 1])) --end;
    if (start == end) continue;
    const bool plus = s[start] == U'+' || s[start] == 0xFF0B;
    int digits = 0;
    int separators = 0;
    int first = -1;
    int second = -1;
    bool bad = false;
    for (std::size_t k = plus ? start + 1 : start; k < end; ++k) {
      if (isDigitCp(s[k])) {
        const int d = digitValue(s[k]);
        if (digits == 0) first = d;
        if (digits == 1) second = d;
        ++digits;
      } else if (s[k] == U'+' || s[k] == 0xFF0B) {
        bad = true;
      } else {
        ++separators;
      }
    }
    if (bad) continue;
    if (plus) {
      if (first == 8 && second == 1 && (digits == 11 || digits == 12)) return true;
    } else if ((digits == 10 || digits == 11) && first == 0 && second > 0 &&
               (separators > 0 || (start == 0 && end == n))) {
      return true;
    }
  }
  return false;
}

// A postal code: NNN-NNNN not touching other digits or dashes, or 〒 followed by 7 digits.
bool looksLikePostalCode(const std::vector<char32_t>& s) {
  const std::size_t n = s.size();
  const auto digit_or_dash = [&](std::size_t i) {
    return i < n && (isDigitCp(s[i]) || isHyphenCp(s[i]));
  };
  for (std::size_t i = 0; i + 8 <= n; ++i) {
    if (i > 0 && digit_or_dash(i - 1)) continue;
    bool ok = true;
    for (std::size_t k = 0; k < 8 && ok; ++k)
      ok = k == 3 ? isHyphenCp(s[i + k]) : isDigitCp(s[i + k]);
    if (ok && !digit_or_dash(i + 8)) return true;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (s[i] != U'〒') continue;
    std::size_t j = i + 1;
    while (j < n && isSpaceCp(s[j])) ++j;
    std::size_t k = j;
    while (k < n && isDigitCp(s[k])) ++k;
    if (k - j == 7) return true;
  }
  return false;
}

// A street address: a numeral before 丁目, a digit before 番地, a digit before 番 followed later
// by a digit before 号 (3番5号), or a municipality marker (都道府県市区町村郡字) followed later by
// digits joined by a dash (つくし市吾妻1-2-3).
bool looksLikeAddress(const std::vector<char32_t>& s) {
  const std::size_t n = s.size();
  bool ban = false;
  bool municipality = false;
  for (std::size_t i = 0; i < n; ++i) {
    const char32_t c = s[i];
    const bool after_digit = i > 0 && isDigitCp(s[i - 1]);
    if (c == U'丁' && i + 1 < n && s[i + 1] == U'目' && i > 0 &&
        (isDigitCp(s[i - 1]) || isKanjiNumeral(s[i - 1]))) {
      return true;
    }
    if (c == U'番' && after_digit) {
      if (i + 1 < n && s[i + 1] == U'地') return true;
      ban = true;
    }
    if (c == U'号' && after_digit && ban) return true;
    switch (c) {
      case U'都':
      case U'道':
      case U'府':
      case U'県':
      case U'市':
      case U'区':
      case U'町':
      case U'村':
      case U'郡':
      case U'字':
        municipality = true;
        break;
      default:
        break;
    }
    if (municipality && isHyphenCp(c) && after_digit && i + 1 < n && isDigitCp(s[i + 1])) {
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Facts about one distinct value

struct ValueFacts {
  bool missing = false;
  bool number = false;        // parseDecimal accepts it
  bool leading_zero = false;  // first digit 0 followed by another digit
  bool pure_digits = false;   // only digits (ASCII or full-width)
  int digits = 0;             // number of digits when pure_digits
  int scale = 0;
  bool negative = false;
  bool date = false;          // parseDate accepts it
  bool compact_date = false;  // a date written as 7 or 8 bare digits
  int year = 0;
  bool email = false;
  bool phone = false;
  bool postal = false;
  bool address = false;
  bool line_break = false;
  bool area_name = false;  // ends in 校区, 学区, 地区, 圏域, …
  std::size_t code_points = 0;
};

// Leading zero: after spaces, signs and a currency mark, "0" followed by another digit.
bool hasLeadingZero(const std::vector<char32_t>& cps) {
  for (std::size_t i = 0; i < cps.size(); ++i) {
    const char32_t c = cps[i];
    if (isSpaceCp(c) || isHyphenCp(c) || c == U'+' || c == U'▲' || c == U'△' || c == U'¥' ||
        c == 0xFFE5 || c == U'\\') {
      continue;
    }
    return isDigitCp(c) && digitValue(c) == 0 && i + 1 < cps.size() && isDigitCp(cps[i + 1]);
  }
  return false;
}

ValueFacts classify(std::string_view raw, std::vector<char32_t>& cps) {
  ValueFacts f;
  if (isMissingToken(raw)) {
    f.missing = true;
    return f;
  }
  const std::string_view v = trimSpaces(raw);
  bool ascii = true;
  bool at = false;
  std::size_t ascii_digits = 0;
  for (char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) ascii = false;
    if (c >= '0' && c <= '9') ++ascii_digits;
    if (c == '@') at = true;
    if (c == '\n' || c == '\r') f.line_break = true;
  }

  if (ascii && ascii_digits == v.size()) {  // the common case of plain digits: 20000, 0012345
    f.code_points = v.size();
    f.pure_digits = true;
    f.digits = static_cast<int>(v.size());
    f.leading_zero = v.size() > 1 && v[0] == '0';
    f.number = parseDecimal(v).has_value();  // false beyond 18 significant digits
    if (v.size() == 7 || v.size() == 8) {
      if (const std::optional<Date> d = parseDate(v)) {
        f.date = f.compact_date = true;
        f.year = d->year;
      }
    }
    f.phone = f.leading_zero && (v.size() == 10 || v.size() == 11) && v[1] != '0';
    return f;
  }

  if (const std::optional<Decimal> d = parseDecimal(v)) {
    f.number = true;
    f.scale = d->scale;
    f.negative = d->mantissa < 0;
  }
  if (const std::optional<Date> d = parseDate(v)) {
    f.date = true;
    f.year = d->year;
  }
  if (ascii && !at && ascii_digits < 7) {
    // No full-width digit, no @, too few digits for a phone number or postal code, no kanji for
    // an address: only the leading zero needs looking at.
    f.code_points = v.size();
    std::size_t i = 0;
    while (i < v.size() && (v[i] == ' ' || v[i] == '+' || v[i] == '-' || v[i] == '\\')) ++i;
    f.leading_zero = i + 1 < v.size() && v[i] == '0' && v[i + 1] >= '0' && v[i + 1] <= '9';
    return f;
  }

  decodeAll(v, cps);
  f.code_points = cps.size();
  std::size_t digits = 0;
  for (char32_t c : cps) digits += isDigitCp(c) ? 1 : 0;
  f.pure_digits = digits == cps.size();
  if (f.pure_digits) {
    f.digits = static_cast<int>(digits);
    f.compact_date = f.date && (digits == 7 || digits == 8);
  }
  f.leading_zero = hasLeadingZero(cps);
  // Identifier patterns where a value is not a plain number or a date; the first that matches.
  if ((!f.number || f.leading_zero) && !f.date) {
    const bool maybe_email = at || v.find("\xEF\xBC\xA0") != std::string_view::npos;  // ＠
    f.email = maybe_email && looksLikeEmail(cps);
    f.phone = !f.email && digits >= 10 && looksLikePhone(cps);
    f.address = !f.email && !f.phone && !ascii && looksLikeAddress(cps);
    f.postal = !f.email && !f.phone && !f.address && digits >= 7 && looksLikePostalCode(cps);
  }
  if (!ascii) {
    for (std::string_view suffix : {"校区", "学区", "地区", "圏域", "区域", "中学校", "小学校"}) {
      if (endsWith(v, suffix)) {
        f.area_name = true;
        break;
      }
    }
  }
  return f;
}

// What a whole column holds, from its distinct values weighted by their counts.
struct ColumnStats {
  std::size_t rows = 0;
  std::size_t missing = 0;
  std::size_t present = 0;   // rows - missing
  std::size_t distinct = 0;  // distinct non-missing texts
  std::size_t numbers = 0;
  std::size_t leading_zeros = 0;
  std::size_t pure_digits = 0;
  int min_digits = 0;
  int max_digits = 0;
  int scale = 0;
  bool negative = false;
  std::size_t dates = 0;
  std::size_t compact_dates = 0;
  int min_year = 0;
  int max_year = 0;
  std::size_t email = 0;
  std::size_t phone = 0;
  std::size_t postal = 0;
  std::size_t address = 0;
  std::size_t line_breaks = 0;
  std::size_t area_names = 0;
  std::size_t code_points = 0;
};

ColumnStats scanColumn(const TextColumn& column, DistinctSet& set, std::vector<char32_t>& cps) {
  ColumnStats s;
  s.rows = column.size();
  set.build(column);
  bool first_digits = true;
  bool first_year = true;
  for (std::size_t id = 0; id < set.size(); ++id) {
    const ValueFacts f = classify(set.value(id), cps);
    const std::size_t n = set.count(id);
    if (f.missing) {
      s.missing += n;
      continue;
    }
    ++s.distinct;
    s.code_points += n * f.code_points;
    if (f.number) {
      s.numbers += n;
      s.scale = std::max(s.scale, f.scale);
      s.negative = s.negative || f.negative;
    }
    if (f.leading_zero) s.leading_zeros += n;
    if (f.pure_digits) {
      s.pure_digits += n;
      s.min_digits = first_digits ? f.digits : std::min(s.min_digits, f.digits);
      s.max_digits = first_digits ? f.digits : std::max(s.max_digits, f.digits);
      first_digits = false;
    }
    if (f.date) {
      s.dates += n;
      if (f.compact_date) {
        s.compact_dates += n;
        s.min_year = first_year ? f.year : std::min(s.min_year, f.year);
        s.max_year = first_year ? f.year : std::max(s.max_year, f.year);
        first_year = false;
      }
    }
    if (f.email) s.email += n;
    if (f.phone) s.phone += n;
    if (f.postal) s.postal += n;
    if (f.address) s.address += n;
    if (f.line_break) s.line_breaks += n;
    if (f.area_name) s.area_names += n;
  }
  s.present = s.rows - s.missing;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Headers

struct Header {
  std::string shown;  // as written, trimmed (quoted in reasons)
  std::string norm;   // foldNarrow, hiragana → katakana, no spaces, ASCII lower case
  std::string core;   // norm without bracketed parts: 姓（カナ） → 姓
  std::vector<std::string> tokens;  // ASCII words, lower case: residentId → resident, id

  bool has(std::string_view part) const { return contains(norm, part); }
  bool hasAny(std::initializer_list<std::string_view> parts) const {
    for (std::string_view p : parts) {
      if (has(p)) return true;
    }
    return false;
  }
  bool token(std::string_view word) const {
    for (const std::string& t : tokens) {
      if (t == word) return true;
    }
    return false;
  }
  bool tokenAny(std::initializer_list<std::string_view> words) const {
    for (std::string_view w : words) {
      if (token(w)) return true;
    }
    return false;
  }
};

Header analyseHeader(std::string_view name) {
  Header h;
  h.shown = std::string(trimSpaces(name));
  const std::string folded = foldNarrow(h.shown);

  // ASCII words, split at case changes (residentId, IDNumber) and letter/digit changes.
  std::string word;
  const auto flush = [&] {
    if (!word.empty()) h.tokens.push_back(word);
    word.clear();
  };
  const auto is_upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  const auto is_lower = [](char c) { return c >= 'a' && c <= 'z'; };
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  for (std::size_t i = 0; i < folded.size(); ++i) {
    const char c = folded[i];
    if (!is_upper(c) && !is_lower(c) && !is_digit(c)) {
      flush();
      continue;
    }
    if (i > 0 && !word.empty()) {
      const char p = folded[i - 1];
      const bool split =
          (is_upper(c) && is_lower(p)) ||
          (is_upper(c) && is_upper(p) && i + 1 < folded.size() && is_lower(folded[i + 1])) ||
          (is_digit(c) != is_digit(p));
      if (split) flush();
    }
    word.push_back(is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c);
  }
  flush();

  // Normalised form: hiragana → katakana, spaces removed, ASCII lower case.
  const auto* p = reinterpret_cast<const unsigned char*>(folded.data());
  const auto* end = p + folded.size();
  int depth = 0;
  while (p < end) {
    int len;
    char32_t c = decodeAt(p, end, &len);
    p += len;
    if (isSpaceCp(c) || c == U'_') continue;
    if (c >= 0x3041 && c <= 0x3096) c += 0x60;
    if (c >= U'A' && c <= U'Z') c += U'a' - U'A';
    appendUtf8(h.norm, c);
    const bool open = c == U'(' || c == U'[' || c == U'【' || c == U'「' || c == U'<' || c == U'〈';
    const bool close =
        c == U')' || c == U']' || c == U'】' || c == U'」' || c == U'>' || c == U'〉';
    if (open) {
      ++depth;
    } else if (close) {
      if (depth > 0) --depth;
    } else if (depth == 0) {
      appendUtf8(h.core, c);
    }
  }
  return h;
}

enum class IdKind { None, Name, Reading, Address, Phone, Email, Postal, Location, Note, Number };

// 3 for school districts and daily-life areas (what Tsukuba clustered on), 2 for other area
// words, 0 otherwise.
int areaHeaderScore(const Header& h) {
  if (h.hasAny({"校区", "学区", "中学校", "小学校", "圏域", "生活圏"})) return 3;
  if (h.hasAny({"行政区", "地区", "町丁", "地域", "区域", "エリア", "支所", "自治会", "大字",
                "町名", "町域"})) {
    return 2;
  }
  if (h.tokenAny({"district", "area", "zone", "region", "ward", "neighborhood", "neighbourhood",
                  "precinct", "tract", "locality", "cluster", "school"})) {
    return 2;
  }
  return 0;
}

// "name" next to one of these words names a thing, not a person (district_name, school_name).
bool namesAThing(const Header& h) {
  return h.tokenAny({"district", "area",      "zone",         "region",       "ward",
                     "school",   "city",      "town",         "village",      "prefecture",
                     "country",  "state",     "facility",     "hospital",     "clinic",
                     "company",  "org",       "organization", "organisation", "office",
                     "place",    "station",   "service",      "product",      "item",
                     "file",     "course",    "department",   "dept",         "team",
                     "group",    "category",  "plan",         "drug",         "medicine",
                     "disease",  "diagnosis", "street",       "building",     "block"});
}

// A run-together word of a person prefix and `suffix`, as all-capital headers write them:
// USERID, PERSONID, FIRSTNAME ("valid" or "paid" never match: their prefixes are not listed).
bool tokenWithSuffix(const Header& h, std::string_view suffix) {
  static constexpr std::string_view kPrefixes[] = {
      "user",   "person",  "resident", "patient", "member",   "customer", "household", "hh",
      "client", "subject", "case",     "family",  "record",   "account",  "citizen",   "employee",
      "staff",  "student", "unique",   "row",     "utility",  "first",    "last",      "full",
      "given",  "middle",  "sur",      "insured", "applicant"};
  for (const std::string& t : h.tokens) {
    if (t.size() <= suffix.size() || !endsWith(t, suffix)) continue;
    const std::string_view prefix = std::string_view(t).substr(0, t.size() - suffix.size());
    for (std::string_view p : kPrefixes) {
      if (prefix == p) return true;
    }
  }
  return false;
}

IdKind identifierKind(const Header& h, int area_score) {
  // Readings first: 氏名カナ is the kana of a name.
  if (h.hasAny({"フリガナ", "カナ", "ヨミ", "読み"}) || h.tokenAny({"kana", "furigana", "yomi"})) {
    return IdKind::Reading;
  }
  if (h.hasAny({"氏名", "名前", "姓", "シメイ", "ナマエ", "者名", "主名", "人名"}) ||
      h.core == "名" || h.core == "氏" || h.core == "セイ" || h.core == "メイ" ||
      h.core == "漢字" ||
      h.tokenAny({"fullname", "firstname", "lastname", "surname", "forename", "givenname",
                  "familyname", "middlename", "nickname"}) ||
      (h.tokenAny({"name", "names"}) && !namesAThing(h)) || tokenWithSuffix(h, "name")) {
    return IdKind::Name;
  }
  if (h.hasAny({"郵便", "〒", "ユウビン"}) ||
      h.tokenAny({"zip", "zipcode", "postal", "postcode"})) {
    return IdKind::Postal;
  }
  if (h.hasAny({"メール", "メアド", "アドレス"}) || h.tokenAny({"email", "mail"}))
    return IdKind::Email;
  if ((h.hasAny({"住所", "所在地", "番地", "地番", "方書", "居所", "送付先", "ジュウショ"}) &&
       !h.has("住所地特例")) ||  // 住所地特例: a flag of the care insurance, not an address
      h.tokenAny({"address", "addr", "street"})) {
    return IdKind::Address;
  }
  if (h.hasAny({"電話", "携帯", "デンワ", "ケイタイ", "ファクス", "ファックス", "ファクシミリ"}) ||
      h.tokenAny({"phone", "telephone", "tel", "mobile", "cellphone", "fax"})) {
    return IdKind::Phone;
  }
  if (h.hasAny({"緯度", "経度", "座標"}) || h.tokenAny({"latitude", "longitude", "lat", "lon",
                                                        "lng", "coordinates", "coord", "coords"})) {
    return IdKind::Location;
  }
  const bool flag = h.hasAny({"有無", "区分", "フラグ", "コード"}) || h.tokenAny({"flag", "code"});
  if (!flag && (h.hasAny({"備考", "メモ", "特記", "摘要", "所見", "コメント", "記述", "意見",
                          "ビコウ", "連絡事項", "申し送り"}) ||
                h.tokenAny({"note", "notes", "memo", "memos", "remark", "remarks", "comment",
                            "comments", "description", "freetext"}))) {
    return IdKind::Note;
  }
  // Numbers and IDs, unless they number an area (地区番号, district_id).
  if (area_score == 0) {
    const bool person_code =
        h.has("コード") && h.hasAny({"宛名", "個人", "住民", "世帯", "被保険者", "患者", "利用者",
                                     "本人", "申請者", "受給者", "対象者", "加入者"});
    const std::string_view last = h.tokens.empty() ? std::string_view() : h.tokens.back();
    if (person_code ||
        h.hasAny({"番号", "ナンバー", "バンゴウ", "宛名", "マイナンバー", "被保険者証", "記号",
                  "識別子", "№"}) ||
        h.tokenAny(
            {"id", "ids", "uid", "pid", "guid", "uuid", "ssn", "mrn", "mynumber", "passport"}) ||
        last == "number" || last == "no" || last == "num" || last == "nr" ||
        tokenWithSuffix(h, "id")) {
      return IdKind::Number;
    }
  }
  return IdKind::None;
}

bool codeHeader(const Header& h) {
  return h.hasAny({"性別", "区分", "コード", "種別", "分類", "介護度", "続柄", "有無", "フラグ",
                   "状態", "等級", "階級", "段階", "種類"}) ||
         h.tokenAny({"sex", "gender", "code", "type", "flag", "class", "category", "status", "kind",
                     "grade", "cat"});
}

// Words of amounts and measurements: a unique fixed-length integer column with such a header is
// not taken for an ID.
bool measureHeader(const Header& h) {
  return h.hasAny({"費", "額", "金", "円", "数", "量", "値", "圧", "率", "高", "重", "長", "点",
                   "歳", "齢", "料", "体"}) ||
         h.tokenAny({"cost", "amount", "price", "fee", "income", "salary", "sum", "total", "count",
                     "weight", "height", "value", "score", "age", "bmi", "pressure", "rate",
                     "yen"});
}

bool birthHeader(const Header& h) {
  return h.hasAny({"生年", "誕生", "出生"}) ||
         h.tokenAny({"birth", "birthday", "birthdate", "dob", "born"});
}

bool dateHeader(const Header& h) {
  return birthHeader(h) || h.hasAny({"日付", "年月日"}) || endsWith(h.core, "日") ||
         h.tokenAny({"date", "ymd", "day"}) ||
         (!h.tokens.empty() && endsWith(h.tokens.back(), "date"));
}

// ---------------------------------------------------------------------------------------------
// Reasons

std::string formatCount(std::size_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// k as a whole percentage of n, never shown as 100 unless k == n nor 0 unless k == 0.
std::string percent(std::size_t k, std::size_t n) {
  if (n == 0) return "0";
  std::size_t p =
      static_cast<std::size_t>((static_cast<double>(k) * 100.0) / static_cast<double>(n));
  if (p >= 100 && k < n) p = 99;
  if (p == 0 && k > 0) p = 1;
  return std::to_string(p);
}

bool share(std::size_t k, std::size_t n, double threshold) {
  return n > 0 && static_cast<double>(k) >= threshold * static_cast<double>(n);
}

struct Suggestion {
  Role role;
  const char* code;
  std::string ja;
  std::string en;
};

Suggestion drop(const char* code, std::string ja, std::string en) {
  return {Role::Drop, code, std::move(ja), std::move(en)};
}

Suggestion headerDrop(const Header& h, IdKind kind) {
  const char* code = "header-id";
  const char* ja = "";
  const char* en = "";
  switch (kind) {
    case IdKind::Name:
      code = "header-name";
      ja = "氏名を表し、個人を直接特定できる";
      en = "names a person, which identifies them directly";
      break;
    case IdKind::Reading:
      code = "header-reading";
      ja = "氏名の読み（カナ）を表し、個人を直接特定できる";
      en = "holds the reading of a name, which identifies a person directly";
      break;
    case IdKind::Address:
      code = "header-address";
      ja = "住所を表し、個人を直接特定できる";
      en = "names an address, which identifies a person directly";
      break;
    case IdKind::Phone:
      code = "header-phone";
      ja = "電話番号を表し、個人に直接つながる";
      en = "names a phone number, which leads directly to a person";
      break;
    case IdKind::Email:
      code = "header-email";
      ja = "メールアドレスを表し、個人に直接つながる";
      en = "names an e-mail address, which leads directly to a person";
      break;
    case IdKind::Postal:
      code = "header-postal";
      ja = "郵便番号を表し、住まいの手がかりになる";
      en = "names a postal code, which points to where a person lives";
      break;
    case IdKind::Location:
      code = "header-location";
      ja = "位置（緯度・経度など）を表し、住まいを特定できる";
      en = "names a location (latitude, longitude), which can pinpoint a home";
      break;
    case IdKind::Note:
      code = "header-note";
      ja = "自由記述（備考・メモ）を表し、個人の事情が書かれていることがある";
      en = "names free-text notes, which may describe a person's circumstances";
      break;
    case IdKind::Number:
    case IdKind::None:
      code = "header-id";
      ja = "個人や世帯を識別する番号・IDを表す";
      en = "names an identifying number or ID";
      break;
  }
  return drop(code, "見出し「" + h.shown + "」は" + ja + "ため、除外します。",
              "The header \"" + h.shown + "\" " + en + ", so it is dropped.");
}

Suggestion patternDrop(const char* code, std::size_t k, std::size_t n, const char* what_ja,
                       const char* what_en) {
  return drop(code,
              "値の " + percent(k, n) + "%（" + formatCount(k) + " 件）が" + what_ja +
                  "の形をしており、個人に直接つながるため除外します。",
              percent(k, n) + "% of the values (" + formatCount(k) + ") look like " + what_en +
                  ", which lead directly to a person, so it is dropped.");
}

// "20,000 行中" / "in 20,000 rows", or "値のある 600 行中" / "in 600 non-empty rows".
std::string rowsJa(const ColumnStats& s) {
  return (s.missing > 0 ? "値のある " : "") + formatCount(s.present) + " 行中";
}
std::string rowsEn(const ColumnStats& s) {
  return "in " + formatCount(s.present) + (s.missing > 0 ? " non-empty rows" : " rows");
}

Suggestion constantValue() {
  return {Role::Category, "constant",
          "すべての行が同じ値なので、区分として扱います（どの行からも個人はわかりません）。",
          "Every row holds the same value: kept as a category (it tells nothing about anyone)."};
}

// ---------------------------------------------------------------------------------------------
// Per-column decision

struct Decision {
  ColumnType type = ColumnType::Empty;
  Suggestion suggestion{Role::Drop, "", "", ""};
  int area_score = 0;  // > 0: may become the cluster key
};

ColumnType decideType(const Header& h, const ColumnStats& s) {
  if (s.present == 0) return ColumnType::Empty;
  if (s.dates == s.present) {
    const bool digits_only = s.compact_dates == s.present;
    const bool plausible = s.present >= kMinCompactDateValues &&
                           s.min_year >= kMinCompactDateYear && s.max_year <= kMaxCompactDateYear;
    if (!digits_only || dateHeader(h) || plausible) return ColumnType::Date;
  }
  if (s.numbers == s.present && s.leading_zeros == 0) {
    return s.scale > 0 ? ColumnType::Decimal : ColumnType::Integer;
  }
  if (s.distinct <= kMaxCategoryValues && s.present >= kMinRowsPerCategoryValue * s.distinct) {
    return ColumnType::Category;
  }
  return ColumnType::Text;
}

Decision decide(const Header& h, const ColumnStats& s) {
  Decision d;
  d.type = decideType(h, s);
  const std::string distinct = formatCount(s.distinct);

  if (d.type == ColumnType::Empty) {
    d.suggestion = drop("empty", "値がすべて空欄（欠損）のため、除外します。",
                        "Every value is missing, so there is nothing to keep.");
    return d;
  }

  // 1. Direct identifiers: header, then content.
  const int header_area = areaHeaderScore(h);
  const IdKind kind = identifierKind(h, header_area);
  if (kind != IdKind::None) {
    d.suggestion = headerDrop(h, kind);
    return d;
  }
  const std::size_t contact = s.email + s.phone + s.address + s.postal;
  if (share(contact, s.present, kPatternShare)) {
    if (s.email == contact) {
      d.suggestion =
          patternDrop("content-email", contact, s.present, "メールアドレス", "e-mail addresses");
    } else if (s.phone == contact) {
      d.suggestion = patternDrop("content-phone", contact, s.present, "電話番号", "phone numbers");
    } else if (s.address == contact) {
      d.suggestion = patternDrop("content-address", contact, s.present, "番地まである住所",
                                 "street addresses");
    } else if (s.postal == contact) {
      d.suggestion = patternDrop("content-postal", contact, s.present, "郵便番号", "postal codes");
    } else {
      d.suggestion = patternDrop("content-contact", contact, s.present,
                                 "電話番号・メールアドレス・住所・郵便番号のいずれか",
                                 "phone numbers, e-mail addresses, street addresses or postal "
                                 "codes");
    }
    return d;
  }
  const bool near_unique = share(s.distinct, s.present, kNearUniqueShare) && s.present >= 2;
  if (s.pure_digits == s.present && near_unique && d.type != ColumnType::Decimal) {
    const bool zero_codes = s.leading_zeros > 0;
    const bool fixed_ids = d.type == ColumnType::Integer && s.min_digits == s.max_digits &&
                           s.min_digits >= kMinFixedIdDigits && s.distinct == s.present &&
                           s.present >= kMinFixedIdValues && !measureHeader(h);
    if (zero_codes || fixed_ids) {
      const std::string len = std::to_string(s.max_digits);
      d.suggestion =
          drop("id-like",
               rowsJa(s) + " " + distinct + " 種類ある" +
                   (zero_codes ? std::string("先頭に 0 が付いた番号") : len + " 桁の番号") +
                   "で、個人を識別する番号と考えられるため除外します。",
               distinct + " distinct " +
                   (zero_codes ? std::string("codes with leading zeros") : len + "-digit numbers") +
                   " " + rowsEn(s) + ": an identifying number, so it is dropped.");
      return d;
    }
  }
  if (s.line_breaks > 0 && (d.type == ColumnType::Category || d.type == ColumnType::Text)) {
    d.suggestion = drop("line-breaks",
                        "改行を含む値が " + formatCount(s.line_breaks) +
                            " 件ある自由記述で、個人の事情が書かれていることがあるため除外します。",
                        formatCount(s.line_breaks) +
                            " values contain line breaks: free text, which may describe a "
                            "person's circumstances, so it is dropped.");
    return d;
  }
  const bool almost_typed =
      share(s.numbers, s.present, kAlmostTypeShare) || share(s.dates, s.present, kAlmostTypeShare);
  if (d.type == ColumnType::Text && near_unique && !almost_typed) {
    d.suggestion = drop(
        "near-unique",
        rowsJa(s) + " " + distinct + " 種類の値があり、ほぼ一人ずつ異なるため除外します。",
        distinct + " distinct values " + rowsEn(s) + ": almost one per person, so it is dropped.");
    return d;
  }

  const int area_score = header_area + (share(s.area_names, s.present, kAreaValueShare) ? 1 : 0);
  const bool cluster_sized = s.distinct >= 2 && s.distinct <= kMaxClusterValues &&
                             s.present >= kMinRowsPerClusterValue * s.distinct;

  switch (d.type) {
    case ColumnType::Date:
      if (s.compact_dates == s.present) {
        if (dateHeader(h)) {
          d.suggestion = {Role::DateToAge, birthHeader(h) ? "date-birth" : "date",
                          "見出し「" + h.shown +
                              "」と値の形から数字だけで書かれた日付と判断し、基準日時点の年齢（経過"
                              "年数）に変換します。",
                          "The header \"" + h.shown +
                              "\" and the values show digit-only dates: converted to ages "
                              "(whole years) at the reference date."};
        } else {
          const std::string years = std::to_string(s.min_year) + "–" + std::to_string(s.max_year);
          d.suggestion = {
              Role::DateToAge, "date",
              "数字だけの値がすべて実在する日付（" + std::to_string(s.min_year) + "〜" +
                  std::to_string(s.max_year) +
                  " 年）になるため日付と判断し、基準日時点の年齢（経過年数）に変換します。",
              "Every digit-only value is a real date (" + years +
                  "): converted to ages (whole years) at the reference date."};
        }
      } else if (birthHeader(h)) {
        d.suggestion = {Role::DateToAge, "date-birth",
                        "生年月日の列なので、基準日時点の年齢に変換します。",
                        "Birth dates: converted to ages at the reference date."};
      } else {
        d.suggestion = {Role::DateToAge, "date",
                        "日付の列なので、基準日時点の年齢（経過年数）に変換します。",
                        "Dates: converted to ages (whole years elapsed) at the reference date."};
      }
      return d;

    case ColumnType::Integer:
    case ColumnType::Decimal:
      if (d.type == ColumnType::Integer && area_score > 0 && cluster_sized) {
        d.area_score = area_score;
        d.suggestion = {Role::Category, "area", "", ""};  // worded once the cluster is chosen
      } else if (s.distinct == 1) {
        d.suggestion = constantValue();
      } else if (d.type == ColumnType::Integer && codeHeader(h) && !near_unique) {
        d.suggestion = {Role::Category, "category-code",
                        "見出し「" + h.shown + "」から、量ではなく " + distinct +
                            " 種類の区分（コード）と判断しました。",
                        "The header \"" + h.shown +
                            "\" shows codes, not amounts: a category with " + distinct +
                            " values."};
      } else if (d.type == ColumnType::Integer && s.distinct <= 2) {
        d.suggestion = {
            Role::Category, "category-flag",
            "値が " + distinct + " 種類だけの整数なので、量ではなく区分（フラグ）として扱います。",
            "Only " + distinct +
                " distinct whole numbers: treated as a category (a flag), not an "
                "amount."};
      } else if (d.type == ColumnType::Integer) {
        d.suggestion = {Role::Number, "number",
                        "整数の列なので数値として扱い、地区（クラスタ）ごとの合計と平均を保ったまま"
                        "ノイズを加えます。",
                        "Whole numbers: noised while each cluster's sum and mean stay exact."};
      } else {
        const std::string sc = std::to_string(s.scale);
        d.suggestion = {Role::Number, "number",
                        "小数第 " + sc +
                            " 位までの数値の列なので、地区（クラスタ）ごとの合計と平均を保ったまま"
                            "ノイズを加えます。",
                        "Numbers with " + sc +
                            (s.scale == 1 ? " decimal place" : " decimal places") +
                            ": noised while each cluster's sum and mean stay exact."};
      }
      return d;

    case ColumnType::Category:
    case ColumnType::Text:
      if (area_score > 0 && cluster_sized) {
        d.area_score = area_score;
        d.suggestion = {Role::Category, "area", "", ""};
      } else if (d.type == ColumnType::Category) {
        const bool almost_number = s.numbers < s.present && s.leading_zeros == 0 &&
                                   share(s.numbers, s.present, kAlmostTypeShare);
        if (s.distinct == 1) {
          d.suggestion = constantValue();
        } else if (almost_number) {
          const std::size_t bad = s.present - s.numbers;
          d.suggestion = {Role::Category, "almost-number",
                          "値の " + percent(s.numbers, s.present) + "% は数値ですが " +
                              formatCount(bad) + " 件が数値として読めないため、" + distinct +
                              " 種類の区分として扱います（直せば数値として使えます）。",
                          percent(s.numbers, s.present) + "% of the values are numbers but " +
                              formatCount(bad) + (bad == 1 ? " is" : " are") +
                              " not, so it is kept as a category with " + distinct +
                              " values (fix those values to use it as a number)."};
        } else if (s.leading_zeros > 0) {
          d.suggestion = {Role::Category, "category-code",
                          "先頭に 0 がある番号（コード）で " + distinct +
                              " 種類の値からなるため、区分として扱います。",
                          "Codes with leading zeros, " + distinct + " values: a category."};
        } else {
          d.suggestion = {Role::Category, "category",
                          distinct +
                              " 種類の値からなる区分なので、地区（クラスタ）ごとの件数を保ったまま"
                              "入れ替えます。",
                          "A category with " + distinct +
                              " values: swapped within each cluster so that every count stays "
                              "exact."};
        }
      } else if (almost_typed) {
        const bool numeric = s.numbers >= s.dates;
        const std::size_t ok = numeric ? s.numbers : s.dates;
        const std::size_t bad = s.present - ok;
        if (numeric && s.leading_zeros > 0 && bad == 0) {
          d.suggestion = drop(
              "text",
              "先頭に 0 がある番号（コード）が " + distinct +
                  " 種類あり、区分にしては多すぎるため、個人を識別しうるものとして除外します。",
              distinct +
                  " distinct codes with leading zeros, too many for a category: they may "
                  "identify a person, so it is dropped.");
        } else {
          d.suggestion = drop(
              numeric ? "almost-number" : "almost-date",
              "値の " + percent(ok, s.present) + "% は" + (numeric ? "数値" : "日付") + "ですが " +
                  formatCount(bad) + " 件が" + (numeric ? "数値" : "日付") +
                  "として読めないため、文字列とみなして除外します（直せば使えます）。",
              percent(ok, s.present) + "% of the values are " + (numeric ? "numbers" : "dates") +
                  " but " + formatCount(bad) + (bad == 1 ? " is" : " are") +
                  " not, so it is treated as text and dropped (fix those values to use it).");
        }
      } else if (s.code_points >= kLongTextCodePoints * s.present) {
        d.suggestion = drop("text",
                            "平均 " + formatCount(s.code_points / s.present) +
                                " 文字の長い文字列で、自由記述には個人の事情が書かれていることがあ"
                                "るため除外します。",
                            "Long text (" + formatCount(s.code_points / s.present) +
                                " characters on average): free text may describe a person, so it "
                                "is dropped.");
      } else {
        d.suggestion = drop("text",
                            distinct +
                                " 種類の値がある文字列で、名前や自由記述が含まれると個人を特定でき"
                                "るため除外します。",
                            "Text with " + distinct +
                                " distinct values: names or free text in it could identify a "
                                "person, so it is dropped.");
      }
      return d;

    case ColumnType::Empty:
      break;
  }
  return d;
}

}  // namespace

const char* columnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::Integer:
      return "integer";
    case ColumnType::Decimal:
      return "decimal";
    case ColumnType::Date:
      return "date";
    case ColumnType::Category:
      return "category";
    case ColumnType::Text:
      return "text";
    case ColumnType::Empty:
      return "empty";
  }
  return "text";
}

const char* roleName(Role role) {
  switch (role) {
    case Role::Drop:
      return "drop";
    case Role::Cluster:
      return "cluster";
    case Role::Category:
      return "category";
    case Role::Number:
      return "number";
    case Role::DateToAge:
      return "date-to-age";
  }
  return "drop";
}

std::optional<Role> parseRoleName(std::string_view name) {
  for (Role r : {Role::Drop, Role::Cluster, Role::Category, Role::Number, Role::DateToAge}) {
    if (name == roleName(r)) return r;
  }
  return std::nullopt;
}

std::vector<ColumnProfile> profileTable(const Table& table) {
  std::vector<ColumnProfile> out;
  std::vector<Header> headers;
  std::vector<int> area_scores;
  out.reserve(table.columns.size());
  DistinctSet set;
  std::vector<char32_t> cps;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const std::string_view name = c < table.names.size() ? table.names[c] : std::string_view();
    Header h = analyseHeader(name);
    const ColumnStats s = scanColumn(table.columns[c], set, cps);
    Decision d = decide(h, s);

    ColumnProfile p;
    p.name = std::string(name);
    p.type = d.type;
    p.missing = s.missing;
    p.distinct = s.distinct;
    p.scale = d.type == ColumnType::Decimal ? s.scale : 0;
    p.nonNegative = (d.type == ColumnType::Integer || d.type == ColumnType::Decimal) && !s.negative;
    p.role = d.suggestion.role;
    p.reasonCode = d.suggestion.code;
    p.reasonJa = std::move(d.suggestion.ja);
    p.reasonEn = std::move(d.suggestion.en);
    out.push_back(std::move(p));
    headers.push_back(std::move(h));
    area_scores.push_back(d.area_score);
  }

  // The cluster key: the highest area score; ties go to the first column.
  std::size_t best = out.size();
  for (std::size_t c = 0; c < out.size(); ++c) {
    if (area_scores[c] > 0 && (best == out.size() || area_scores[c] > area_scores[best])) best = c;
  }
  for (std::size_t c = 0; c < out.size(); ++c) {
    if (area_scores[c] == 0) continue;
    ColumnProfile& p = out[c];
    const std::string distinct = formatCount(p.distinct);
    const std::string& shown = headers[c].shown;
    const bool by_header = areaHeaderScore(headers[c]) > 0;
    if (c == best) {
      p.role = Role::Cluster;
      p.reasonCode = "area";
      if (by_header) {
        p.reasonJa = "見出し「" + shown + "」は地域を表し、" + distinct +
                     " 種類の値があるため、集計単位（クラスタ）として使います。";
        p.reasonEn = "The header \"" + shown + "\" names an area with " + distinct +
                     " values: used as the cluster key.";
      } else {
        p.reasonJa = "値が「…校区」「…地区」などの地域名（" + distinct +
                     " 種類）なので、集計単位（クラスタ）として使います。";
        p.reasonEn = "The values name areas (" + distinct +
                     " of them, such as …校区 or …地区): used as the cluster key.";
      }
    } else {
      const std::string& key = headers[best].shown;
      p.role = Role::Category;
      p.reasonCode = "area-other";
      p.reasonJa =
          "地域を表す列ですが、集計単位には「" + key + "」を使うため、区分として扱います。";
      p.reasonEn = "Names an area, but \"" + key +
                   "\" is the cluster key, so it is kept as a "
                   "category.";
    }
  }
  return out;
}

bool isSexHeader(std::string_view name) {
  if (name.find("性別") != std::string_view::npos) return true;
  std::string lower;
  for (const char c : name) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
  return lower == "sex" || lower == "gender";
}

}  // namespace pc
