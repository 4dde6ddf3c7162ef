// Files in, files out: every encoding reads back to the same table, and bad bytes say where.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "csv.h"
#include "encoding.h"
#include "error.h"
#include "fixtures.h"
#include "pipeline.h"
#include "recipe.h"

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
      // Handing the bytes over (they are let go once decoded) reads the same table.
      const pc::LoadedTable handed = pc::loadTableFrom(bytes);
      CHECK(handed.encoding == encoding);
      CHECK(cells(handed.table) == cells(*table));
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

TEST_CASE("a table run once, its dropped columns emptied first, gives the same file and report") {
  const pc::LoadedTable loaded = pc::loadTable(pc::test::readFixture("city-200.csv"));
  pc::Recipe recipe = pc::suggestRecipe(loaded, "2026-04-01");
  recipe.seed = 2024;
  recipe.hasSeed = true;
  REQUIRE_FALSE(recipe.drop.empty());
  const pc::SynthResult kept = pc::synthesizeTable(loaded, recipe);
  pc::LoadedTable copy = loaded;
  const pc::SynthResult once = pc::synthesizeTable(std::move(copy), recipe);
  CHECK(once.bytes == kept.bytes);
  CHECK(once.summaryJson == kept.summaryJson);
  // The kept table still has its identifiers, for another run.
  CHECK_FALSE(loaded.table.columns[static_cast<std::size_t>(loaded.table.indexOf(recipe.drop[0]))]
                  .at(0)
                  .empty());
}

TEST_CASE("a kept table lets dropped columns go; a later run that keeps one asks for the file") {
  pc::LoadedTable kept = pc::loadTable(pc::test::readFixture("city-200.csv"));
  const pc::LoadedTable fresh = kept;
  pc::Recipe recipe = pc::suggestRecipe(kept, "2026-04-01");
  recipe.seed = 7;
  recipe.hasSeed = true;
  REQUIRE(std::find(recipe.drop.begin(), recipe.drop.end(), "氏名") != recipe.drop.end());
  const pc::SynthResult first = pc::synthesizeKept(kept, recipe);
  CHECK(first.bytes == pc::synthesizeTable(fresh, recipe).bytes);
  CHECK(std::find(kept.cleared.begin(), kept.cleared.end(), "氏名") != kept.cleared.end());
  CHECK(kept.table.columns[static_cast<std::size_t>(kept.table.indexOf("氏名"))].at(0).empty());
  // The same recipe again: the same file.
  CHECK(pc::synthesizeKept(kept, recipe).bytes == first.bytes);
  // Keeping the name now needs the file again.
  pc::Recipe keepName = recipe;
  keepName.drop.erase(std::find(keepName.drop.begin(), keepName.drop.end(), "氏名"));
  bool found = false;
  for (auto& [name, rule] : keepName.columns) {
    if (name != "氏名") continue;
    rule = pc::ColumnRule{};
    rule.role = "category";
    found = true;
  }
  if (!found) {
    pc::ColumnRule rule;
    rule.role = "category";
    keepName.columns.emplace_back("氏名", rule);
  }
  try {
    pc::synthesizeKept(kept, keepName);
    FAIL("a cleared column was read");
  } catch (const pc::InputError& e) {
    CHECK(e.code() == "state.reload");
  }
  pc::LoadedTable again = fresh;
  const pc::SynthResult withName = pc::synthesizeKept(again, keepName);
  CHECK(withName.bytes == pc::synthesizeTable(fresh, keepName).bytes);
}

TEST_CASE("the delimiter a file was read with is in the resolved recipe, and a recipe can fix it") {
  // Sniffing takes "," (every line has two of each); the file is ';'-separated.
  std::string text = "地区;年齢;所見（血圧,脂質,血糖）\n";
  for (int r = 0; r < 12; ++r)
    text += std::string(r % 2 ? "北" : "南") + ";" + std::to_string(30 + r) + ";正,高,正\n";
  pc::Recipe recipe = pc::parseRecipe(R"({"version": 2, "cluster": ["地区"], "seed": 3,
    "minClusterSize": 3, "inputDelimiter": ";",
    "columns": {"年齢": {"role": "number"}, "所見（血圧,脂質,血糖）": {"role": "category"}}})");
  const pc::SynthResult result = pc::synthesize(text, recipe);
  CHECK(result.resolved.inputDelimiter == ";");
  const pc::Table out = pc::readCsv(result.bytes);
  CHECK(out.names == std::vector<std::string>{"地区", "年齢", "所見（血圧,脂質,血糖）"});
  // Written with the recipe, read back: the same delimiter, the same file.
  const pc::Recipe again = pc::parseRecipe(pc::recipeToJson(result.resolved));
  CHECK(pc::synthesize(text, again).bytes == result.bytes);
  // Left to sniffing, the same bytes are read as ','-separated: a different table.
  recipe.inputDelimiter = "auto";
  CHECK_THROWS_AS(pc::synthesize(text, recipe), pc::InputError);
}

