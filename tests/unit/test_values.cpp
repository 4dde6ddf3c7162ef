// Unit tests for src/values.{h,cpp}: numbers, dates and missing tokens as municipal exports
// write them. Expected values are chosen by hand, not computed by the code under test.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "values.h"

namespace {

using pc::Date;
using pc::Decimal;

// Decimal as "mantissa/scale", or "none"; gives readable failure messages.
std::string dec(std::string_view text) {
  const std::optional<Decimal> d = pc::parseDecimal(text);
  if (!d) return "none";
  return std::to_string(d->mantissa) + "/" + std::to_string(d->scale);
}

// Parsed date as ISO, or "none".
std::string date(std::string_view text) {
  const std::optional<Date> d = pc::parseDate(text);
  return d ? pc::formatIsoDate(*d) : "none";
}

std::string wareki(int y, int m, int d) { return pc::formatWareki(Date{y, m, d}).value_or("none"); }

// The day after d (test-local, independent of the code under test).
Date nextDay(Date d) {
  static const int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
  const int last = (d.month == 2 && leap) ? 29 : kDays[d.month - 1];
  if (++d.day > last) {
    d.day = 1;
    if (++d.month > 12) {
      d.month = 1;
      ++d.year;
    }
  }
  return d;
}

std::string pad2(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

}  // namespace

// ------------------------------------------------------------------------------------------------
// foldNarrow / trimSpaces

TEST_CASE("foldNarrow maps full-width ASCII and the ideographic space to ASCII") {
  CHECK(pc::foldNarrow("１２３") == "123");
  CHECK(pc::foldNarrow("ＡＢＣ－１２") == "ABC-12");
  CHECK(pc::foldNarrow("１．５") == "1.5");
  CHECK(pc::foldNarrow("１１，８４１") == "11,841");
  CHECK(pc::foldNarrow("２０２４／３／１") == "2024/3/1");
  CHECK(pc::foldNarrow("a\u3000b") == "a b");
  CHECK(pc::foldNarrow("\uFF01\uFF5E") == "!~");  // both ends of the full-width block
  CHECK(pc::foldNarrow("￥１，０００") == "\u00A51,000");
}

TEST_CASE("foldNarrow maps minus and dash variants to '-'") {
  CHECK(pc::foldNarrow("\u221212") == "-12");  // − minus sign
  CHECK(pc::foldNarrow("\u201012") == "-12");  // ‐ hyphen
  CHECK(pc::foldNarrow("\u201312") == "-12");  // – en dash
  CHECK(pc::foldNarrow("\u2015") == "-");      // ― horizontal bar
  CHECK(pc::foldNarrow("\uFF0D12") == "-12");  // － full-width hyphen-minus
  CHECK(pc::foldNarrow("０３ー１２３４ー５６７８") == "03-1234-5678");
  CHECK(pc::foldNarrow("ｰ1") == "-1");  // half-width prolonged mark, not after kana
}

TEST_CASE("foldNarrow keeps ー after kana and widens half-width katakana") {
  CHECK(pc::foldNarrow("データ") == "データ");
  CHECK(pc::foldNarrow("ｺｰﾄﾞ") == "コード");
  CHECK(pc::foldNarrow("ｶﾞｯｺｳ") == "ガッコウ");
  CHECK(pc::foldNarrow("ﾎﾟｲﾝﾄ") == "ポイント");
  CHECK(pc::foldNarrow("ｳﾞｧ") == "ヴァ");
  CHECK(pc::foldNarrow("ｱﾞ") == "ア゛");  // no composed form: spacing voiced mark
  CHECK(pc::foldNarrow("ｼﾒｲ(ｶﾅ)") == "シメイ(カナ)");
}

TEST_CASE("foldNarrow leaves names, kanji and ASCII alone") {
  CHECK(pc::foldNarrow("山田 太郎") == "山田 太郎");
  CHECK(pc::foldNarrow("住所・番地") == "住所・番地");
  CHECK(pc::foldNarrow("plain ascii, 1-2") == "plain ascii, 1-2");
  CHECK(pc::foldNarrow("") == "");
  CHECK(pc::foldNarrow("㍻") == "平成");
  CHECK(pc::foldNarrow("bad\xFFutf8") == "bad\xFFutf8");  // malformed bytes pass through
}

TEST_CASE("foldNarrow with scratch returns the input itself when it is ASCII") {
  std::string scratch;
  const std::string_view ascii = "2024-03-01";
  const std::string_view same = pc::foldNarrow(ascii, scratch);
  CHECK(same.data() == ascii.data());
  CHECK(scratch.empty());
  const std::string_view folded = pc::foldNarrow("２０２４", scratch);
  CHECK(folded == "2024");
  CHECK(folded.data() == scratch.data());
}

TEST_CASE("trimSpaces trims ASCII whitespace and U+3000 only") {
  CHECK(pc::trimSpaces("  12 \t\r\n") == "12");
  CHECK(pc::trimSpaces("\u3000\u3000山田\u3000太郎\u3000") == "山田\u3000太郎");
  CHECK(pc::trimSpaces(" \u3000 ") == "");
  CHECK(pc::trimSpaces("\u00A012") == "\u00A012");  // NBSP is not trimmed here
  CHECK(pc::trimSpaces("") == "");
}

// ------------------------------------------------------------------------------------------------
// isMissingToken

TEST_CASE("isMissingToken recognises the missing-value tokens") {
  for (const char* token :
       {"",     "   ",      "\u3000", "NA",   "na",   "N/A",  "n/a",  "#N/A",
        "NaN",  "nan",      "null",   "NULL", "Null", "-",    "--",   "－",
        "―",    "−",        "ー",     "ーー", " - ",  "不明", "不詳", "\u3000不明\u3000",
        "ＮＡ", "ｎｕｌｌ", "\u00A0"}) {
    INFO("token: '" << token << "'");
    CHECK(pc::isMissingToken(token));
  }
}

TEST_CASE("isMissingToken rejects values") {
  for (const char* value : {"0", "-1", "N", "NAN1", "none", "nul", "不明者", "明", "0-", "- -",
                            "NA NA", "*", "該当なし", "\xFF"}) {
    INFO("value: '" << value << "'");
    CHECK_FALSE(pc::isMissingToken(value));
  }
}

// ------------------------------------------------------------------------------------------------
// parseDecimal

TEST_CASE("parseDecimal reads plain integers and decimals keeping their scale") {
  CHECK(dec("0") == "0/0");
  CHECK(dec("12") == "12/0");
  CHECK(dec("22.40") == "2240/2");
  CHECK(dec("0.05") == "5/2");
  CHECK(dec("007") == "7/0");
  CHECK(dec(".5") == "5/1");
  CHECK(dec("  42 ") == "42/0");
  CHECK(dec("\u300042\u3000") == "42/0");
}

TEST_CASE("parseDecimal reads thousands separators in groups of three only") {
  CHECK(dec("11,841") == "11841/0");
  CHECK(dec("1,234,567.5") == "12345675/1");
  CHECK(dec("-1,000") == "-1000/0");
  CHECK(dec("999,999") == "999999/0");
  CHECK(dec("1,23") == "none");
  CHECK(dec("12,3456") == "none");
  CHECK(dec("1234,567") == "none");
  CHECK(dec(",123") == "none");
  CHECK(dec("1,,234") == "none");
  CHECK(dec("1,234,56") == "none");
  CHECK(dec("1,") == "none");
  CHECK(dec("0,123") == "none");  // possibly a European decimal comma
  CHECK(dec("1.234,5") == "none");
}

TEST_CASE("parseDecimal reads full-width digits and separators") {
  CHECK(dec("１２３") == "123/0");
  CHECK(dec("１１，８４１") == "11841/0");
  CHECK(dec("２２．４０") == "2240/2");
  CHECK(dec("－１２") == "-12/0");
  CHECK(dec("＋１２") == "12/0");
}

TEST_CASE("parseDecimal reads negative numbers including ▲ and △") {
  CHECK(dec("-12") == "-12/0");
  CHECK(dec("\u221212") == "-12/0");  // − U+2212
  CHECK(dec("\u201012") == "-12/0");  // ‐ U+2010
  CHECK(dec("▲12") == "-12/0");
  CHECK(dec("▲1,234.5") == "-12345/1");
  CHECK(dec("△12") == "-12/0");
  CHECK(dec("+12") == "12/0");
  CHECK(dec("-0.5") == "-5/1");
  CHECK(dec("--12") == "none");
  CHECK(dec("+-12") == "none");
  CHECK(dec("▲-12") == "none");
  CHECK(dec("- 12") == "none");
  CHECK(dec("12-") == "none");
}

TEST_CASE("parseDecimal accepts a yen prefix or a 円 suffix") {
  CHECK(dec("¥1,000") == "1000/0");
  CHECK(dec("￥１，０００") == "1000/0");
  CHECK(dec("\\1,000") == "1000/0");  // Shift_JIS yen decoded as backslash
  CHECK(dec("-¥1,000") == "-1000/0");
  CHECK(dec("¥-1,000") == "-1000/0");
  CHECK(dec("1,000円") == "1000/0");
  CHECK(dec("1,000 円") == "1000/0");
  CHECK(dec("¥1,000円") == "none");
  CHECK(dec("¥") == "none");
  CHECK(dec("円") == "none");
  CHECK(dec("1,000円円") == "none");
}

TEST_CASE("parseDecimal rejects what is not a number") {
  for (const char* text : {"", " ", "-", "+", ".", "5.", "1.2.3", "12%", "1e5", "(12)", "0x1F",
                           "12a", "a12", "1 2", "NaN", "inf", "不明", "１２３４５６７８９０ａ"}) {
    INFO("text: '" << text << "'");
    CHECK(dec(text) == "none");
  }
}

TEST_CASE("parseDecimal allows 18 digits and rejects 19") {
  CHECK(dec("999999999999999999") == "999999999999999999/0");
  CHECK(dec("-999,999,999,999,999,999") == "-999999999999999999/0");
  CHECK(dec("0000000000000000000000001") == "1/0");  // leading zeros are not significant
  CHECK(dec("1000000000000000000") == "none");
  CHECK(dec("99999999999999999.99") == "none");
  CHECK(dec("0.000000000000000001") == "1/18");
  CHECK(dec("0.0000000000000000001") == "none");  // 19 decimals
}

TEST_CASE("Decimal::toString writes exactly scale decimals") {
  CHECK(Decimal{2240, 2}.toString() == "22.40");
  CHECK(Decimal{-5, 2}.toString() == "-0.05");
  CHECK(Decimal{0, 3}.toString() == "0.000");
  CHECK(Decimal{11841, 0}.toString() == "11841");
  CHECK(Decimal{-12, 0}.toString() == "-12");
  CHECK(Decimal{1, 18}.toString() == "0.000000000000000001");
  CHECK(Decimal{-999999999999999999, 0}.toString() == "-999999999999999999");
  CHECK(Decimal{INT64_MIN, 0}.toString() == "-9223372036854775808");
  CHECK(Decimal{12, -2}.toString() == "1200");  // not produced by parseDecimal, still exact
  CHECK(pc::parseDecimal("１，２３４．５０")->toString() == "1234.50");
}

TEST_CASE("Decimal::toDouble") {
  CHECK(Decimal{2240, 2}.toDouble() == 22.4);
  CHECK(Decimal{-5, 2}.toDouble() == -0.05);
  CHECK(Decimal{11841, 0}.toDouble() == 11841.0);
  CHECK(Decimal{1, 18}.toDouble() == 1e-18);
  CHECK(Decimal{3, 1}.toDouble() == 0.3);
}

// ------------------------------------------------------------------------------------------------
// Dates

TEST_CASE("isValidDate follows the Gregorian calendar") {
  CHECK(pc::isValidDate(2024, 2, 29));
  CHECK_FALSE(pc::isValidDate(2023, 2, 29));
  CHECK(pc::isValidDate(2000, 2, 29));
  CHECK_FALSE(pc::isValidDate(1900, 2, 29));
  CHECK_FALSE(pc::isValidDate(2024, 2, 30));
  CHECK_FALSE(pc::isValidDate(2024, 4, 31));
  CHECK(pc::isValidDate(2024, 12, 31));
  CHECK_FALSE(pc::isValidDate(2024, 13, 1));
  CHECK_FALSE(pc::isValidDate(2024, 0, 1));
  CHECK_FALSE(pc::isValidDate(2024, 1, 0));
  CHECK_FALSE(pc::isValidDate(0, 1, 1));
}

TEST_CASE("parseDate reads Gregorian separator forms") {
  CHECK(date("2024-03-01") == "2024-03-01");
  CHECK(date("2024/3/1") == "2024-03-01");
  CHECK(date("2024.3.1") == "2024-03-01");
  CHECK(date("1970/03/01") == "1970-03-01");
  CHECK(date(" 2024-12-31 ") == "2024-12-31");
  CHECK(date("２０２４／３／１") == "2024-03-01");
  CHECK(date("2024-03/01") == "none");  // mixed separators
  CHECK(date("24/3/1") == "none");      // two-digit year
  CHECK(date("2024/3") == "none");
  CHECK(date("2024/003/1") == "none");
  CHECK(date("2024/3/1/") == "none");
}

TEST_CASE("parseDate accepts only a midnight time after a separator-form date") {
  CHECK(date("1970/3/1 0:00") == "1970-03-01");
  CHECK(date("1970/03/01 00:00:00") == "1970-03-01");
  CHECK(date("1970-03-01T00:00:00") == "1970-03-01");
  CHECK(date("1970-03-01T00:00:00.000") == "1970-03-01");
  CHECK(date("1970/3/1 9:00") == "none");
  CHECK(date("1970/3/1 0:01") == "none");
  CHECK(date("1970/3/1 0") == "none");
  CHECK(date("1970-03-01T") == "none");
}

TEST_CASE("parseDate reads 8-digit yyyymmdd only when it is a valid date") {
  CHECK(date("20240301") == "2024-03-01");
  CHECK(date("19700301") == "1970-03-01");
  CHECK(date("２０２４０３０１") == "2024-03-01");
  CHECK(date("20240230") == "none");
  CHECK(date("20241301") == "none");
  CHECK(date("00000000") == "none");
  CHECK(date("240301") == "none");
  CHECK(date("202403011") == "none");
}

TEST_CASE("parseDate reads Gregorian kanji dates") {
  CHECK(date("2024年3月1日") == "2024-03-01");
  CHECK(date("2024年03月01日") == "2024-03-01");
  CHECK(date("2024 年 3 月 1 日") == "2024-03-01");
  CHECK(date("西暦2024年3月1日") == "2024-03-01");
  CHECK(date("２０２４年１２月３１日") == "2024-12-31");
  CHECK(date("2024年3月1") == "none");
  CHECK(date("2024年3月") == "none");
  CHECK(date("2024年3/1") == "none");
}

TEST_CASE("parseDate rejects invalid calendar days") {
  CHECK(date("2023-02-29") == "none");
  CHECK(date("2024-02-29") == "2024-02-29");
  CHECK(date("2024年2月30日") == "none");
  CHECK(date("昭和45年2月30日") == "none");
  CHECK(date("平成4年2月29日") == "1992-02-29");
  CHECK(date("平成5年2月29日") == "none");
  CHECK(date("2024-04-31") == "none");
  CHECK(date("2024-00-10") == "none");
}

TEST_CASE("parseDate reads 和暦 in kanji") {
  CHECK(date("昭和45年3月1日") == "1970-03-01");
  CHECK(date("平成元年1月8日") == "1989-01-08");
  CHECK(date("令和2年10月19日") == "2020-10-19");
  CHECK(date("大正15年12月24日") == "1926-12-24");
  CHECK(date("明治45年7月29日") == "1912-07-29");
  CHECK(date("昭和４５年３月１日") == "1970-03-01");
  CHECK(date("昭和 45 年 3 月 1 日") == "1970-03-01");
  CHECK(date("\u3000昭和\u300045年\u30003月\u30001日\u3000") == "1970-03-01");
  CHECK(date("令和元年5月1日") == "2019-05-01");
  CHECK(date("昭和45年3月1日生") == "1970-03-01");
  CHECK(date("昭45.3.1") == "1970-03-01");
  CHECK(date("㍼45年3月1日") == "1970-03-01");
  CHECK(date("㋿2年10月19日") == "2020-10-19");
  CHECK(date("昭和0年3月1日") == "none");
  CHECK(date("昭和100年3月1日") == "none");
  CHECK(date("昭和年3月1日") == "none");
  CHECK(date("慶応3年1月1日") == "none");
  CHECK(date("昭和四十五年三月一日") == "none");  // kanji numerals are not read
}

TEST_CASE("parseDate reads letter-era forms") {
  CHECK(date("H2.4.1") == "1990-04-01");
  CHECK(date("R02/10/19") == "2020-10-19");
  CHECK(date("S45.03.01") == "1970-03-01");
  CHECK(date("h2-4-1") == "1990-04-01");
  CHECK(date("T15.12.24") == "1926-12-24");
  CHECK(date("M45.7.29") == "1912-07-29");
  CHECK(date("H02年04月01日") == "1990-04-01");
  CHECK(date("Ｈ２．４．１") == "1990-04-01");
  CHECK(date("S45. 3. 1") == "1970-03-01");  // space-padded mainframe output
  CHECK(date("H元.1.8") == "1989-01-08");
  CHECK(date("X2.4.1") == "none");
  CHECK(date("HH2.4.1") == "none");
  CHECK(date("H2.4") == "none");
  CHECK(date("H123.4.1") == "none");
}

TEST_CASE("parseDate checks era boundaries on both sides") {
  // 明治 → 大正 (1912-07-29 / 07-30)
  CHECK(date("明治45年7月29日") == "1912-07-29");
  CHECK(date("明治45年7月30日") == "none");
  CHECK(date("大正元年7月30日") == "1912-07-30");
  CHECK(date("大正元年7月29日") == "none");
  // 大正 → 昭和 (1926-12-24 / 12-25)
  CHECK(date("大正15年12月24日") == "1926-12-24");
  CHECK(date("大正15年12月25日") == "none");
  CHECK(date("昭和元年12月25日") == "1926-12-25");
  CHECK(date("昭和元年12月24日") == "none");
  // 昭和 → 平成 (1989-01-07 / 01-08)
  CHECK(date("昭和64年1月7日") == "1989-01-07");
  CHECK(date("昭和64年1月8日") == "none");
  CHECK(date("平成元年1月8日") == "1989-01-08");
  CHECK(date("平成元年1月7日") == "none");
  // 平成 → 令和 (2019-04-30 / 05-01)
  CHECK(date("平成31年4月30日") == "2019-04-30");
  CHECK(date("平成31年5月1日") == "none");
  CHECK(date("令和元年5月1日") == "2019-05-01");
  CHECK(date("令和元年4月30日") == "none");
  // The same limits through the letter forms.
  CHECK(date("S64.1.7") == "1989-01-07");
  CHECK(date("S64.1.8") == "none");
  CHECK(date("H31.4.30") == "2019-04-30");
  CHECK(date("H31.5.1") == "none");
}

TEST_CASE("parseDate rejects 和暦 dates before the Gregorian switch (明治6年)") {
  CHECK(date("明治6年1月1日") == "1873-01-01");
  CHECK(date("明治5年12月2日") == "none");
  CHECK(date("明治5年12月31日") == "none");
  CHECK(date("明治元年10月23日") == "none");
  CHECK(date("M5.12.2") == "none");
  CHECK(date("1872-12-31") == "1872-12-31");  // a Gregorian date is fine
}

TEST_CASE("parseDate reads the レセ電 era code form GYYMMDD") {
  CHECK(date("3450301") == "1970-03-01");
  CHECK(date("4010108") == "1989-01-08");
  CHECK(date("5021019") == "2020-10-19");
  CHECK(date("2151224") == "1926-12-24");
  CHECK(date("1450729") == "1912-07-29");
  CHECK(date("3640107") == "1989-01-07");
  CHECK(date("3640108") == "none");  // 昭和64年1月8日
  CHECK(date("4010107") == "none");  // 平成元年1月7日
  CHECK(date("4310501") == "none");  // 平成31年5月1日
  CHECK(date("6010101") == "none");  // no era 6
  CHECK(date("0450301") == "none");
  CHECK(date("3000301") == "none");  // era year 0
  CHECK(date("3450230") == "none");
  CHECK(date("345030") == "none");
}

TEST_CASE("ageAt counts completed years") {
  const Date birth{1970, 3, 1};
  CHECK(pc::ageAt(birth, Date{2024, 2, 29}) == 53);
  CHECK(pc::ageAt(birth, Date{2024, 3, 1}) == 54);
  CHECK(pc::ageAt(birth, Date{2024, 3, 2}) == 54);
  CHECK(pc::ageAt(birth, Date{2023, 12, 31}) == 53);
  CHECK(pc::ageAt(birth, Date{1970, 3, 1}) == 0);
  CHECK(pc::ageAt(birth, Date{1971, 2, 28}) == 0);
  CHECK(pc::ageAt(birth, Date{1971, 3, 1}) == 1);
  CHECK(pc::ageAt(birth, Date{1970, 2, 28}) == -1);
}

TEST_CASE("ageAt: a 2/29 birthday is reached on 3/1 in common years") {
  const Date birth{2000, 2, 29};
  CHECK(pc::ageAt(birth, Date{2023, 2, 28}) == 22);
  CHECK(pc::ageAt(birth, Date{2023, 3, 1}) == 23);
  CHECK(pc::ageAt(birth, Date{2024, 2, 28}) == 23);
  CHECK(pc::ageAt(birth, Date{2024, 2, 29}) == 24);
  CHECK(pc::ageAt(birth, Date{2100, 2, 28}) == 99);  // 2100 is not a leap year
  CHECK(pc::ageAt(birth, Date{2100, 3, 1}) == 100);
}

TEST_CASE("formatIsoDate pads to yyyy-mm-dd") {
  CHECK(pc::formatIsoDate(Date{1970, 3, 1}) == "1970-03-01");
  CHECK(pc::formatIsoDate(Date{2024, 12, 31}) == "2024-12-31");
  CHECK(pc::formatIsoDate(Date{987, 1, 2}) == "0987-01-02");
}

TEST_CASE("formatWareki writes kanji 和暦 with 元年 and era boundaries") {
  CHECK(wareki(1970, 3, 1) == "昭和45年3月1日");
  CHECK(wareki(2020, 10, 19) == "令和2年10月19日");
  CHECK(wareki(1873, 1, 1) == "明治6年1月1日");
  CHECK(wareki(1872, 12, 31) == "none");
  CHECK(wareki(1912, 7, 29) == "明治45年7月29日");
  CHECK(wareki(1912, 7, 30) == "大正元年7月30日");
  CHECK(wareki(1926, 12, 24) == "大正15年12月24日");
  CHECK(wareki(1926, 12, 25) == "昭和元年12月25日");
  CHECK(wareki(1989, 1, 7) == "昭和64年1月7日");
  CHECK(wareki(1989, 1, 8) == "平成元年1月8日");
  CHECK(wareki(2019, 4, 30) == "平成31年4月30日");
  CHECK(wareki(2019, 5, 1) == "令和元年5月1日");
  CHECK(wareki(2023, 2, 29) == "none");
}

TEST_CASE("formatWareki and parseDate round-trip every day from 1873 to 2030") {
  int days = 0;
  for (Date d{1873, 1, 1}; d.year <= 2030; d = nextDay(d)) {
    const std::optional<std::string> w = pc::formatWareki(d);
    REQUIRE(w.has_value());
    const std::optional<Date> back = pc::parseDate(*w);
    if (!back || *back != d)
      FAIL_CHECK("round trip failed for " << pc::formatIsoDate(d) << " " << *w);
    const std::optional<Date> iso = pc::parseDate(pc::formatIsoDate(d));
    if (!iso || *iso != d) FAIL_CHECK("ISO round trip failed for " << pc::formatIsoDate(d));
    ++days;
  }
  CHECK(days == 57708);  // 1873-01-01 .. 2030-12-31 inclusive
}

TEST_CASE("GYYMMDD round-trips every day from 1873 to 2030") {
  // Era code and year from the kanji form, then the 7-digit receipt form built from them.
  const std::string names[5] = {"明治", "大正", "昭和", "平成", "令和"};
  int checked = 0;
  for (Date d{1873, 1, 1}; d.year <= 2030; d = nextDay(d)) {
    const std::string w = pc::formatWareki(d).value_or("");
    int code = 0;
    for (int i = 0; i < 5; ++i) {
      if (w.compare(0, names[i].size(), names[i]) == 0) code = i + 1;
    }
    REQUIRE(code != 0);
    const std::string rest = w.substr(names[code - 1].size());
    const int eraYear = rest.compare(0, 3, "元") == 0 ? 1 : std::stoi(rest);
    const std::string receipt = std::to_string(code) + pad2(eraYear) + pad2(d.month) + pad2(d.day);
    const std::optional<Date> back = pc::parseDate(receipt);
    if (!back || *back != d)
      FAIL_CHECK("GYYMMDD failed for " << pc::formatIsoDate(d) << " " << receipt);
    ++checked;
  }
  CHECK(checked == 57708);
}
