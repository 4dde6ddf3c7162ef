// Cell values as Japanese municipal exports write them. See values.h.
//
// Parsers work on a Cursor that decodes UTF-8 one code point at a time and folds full-width forms
// to ASCII on the fly, so a cell is never copied. Decisions on the open points:
//   * Missing tokens: NaN counts as missing (R / pandas exports write it), as do "#N/A" (Excel),
//     "不詳" (the statistical word for unknown) and any run of dashes ("--", "―――").
//   * Minus: '-', its Unicode variants (− － ‐ – — ― ー), and ▲ / △ (Japanese accounting).
//   * Currency: one '¥', '￥' or '\' (a Shift_JIS yen decoded as U+005C) before the number, or one
//     '円' after it; never both. '%', exponents and parenthesised negatives are not numbers.
//   * ".5" is accepted (scale 1); "5." is not. With separators, the first group must be 1-3 digits
//     not starting with 0 ("0,123" may be a European decimal), every other group exactly 3.
//   * At most 18 digits in the mantissa (leading zeros do not count) and at most 18 decimals.
//   * Dates: optional spaces between tokens; Gregorian separator forms may carry a midnight time
//     ("1970/3/1 0:00", "1970-03-01T00:00:00", as Excel writes date-time cells), any other time is
//     rejected. "西暦" prefix, "生" suffix, single-kanji eras (昭45.3.1) and the era ligatures
//     ㍾㍽㍼㍻㋿ are accepted. Kanji numerals (四十五年) are not.
//   * 和暦 dates before 明治6年1月1日 (1873-01-01) are rejected: Japan used a lunisolar
//     calendar until then, so such a day cannot be mapped to a Gregorian one by arithmetic.
#include "values.h"

#include <cstddef>

#include "text.h"

