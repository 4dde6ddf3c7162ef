// Column profiles: types, statistics and suggested roles with their reasons (PRODUCT.md step 3,
// G2).
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "csv.h"
#include "fixtures.h"
#include "profile.h"
#include "table.h"

using pc::ColumnProfile;
using pc::ColumnType;
using pc::Role;
using pc::Table;

namespace {

using Column = std::pair<std::string, std::vector<std::string>>;

Table makeTable(const std::vector<Column>& columns) {
  Table t;
  for (const Column& c : columns) {
    t.names.push_back(c.first);
    pc::TextColumn col;
    for (const std::string& cell : c.second) col.push(cell);
    t.columns.push_back(std::move(col));
  }
  return t;
}

/// `values` repeated in turn until there are `n` cells.
std::vector<std::string> cycle(const std::vector<std::string>& values, std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(values[i % values.size()]);
  return out;
}

/// A small deterministic generator (so the tables do not depend on <random>'s distributions).
class Lcg {
 public:
  explicit Lcg(uint32_t seed) : state_(seed) {}
  uint32_t next(uint32_t bound) {
    state_ = state_ * 1664525u + 1013904223u;
    return (state_ >> 8) % bound;
  }

 private:
  uint32_t state_;
};

const ColumnProfile& column(const std::vector<ColumnProfile>& profiles, const std::string& name) {
  for (const ColumnProfile& p : profiles) {
    if (p.name == name) return p;
  }
  FAIL("no column " << name);
  return profiles.front();
}

std::size_t countRole(const std::vector<ColumnProfile>& profiles, Role role) {
  std::size_t n = 0;
  for (const ColumnProfile& p : profiles) n += p.role == role ? 1 : 0;
  return n;
}

/// Profiles a one-column table.
ColumnProfile profileOne(const std::string& name, const std::vector<std::string>& cells) {
  return pc::profileTable(makeTable({{name, cells}})).front();
}

void checkEveryReason(const std::vector<ColumnProfile>& profiles) {
  for (const ColumnProfile& p : profiles) {
    CAPTURE(p.name);
    CHECK_FALSE(p.reasonCode.empty());
    CHECK_FALSE(p.reasonJa.empty());
    CHECK_FALSE(p.reasonEn.empty());
    CHECK(p.reasonJa.back() != ' ');
  }
}

}  // namespace

TEST_CASE("type and role names round-trip") {
  CHECK(std::string(pc::columnTypeName(ColumnType::Integer)) == "integer");
  CHECK(std::string(pc::columnTypeName(ColumnType::Decimal)) == "decimal");
  CHECK(std::string(pc::columnTypeName(ColumnType::Date)) == "date");
  CHECK(std::string(pc::columnTypeName(ColumnType::Category)) == "category");
  CHECK(std::string(pc::columnTypeName(ColumnType::Text)) == "text");
  CHECK(std::string(pc::columnTypeName(ColumnType::Empty)) == "empty");
  for (Role r : {Role::Drop, Role::Cluster, Role::Category, Role::Number, Role::DateToAge}) {
    CHECK(pc::parseRoleName(pc::roleName(r)) == r);
  }
  CHECK(std::string(pc::roleName(Role::DateToAge)) == "date-to-age");
  CHECK_FALSE(pc::parseRoleName("Drop").has_value());
  CHECK_FALSE(pc::parseRoleName("").has_value());
  CHECK_FALSE(pc::parseRoleName("date_to_age").has_value());
}

