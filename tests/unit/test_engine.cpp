// The engine: clusters, small clusters (G5), treatments, and the aggregates they keep (G3).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "csv.h"
#include "engine.h"
#include "error.h"
#include "rng.h"
#include "values.h"

namespace {

/// A random city: uneven districts (one tiny), sex, birth date, care level, cost with zeros,
/// BMI with blanks, and a resident number.
std::string randomCity(uint64_t seed, std::size_t rows, std::size_t tiny = 4) {
  pc::Rng rng(seed);
  std::string csv = "番号,地区,性別,生年月日,要介護度,医療費,BMI\n";
  const char* levels[] = {"非該当", "要支援1", "要介護1", "要介護3"};
  for (std::size_t r = 0; r < rows; ++r) {
    const uint64_t d = rng.below(100);
    std::string district = d < 45 ? "北" : d < 75 ? "南" : d < 95 ? "東" : "西";
    if (r < tiny) district = "山";
    const int year = 1930 + static_cast<int>(rng.below(90));
    const int month = 1 + static_cast<int>(rng.below(12));
    const int day = 1 + static_cast<int>(rng.below(28));
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, month, day);
    const uint64_t cost = rng.below(10) == 0 ? 0 : rng.below(2000000);
    std::string bmi;
    if (rng.below(3) != 0) {
      bmi = std::to_string(160 + rng.below(150));  // 16.0 … 30.9
      bmi.insert(bmi.size() - 1, ".");
    }
    csv += std::to_string(1000000 + r) + "," + district + "," + (rng.below(2) ? "男" : "女") + "," +
           date + "," + levels[rng.below(4)] + "," + std::to_string(cost) + "," + bmi + "\n";
  }
  return csv;
}

pc::Recipe cityRecipe(uint64_t seed) {
  pc::Recipe recipe;
  recipe.seed = seed;
  recipe.referenceDate = "2026-04-01";
  recipe.cluster = {"地区"};
  recipe.drop = {"番号"};
  recipe.columns = {{"性別", {"category", "", {}, {}, ""}},
                    {"生年月日", {"date-to-age", "", {}, {}, ""}},
                    {"要介護度", {"category", "", {}, {}, ""}},
                    {"医療費", {"number", "", {}, {}, ""}},
                    {"BMI", {"number", "", {}, {}, ""}}};
  return recipe;
}

pc::Recipe resolve(const pc::Table& table, const pc::Recipe& recipe) {
  return pc::resolveRecipe(table, recipe, std::vector<std::string>(table.names.size(), "category"));
}

struct Aggregates {
  std::map<std::string, std::size_t> rows;
  std::map<std::string, std::size_t> counts;                    // label|column|value
  std::map<std::string, std::pair<std::size_t, int64_t>> sums;  // label|column -> (n, sum units)
  bool operator==(const Aggregates& o) const {
    return rows == o.rows && counts == o.counts && sums == o.sums;
  }
};

int64_t units(std::string_view cell, int scale) {
  const auto d = pc::parseDecimal(cell);
  REQUIRE(d.has_value());
  int64_t u = d->mantissa;
  for (int i = d->scale; i < scale; ++i) u *= 10;
  return u;
}

/// Aggregates of a table by `labelOf(row)`; ages from dates when `dates` is true.
template <typename LabelOf>
Aggregates aggregates(const pc::Table& t, LabelOf labelOf, const std::string& ageColumn,
                      bool dates) {
  Aggregates a;
  const auto col = [&](const std::string& name) {
    return static_cast<std::size_t>(t.indexOf(name));
  };
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const std::string label = labelOf(r);
    if (label.empty()) continue;
    ++a.rows[label];
    for (const char* name : {"性別", "要介護度"})
      ++a.counts[label + "|" + name + "|" + std::string(t.columns[col(name)].at(r))];
    // sex × age joint counts (the block)
    const std::string_view ageCell = t.columns[col(ageColumn)].at(r);
    const int age = dates ? pc::ageAt(*pc::parseDate(ageCell), {2026, 4, 1})
                          : static_cast<int>(units(ageCell, 0));
    ++a.counts[label + "|pyramid|" + std::string(t.columns[col("性別")].at(r)) + "|" +
               std::to_string(age)];
    for (const auto& [name, scale] :
         std::vector<std::pair<std::string, int>>{{"医療費", 0}, {"BMI", 1}}) {
      const std::string_view cell = t.columns[col(name)].at(r);
      if (cell.empty()) continue;
      auto& s = a.sums[label + "|" + name];
      ++s.first;
      s.second += units(cell, scale);
    }
  }
  return a;
}

}  // namespace