namespace pc {
namespace {

// ---------------------------------------------------------------------------------------------
// UTF-8 and folding

// Decodes one UTF-8 sequence at p (p < end) into *cp. Returns its length, or 0 when malformed
// (bad lead or continuation byte, truncated, overlong, surrogate, > U+10FFFF).
int decodeUtf8(const unsigned char* p, const unsigned char* end, char32_t* cp) {
  const unsigned char b0 = p[0];
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  int len;
  char32_t v;
  char32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, v = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, v = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, v = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (end - p < len) return 0;
  for (int i = 1; i < len; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (p[i] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

constexpr char32_t kProlongedMark = 0x30FC;      // ー
constexpr char32_t kHalfProlongedMark = 0xFF70;  // ｰ

// Context-free folding of one non-ASCII code point (ー is context-dependent, handled by callers).
char32_t foldCodePoint(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) return cp - 0xFEE0;  // full-width ASCII
  if (cp >= 0x2000 && cp <= 0x200A) return U' ';         // en quad … hair space
  switch (cp) {
    case 0x00A0:  // no-break space
    case 0x202F:  // narrow no-break space
    case 0x205F:  // medium mathematical space
    case 0x3000:  // ideographic space
      return U' ';
    case 0x2010:  // hyphen
    case 0x2011:  // non-breaking hyphen
    case 0x2012:  // figure dash
    case 0x2013:  // en dash
    case 0x2014:  // em dash
    case 0x2015:  // horizontal bar ―
    case 0x2212:  // minus sign −
    case 0xFE58:  // small em dash
    case 0xFE63:  // small hyphen-minus
      return U'-';
    case 0xFFE5:  // full-width yen ￥
      return 0x00A5;
    default:
      return cp;
  }
}

bool isKana(char32_t cp) {
  return (cp >= 0x3041 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) ||
         (cp >= 0xFF66 && cp <= 0xFF9F);
}

// Half-width katakana U+FF61..U+FF9F → full-width (low 16 bits minus 0x3000), as NFKC does.
constexpr unsigned char kHalfKana[63] = {
    0x02, 0x0C, 0x0D, 0x01, 0xFB, 0xF2, 0xA1, 0xA3, 0xA5, 0xA7, 0xA9, 0xE3, 0xE5, 0xE7, 0xC3, 0xFC,
    0xA2, 0xA4, 0xA6, 0xA8, 0xAA, 0xAB, 0xAD, 0xAF, 0xB1, 0xB3, 0xB5, 0xB7, 0xB9, 0xBB, 0xBD, 0xBF,
    0xC1, 0xC4, 0xC6, 0xC8, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF, 0xD2, 0xD5, 0xD8, 0xDB, 0xDE, 0xDF,
    0xE0, 0xE1, 0xE2, 0xE4, 0xE6, 0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xED, 0xEF, 0xF3, 0x9B, 0x9C};

// Full-width katakana `base` combined with a following ﾞ (voiced) or ﾟ (semi-voiced), or 0.
char32_t composeKana(char32_t base, bool semi_voiced) {
  const bool ha_gyo =
      base == 0x30CF || base == 0x30D2 || base == 0x30D5 || base == 0x30D8 || base == 0x30DB;
  if (semi_voiced) return ha_gyo ? base + 2 : 0;
  if (ha_gyo) return base + 1;
  if ((base >= 0x30AB && base <= 0x30C1 && (base & 1)) || base == 0x30C4 || base == 0x30C6 ||
      base == 0x30C8) {
    return base + 1;  // カ…チ (odd code points), ツ, テ, ト
  }
  switch (base) {
    case 0x30A6:
      return 0x30F4;  // ウ → ヴ
    case 0x30EF:
      return 0x30F7;  // ワ → ヷ
    case 0x30F2:
      return 0x30FA;  // ヲ → ヺ
    default:
      return 0;
  }
}

// Era ligatures ㋿㍻㍼㍽㍾ → their two-kanji names, or nullptr.
const char* eraLigature(char32_t cp) {
  switch (cp) {
    case 0x32FF:
      return "令和";
    case 0x337B:
      return "平成";
    case 0x337C:
      return "昭和";
    case 0x337D:
      return "大正";
    case 0x337E:
      return "明治";
    default:
      return nullptr;
  }
}

bool isAsciiSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool isAllAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// A read position over UTF-8 that presents each code point folded for parsing: full-width ASCII
// as ASCII, every space as ' ', every dash (including ー) as '-', ￥ as ¥. 0 at the end.
class Cursor {
 public:
  explicit Cursor(std::string_view s)
      : p_(reinterpret_cast<const unsigned char*>(s.data())), end_(p_ + s.size()) {
    load();
  }
  char32_t cp() const { return cp_; }
  bool done() const { return p_ >= end_; }
  void next() {
    p_ += len_;
    load();
  }
  void skipSpaces() {
    while (cp_ == U' ') next();
  }
  bool isDigit() const { return cp_ >= U'0' && cp_ <= U'9'; }
  int digit() const { return static_cast<int>(cp_ - U'0'); }
  // Consumes `c` if it is the current code point.
  bool accept(char32_t c) {
    if (cp_ != c) return false;
    next();
    return true;
  }
  // Reads 1..max_digits digits into *value; returns how many were read (0 if none). If more than
  // max_digits digits follow, returns max_digits + 1 (the caller treats that as an error).
  int readDigits(int max_digits, int64_t* value) {
    int n = 0;
    int64_t v = 0;
    while (isDigit()) {
      if (n == max_digits) {
        *value = v;
        return n + 1;
      }
      v = v * 10 + digit();
      ++n;
      next();
    }
    *value = v;
    return n;
  }

 private:
  void load() {
    if (p_ >= end_) {
      cp_ = 0;
      len_ = 0;
      return;
    }
    const unsigned char b = *p_;
    if (b < 0x80) {
      cp_ = isAsciiSpace(b) ? U' ' : b;
      len_ = 1;
      return;
    }
    char32_t raw;
    len_ = decodeUtf8(p_, end_, &raw);
    if (len_ == 0) {
      cp_ = 0xFFFD;  // malformed: matches nothing any parser expects
      len_ = 1;
      return;
    }
    cp_ = (raw == kProlongedMark || raw == kHalfProlongedMark) ? U'-' : foldCodePoint(raw);
  }

  const unsigned char* p_;
  const unsigned char* end_;
  char32_t cp_ = 0;
  int len_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Calendar

constexpr int dateKey(int y, int m, int d) { return y * 10000 + m * 100 + d; }

struct Era {
  const char* name;
  int first_year;  // Gregorian year of 元年
  int start_key;   // first day accepted (明治: 1873-01-01, the Gregorian switch)
  int end_key;     // last day
};

// Index 0..4 = 明治, 大正, 昭和, 平成, 令和 (the レセ電 era code minus 1).
constexpr Era kEras[5] = {
    {"明治", 1868, dateKey(1873, 1, 1), dateKey(1912, 7, 29)},
    {"大正", 1912, dateKey(1912, 7, 30), dateKey(1926, 12, 24)},
    {"昭和", 1926, dateKey(1926, 12, 25), dateKey(1989, 1, 7)},
    {"平成", 1989, dateKey(1989, 1, 8), dateKey(2019, 4, 30)},
    {"令和", 2019, dateKey(2019, 5, 1), dateKey(9999, 12, 31)},
};

bool isLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysInMonth(int y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && isLeapYear(y)) ? 29 : kDays[m - 1];
}

std::optional<Date> makeDate(int64_t y, int64_t m, int64_t d) {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  const Date date{static_cast<int>(y), static_cast<int>(m), static_cast<int>(d)};
  if (!isValidDate(date.year, date.month, date.day)) return std::nullopt;
  return date;
}

// era: 0..4 (kEras). The date must exist and lie within the era.
std::optional<Date> makeEraDate(int era, int64_t era_year, int64_t m, int64_t d) {
  if (era_year < 1 || era_year > 99) return std::nullopt;
  const Era& e = kEras[era];
  std::optional<Date> date = makeDate(e.first_year + era_year - 1, m, d);
  if (!date) return std::nullopt;
  const int key = dateKey(date->year, date->month, date->day);
  if (key < e.start_key || key > e.end_key) return std::nullopt;
  return date;
}

// Recognises an era marker at the cursor (kanji name, single kanji, ligature or letter) and
// consumes it. Returns the era index 0..4, -1 if there is no marker, -2 if it is malformed.
int readEra(Cursor& c) {
  // Two-kanji names and their first kanji used alone (明45.3.1).
  static constexpr char32_t kFirst[5] = {U'明', U'大', U'昭', U'平', U'令'};
  static constexpr char32_t kSecond[5] = {U'治', U'正', U'和', U'成', U'和'};
  for (int i = 0; i < 5; ++i) {
    if (c.cp() == kFirst[i]) {
      c.next();
      c.accept(kSecond[i]);
      return i;
    }
  }
  switch (c.cp()) {
    case 0x337E:
      c.next();
      return 0;  // ㍾
    case 0x337D:
      c.next();
      return 1;  // ㍽
    case 0x337C:
      c.next();
      return 2;  // ㍼
    case 0x337B:
      c.next();
      return 3;  // ㍻
    case 0x32FF:
      c.next();
      return 4;  // ㋿
    default:
      break;
  }
  int era;
  switch (c.cp()) {
    case U'M':
    case U'm':
      era = 0;
      break;
    case U'T':
    case U't':
      era = 1;
      break;
    case U'S':
    case U's':
      era = 2;
      break;
    case U'H':
    case U'h':
      era = 3;
      break;
    case U'R':
    case U'r':
      era = 4;
      break;
    default:
      return -1;
  }
  c.next();
  c.skipSpaces();
  return (c.isDigit() || c.cp() == U'元') ? era : -2;
}

// Accepts "T00:00", " 0:00:00", " 00:00:00.000" (midnight only) after a separator-form date.
bool skipMidnight(Cursor& c) {
  if (!c.accept(U'T')) {
    c.skipSpaces();
    if (!c.isDigit()) return true;  // no time at all
  }
  int64_t v = 0;
  const int hour_digits = c.readDigits(2, &v);
  if (hour_digits < 1 || hour_digits > 2 || v != 0) return false;
  for (int part = 0; part < 2; ++part) {
    if (!c.accept(U':')) return part == 1;  // minutes are required, seconds optional
    if (c.readDigits(2, &v) != 2 || v != 0) return false;
  }
  if (c.accept(U'.')) {
    if (!c.isDigit()) return false;
    while (c.isDigit()) {
      if (c.digit() != 0) return false;
      c.next();
    }
  }
  return true;
}

// After the year: "年 M 月 D 日" or "<sep> M <sep> D" with the same sep in {-, /, .}, then an
// optional midnight time (separator forms, when allow_time), an optional 生 and the end.
bool readMonthDay(Cursor& c, bool allow_time, int64_t* m, int64_t* d) {
  c.skipSpaces();
  char32_t sep = 0;
  if (!c.accept(U'年')) {
    sep = c.cp();
    if (sep != U'-' && sep != U'/' && sep != U'.') return false;
    c.next();
  }
  c.skipSpaces();
  int n = c.readDigits(2, m);
  if (n < 1 || n > 2) return false;
  c.skipSpaces();
  if (!c.accept(sep == 0 ? U'月' : sep)) return false;
  c.skipSpaces();
  n = c.readDigits(2, d);
  if (n < 1 || n > 2) return false;
  if (sep == 0) {
    c.skipSpaces();
    if (!c.accept(U'日')) return false;
  } else if (allow_time && !skipMidnight(c)) {
    return false;
  }
  c.skipSpaces();
  if (c.accept(U'生')) c.skipSpaces();
  return c.done();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public API

std::string_view foldNarrow(std::string_view utf8, std::string& scratch) {
  if (isAllAscii(utf8)) return utf8;
  scratch.clear();
  scratch.reserve(utf8.size());
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* end = p + utf8.size();
  bool prev_kana = false;
  while (p < end) {
    if (*p < 0x80) {
      scratch.push_back(static_cast<char>(*p++));
      prev_kana = false;
      continue;
    }
    char32_t cp;
    const int len = decodeUtf8(p, end, &cp);
    if (len == 0) {  // malformed: copy the byte through untouched
      scratch.push_back(static_cast<char>(*p++));
      prev_kana = false;
      continue;
    }
    p += len;
    if (cp == kProlongedMark || cp == kHalfProlongedMark) {
      // ー after kana is a prolonged sound (データ, ｺｰﾄﾞ); elsewhere a dash (０３ー１２３４).
      if (prev_kana) {
        appendUtf8(scratch, kProlongedMark);
      } else {
        scratch.push_back('-');
      }
      continue;
    }
    if (cp >= 0xFF61 && cp <= 0xFF9F) {
      char32_t full = 0x3000 + kHalfKana[cp - 0xFF61];
      char32_t mark;
      const int mark_len = p < end ? decodeUtf8(p, end, &mark) : 0;
      if (mark_len > 0 && (mark == 0xFF9E || mark == 0xFF9F)) {
        if (const char32_t composed = composeKana(full, mark == 0xFF9F)) {
          full = composed;
          p += mark_len;
        }
      }
      appendUtf8(scratch, full);
      prev_kana = isKana(full);
      continue;
    }
    if (const char* name = eraLigature(cp)) {
      scratch.append(name);
      prev_kana = false;
      continue;
    }
    const char32_t folded = foldCodePoint(cp);
    appendUtf8(scratch, folded);
    prev_kana = isKana(cp);
  }
  return scratch;
}

std::string foldNarrow(std::string_view utf8) {
  std::string scratch;
  const std::string_view folded = foldNarrow(utf8, scratch);
  if (folded.data() == scratch.data()) return scratch;
  return std::string(folded);
}

std::string_view trimSpaces(std::string_view s) {
  static constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  for (;;) {
    if (!s.empty() && isAsciiSpace(static_cast<unsigned char>(s.front()))) {
      s.remove_prefix(1);
    } else if (s.substr(0, 3) == kIdeographicSpace) {
      s.remove_prefix(3);
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && isAsciiSpace(static_cast<unsigned char>(s.back()))) {
      s.remove_suffix(1);
    } else if (s.size() >= 3 && s.substr(s.size() - 3) == kIdeographicSpace) {
      s.remove_suffix(3);
    } else {
      break;
    }
  }
  return s;
}

bool isMissingToken(std::string_view utf8) {
  const std::string_view s = trimSpaces(utf8);
  if (s.empty()) return true;
  if (s == "不明" || s == "不詳") return true;
  // Fold to at most 4 lower-case ASCII characters, or a run of dashes.
  Cursor c(s);
  c.skipSpaces();
  if (c.done()) return true;  // only spaces that trimSpaces leaves, e.g. U+00A0
  if (c.cp() == U'-') {
    while (c.cp() == U'-') c.next();
    c.skipSpaces();
    return c.done();
  }
  char buf[4];
  std::size_t n = 0;
  while (!c.done()) {
    char32_t cp = c.cp();
    if (cp == U' ') break;
    if (cp >= 0x80 || n == sizeof buf) return false;
    if (cp >= U'A' && cp <= U'Z') cp += U'a' - U'A';
    buf[n++] = static_cast<char>(cp);
    c.next();
  }
  c.skipSpaces();
  if (!c.done()) return false;
  const std::string_view word(buf, n);
  return word == "na" || word == "n/a" || word == "#n/a" || word == "nan" || word == "null";
}

double Decimal::toDouble() const {
  static constexpr double kPow10[19] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8, 1e9,
                                        1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
  const double m = static_cast<double>(mantissa);
  if (scale >= 0 && scale <= 18) return m / kPow10[scale];  // one rounding when |m| <= 2^53
  double v = m;
  for (int i = 0; i < scale; ++i) v /= 10.0;
  for (int i = 0; i > scale; --i) v *= 10.0;
  return v;
}

std::string Decimal::toString() const {
  // |mantissa| as unsigned, safe even for INT64_MIN.
  const uint64_t magnitude =
      mantissa < 0 ? 0 - static_cast<uint64_t>(mantissa) : static_cast<uint64_t>(mantissa);
  std::string digits = std::to_string(magnitude);
  if (scale < 0 && magnitude != 0) digits.append(static_cast<std::size_t>(-(int64_t{scale})), '0');
  const std::size_t decimals = scale > 0 ? static_cast<std::size_t>(scale) : 0;
  if (digits.size() <= decimals) digits.insert(0, decimals + 1 - digits.size(), '0');
  if (decimals > 0) digits.insert(digits.size() - decimals, 1, '.');
  if (mantissa < 0) digits.insert(0, 1, '-');
  return digits;
}

std::optional<Decimal> parseDecimal(std::string_view text) {
  Cursor c(text);
  c.skipSpaces();
  bool negative = false;
  bool has_sign = false;
  bool currency = false;
  for (;;) {  // sign and currency prefix, in either order: "-¥1,000", "¥-1,000"
    const char32_t cp = c.cp();
    if (!has_sign && (cp == U'+' || cp == U'-' || cp == U'▲' || cp == U'△')) {
      negative = cp != U'+';
      has_sign = true;
      c.next();
    } else if (!currency && (cp == 0x00A5 || cp == U'\\')) {
      currency = true;
      c.next();
      c.skipSpaces();
    } else {
      break;
    }
  }

  constexpr int kMaxDigits = 18;
  int64_t mantissa = 0;
  int significant = 0;  // digits in mantissa, not counting leading zeros
  bool any_digit = false;
  const auto add_digit = [&](int d) {
    any_digit = true;
    if (mantissa == 0 && d == 0) return true;
    if (significant == kMaxDigits) return false;
    mantissa = mantissa * 10 + d;
    ++significant;
    return true;
  };

  // Integer part, with optional thousands separators.
  int group = 0;  // digits in the current group
  bool separated = false;
  bool leading_zero = c.cp() == U'0';
  for (;;) {
    if (c.isDigit()) {
      if (!add_digit(c.digit())) return std::nullopt;
      ++group;
      c.next();
    } else if (c.cp() == U',') {
      if (separated ? group != 3 : (group == 0 || group > 3 || leading_zero)) return std::nullopt;
      separated = true;
      group = 0;
      c.next();
    } else {
      break;
    }
  }
  if (separated && group != 3) return std::nullopt;

  // Fraction.
  int scale = 0;
  if (c.accept(U'.')) {
    if (!c.isDigit()) return std::nullopt;
    while (c.isDigit()) {
      if (scale == kMaxDigits || !add_digit(c.digit())) return std::nullopt;
      ++scale;
      c.next();
    }
  }
  if (!any_digit) return std::nullopt;

  c.skipSpaces();
  if (!currency && c.accept(U'円')) c.skipSpaces();
  if (!c.done()) return std::nullopt;
  return Decimal{negative ? -mantissa : mantissa, scale};
}

bool isValidDate(int y, int m, int d) {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

std::optional<Date> parseDate(std::string_view text) {
  Cursor c(text);
  c.skipSpaces();
  int64_t m = 0;
  int64_t d = 0;
  const int era = readEra(c);
  if (era == -2) return std::nullopt;
  if (era >= 0) {  // 和暦: era marker, year (digits or 元), month, day
    c.skipSpaces();
    int64_t era_year = 1;
    if (!c.accept(U'元')) {
      const int n = c.readDigits(2, &era_year);
      if (n < 1 || n > 2) return std::nullopt;
    }
    if (!readMonthDay(c, false, &m, &d)) return std::nullopt;
    return makeEraDate(era, era_year, m, d);
  }
  const bool seireki = c.accept(U'西');
  if (seireki) {
    if (!c.accept(U'暦')) return std::nullopt;
    c.skipSpaces();
  }
  int64_t v = 0;
  const int n = c.readDigits(8, &v);
  if (n == 4) {  // Gregorian year followed by 年 or a separator
    if (!readMonthDay(c, true, &m, &d)) return std::nullopt;
    return makeDate(v, m, d);
  }
  if (seireki || (n != 7 && n != 8)) return std::nullopt;
  c.skipSpaces();
  if (!c.done()) return std::nullopt;
  if (n == 8) return makeDate(v / 10000, v / 100 % 100, v % 100);  // yyyymmdd
  const int64_t era_code = v / 1000000;                            // GYYMMDD (レセ電)
  if (era_code < 1 || era_code > 5) return std::nullopt;
  return makeEraDate(static_cast<int>(era_code) - 1, v / 10000 % 100, v / 100 % 100, v % 100);
}

int ageAt(const Date& birth, const Date& ref) {
  int age = ref.year - birth.year;
  if (ref.month < birth.month || (ref.month == birth.month && ref.day < birth.day)) --age;
  return age;
}

std::string formatIsoDate(const Date& d) {
  char buf[16];
  int n = 0;
  int y = d.year < 0 ? 0 : d.year;
  if (y > 9999) y = 9999;
  buf[n++] = static_cast<char>('0' + y / 1000);
  buf[n++] = static_cast<char>('0' + y / 100 % 10);
  buf[n++] = static_cast<char>('0' + y / 10 % 10);
  buf[n++] = static_cast<char>('0' + y % 10);
  for (int v : {d.month, d.day}) {
    if (v < 0 || v > 99) v = 0;
    buf[n++] = '-';
    buf[n++] = static_cast<char>('0' + v / 10);
    buf[n++] = static_cast<char>('0' + v % 10);
  }
  return std::string(buf, static_cast<std::size_t>(n));
}

std::optional<std::string> formatWareki(const Date& d) {
  if (!isValidDate(d.year, d.month, d.day)) return std::nullopt;
  const int key = dateKey(d.year, d.month, d.day);
  for (const Era& e : kEras) {
    if (key < e.start_key || key > e.end_key) continue;
    const int era_year = d.year - e.first_year + 1;
    std::string out = e.name;
    out += era_year == 1 ? std::string("元") : std::to_string(era_year);
    out += "年";
    out += std::to_string(d.month);
    out += "月";
    out += std::to_string(d.day);
    out += "日";
    return out;
  }
  return std::nullopt;
}

}  // namespace pc
