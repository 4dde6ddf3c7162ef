// The report's aggregates (G3) on tables small enough to check by hand.
#include <doctest/doctest.h>

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "csv.h"
#include "recipe.h"
#include "report.h"

namespace {

pc::Recipe tinyRecipe() {
  pc::Recipe recipe;
  recipe.cluster = {"区"};
  recipe.columns = {{"区", {"cluster", "", {}, {}, ""}},
                    {"性別", {"category", "swap", {}, {}, ""}},
                    {"費用", {"number", "swap-noise", 1.0, {}, ""}}};
  return recipe;
}

/// The released label of each input row, as the engine gives it.
pc::TextColumn labelColumn(std::initializer_list<std::string_view> labels) {
  pc::TextColumn column;
  for (const std::string_view label : labels) column.push(label);
  return column;
}

}  // namespace

TEST_CASE("aggregates by hand: counts, sums, means, sds and their match flags") {
  // 北: 費用 10, 20, 30 (sum 60, mean 20, population sd sqrt(200/3) = 8.1650).
  // 南: 費用 5, blank (n 1, sum 5). The pseudo 北 keeps n and sum (12 + 18 + 30 = 60) and its sd,
  // sqrt(((12-20)² + (18-20)² + 10²)/3) = sqrt(168/3) = 7.4833, is 0.68 away: within one unit.
  const pc::Table original =
      pc::readCsv("区,性別,費用\n北,男,10\n北,女,20\n北,女,30\n南,男,5\n南,男,\n");
  const pc::Table pseudo =
      pc::readCsv("区,性別,費用\n北,女,12\n南,男,\n北,男,18\n南,男,5\n北,女,30\n");
  const pc::TextColumn labels = labelColumn({"北", "北", "北", "南", "南"});
  const auto doc =
      nlohmann::json::parse(pc::aggregateReportJson(original, labels, pseudo, tinyRecipe()));
  REQUIRE(doc["clusters"].size() == 2);
  const auto& north = doc["clusters"][0]["label"] == "北" ? doc["clusters"][0] : doc["clusters"][1];
  const auto& south = doc["clusters"][0]["label"] == "南" ? doc["clusters"][0] : doc["clusters"][1];
  CHECK(north["rows"]["original"] == 3);
  CHECK(north["rows"]["match"] == true);
  const auto& sex = north["columns"][0];
  CHECK(sex["name"] == "性別");
  CHECK(sex["counts"][0]["value"] == "女");
  CHECK(sex["counts"][0]["original"] == 2);
  CHECK(sex["match"] == true);
  const auto& cost = north["columns"][1];
  CHECK(cost["original"]["sum"] == 60.0);
  CHECK(cost["original"]["mean"] == 20.0);
  CHECK(cost["original"]["sd"].get<double>() == doctest::Approx(8.16496580927726));
  CHECK(cost["pseudo"]["sd"].get<double>() == doctest::Approx(7.48331477354788));
  CHECK(cost["match"]["sum"] == true);
  CHECK(cost["match"]["sd"] == true);  // 0.68 ≤ one unit
  CHECK(south["columns"][1]["original"]["n"] == 1);
  CHECK(south["columns"][1]["pseudo"]["n"] == 1);
  CHECK(doc["summary"]["failed"] == 0);
  CHECK(doc["summary"]["exact"] == true);
}

TEST_CASE("aggregates by hand: a changed count, sum or sd is flagged, not hidden") {
  const pc::Table original = pc::readCsv("区,性別,費用\n北,男,10\n北,女,20\n北,女,30\n");
  // One 女 became 男 and the sum moved by 1 (the sd by 0.41, within one unit, so that one holds).
  const pc::Table pseudo = pc::readCsv("区,性別,費用\n北,男,10\n北,男,20\n北,女,31\n");
  const auto doc = nlohmann::json::parse(
      pc::aggregateReportJson(original, labelColumn({"北", "北", "北"}), pseudo, tinyRecipe()));
  const auto& north = doc["clusters"][0];
  CHECK(north["columns"][0]["match"] == false);
  CHECK(north["columns"][1]["match"]["sum"] == false);
  CHECK(north["columns"][1]["match"]["n"] == true);
  CHECK(doc["summary"]["exact"] == false);
  CHECK(doc["summary"]["failed"] == 3);  // category counts, sum, mean
  // A suppressed row ("" label) is not counted on the original side.
  const auto partial = nlohmann::json::parse(
      pc::aggregateReportJson(original, labelColumn({"北", "北", ""}), pseudo, tinyRecipe()));
  CHECK(partial["clusters"][0]["rows"]["original"] == 2);
  CHECK(partial["clusters"][0]["rows"]["match"] == false);
}