TEST_CASE("the generated city (tests/fixtures/city-200.csv): every column's type and role") {
  const Table t = pc::readCsv(pc::test::readFixture("city-200.csv"));
  REQUIRE(t.rows() == 200);
  const std::vector<ColumnProfile> p = pc::profileTable(t);
  REQUIRE(p.size() == 14);
  checkEveryReason(p);

  struct Expected {
    const char* name;
    ColumnType type;
    Role role;
  };
  const Expected expected[] = {
      {"住民番号", ColumnType::Text, Role::Drop},
      {"氏名", ColumnType::Text, Role::Drop},
      {"フリガナ", ColumnType::Text, Role::Drop},
      {"生年月日", ColumnType::Date, Role::DateToAge},
      {"性別", ColumnType::Category, Role::Category},
      {"住所", ColumnType::Text, Role::Drop},
      {"中学校区", ColumnType::Category, Role::Cluster},
      {"世帯人数", ColumnType::Integer, Role::Number},
      {"要介護度", ColumnType::Category, Role::Category},
      {"医療費年額", ColumnType::Integer, Role::Number},
      {"BMI", ColumnType::Decimal, Role::Number},
      {"収縮期血圧", ColumnType::Integer, Role::Number},
      {"HbA1c", ColumnType::Decimal, Role::Number},
      {"備考", ColumnType::Text, Role::Drop},
  };
  for (std::size_t i = 0; i < 14; ++i) {
    CAPTURE(expected[i].name);
    CHECK(p[i].name == expected[i].name);
    CHECK(pc::columnTypeName(p[i].type) == std::string(pc::columnTypeName(expected[i].type)));
    CHECK(pc::roleName(p[i].role) == std::string(pc::roleName(expected[i].role)));
  }
  CHECK(column(p, "住民番号").reasonCode == "header-id");
  CHECK(column(p, "氏名").reasonCode == "header-name");
  CHECK(column(p, "氏名").reasonEn ==
        "The header \"氏名\" names a person, which identifies them "
        "directly, so it is dropped.");
  CHECK(column(p, "氏名").reasonJa ==
        "見出し「氏名」は氏名を表し、個人を直接特定できるため、除外します。");
  CHECK(column(p, "フリガナ").reasonCode == "header-reading");
  CHECK(column(p, "住所").reasonCode == "header-address");
  CHECK(column(p, "備考").reasonCode == "header-note");
  CHECK(column(p, "生年月日").reasonCode == "date-birth");
  CHECK(column(p, "中学校区").distinct == 15);
  CHECK(column(p, "中学校区").reasonEn ==
        "The header \"中学校区\" names an area with 15 values: used as the cluster key.");
  CHECK(column(p, "性別").distinct == 2);
  CHECK(column(p, "住民番号").distinct == 200);
  CHECK(column(p, "BMI").scale == 1);
  CHECK(column(p, "HbA1c").scale == 1);
  CHECK(column(p, "医療費年額").scale == 0);
  CHECK(column(p, "医療費年額").nonNegative);
  CHECK(column(p, "世帯人数").nonNegative);
  CHECK_FALSE(column(p, "性別").nonNegative);  // not numeric
  // Health checkups cover only part of the city: the blanks are counted as missing.
  CHECK(column(p, "BMI").missing == 142);
  CHECK(column(p, "HbA1c").missing == 142);
  CHECK(column(p, "収縮期血圧").missing == 142);
  CHECK(column(p, "備考").missing == 194);
  CHECK(column(p, "性別").missing == 0);
  CHECK(countRole(p, Role::Cluster) == 1);
}

TEST_CASE("the generated city without headers: identifiers are still found from the content") {
  Table t = pc::readCsv(pc::test::readFixture("city-200.csv"));
  for (std::size_t i = 0; i < t.names.size(); ++i) t.names[i] = "c" + std::to_string(i + 1);
  const std::vector<ColumnProfile> p = pc::profileTable(t);
  checkEveryReason(p);
  CHECK(p[0].role == Role::Drop);  // 住民番号: codes with leading zeros, one per person
  CHECK(p[0].reasonCode == "id-like");
  CHECK(p[0].reasonEn ==
        "200 distinct codes with leading zeros in 200 rows: an identifying number, so it is "
        "dropped.");
  CHECK(p[1].role == Role::Drop);  // 氏名: text, almost one per person
  CHECK(p[2].role == Role::Drop);  // フリガナ
  CHECK(p[3].role == Role::DateToAge);
  CHECK(p[3].reasonCode == "date");
  CHECK(p[5].role == Role::Drop);  // 住所
  CHECK(p[5].reasonCode == "content-address");
  CHECK(p[5].reasonEn ==
        "100% of the values (200) look like street addresses, which lead "
        "directly to a person, so it is dropped.");
  CHECK(p[6].role == Role::Cluster);  // …中学校区 values
  CHECK(p[13].role == Role::Drop);    // 備考
  CHECK(p[4].role == Role::Category);
  CHECK(p[9].role == Role::Number);
}