TEST_CASE("Excel's \"Unicode テキスト\" (UTF-16LE with BOM, tab-separated) is read like any file") {
  // UTF-16LE of UTF-8 text, with surrogate pairs, written here independently of the decoder.
  auto utf16le = [](const std::string& utf8) {
    std::string out = "\xFF\xFE";
    auto unit = [&](unsigned u) {
      out += static_cast<char>(u & 0xFF);
      out += static_cast<char>(u >> 8);
    };
    for (std::size_t i = 0; i < utf8.size();) {
      const auto b = static_cast<unsigned char>(utf8[i]);
      const std::size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      unsigned cp = len == 1 ? b : len == 2 ? (b & 0x1Fu) : len == 3 ? (b & 0x0Fu) : (b & 0x07u);
      for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (utf8[i + k] & 0x3Fu);
      if (cp >= 0x10000) {
        unit(0xD800 + ((cp - 0x10000) >> 10));
        unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
      } else {
        unit(cp);
      }
      i += len;
    }
    return out;
  };
  const std::string text =
      "住民番号\t氏名\t性別\t生年月日\t中学校区\t備考\r\n"
      "1\t山田　太郎\t男\t昭和45年3月1日\t北中学校区\t\"要連絡\r\n(家族と同居)\"\r\n"
      "2\t𠮷野　花子\t女\tH2.4.1\t南中学校区\t\r\n"
      "3\t髙橋　一郎\t男\t令和元年5月1日\t北中学校区\t\"電話は\"\"夕方\"\"に\"\r\n";
  const std::vector<std::vector<std::string>> want = {
      {"住民番号", "氏名", "性別", "生年月日", "中学校区", "備考"},
      {"1", "山田　太郎", "男", "昭和45年3月1日", "北中学校区", "要連絡\r\n(家族と同居)"},
      {"2", "𠮷野　花子", "女", "H2.4.1", "南中学校区", ""},
      {"3", "髙橋　一郎", "男", "令和元年5月1日", "北中学校区", "電話は\"夕方\"に"},
  };
  const std::string bytes = utf16le(text);
  const pc::LoadedTable loaded = pc::loadTable(bytes);
  CHECK(loaded.encoding == pc::Encoding::Utf16Le);
  CHECK(loaded.delimiter == '\t');
  CHECK(cells(loaded.table) == want);
  const std::vector<pc::RoleSuggestion> roles = pc::suggestRoles(loaded.table);
  REQUIRE(roles.size() == 6);
  CHECK(roles[3].type == "date");
  CHECK(roles[3].role == "date-to-age");
  CHECK(pc::inspectJson(loaded, "2026-04-01").find("\"encoding\":\"utf-16le\"") !=
        std::string::npos);

  // Chosen by name, or chosen wrongly: the BOM decides, and the table is the same.
  for (const char* name : {"utf-16", "unicode", "utf-16le", "shift_jis", "utf-8"}) {
    CAPTURE(name);
    const pc::LoadedTable again = pc::loadTable(bytes, name);
    CHECK(again.encoding == pc::Encoding::Utf16Le);
    CHECK(cells(again.table) == want);
  }
  // Without its BOM it is still recognised, by the zero bytes of the tabs and digits.
  const pc::LoadedTable bare = pc::loadTable(bytes.substr(2));
  CHECK(bare.encoding == pc::Encoding::Utf16Le);
  CHECK(cells(bare.table) == want);
  // Cut in the middle of 𠮷: the error names the byte and the line.
  const std::size_t cut = bytes.find("\x42\xD8");  // high surrogate of U+20BB7, little-endian
  REQUIRE(cut != std::string::npos);
  try {
    pc::loadTable(bytes.substr(0, cut + 2) + bytes.substr(cut + 4));
    FAIL("no error");
  } catch (const pc::InputError& e) {
    CHECK(e.code() == "encoding.invalid");
    CHECK(e.where().line == 4);
    CHECK(e.en().find("at byte " + std::to_string(cut + 1) + " ") != std::string::npos);
  }
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
