// Utility measures: hand-computed tiny cases (KS, TV, correlation, district figures) and the
// properties a within-cluster swap must have (every per-cluster similarity exactly 1).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rng.h"
#include "table.h"
#include "utility.h"

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

pc::Table makeTable(const std::vector<std::string>& names,
                    const std::vector<std::vector<std::string>>& rows) {
  pc::Table t;
  t.names = names;
  t.columns.resize(names.size());
  for (const auto& row : rows)
    for (std::size_t c = 0; c < names.size(); ++c) t.columns[c].push(row[c]);
  return t;
}

/// Every column but `clusterColumn` permuted independently within the clusters of that column.
pc::Table swapWithinClusters(const pc::Table& in, std::size_t clusterColumn, uint64_t seed) {
  pc::Rng rng(seed);
  std::vector<std::string> labels;
  std::vector<std::vector<std::size_t>> members;
  for (std::size_t r = 0; r < in.rows(); ++r) {
    const std::string label(in.columns[clusterColumn].at(r));
    std::size_t k = 0;
    while (k < labels.size() && labels[k] != label) ++k;
    if (k == labels.size()) {
      labels.push_back(label);
      members.emplace_back();
    }
    members[k].push_back(r);
  }
  std::vector<std::vector<std::size_t>> source(in.columns.size(),
                                               std::vector<std::size_t>(in.rows()));
  for (std::size_t c = 0; c < in.columns.size(); ++c)
    for (const auto& rows : members) {
      std::vector<std::size_t> permuted = rows;
      if (c != clusterColumn) pc::shuffleRange(permuted.begin(), permuted.end(), rng);
      for (std::size_t i = 0; i < rows.size(); ++i) source[c][rows[i]] = permuted[i];
    }
  pc::Table out;
  out.names = in.names;
  out.columns.resize(in.columns.size());
  for (std::size_t c = 0; c < in.columns.size(); ++c)
    for (std::size_t r = 0; r < in.rows(); ++r) out.columns[c].push(in.columns[c].at(source[c][r]));
  return out;
}

/// Naive two-pass Pearson on the pairwise complete rows.
double naivePearson(const std::vector<double>& x, const std::vector<double>& y) {
  double n = 0, sx = 0, sy = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i]) && !std::isnan(y[i])) n += 1, sx += x[i], sy += y[i];
  const double mx = sx / n, my = sy / n;
  double cxx = 0, cyy = 0, cxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i]) && !std::isnan(y[i])) {
      cxx += (x[i] - mx) * (x[i] - mx);
      cyy += (y[i] - my) * (y[i] - my);
      cxy += (x[i] - mx) * (y[i] - my);
    }
  return cxy / std::sqrt(cxx * cyy);
}

/// A resident table: 地区, 年齢, 性別, 医療費, 要介護度.
pc::Table residents(std::size_t n, uint64_t seed) {
  pc::Rng rng(seed);
  const char* districts[] = {"東", "西", "南", "北"};
  const char* sexes[] = {"男", "女"};
  const char* care[] = {"非該当",  "非該当",  "非該当",  "要支援1",
                        "要介護1", "要介護3", "要介護5", ""};
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < n; ++i) {
    const auto age = rng.below(100);
    const std::string amount =
        rng.below(10) == 0 ? "NA" : std::to_string(age * 1000 + rng.below(50000));
    rows.push_back({districts[rng.below(4)], std::to_string(age), sexes[rng.below(2)], amount,
                    care[rng.below(8)]});
  }
  return makeTable({"地区", "年齢", "性別", "医療費", "要介護度"}, rows);
}

}  // namespace

TEST_CASE("utility: KS distance by hand") {
  // a = {1,2,3,4}, b = {2,4,6}. After each pooled value, F_a − F_b:
  //   1: 1/4 − 0 = 1/4;  2: 2/4 − 1/3 = 1/6;  3: 3/4 − 1/3 = 5/12;  4: 1 − 2/3 = 1/3;  6: 0.
  // D = 5/12; in integers: max |i·3 − j·4| = |9 − 4| = 5 over na·nb = 12, so 1 − D = 7/12.
  CHECK(pc::ksDistance({1, 2, 3, 4}, {2, 4, 6}) == 5.0 / 12.0);
  CHECK(pc::ksComplement({1, 2, 3, 4}, {2, 4, 6}) == 7.0 / 12.0);
  CHECK(pc::ksComplement({4, 3, 2, 1}, {6, 2, 4}) == 7.0 / 12.0);  // order does not matter
  // Ties and missing: a = {1, NaN, 2, 2} -> {1,2,2}, b = {2, 3}.
  //   1: 1/3 − 0 = 1/3;  2: 3/3 − 1/2 = 1/2;  3: 0.  D = 1/2.
  CHECK(pc::ksDistance({1, kNaN, 2, 2}, {2, 3}) == 0.5);
  // Negative numbers and −0 == +0.
  CHECK(pc::ksDistance({-1.5, -0.0, 2}, {2, 0.0, -1.5}) == 0.0);
  CHECK(pc::ksDistance({-3, -2}, {1, 2}) == 1.0);
  // Undefined without values on a side.
  CHECK(std::isnan(pc::ksComplement({}, {1})));
  CHECK(std::isnan(pc::ksComplement({kNaN}, {1})));
}