TEST_CASE("adult.csv: age is a number, everything else a category, nothing dropped") {
  const Table t = pc::readCsv(pc::test::readFixture("reference/adult.csv"));
  const std::vector<ColumnProfile> p = pc::profileTable(t);
  REQUIRE(p.size() == 9);
  checkEveryReason(p);
  for (const ColumnProfile& c : p) {
    CAPTURE(c.name);
    CHECK(c.missing == 0);
    if (c.name == "age") {
      CHECK(c.type == ColumnType::Integer);
      CHECK(c.role == Role::Number);
      CHECK(c.nonNegative);
    } else {
      CHECK(c.type == ColumnType::Category);
      CHECK(c.role == Role::Category);
    }
  }
  CHECK(countRole(p, Role::Drop) == 0);
  CHECK(countRole(p, Role::Cluster) == 0);
  CHECK(column(p, "sex").distinct == 2);
  CHECK(column(p, "native-country").distinct == 41);
}

TEST_CASE("a hand-made register: 和暦, full-width digits, yen amounts, multi-line notes") {
  const std::vector<std::string> surnames = {"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺",
                                             "山本", "中村", "小林", "加藤", "吉田", "山田"};
  const std::vector<std::string> given = {"太郎", "花子", "一郎", "裕子", "健",   "さくら",
                                          "翔",   "美咲", "大輔", "陽菜", "悠人", "結衣"};
  const std::vector<std::string> districts = {"東中学校区", "西中学校区",     "南中学校区",
                                              "北中学校区", "桜が丘中学校区", "研究学園中学校区"};
  const std::vector<std::string> wards = {"第1行政区", "第2行政区", "第3行政区", "第4行政区"};
  const std::vector<std::string> care = {"非該当",  "非該当",  "非該当",  "要支援1", "要支援2",
                                         "要介護1", "要介護2", "要介護3", "要介護4", "要介護5"};
  const std::vector<std::string> towns = {"桜が丘", "吾妻", "竹園", "春日", "並木"};
  const std::vector<std::string> kanji_digits = {"一", "二", "三", "四", "五"};
  const std::vector<std::string> births = {"昭和45年3月1日", "H2.4.1",         "1950-07-12",
                                           "S20.8.15",       "平成元年1月8日", "R2/10/19",
                                           "1988/2/29",      "昭和64年1月7日"};
  const std::size_t n = 400;
  Lcg rng(7);
  std::vector<Column> cols = {
      {"住民番号", {}},   {"氏名", {}},     {"ﾌﾘｶﾞﾅ", {}},      {"生年月日", {}}, {"性別", {}},
      {"住所", {}},       {"中学校区", {}}, {"行政区", {}},     {"世帯人数", {}}, {"要介護度", {}},
      {"医療費年額", {}}, {"BMI", {}},      {"収縮期血圧", {}}, {"HbA1c", {}},    {"特記事項", {}}};
  for (std::size_t i = 0; i < n; ++i) {
    std::string id = std::to_string(10700000 + i * 37);
    cols[0].second.push_back("00" + id);
    cols[1].second.push_back(surnames[rng.next(12)] + "\u3000" + given[rng.next(12)]);
    cols[2].second.push_back("ｻﾄｳ ﾀﾛｳ");
    cols[3].second.push_back(births[i % births.size()]);
    cols[4].second.push_back(rng.next(2) ? "男" : "女");
    cols[5].second.push_back("茨城県つくし市" + towns[rng.next(5)] + kanji_digits[rng.next(5)] +
                             "丁目" + std::to_string(1 + rng.next(30)) + "番" +
                             std::to_string(1 + rng.next(20)) + "号");
    cols[6].second.push_back(districts[rng.next(6)]);
    cols[7].second.push_back(wards[rng.next(4)]);
    cols[8].second.push_back(i % 10 == 0 ? "３" : std::to_string(1 + rng.next(6)));  // full width
    cols[9].second.push_back(care[rng.next(10)]);
    const uint32_t thousands = 1 + rng.next(998);
    const uint32_t units = rng.next(1000);
    const std::string yen = std::to_string(thousands) +
                            (units < 10    ? ",00"
                             : units < 100 ? ",0"
                                           : ",") +
                            std::to_string(units);
    cols[10].second.push_back(i % 7 == 0 ? "¥" + yen : std::to_string(thousands * 1000 + units));
    const bool screened = rng.next(3) == 0;
    cols[11].second.push_back(
        screened ? std::to_string(17 + rng.next(15)) + "." + std::to_string(rng.next(10)) : "");
    cols[12].second.push_back(screened ? std::to_string(100 + rng.next(60)) : "-");
    cols[13].second.push_back(screened ? "5." + std::to_string(rng.next(10)) : "NA");
    cols[14].second.push_back(i % 50 == 0 ? "独居\n近隣に長女" : "");
  }
  const std::vector<ColumnProfile> p = pc::profileTable(makeTable(cols));
  checkEveryReason(p);
  CHECK(column(p, "住民番号").role == Role::Drop);
  CHECK(column(p, "氏名").role == Role::Drop);
  CHECK(column(p, "ﾌﾘｶﾞﾅ").role == Role::Drop);
  CHECK(column(p, "ﾌﾘｶﾞﾅ").reasonCode == "header-reading");
  CHECK(column(p, "生年月日").type == ColumnType::Date);
  CHECK(column(p, "生年月日").role == Role::DateToAge);
  CHECK(column(p, "住所").role == Role::Drop);
  CHECK(column(p, "特記事項").role == Role::Drop);
  CHECK(column(p, "中学校区").role == Role::Cluster);
  CHECK(column(p, "行政区").role == Role::Category);  // an area, but not the best one
  CHECK(column(p, "行政区").reasonCode == "area-other");
  CHECK(column(p, "行政区").reasonEn ==
        "Names an area, but \"中学校区\" is the cluster key, so it is kept as a category.");
  CHECK(column(p, "性別").role == Role::Category);
  CHECK(column(p, "要介護度").role == Role::Category);
  CHECK(column(p, "世帯人数").type == ColumnType::Integer);
  CHECK(column(p, "世帯人数").role == Role::Number);
  CHECK(column(p, "医療費年額").type == ColumnType::Integer);
  CHECK(column(p, "医療費年額").role == Role::Number);
  CHECK(column(p, "医療費年額").nonNegative);
  CHECK(column(p, "BMI").type == ColumnType::Decimal);
  CHECK(column(p, "BMI").scale == 1);
  CHECK(column(p, "HbA1c").scale == 1);
  CHECK(column(p, "収縮期血圧").type == ColumnType::Integer);
  // Blank, "-" and "NA" are all missing and counted alike.
  const std::size_t unscreened = column(p, "BMI").missing;
  CHECK(unscreened > 200);
  CHECK(column(p, "収縮期血圧").missing == unscreened);
  CHECK(column(p, "HbA1c").missing == unscreened);
  CHECK(countRole(p, Role::Cluster) == 1);
}

