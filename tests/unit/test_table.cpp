// Columnar storage (src/table.h): the same cells whatever the layout a column chose.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "csv.h"
#include "table.h"

namespace {

std::vector<std::string> cellsOf(const pc::TextColumn& column) {
  std::vector<std::string> cells;
  for (std::size_t r = 0; r < column.size(); ++r) cells.emplace_back(column.at(r));
  return cells;
}

}  // namespace

TEST_CASE("a column of few distinct values is a dictionary with codes in order of appearance") {
  pc::TextColumn column;
  const std::vector<std::string> cells = {"北中学校区", "南中学校区", "北中学校区", "",
                                          "南中学校区"};
  for (const auto& cell : cells) column.push(cell);
  CHECK(column.isDictionary());
  CHECK(column.size() == 5);
  CHECK(column.dictionarySize() == 3);
  CHECK(column.value(0) == "北中学校区");
  CHECK(column.value(2) == "");
  CHECK(column.code(2) == 0);
  CHECK(column.code(4) == 1);
  CHECK(cellsOf(column) == cells);
  CHECK(column.byteSize() == 4 * 15);
}

TEST_CASE("a cell built in pieces, trimmed, then finished is looked up as a whole") {
  pc::TextColumn column;
  column.push("男");
  column.append("  ");
  column.append("男");
  CHECK(column.pending() == "  男");
  column.trimPending(3 + 2);
  column.append("男");
  column.endCell();
  column.append("女");
  column.endCell();
  CHECK(column.dictionarySize() == 2);
  CHECK(cellsOf(column) == std::vector<std::string>{"男", "男", "女"});
}

TEST_CASE("mostly distinct values turn the column plain after the probe rows, cells unchanged") {
  pc::TextColumn ids, repeated;
  std::vector<std::string> expectedIds, expectedRepeated;
  std::size_t bytes = 0;
  for (std::size_t r = 0; r < 3 * pc::TextColumn::kProbeRows; ++r) {
    expectedIds.push_back("00" + std::to_string(1000003 * r % 9999991));
    expectedRepeated.push_back(std::to_string(r % 97));
    bytes += expectedIds.back().size();
    // The cell arrives in two pieces, as the CSV reader appends it.
    ids.append(std::string_view(expectedIds.back()).substr(0, 3));
    ids.append(std::string_view(expectedIds.back()).substr(3));
    ids.endCell();
    repeated.push(expectedRepeated.back());
    if (r + 1 < pc::TextColumn::kProbeRows) CHECK(ids.isDictionary());
  }
  CHECK_FALSE(ids.isDictionary());
  CHECK(repeated.isDictionary());
  CHECK(repeated.dictionarySize() == 97);
  CHECK(cellsOf(ids) == expectedIds);
  CHECK(cellsOf(repeated) == expectedRepeated);
  CHECK(ids.byteSize() == bytes);
}

TEST_CASE("a dictionary stops at kMaxDictionary distinct values") {
  pc::TextColumn column;
  const std::size_t rows = 4 * pc::TextColumn::kMaxDictionary;
  // Each value twice in a row: never more than half distinct, but more than the limit.
  for (std::size_t r = 0; r < rows; ++r) column.push(std::to_string(r / 2));
  CHECK_FALSE(column.isDictionary());
  REQUIRE(column.size() == rows);
  for (std::size_t r = 0; r < rows; r += 9973) CHECK(column.at(r) == std::to_string(r / 2));
  CHECK(column.at(rows - 1) == std::to_string((rows - 1) / 2));
}

TEST_CASE("the CSV reader gives the same cells in both layouts, quoted and multi-line included") {
  std::string text = "id,district,note\r\n";
  for (int r = 0; r < 10000; ++r) {
    text += std::to_string(100000 + r) + ",";
    text += (r % 3 == 0 ? "\"北, 中学校区\"" : "南中学校区");
    text += r % 1000 == 0 ? ",\"二行の\r\n備考\"\r\n" : ",\r\n";
  }
  const pc::Table table = pc::readCsv(text);
  REQUIRE(table.rows() == 10000);
  CHECK_FALSE(table.columns[0].isDictionary());
  CHECK(table.columns[1].isDictionary());
  CHECK(table.columns[2].isDictionary());
  CHECK(table.columns[0].at(9999) == "109999");
  CHECK(table.columns[1].at(3) == "北, 中学校区");
  CHECK(table.columns[1].at(4) == "南中学校区");
  CHECK(table.columns[2].at(2000) == "二行の\r\n備考");
  CHECK(table.columns[2].at(2001) == "");
  // Written and read again: the same table.
  const pc::Table again = pc::readCsv(pc::writeCsv(table));
  for (std::size_t c = 0; c < 3; ++c) CHECK(cellsOf(again.columns[c]) == cellsOf(table.columns[c]));
}

TEST_CASE("a cleared column keeps its rows, reads empty, and gives its memory back") {
  pc::TextColumn names;
  for (int r = 0; r < 20000; ++r) names.push("住民" + std::to_string(r) + "　太郎");
  REQUIRE_FALSE(names.isDictionary());
  const std::size_t before = names.memoryBytes();
  names.clearCells();
  CHECK(names.size() == 20000);
  CHECK(names.at(0).empty());
  CHECK(names.at(19999).empty());
  CHECK(names.byteSize() == 0);
  CHECK(names.memoryBytes() <= 4 * 20000 + 64);
  CHECK(names.memoryBytes() < before / 3);
  names.push("新");
  CHECK(names.at(20000) == "新");
}
