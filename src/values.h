// Cell values as Japanese municipal exports write them: full-width digits, thousands separators,
// ▲ for minus, 和暦 dates (kanji, letter and レセ電 GYYMMDD forms) and missing-value tokens.
//
// All functions take UTF-8 that has already been decoded from the file's encoding. They never
// consult the C/C++ locale, never throw, and do not allocate on the common path (parseDecimal,
// parseDate and isMissingToken fold full-width characters on the fly instead of copying).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pc {

/// Folds full-width ASCII, U+3000 and other spaces, dash/minus variants, ¥ and half-width katakana
/// to their narrow/NFKC forms; safe for numbers, dates, codes and header names (not for names).
std::string foldNarrow(std::string_view utf8);

/// Allocation-free foldNarrow: returns `utf8` itself when it is pure ASCII (nothing to fold),
/// otherwise folds into `scratch` and returns a view of it (valid until scratch changes).
std::string_view foldNarrow(std::string_view utf8, std::string& scratch);

/// Trims ASCII whitespace (space, \t, \n, \v, \f, \r) and U+3000 at both ends.
std::string_view trimSpaces(std::string_view utf8);

/// True for a missing-value token after trimming and folding: empty, NA, N/A, #N/A, NaN, null
/// (ASCII case-insensitive), a run of dashes (-, －, ―, −, ー …), 不明 or 不詳.
bool isMissingToken(std::string_view utf8);

/// An exact decimal: value = mantissa × 10^-scale, scale = number of decimals as written (0..18).
struct Decimal {
  int64_t mantissa = 0;
  int scale = 0;

  /// The nearest double (exact division when |mantissa| <= 2^53).
  double toDouble() const;
  /// Plain ASCII with exactly `scale` decimals ("-0.05", "22.40"); zeros appended if scale < 0.
  std::string toString() const;
};

inline bool operator==(const Decimal& a, const Decimal& b) {
  return a.mantissa == b.mantissa && a.scale == b.scale;
}
inline bool operator!=(const Decimal& a, const Decimal& b) { return !(a == b); }

/// Parses an integer or decimal: sign (+, -, −, －, ▲, △), optional ¥/￥/\ prefix or 円 suffix,
/// thousands separators in groups of 3, full-width digits. nullopt if not a number or > 18 digits.
std::optional<Decimal> parseDecimal(std::string_view text);

/// A day of the proleptic Gregorian calendar.
struct Date {
  int year = 0;
  int month = 0;
  int day = 0;
};

inline bool operator==(const Date& a, const Date& b) {
  return a.year == b.year && a.month == b.month && a.day == b.day;
}
inline bool operator!=(const Date& a, const Date& b) { return !(a == b); }
inline bool operator<(const Date& a, const Date& b) {
  if (a.year != b.year) return a.year < b.year;
  if (a.month != b.month) return a.month < b.month;
  return a.day < b.day;
}

/// True if y-m-d is a real day of the proleptic Gregorian calendar with 1 <= y <= 9999.
bool isValidDate(int y, int m, int d);

/// Parses a Gregorian (2024-03-01, 2024/3/1, 2024.3.1, 20240301, 2024年3月1日) or 和暦 date
/// (昭和45年3月1日, 平成元年…, H2.4.1, R02/10/19, GYYMMDD); nullopt if invalid or outside its era.
std::optional<Date> parseDate(std::string_view text);

/// Age in completed years on `ref`: +1 once the month/day of birth is reached, so a 2/29 birthday
/// is reached on 3/1 in common years. Negative when ref precedes birth.
int ageAt(const Date& birth, const Date& ref);

/// ISO 8601 calendar date, "1970-03-01" (year zero-padded to 4 digits).
std::string formatIsoDate(const Date& d);

/// 和暦 in kanji, "昭和45年3月1日" (元年 for year 1); nullopt for an invalid date or one before
/// 明治6年1月1日 (1873-01-01, when Japan adopted the Gregorian calendar).
std::optional<std::string> formatWareki(const Date& d);

}  // namespace pc