TEST_CASE("identifier headers: Japanese, kana in both widths, English; and near misses") {
  const std::vector<std::string> ab = cycle({"A", "B"}, 40);
  const std::vector<std::string> drop_headers = {
      "住民番号",      "宛名番号",   "個人番号",     "被保険者番号", "氏名",
      "名前",          "姓",         "名",           "姓（カナ）",   "名(漢字)",
      "フリガナ",      "ﾌﾘｶﾞﾅ",      "カナ氏名",     "ふりがな",     "ｼﾒｲ",
      "しめい",        "住所",       "所在地",       "番地",         "電話番号",
      "TEL",           "ＴＥＬ",     "携帯",         "ﾃﾞﾝﾜ",         "メールアドレス",
      "e-mail",        "E-Mail",     "備考",         "メモ",         "特記事項",
      "ビコウ",        "世帯主名",   "申請者氏名",   "郵便番号",     "〒",
      "緯度",          "Name",       "full_name",    "firstName",    "Address",
      "address_line1", "Phone",      "phone_number", "E-mail",       "email",
      "resident_id",   "residentId", "ID",           "ＩＤ",         "USERID",
      "利用者ID",      "note",       "Remarks",      "zip",          "No.",
      "宛名コード",    "latitude"};
  for (const std::string& h : drop_headers) {
    CAPTURE(h);
    const ColumnProfile c = profileOne(h, ab);
    CHECK(c.role == Role::Drop);
    CHECK(c.reasonCode.rfind("header-", 0) == 0);
    CHECK(c.reasonJa.find("見出し「" + h + "」") == 0);
  }
  CHECK(profileOne("ＴＥＬ", ab).reasonCode == "header-phone");
  CHECK(profileOne("ｼﾒｲ", ab).reasonCode == "header-name");
  CHECK(profileOne("E-mail", ab).reasonCode == "header-email");
  CHECK(profileOne("resident_id", ab).reasonCode == "header-id");
  CHECK(profileOne("Address", ab).reasonEn ==
        "The header \"Address\" names an address, which identifies a person directly, so it is "
        "dropped.");

  // Not identifiers: area and facility names, counts, words that merely contain "id" or "name".
  const std::vector<std::string> keep_headers = {
      "地区名",        "校区名",      "施設名",         "世帯人数",   "valid",   "paid_amount",
      "district_name", "school_name", "Identity_check", "width",      "sex",     "性別",
      "要介護度",      "年齢",        "サービス種類",   "住所地特例", "所見有無"};
  for (const std::string& h : keep_headers) {
    CAPTURE(h);
    CHECK(profileOne(h, ab).role != Role::Drop);
  }
  const ColumnProfile household = profileOne("世帯人数", cycle({"1", "2", "3", "4", "2"}, 40));
  CHECK(household.role == Role::Number);
}