TEST_CASE("utility: TV complement by hand") {
  // a = {x,x,y}: (2/3, 1/3); b = {x,y,y}: (1/3, 2/3). ½(1/3 + 1/3) = 1/3, complement 2/3.
  CHECK(pc::tvComplement({7, 7, 9}, {7, 9, 9}) == 2.0 / 3.0);
  // Disjoint supports: TV 1, complement 0. Same shares, different sizes: complement 1.
  CHECK(pc::tvComplement({1, 2}, {3}) == 0.0);
  CHECK(pc::tvComplement({1, 2}, {2, 1, 1, 2}) == 1.0);
  CHECK(std::isnan(pc::tvComplement({}, {1})));
}

TEST_CASE("utility: clusters are labelled like groupRows and sorted by bytes") {
  const pc::Table a = makeTable({"k1", "k2"}, {{"b", "1"}, {"a", "2"}, {"b", "1"}});
  const pc::Table b = makeTable({"k1", "k2"}, {{"c", "3"}, {"a", "2"}});
  const pc::ClusterGroups g = pc::clusterGroups(a, b, {0, 1});
  CHECK(g.labels == std::vector<std::string>{"a / 2", "b / 1", "c / 3"});
  CHECK(g.original == std::vector<uint32_t>{1, 0, 1});
  CHECK(g.pseudo == std::vector<uint32_t>{2, 0});
  const pc::ClusterGroups one = pc::clusterGroups(a, b, {});
  CHECK(one.labels == std::vector<std::string>{""});
  CHECK_THROWS_AS(pc::clusterGroups(a, b, {5}), std::invalid_argument);
}

TEST_CASE("utility: per-cluster KS and TV with missing values ignored") {
  // Cluster A: original x = {1,2,3,4}, pseudo x = {2,4,6,NA} -> 7/12 as above.
  // Cluster B: original x = {5, -}, pseudo x = {5, 5} -> 1.
  // Overall: original {1,2,3,4,5}, pseudo {2,4,5,5,6}:
  //   1: 1/5−0; 2: 2/5−1/5; 3: 3/5−1/5 = 2/5; 4: 4/5−2/5 = 2/5; 5: 1 − 4/5; 6: 0. D = 2/5, 1 − D =
  //   3/5.
  // Category c: A original {m,m,f,NA}, pseudo {m,f,f,f}: (2/3,1/3) vs (1/4,3/4): ½(5/12+5/12) =
  // 5/12,
  //   complement 7/12. B original {f, ""}, pseudo {f, 不明}: {f} vs {f} -> 1.
  const pc::Table a = makeTable({"k", "x", "c"}, {{"A", "1", "m"},
                                                  {"A", "2", "m"},
                                                  {"A", "3", "f"},
                                                  {"A", "4", "NA"},
                                                  {"B", "5", "f"},
                                                  {"B", "-", ""}});
  const pc::Table b = makeTable({"k", "x", "c"}, {{"A", "2", "m"},
                                                  {"A", "4", "f"},
                                                  {"A", "6", "f"},
                                                  {"A", "NA", "f"},
                                                  {"B", "5", "f"},
                                                  {"B", "５", "不明"}});
  const pc::ClusterGroups g = pc::clusterGroups(a, b, {0});
  const auto ks = pc::ksSimilarities(a, b, g, {1});
  REQUIRE(ks.size() == 1);
  CHECK(ks[0].column == "x");
  CHECK(ks[0].perCluster[0].label == "A");
  CHECK(ks[0].perCluster[0].value == 7.0 / 12.0);
  CHECK(ks[0].perCluster[1].value == 1.0);
  CHECK(ks[0].overall == 3.0 / 5.0);
  CHECK(ks[0].min == 7.0 / 12.0);
  const auto tv = pc::tvSimilarities(a, b, g, {2});
  REQUIRE(tv.size() == 1);
  CHECK(tv[0].perCluster[0].value == 7.0 / 12.0);
  CHECK(tv[0].perCluster[1].value == 1.0);
  // Overall: original {m,m,f,f} (1/2,1/2), pseudo {m,f,f,f,f} (1/5,4/5): ½(3/10+3/10) = 3/10 ->
  // 7/10.
  CHECK(tv[0].overall == 7.0 / 10.0);
}

