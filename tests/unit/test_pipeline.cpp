// Files in, files out: every encoding reads back to the same table, and bad bytes say where.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "csv.h"
#include "encoding.h"
#include "error.h"
#include "fixtures.h"
#include "pipeline.h"

namespace {

std::vector<std::vector<std::string>> cells(const pc::Table& t) {
  std::vector<std::vector<std::string>> out{t.names};
  for (std::size_t r = 0; r < t.rows(); ++r) {
    std::vector<std::string> row;
    for (const auto& c : t.columns) row.emplace_back(c.at(r));
    out.push_back(row);
  }
  return out;
}

}  // namespace

TEST_CASE(
    "read → write → read gives the same table in every encoding, awkward characters included") {
  // CP932's awkward ones (～ ∥ － ￠ ￡ ￢ ＼), NEC row 13 (① ㈱ ㍻), IBM extensions (髙 﨑),
  // half-width kana, quotes, delimiters and line breaks inside fields, and the sample city's own
  // columns.
  const std::string text =
      "氏名,住所,備考,記号\r\n"
      "髙橋　﨑子,\"コーポ松,梅 101号\",\"要連絡\r\n(家族)\",～∥－￠￡￢＼\r\n"
      "ｱｲｳ ｶﾀｶﾅ,\"メゾン\"\"さくら\"\"\",①㈱㍻,\r\n";
  const pc::Table original = pc::readCsv(text);
  const pc::Table city = pc::loadTable(pc::test::readFixture("city-200.csv")).table;
  for (const pc::Table* table : {&original, &city}) {
    for (const pc::Encoding encoding :
         {pc::Encoding::Utf8Bom, pc::Encoding::Utf8, pc::Encoding::ShiftJis}) {
      CAPTURE(pc::encodingName(encoding));
      const std::string bytes = pc::encodeTable(*table, encoding);
      const pc::LoadedTable back = pc::loadTable(bytes);  // detected, not told
      CHECK(back.encoding == encoding);
      CHECK(cells(back.table) == cells(*table));
      // Written again, the bytes are the same (CP932 included).
      CHECK(pc::encodeTable(back.table, encoding) == bytes);
    }
  }
}

TEST_CASE("a character Shift_JIS cannot hold names the output row and column") {
  const pc::Table t = pc::readCsv("地区,名前\r\n北,太郎\r\n北,Zoë\r\n");
  try {
    pc::encodeTable(t, pc::Encoding::ShiftJis);
    FAIL("no error");
  } catch (const pc::InputError& e) {
    CHECK(e.code() == "encoding.unmappable");
    CHECK(e.where().line == 3);
    CHECK(e.where().column == 2);
    CHECK(e.ja().find("名前") != std::string::npos);
    CHECK(e.en().find("U+00EB") != std::string::npos);
  }
}

TEST_CASE("bytes that are not the chosen encoding: what and where") {
  std::string bytes = "地区,値\r\n北,1\r\n";
  bytes += "\x82\xA0,2\r\n";  // Shift_JIS あ inside a UTF-8 file
  try {
    pc::loadTable(bytes, "utf-8");
    FAIL("no error");
  } catch (const pc::InputError& e) {
    CHECK(e.code() == "encoding.invalid");
    CHECK(e.where().line == 3);
  }
  // Told nothing, the detector does not guess UTF-8 for it.
  CHECK(pc::detectEncoding(bytes) != pc::Encoding::Utf8);
  CHECK_THROWS_AS(pc::loadTable(bytes), pc::InputError);
}

TEST_CASE("inspect: types, missing counts, roles with reasons, and the suggested recipe") {
  const pc::LoadedTable loaded = pc::loadTable(pc::test::readFixture("city-200.csv"));
  const std::string json = pc::inspectJson(loaded, "2026-04-01", 3);
  CHECK(json.find("\"encoding\":\"utf-8\"") != std::string::npos);
  CHECK(json.find("\"name\":\"住民番号\",\"type\":\"text\"") != std::string::npos);
  CHECK(json.find("\"role\":\"date-to-age\"") != std::string::npos);
  CHECK(json.find("\"cluster\":[\"中学校区\"]") != std::string::npos);
  CHECK(json.find("\"blocks\":[[\"性別\",\"生年月日\"]]") != std::string::npos);
  CHECK(json.find("\"referenceDate\":\"2026-04-01\"") != std::string::npos);
}

TEST_CASE("loadTable: the delimiter can be chosen instead of sniffed") {
  // Three commas in the last field outvote the two semicolons when sniffing.
  const std::string text = "地区;年齢;所見（血圧,脂質,血糖）\n北;34;正,高,正\n南;56;高,正,正\n";
  CHECK(pc::loadTable(text).delimiter == ',');
  CHECK(pc::loadTable(text).table.names.size() == 3);
  const pc::LoadedTable chosen = pc::loadTable(text, "auto", {}, ";");
  CHECK(chosen.delimiter == ';');
  CHECK(cells(chosen.table)[1] == std::vector<std::string>{"北", "34", "正,高,正"});
  CHECK(pc::loadTable(text, "auto", {}, "semicolon").delimiter == ';');
  CHECK(pc::loadTable("a\tb\n1\t2\n", "utf-8", {}, "tab").table.names.size() == 2);
  CHECK(pc::loadTable("a\tb\n1\t2\n", "utf-8", {}, ",").table.names.size() == 1);
  try {
    pc::loadTable(text, "auto", {}, "|");
    FAIL("an unknown delimiter must be an error");
  } catch (const pc::InputError& e) {
    CHECK(e.code() == "delimiter.unknown");
  }
}