TEST_CASE("identifiers found from the content alone") {
  const std::size_t n = 60;
  std::vector<std::string> phones, mails, addresses, postal, mixed;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string k = std::to_string(1000 + i);
    phones.push_back(i % 3 == 0   ? "029-8" + std::to_string(10 + i % 90) + "-" + k
                     : i % 3 == 1 ? "090" + k + "5" + k.substr(0, 3)
                                  : "０３－" + k + "－５６７８");
    mails.push_back("user" + k + (i % 2 ? "@example.jp" : "＠mail.example.co.jp"));
    addresses.push_back(i % 2 ? "茨城県つくし市吾妻" + std::to_string(1 + i % 4) + "-" +
                                    std::to_string(i) + "-3"
                              : "つくし市大字中郷" + k + "番地");
    postal.push_back(i % 2 ? "〒305-" + std::to_string(1000 + i)
                           : "305-" + std::to_string(1000 + i));
    mixed.push_back(i % 2 ? "taro" + k + "@example.jp" : "090-1234-" + k);
  }
  const std::vector<ColumnProfile> p = pc::profileTable(makeTable(
      {{"連絡先", phones}, {"col7", mails}, {"x", addresses}, {"y", postal}, {"z", mixed}}));
  checkEveryReason(p);
  CHECK(p[0].role == Role::Drop);
  CHECK(p[0].reasonCode == "content-phone");
  CHECK(p[0].reasonJa ==
        "値の 100%（60 件）が電話番号の形をしており、個人に直接つながるため除外します。");
  CHECK(p[1].role == Role::Drop);
  CHECK(p[1].reasonCode == "content-email");
  CHECK(p[2].role == Role::Drop);
  CHECK(p[2].reasonCode == "content-address");
  CHECK(p[3].role == Role::Drop);
  CHECK(p[3].reasonCode == "content-postal");
  CHECK(p[4].role == Role::Drop);
  CHECK(p[4].reasonCode == "content-contact");

  // A minority of phone-like values in a category does not make it an identifier.
  std::vector<std::string> status = cycle({"在宅", "入院", "施設", "在宅", "在宅"}, 100);
  status[0] = "029-123-4567";
  const ColumnProfile c = profileOne("状況", status);
  CHECK(c.role == Role::Category);
  // Phone numbers written without separators; 00… is not a phone number (a resident number is).
  CHECK(profileOne("k", cycle({"09012345678", "0298123456"}, 40)).reasonCode == "content-phone");
  CHECK(profileOne("k", cycle({"0012345678", "0023456789"}, 40)).reasonCode == "category-code");
}