TEST_CASE("utility: correlation by hand, pairwise complete, perfect pairs") {
  // x = {1,2,3}, y = {1,3,2}: means 2, 2; Σdxdy = 1, Σdx² = Σdy² = 2 -> r = 0.5.
  // Row 4 has y missing: ignored for (x, y) but counts for x's own variance.
  pc::NumericMatrix m;
  m.rows = 4;
  m.cols = 3;
  // columns x, y, z = 2x + 1 (z missing on row 4 too)
  m.values = {1, 1, 3, 2, 3, 5, 3, 2, 7, 100, kNaN, kNaN};
  const pc::CorrelationResult r = pc::correlations(m, {0, 0, 0, 0}, 1);
  CHECK(r.overall.at(0, 1) == doctest::Approx(0.5).epsilon(1e-15));
  CHECK(r.overall.at(1, 0) == r.overall.at(0, 1));
  CHECK(r.overall.at(0, 2) == doctest::Approx(1.0).epsilon(1e-15));
  CHECK(r.overall.at(0, 2) <= 1.0);
  CHECK(r.overall.at(0, 0) == 1.0);
  CHECK(r.perCluster[0].values == r.overall.values);
  // A constant column: undefined (NaN), diagonal included.
  pc::NumericMatrix c;
  c.rows = 3;
  c.cols = 2;
  c.values = {0.1, 1, 0.1, 2, 0.1, 4};
  const pc::CorrelationResult rc = pc::correlations(c, {0, 0, 0}, 1);
  CHECK(std::isnan(rc.overall.at(0, 1)));
  CHECK(std::isnan(rc.overall.at(0, 0)));
  CHECK(rc.overall.at(1, 1) == 1.0);
}

TEST_CASE("utility: overall correlation combines clusters like a direct computation") {
  pc::Rng rng(11);
  std::vector<double> x, y;
  std::vector<uint32_t> cluster;
  pc::NumericMatrix m;
  m.cols = 2;
  for (int i = 0; i < 500; ++i) {
    const uint32_t k = static_cast<uint32_t>(rng.below(3));
    const double a = 1000.0 * k + static_cast<double>(rng.below(1000));
    const double b =
        rng.below(7) == 0 ? kNaN : 0.5 * a + static_cast<double>(rng.below(300)) - 40.0 * k;
    x.push_back(a);
    y.push_back(b);
    cluster.push_back(k);
    m.values.push_back(a);
    m.values.push_back(b);
  }
  m.rows = x.size();
  const pc::CorrelationResult r = pc::correlations(m, cluster, 3);
  CHECK(r.overall.at(0, 1) == doctest::Approx(naivePearson(x, y)).epsilon(1e-12));
  for (uint32_t k = 0; k < 3; ++k) {
    std::vector<double> xs, ys;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (cluster[i] == k) xs.push_back(x[i]), ys.push_back(y[i]);
    CHECK(r.perCluster[k].at(0, 1) == doctest::Approx(naivePearson(xs, ys)).epsilon(1e-12));
  }
}