TEST_CASE("per-cluster counts, joint counts and sums are exact over many tables and seeds") {
  for (uint64_t trial = 1; trial <= 12; ++trial) {
    CAPTURE(trial);
    const pc::Table in = pc::readCsv(randomCity(trial, 300 + 97 * trial));
    pc::Recipe recipe = cityRecipe(trial * 7919);
    recipe.blocks = {{"性別", "生年月日"}};
    recipe.preset = trial % 3 == 0 ? "strongest" : trial % 3 == 1 ? "standard" : "strong";
    if (trial % 2 == 0)
      recipe.subclusters =
          pc::SubclusterRule{trial % 4 == 0 ? "kmeans" : "mdav", 5, {"生年月日", "要介護度"}};
    const pc::EngineResult out = pc::runEngine(in, resolve(in, recipe));
    // The tiny district (4 rows) was merged, never released alone.
    const auto tiny = std::find_if(out.clusters.begin(), out.clusters.end(),
                                   [](const pc::ClusterOutcome& c) { return c.label == "山"; });
    REQUIRE(tiny != out.clusters.end());
    CHECK(tiny->status == "merged");
    CHECK(out.table.indexOf("番号") < 0);
    CHECK(out.table.indexOf("生年月日") < 0);
    const Aggregates before = aggregates(
        in, [&](std::size_t r) { return std::string(out.releasedLabelOfInputRow.at(r)); }, "生年月日", true);
    const Aggregates after = aggregates(
        out.table, [&](std::size_t r) { return std::string(out.table.columns[0].at(r)); }, "年齢",
        false);
    CHECK(before.rows == after.rows);
    CHECK(before.counts == after.counts);
    CHECK(before.sums == after.sums);
    CHECK(after.rows.count("山") == 0);
    // Costs stay non-negative.
    const auto cost = static_cast<std::size_t>(out.table.indexOf("医療費"));
    for (std::size_t r = 0; r < out.table.rows(); ++r)
      CHECK(out.table.columns[cost].at(r).front() != '-');
    if (trial % 2 == 0) {
      const auto north = std::find_if(out.clusters.begin(), out.clusters.end(),
                                      [](const pc::ClusterOutcome& c) { return c.label == "北"; });
      CHECK(north->subclusters > 1);
    }
  }
}

TEST_CASE("numbers really change, and the same seed gives the same table") {
  const pc::Table in = pc::readCsv(randomCity(5, 800));
  const pc::Recipe recipe = resolve(in, cityRecipe(77));
  const pc::EngineResult a = pc::runEngine(in, recipe);
  const pc::EngineResult b = pc::runEngine(in, recipe);
  CHECK(pc::writeCsv(a.table) == pc::writeCsv(b.table));
  pc::Recipe other = recipe;
  other.seed = 78;
  CHECK(pc::writeCsv(pc::runEngine(in, other).table) != pc::writeCsv(a.table));
  // Most costs are new values, not just moved ones.
  std::map<std::string, int> original;
  const auto cin = static_cast<std::size_t>(in.indexOf("医療費"));
  for (std::size_t r = 0; r < in.rows(); ++r) ++original[std::string(in.columns[cin].at(r))];
  const auto cout_ = static_cast<std::size_t>(a.table.indexOf("医療費"));
  std::size_t same = 0;
  for (std::size_t r = 0; r < a.table.rows(); ++r)
    same += original.count(std::string(a.table.columns[cout_].at(r)));
  CHECK(same < a.table.rows() / 5 + 100);  // the ~10% zeros stay zeros
}

TEST_CASE("zero strength with swapping off returns each cluster's rows unchanged (as a multiset)") {
  const pc::Table in = pc::readCsv(randomCity(9, 400, 0));
  pc::Recipe recipe = cityRecipe(3);
  recipe.minClusterSize = 3;
  for (auto& [name, rule] : recipe.columns) {
    rule.treatment = "keep";
    rule.strength = 0.0;
  }
  recipe.columns[1].second.role = "category";  // keep birth dates as text
  const pc::EngineResult out = pc::runEngine(in, resolve(in, recipe));
  std::multiset<std::string> a, b;
  for (std::size_t r = 0; r < in.rows(); ++r) {
    std::string row;
    for (std::size_t c = 1; c < in.names.size(); ++c) row += std::string(in.columns[c].at(r)) + "|";
    a.insert(row);
  }
  for (std::size_t r = 0; r < out.table.rows(); ++r) {
    std::string row;
    for (std::size_t c = 0; c < out.table.names.size(); ++c)
      row += std::string(out.table.columns[c].at(r)) + "|";
    b.insert(row);
  }
  CHECK(a == b);
}

