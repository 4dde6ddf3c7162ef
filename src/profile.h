// Column profiles: the type of every column, a few statistics, and the suggested role with its
// reason (PRODUCT.md step 3 "Roles" and guarantee G2).
//
// Types. Every non-missing cell (pc::isMissingToken) must parse for a column to be numeric or a
// date: one unreadable value makes it a category or text, and the reason then says how many
// values were readable ("almost-number"), so nothing is silently turned into a missing value.
//   * Date     — every value parses with pc::parseDate. When every value is a bare 7- or 8-digit
//                number (yyyymmdd, or the レセ電 form GYYMMDD) it could also be an amount; it is a
//                date only if the header says so (生年月日, 日付, …日, date, birth, dob …) or, with
//                at least 20 values, every year lies in 1868–2100 (random amounts almost never
//                all form valid dates).
//   * Integer / Decimal — every value parses with pc::parseDecimal and none has a leading zero
//                ("0012" is a code, not twelve). Decimal when any value has decimals; `scale` is
//                the largest number of decimals seen.
//   * Category — otherwise, when the column has at most 100 distinct values and at least 5 rows
//                per distinct value on average (so a short list of names is not a category).
//   * Text     — everything else.
//   * Empty    — no value at all.
//
// Roles (the first rule that applies):
//   1. drop     — an empty column; a header naming a direct identifier (name, kana reading,
//                 address, phone, e-mail, ID or number, postal code, location, free-text notes;
//                 Japanese, kana and English vocabulary matched after pc::foldNarrow, hiragana
//                 read as katakana, English split into words so "resident_id" matches and
//                 "valid" does not; 地区名, 校区名, district_name are area names, not people);
//                 or the content: at least half the values are e-mail addresses, phone numbers,
//                 street addresses or postal codes; an ID-like code (digits only, ≥ 90 %
//                 distinct, with leading zeros, or all distinct with the same ≥ 6 digits and no
//                 amount word in the header); a value with a line break (free text); text with
//                 ≥ 90 % distinct values (about one per person).
//   2. date-to-age — Date columns.
//   3. cluster  — the best column naming an area: header words (校区, 学区, 中学校, 圏域 score
//                 3; 地区, 行政区, 町丁, 地域, district, area, zone … score 2) plus 1 when most
//                 values end in 校区/学区/地区/圏域; it needs 2–500 distinct values and at least
//                 3 rows per value on average. Ties go to the first column; the other
//                 candidates become category.
//   4. category — Category columns; integer columns whose header names a code (性別, 区分,
//                 コード, sex, code, type …), flags (two values) and constants (one value).
//   5. number   — other Integer / Decimal columns.
//   6. drop     — remaining Text columns: free text or names may identify a person.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "table.h"

namespace pc {

enum class ColumnType { Integer, Decimal, Date, Category, Text, Empty };
enum class Role { Drop, Cluster, Category, Number, DateToAge };

/// Stable lower-case name of a type: "integer", "decimal", "date", "category", "text", "empty".
const char* columnTypeName(ColumnType type);

/// Stable lower-case name of a role, as used in recipes: "drop", "cluster", "category", "number",
/// "date-to-age".
const char* roleName(Role role);

/// The role called `name` (exactly one of the roleName() strings), or nullopt.
std::optional<Role> parseRoleName(std::string_view name);

/// What profileTable() found in one column, and what it suggests doing with it.
struct ColumnProfile {
  std::string name;
  ColumnType type = ColumnType::Empty;
  std::size_t missing = 0;   // cells that are empty or a missing-value token
  std::size_t distinct = 0;  // distinct non-missing cell texts
  int scale = 0;             // Decimal: largest number of decimals seen; 0 otherwise
  bool nonNegative = false;  // Integer/Decimal and no value below zero
  Role role = Role::Drop;
  /// Stable identifier of the rule behind the suggestion (e.g. "header-name", "content-phone",
  /// "near-unique", "area"), for programs and tests; the sentences below are for people.
  std::string reasonCode;
  std::string reasonJa;  // one sentence in Japanese naming the evidence
  std::string reasonEn;  // the same in English
};

/// Profiles every column of `table`: its type, missing and distinct counts, decimals and sign,
/// and the suggested role with its reason (see the rules at the top of this file). At most one
/// column gets Role::Cluster. One pass per column; linear in the table's size.
std::vector<ColumnProfile> profileTable(const Table& table);

/// True for a header naming sex: containing 性別, or "sex"/"gender" in any ASCII case. Used to
/// offer the sex × age block and to count sex among the quasi-identifiers.
bool isSexHeader(std::string_view name);

}  // namespace pc