TEST_CASE("utility: district figures on a hand-built table") {
  // District A, 10 people: ages 3, 5, 8 (3 under 10), 30, 40, 65, 66, 70, 80, 90 (5 aged 65+):
  //   ratio 5/3; mean (3+5+8+30+40+65+66+70+80+90)/10 = 457/10 = 45.7.
  //   Care: 要介護3, 要介護５ (full-width), 要介護度4, 要介護2, 要支援1, 非該当 ×4, "" (missing):
  //   9 with a care level, 3 heavy -> 1/3.
  // District B: ages 20, 30, 不明 -> no under-10s: ratio null; mean 25. Care all missing: null.
  const pc::Table t = makeTable({"地区", "年齢", "要介護度"}, {{"A", "3", "要介護3"},
                                                               {"A", "5", "要介護５"},
                                                               {"A", "8", "要介護度4"},
                                                               {"A", "30", "要介護2"},
                                                               {"A", "40", "要支援1"},
                                                               {"A", "65", "非該当"},
                                                               {"A", "66", "非該当"},
                                                               {"A", "70", "非該当"},
                                                               {"A", "80", "非該当"},
                                                               {"A", "90", ""},
                                                               {"B", "20", "-"},
                                                               {"B", "30", ""},
                                                               {"B", "不明", "NA"}});
  const pc::Table pseudo = swapWithinClusters(t, 0, 5);
  const pc::ClusterGroups g = pc::clusterGroups(t, pseudo, {0});
  const auto f = pc::districtFigures(t, pseudo, g, 1, 2);
  REQUIRE(f.size() == 2);
  CHECK(f[0].label == "A");
  CHECK(f[0].original.rows == 10);
  CHECK(f[0].original.ratio65to10 == 5.0 / 3.0);
  CHECK(f[0].original.meanAge == 45.7);
  CHECK(f[0].original.heavyCareShare == 1.0 / 3.0);
  CHECK(f[0].pseudo.ratio65to10 == f[0].original.ratio65to10);
  CHECK(f[0].pseudo.meanAge == f[0].original.meanAge);
  CHECK(f[0].pseudo.heavyCareShare == f[0].original.heavyCareShare);
  CHECK(std::isnan(f[1].original.ratio65to10));
  CHECK(f[1].original.meanAge == 25.0);
  CHECK(f[1].original.aged == 2);
  CHECK(std::isnan(f[1].original.heavyCareShare));

  const auto json = nlohmann::json::parse(pc::utilityReportJson(t, pseudo, {0}, {1}, {2}, 1, 2));
  const auto& d = json["districts"];
  REQUIRE(d.size() == 2);
  CHECK(d[0]["label"] == "A");
  CHECK(d[0]["ratio65to10"]["original"].get<double>() == 5.0 / 3.0);
  CHECK(d[0]["meanAge"]["pseudo"].get<double>() == 45.7);
  CHECK(d[0]["rows"]["pseudo"] == 10);
  CHECK(d[0]["match"] == true);
  CHECK(d[1]["ratio65to10"]["original"].is_null());  // not inf
  CHECK(d[1]["ratio65to10"]["pseudo"].is_null());
  CHECK(d[1]["heavyCareShare"]["original"].is_null());
  CHECK(d[1]["match"] == true);
  // Without age and care columns: no districts.
  const auto none = nlohmann::json::parse(pc::utilityReportJson(t, pseudo, {0}, {1}, {2}, -1, -1));
  CHECK(none["districts"].empty());
}

TEST_CASE("utility: heavy care levels") {
  CHECK(pc::isHeavyCare("要介護3"));
  CHECK(pc::isHeavyCare("要介護４"));
  CHECK(pc::isHeavyCare(" 要介護5 "));
  CHECK(pc::isHeavyCare("要介護度3"));
  CHECK_FALSE(pc::isHeavyCare("要介護2"));
  CHECK_FALSE(pc::isHeavyCare("要支援2"));
  CHECK_FALSE(pc::isHeavyCare("非該当"));
  CHECK_FALSE(pc::isHeavyCare("要介護35"));
  CHECK_FALSE(pc::isHeavyCare(""));
}

TEST_CASE("utility: identical tables and within-cluster swaps score exactly 1") {
  const pc::Table t = residents(3000, 1);
  for (int pass = 0; pass < 2; ++pass) {
    const pc::Table pseudo = pass == 0 ? t : swapWithinClusters(t, 0, 9);
    const auto json =
        nlohmann::json::parse(pc::utilityReportJson(t, pseudo, {0}, {1, 3}, {2, 4}, 1, 4));
    for (const char* kind : {"ks", "tv"}) {
      REQUIRE(json[kind].size() == 2);
      for (const auto& column : json[kind]) {
        CHECK(column["overall"].get<double>() == 1.0);
        CHECK(column["min"].get<double>() == 1.0);
        REQUIRE(column["perCluster"].size() == 4);
        for (const auto& c : column["perCluster"]) CHECK(c["value"].get<double>() == 1.0);
      }
    }
    const auto& corr = json["correlation"];
    CHECK(corr["columns"] == nlohmann::json::array({"年齢", "医療費"}));
    if (pass == 0) {
      CHECK(corr["maxAbsDifference"].get<double>() == 0.0);
      for (const auto& c : corr["perClusterMaxAbsDifference"])
        CHECK(c["value"].get<double>() == 0.0);
      CHECK(corr["original"] == corr["pseudo"]);
    } else {
      // Independent swaps break the age–amount link: the original is strongly correlated, the
      // pseudo not.
      CHECK(corr["original"][0][1].get<double>() > 0.8);
      CHECK(std::abs(corr["pseudo"][0][1].get<double>()) < 0.2);
    }
    REQUIRE(json["districts"].size() == 4);
    for (const auto& d : json["districts"]) {
      CHECK(d["match"] == true);
      CHECK(d["meanAge"]["original"] == d["meanAge"]["pseudo"]);
    }
  }
}