TEST_CASE("small clusters: suppressed when asked, and the report says why") {
  const pc::Table in = pc::readCsv(randomCity(11, 500));
  pc::Recipe recipe = cityRecipe(5);
  recipe.smallClusters = "suppress";
  const pc::EngineResult out = pc::runEngine(in, resolve(in, recipe));
  CHECK(out.table.rows() == in.rows() - 4);
  const auto tiny = std::find_if(out.clusters.begin(), out.clusters.end(),
                                 [](const pc::ClusterOutcome& c) { return c.label == "山"; });
  CHECK(tiny->status == "suppressed");
  CHECK(tiny->reasonEn.find("fewer than the minimum of 10") != std::string::npos);
  for (std::size_t r = 0; r < 4; ++r) CHECK(out.releasedLabelOfInputRow.at(r).empty());
}

TEST_CASE(
    "the minimum cluster size is never below 3, and a file too small to release is an error") {
  const pc::Table in = pc::readCsv("地区,値\nA,1\nA,2\nB,3\n");
  pc::Recipe recipe;
  recipe.cluster = {"地区"};
  recipe.minClusterSize = 10;
  CHECK_THROWS_WITH_AS(pc::runEngine(in, resolve(in, recipe)),
                       doctest::Contains("no cluster can be released"), pc::InputError);
  CHECK_THROWS_AS(pc::parseRecipe(R"({"version": 2, "minClusterSize": 2})"), pc::InputError);
}

TEST_CASE("values that do not fit their role name the column and the row") {
  const pc::Table in = pc::readCsv("地区,費用\nA,1\nA,2\nA,三\nA,4\n");
  pc::Recipe recipe;
  recipe.cluster = {"地区"};
  recipe.minClusterSize = 3;
  recipe.columns = {{"費用", {"number", "", {}, {}, ""}}};
  try {
    pc::runEngine(in, resolve(in, recipe));
    FAIL("no error");
  } catch (const pc::InputError& e) {
    CHECK(e.en() ==
          "Column \"費用\", data row 3: \"三\" is not a number. Change the column's role or fix "
          "the value.");
    CHECK(e.where().column == 2);
  }
  recipe.columns = {{"費用", {"date-to-age", "", {}, {}, ""}}};
  CHECK_THROWS_WITH_AS(resolve(in, recipe), doctest::Contains("referenceDate"), pc::InputError);
}

TEST_CASE("shuffle keeps each column's values per cluster and most of their correlation") {
  pc::Rng rng(31);
  std::string csv = "地区,身長,体重\n";
  for (int r = 0; r < 600; ++r) {
    const int height = 1400 + static_cast<int>(rng.below(500));
    const int weight = height / 4 - 200 + static_cast<int>(rng.below(60));
    csv += std::string(r % 2 ? "北" : "南") + "," + std::to_string(height) + "," +
           std::to_string(weight) + "\n";
  }
  const pc::Table in = pc::readCsv(csv);
  pc::Recipe recipe;
  recipe.seed = 8;
  recipe.cluster = {"地区"};
  recipe.numericGroups = {{"身長", "体重"}};
  recipe.columns = {{"身長", {"number", "shuffle", {}, {}, ""}},
                    {"体重", {"number", "shuffle", {}, {}, ""}}};
  const pc::EngineResult out = pc::runEngine(in, resolve(in, recipe));
  auto sortedValues = [](const pc::Table& t, const char* column, const char* label) {
    std::vector<std::string> values;
    const auto c = static_cast<std::size_t>(t.indexOf(column));
    for (std::size_t r = 0; r < t.rows(); ++r)
      if (t.columns[0].at(r) == label) values.emplace_back(t.columns[c].at(r));
    std::sort(values.begin(), values.end());
    return values;
  };
  for (const char* label : {"北", "南"}) {
    CHECK(sortedValues(in, "身長", label) == sortedValues(out.table, "身長", label));
    CHECK(sortedValues(in, "体重", label) == sortedValues(out.table, "体重", label));
  }
  auto correlation = [](const pc::Table& t) {
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    const double n = static_cast<double>(t.rows());
    for (std::size_t r = 0; r < t.rows(); ++r) {
      const double x = pc::parseDecimal(t.columns[1].at(r))->toDouble();
      const double y = pc::parseDecimal(t.columns[2].at(r))->toDouble();
      sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
    }
    return (sxy / n - sx / n * sy / n) /
           std::sqrt((sxx / n - sx / n * sx / n) * (syy / n - sy / n * sy / n));
  };
  CHECK(correlation(in) > 0.9);
  CHECK(correlation(out.table) > 0.8);
  // Rows are not the originals: few (height, weight) pairs survive.
  std::set<std::pair<std::string, std::string>> pairs;
  for (std::size_t r = 0; r < in.rows(); ++r)
    pairs.emplace(in.columns[1].at(r), in.columns[2].at(r));
  std::size_t kept = 0;
  for (std::size_t r = 0; r < out.table.rows(); ++r)
    kept += pairs.count(
        {std::string(out.table.columns[1].at(r)), std::string(out.table.columns[2].at(r))});
  CHECK(kept < out.table.rows() / 4);
}