TEST_CASE("8-digit dates and 8-digit yen amounts") {
  // A date header makes yyyymmdd (and the レセ電 GYYMMDD) dates.
  const ColumnProfile accepted = profileOne("受付日", {"20240301", "20231115", "20240229", ""});
  CHECK(accepted.type == ColumnType::Date);
  CHECK(accepted.role == Role::DateToAge);
  CHECK(accepted.missing == 1);
  const ColumnProfile receipt = profileOne("生年月日", {"3450301", "4020401", "5010501"});
  CHECK(receipt.type == ColumnType::Date);
  CHECK(receipt.reasonCode == "date-birth");

  // Amounts are not dates, even at 8 digits.
  std::vector<std::string> amounts;
  Lcg rng(3);
  for (int i = 0; i < 50; ++i) amounts.push_back(std::to_string(10000000 + rng.next(89999999)));
  const ColumnProfile yen = profileOne("医療費", amounts);
  CHECK(yen.type == ColumnType::Integer);
  CHECK(yen.role == Role::Number);
  const ColumnProfile small = profileOne("金額", {"20000", "20240301", "19700301", "350000"});
  CHECK(small.type == ColumnType::Integer);
  // Even values that all happen to be valid days are amounts when there are few and no date header.
  CHECK(profileOne("v", {"20240301", "20231115", "19991231"}).type == ColumnType::Integer);

  // Without a header: at least 20 values, all real days in 1868–2100.
  std::vector<std::string> days;
  for (int i = 0; i < 30; ++i) {
    days.push_back(std::to_string(1930 + i * 3) + (i % 2 ? "0115" : "1231"));
  }
  const ColumnProfile plain = profileOne("v", days);
  CHECK(plain.type == ColumnType::Date);
  CHECK(plain.reasonEn ==
        "Every digit-only value is a real date (1930–2017): converted to ages "
        "(whole years) at the reference date.");
  // Separator forms are dates whatever the header says.
  CHECK(profileOne("v", {"1970-03-01", "昭和45年3月1日", "H2.4.1"}).type == ColumnType::Date);
}