TEST_CASE("utility: JSON never holds NaN or infinity") {
  // One column constant, one side of a cluster without numbers.
  const pc::Table a =
      makeTable({"k", "x", "y"}, {{"A", "1", "5"}, {"A", "1", "6"}, {"B", "NA", "7"}});
  const pc::Table b =
      makeTable({"k", "x", "y"}, {{"A", "1", "6"}, {"A", "1", "5"}, {"B", "2", "7"}});
  const std::string text = pc::utilityReportJson(a, b, {0}, {1, 2}, {}, 1, -1);
  CHECK(text.find("NaN") == std::string::npos);
  CHECK(text.find("nan") == std::string::npos);
  CHECK(text.find("inf") == std::string::npos);
  const auto json = nlohmann::json::parse(text);
  CHECK(json["ks"][0]["perCluster"][1]["value"].is_null());  // B: no x in the original
  CHECK(json["correlation"]["original"][0][1].is_null());    // x constant
  CHECK(json["districts"][1]["ratio65to10"]["original"].is_null());
  CHECK_THROWS_AS(pc::utilityReportJson(a, b, {0}, {9}, {}, -1, -1), std::invalid_argument);
}

TEST_CASE("utility: pMSE by hand on a saturated model") {
  // One binary category. Original {a,a,a,b}, pseudo {a,b,b,b}: N = 8, c = 1/2. The model
  // (intercept + indicator of the rarer-or-tied level) is saturated, so p̂ = the pseudo share within
  // each level: a -> 1/4 (4 rows), b -> 3/4 (4 rows). pMSE = (8 × (1/4)²) / 8 = 1/16.
  // k = 2: E = (k − 1)(1 − c)² c / N = 1 × 1/4 × 1/2 / 8 = 1/64, S_pMSE = 4.
  const pc::Table a = makeTable({"c"}, {{"a"}, {"a"}, {"a"}, {"b"}});
  const pc::Table b = makeTable({"c"}, {{"a"}, {"b"}, {"b"}, {"b"}});
  const pc::PropensityResult r = pc::propensityMse(a, b, {}, {0});
  CHECK(r.parameters == 2);
  CHECK(r.converged);
  CHECK(r.pmse == doctest::Approx(1.0 / 16).epsilon(1e-9));
  CHECK(r.expected == 1.0 / 64);
  CHECK(r.ratio == doctest::Approx(4.0).epsilon(1e-9));
}

TEST_CASE("utility: pMSE is 0 for identical data and large for a shifted column") {
  const pc::Table t = residents(2000, 3);
  const pc::PropensityResult same = pc::propensityMse(t, t, {1, 3}, {2, 4});
  CHECK(same.converged);
  CHECK(same.pmse < 1e-20);
  CHECK(same.originalRows == 2000);
  // A within-cluster swap keeps every main effect: pMSE stays near its null expectation.
  const pc::PropensityResult swapped =
      pc::propensityMse(t, swapWithinClusters(t, 0, 4), {1, 3}, {0, 2, 4});
  CHECK(swapped.pmse < 1e-20);
  // Every age + 30: the model separates the sides easily.
  pc::Table shifted = t;
  shifted.columns[1] = pc::TextColumn();
  for (std::size_t r = 0; r < t.rows(); ++r)
    shifted.columns[1].push(std::to_string(std::stoi(std::string(t.columns[1].at(r))) + 30));
  const pc::PropensityResult far = pc::propensityMse(t, shifted, {1, 3}, {2, 4});
  CHECK(far.ratio > 100);
  // Sampling caps the rows per side.
  const pc::PropensityResult capped = pc::propensityMse(t, shifted, {1}, {}, 500);
  CHECK(capped.originalRows == 500);
  CHECK(capped.pseudoRows == 500);
  const auto json = nlohmann::json::parse(pc::utilityReportJson(t, t, {0}, {1, 3}, {2, 4}, 1, 4));
  CHECK(json["propensity"]["pmse"].get<double>() < 1e-20);
  CHECK(json["propensity"]["parameters"].get<int>() == same.parameters);
}