TEST_CASE("leading zeros mean codes, not numbers") {
  const ColumnProfile district_code = profileOne("k", cycle({"01", "02", "03", "10", "11"}, 100));
  CHECK(district_code.type == ColumnType::Category);
  CHECK(district_code.role == Role::Category);
  CHECK(district_code.reasonCode == "category-code");

  std::vector<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.push_back("000" + std::to_string(12345 + i * 7));
  ids[5] = ids[6];  // a repeated code: still near-unique
  const ColumnProfile id = profileOne("k", ids);
  CHECK(id.type == ColumnType::Text);
  CHECK(id.role == Role::Drop);
  CHECK(id.reasonCode == "id-like");
  CHECK(id.distinct == 99);
  CHECK(id.reasonEn ==
        "99 distinct codes with leading zeros in 100 rows: an identifying number, so it is "
        "dropped.");

  // Fixed-length unique numbers without leading zeros are IDs too, unless the header says amount.
  std::vector<std::string> fixed;
  for (int i = 0; i < 50; ++i) fixed.push_back(std::to_string(7100000 + i * 13));
  CHECK(profileOne("k", fixed).reasonCode == "id-like");
  CHECK(profileOne("利用金額", fixed).role == Role::Number);

  // Zero itself and decimals below one are numbers.
  const ColumnProfile zeros = profileOne("v", {"0", "0.5", "10", "0", "1.25"});
  CHECK(zeros.type == ColumnType::Decimal);
  CHECK(zeros.scale == 2);
}

TEST_CASE("numbers: scale, sign, full-width digits, separators, missing tokens") {
  const ColumnProfile v = profileOne(
      "値", {"1,234", "１２３", "¥5,000", "-", "NA", "不明", "null", "", "N/A", "―", "42円", "7"});
  CHECK(v.type == ColumnType::Integer);
  CHECK(v.missing == 7);
  CHECK(v.distinct == 5);
  CHECK(v.nonNegative);
  CHECK(v.role == Role::Number);

  const ColumnProfile neg = profileOne("差額", {"▲500", "1200", "-3.5", "0.25"});
  CHECK(neg.type == ColumnType::Decimal);
  CHECK(neg.scale == 2);
  CHECK_FALSE(neg.nonNegative);
  CHECK(neg.reasonEn ==
        "Numbers with 2 decimal places: noised while each cluster's sum and mean stay exact.");

  // One unreadable value makes the column text; the reason says how close it was.
  std::vector<std::string> bmi;
  for (int i = 0; i < 199; ++i)
    bmi.push_back(std::to_string(15 + i / 10) + "." + std::to_string(i % 10));
  bmi.push_back("測定不能");
  const ColumnProfile almost = profileOne("BMI", bmi);
  CHECK(almost.type == ColumnType::Text);
  CHECK(almost.role == Role::Drop);
  CHECK(almost.reasonCode == "almost-number");
  CHECK(almost.reasonJa.find("値の 99% は数値ですが 1 件が") == 0);
  // With few distinct values it stays a category, and the reason still says why.
  std::vector<std::string> level = cycle({"1", "2", "3", "4"}, 99);
  level.push_back("測定不能");
  const ColumnProfile few = profileOne("段階", level);
  CHECK(few.type == ColumnType::Category);
  CHECK(few.role == Role::Category);
  CHECK(few.reasonCode == "almost-number");
  CHECK(few.reasonEn ==
        "99% of the values are numbers but 1 is not, so it is kept as a category "
        "with 5 values (fix those values to use it as a number).");

  // Codes and flags are categories, not amounts.
  CHECK(profileOne("性別", cycle({"1", "2", "1"}, 30)).reasonCode == "category-code");
  CHECK(profileOne("要介護度", cycle({"0", "1", "2", "3", "4", "5"}, 60)).role == Role::Category);
  CHECK(profileOne("v", cycle({"0", "1"}, 30)).reasonCode == "category-flag");
  CHECK(profileOne("v", cycle({"3"}, 30)).reasonCode == "constant");
}

TEST_CASE("free text, near-unique text and empty columns") {
  std::vector<std::string> notes = cycle({"", "", "", "要連絡\n(家族)", "車椅子利用"}, 100);
  const ColumnProfile multi = profileOne("v", notes);
  CHECK(multi.role == Role::Drop);
  CHECK(multi.reasonCode == "line-breaks");

  // The example of the brief: 19,988 distinct values in 20,000 rows.
  std::vector<std::string> codes;
  for (int i = 0; i < 20000; ++i) codes.push_back("A-" + std::to_string(i < 12 ? 0 : i));
  const ColumnProfile unique = profileOne("v", codes);
  CHECK(unique.distinct == 19989);
  codes[12] = "A-0";
  const ColumnProfile unique2 = profileOne("v", codes);
  CHECK(unique2.distinct == 19988);
  CHECK(unique2.role == Role::Drop);
  CHECK(unique2.reasonCode == "near-unique");
  CHECK(unique2.reasonEn ==
        "19,988 distinct values in 20,000 rows: almost one per person, so it is dropped.");
  CHECK(unique2.reasonJa ==
        "20,000 行中 19,988 種類の値があり、ほぼ一人ずつ異なるため除外します。");

  std::vector<std::string> some = codes;
  for (int i = 0; i < 5000; ++i) some[static_cast<std::size_t>(i)] = "";
  CHECK(profileOne("v", some).reasonEn.find("in 15,000 non-empty rows") != std::string::npos);

  const ColumnProfile long_text = profileOne(
      "v",
      cycle({"日中は独居で近隣の長女が週に二回訪問している",
             "自治会の見守り活動の対象で月一回訪問あり", "通院は家族の送迎で、月に一度の受診が必要",
             "デイサービスを週三回利用している", "耳が遠いため筆談でのやりとりを希望している",
             "転居予定のため郵送物は新住所へ送付する"},
            12));
  CHECK(long_text.type == ColumnType::Text);
  CHECK(long_text.role == Role::Drop);

  const ColumnProfile empty = profileOne("v", {"", "NA", "-", "不明"});
  CHECK(empty.type == ColumnType::Empty);
  CHECK(empty.role == Role::Drop);
  CHECK(empty.missing == 4);
  CHECK(empty.distinct == 0);
}

TEST_CASE("the cluster key: area headers and values, only the best one") {
  const std::vector<std::string> six = cycle({"A", "B", "C", "D", "E", "F"}, 120);
  {
    const std::vector<ColumnProfile> p =
        pc::profileTable(makeTable({{"地区", six}, {"日常生活圏域", six}, {"district", six}}));
    CHECK(p[0].role == Role::Category);
    CHECK(p[1].role == Role::Cluster);  // a daily-life area ranks above 地区
    CHECK(p[2].role == Role::Category);
  }
  {
    const std::vector<ColumnProfile> p =
        pc::profileTable(makeTable({{"district", six}, {"area", six}}));
    CHECK(p[0].role == Role::Cluster);  // a tie goes to the first
    CHECK(p[1].role == Role::Category);
  }
  // District numbers 1–8 are a cluster key, not an amount.
  const ColumnProfile numbered =
      profileOne("地区", cycle({"1", "2", "3", "4", "5", "6", "7", "8"}, 80));
  CHECK(numbered.type == ColumnType::Integer);
  CHECK(numbered.role == Role::Cluster);
  // 地区名 and 校区名 are area names, not person names.
  CHECK(profileOne("地区名", six).role == Role::Cluster);
  CHECK(profileOne("校区名", six).role == Role::Cluster);
  // Too many values for an area: 600 districts in 1,200 rows.
  std::vector<std::string> many;
  for (int i = 0; i < 1200; ++i) many.push_back("地区" + std::to_string(i % 600));
  CHECK(profileOne("地区", many).role != Role::Cluster);
  // No area at all: no cluster.
  CHECK(countRole(pc::profileTable(makeTable({{"性別", six}, {"種別", six}})), Role::Cluster) == 0);
}

TEST_CASE("an empty table and a table without rows") {
  CHECK(pc::profileTable(Table{}).empty());
  Table t;
  t.names = {"氏名", "年齢"};
  t.columns.resize(2);
  const std::vector<ColumnProfile> p = pc::profileTable(t);
  REQUIRE(p.size() == 2);
  CHECK(p[0].type == ColumnType::Empty);
  CHECK(p[1].type == ColumnType::Empty);
  CHECK(p[0].role == Role::Drop);
}
