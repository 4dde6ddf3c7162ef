// Risk measures (G4): hand-computed tiny cases, ARX's published figures, and statistical checks
// that the attacks on data shuffled within clusters do about as well as chance.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "csv.h"
#include "fixtures.h"
#include "risk.h"
#include "rng.h"
#include "values.h"

namespace {

using Histogram = std::vector<std::pair<std::size_t, std::size_t>>;

/// A one-column NumericMatrix.
pc::NumericMatrix column(const std::vector<double>& values) {
  pc::NumericMatrix m;
  m.rows = values.size();
  m.cols = 1;
  m.values = values;
  return m;
}

/// Shuffles the rows of `in` within the clusters of column `clusterColumn`, every other column
/// with its own permutation (what the engine's swap does). Pseudo row r keeps row r's cluster, so
/// trueMatch[r] = r: the record "made from" original row r.
pc::Table shuffleWithinClusters(const pc::Table& in, std::size_t clusterColumn, pc::Rng& rng) {
  std::vector<std::vector<uint32_t>> members;
  std::vector<std::string> labels;
  for (std::size_t r = 0; r < in.rows(); ++r) {
    const std::string label(in.columns[clusterColumn].at(r));
    std::size_t k = 0;
    while (k < labels.size() && labels[k] != label) ++k;
    if (k == labels.size()) {
      labels.push_back(label);
      members.emplace_back();
    }
    members[k].push_back(static_cast<uint32_t>(r));
  }
  std::vector<std::vector<uint32_t>> source(in.columns.size(), std::vector<uint32_t>(in.rows()));
  for (std::size_t c = 0; c < in.columns.size(); ++c) {
    for (const auto& rows : members) {
      std::vector<uint32_t> permuted = rows;
      if (c != clusterColumn) pc::shuffleRange(permuted.begin(), permuted.end(), rng);
      for (std::size_t i = 0; i < rows.size(); ++i) source[c][rows[i]] = permuted[i];
    }
  }
  pc::Table out;
  out.names = in.names;
  out.columns.resize(in.columns.size());
  for (std::size_t c = 0; c < in.columns.size(); ++c)
    for (std::size_t r = 0; r < in.rows(); ++r) out.columns[c].push(in.columns[c].at(source[c][r]));
  return out;
}

/// A random city: `rows` residents in districts of about 20, sex, age band, care level, cost.
pc::Table randomCity(uint64_t seed, std::size_t rows) {
  pc::Rng rng(seed);
  std::string csv = "district,sex,age,care,cost\n";
  const std::size_t districts = rows / 20;
  for (std::size_t r = 0; r < rows; ++r) {
    csv += "D" + std::to_string(rng.below(districts)) + "," + (rng.below(2) ? "M" : "F") + "," +
           std::to_string(rng.below(10) * 10) + "," + std::to_string(rng.below(4)) + "," +
           std::to_string(rng.below(100000)) + "\n";
  }
  return pc::readCsv(csv);
}

std::vector<int64_t> identity(std::size_t n) {
  std::vector<int64_t> match(n);
  for (std::size_t i = 0; i < n; ++i) match[i] = static_cast<int64_t>(i);
  return match;
}

// sex, age, zip, disease
const char* const kSmall =
    "sex,age,zip,disease\n"
    "M,30,100,flu\n"
    "M,30,100,flu\n"
    "F,30,100,cold\n"
    "F,40,200,flu\n"
    "F,40,200,cold\n"
    "F,40,200,flu\n"
    "M,50,300,hiv\n"
    "F,50,300,flu\n";

}  // namespace

TEST_CASE("wilson: known intervals and edge cases") {
  // 8/10, z = 1.96: p = 0.8, z²/n = 0.384146, centre = (0.8 + 0.192073)/1.384146 = 0.716740,
  // half = 1.959964·sqrt(0.016 + 0.009604)/1.384146 = 0.226566 -> [0.4902, 0.9433].
  const pc::WilsonInterval a = pc::wilson(8, 10);
  CHECK(a.low == doctest::Approx(0.4901624).epsilon(1e-6));
  CHECK(a.high == doctest::Approx(0.9433178).epsilon(1e-6));
  // 0/10: low is exactly 0, high = z²/n/(1 + z²/n) = 0.384146/1.384146 = 0.277533.
  const pc::WilsonInterval zero = pc::wilson(0, 10);
  CHECK(zero.low == 0.0);
  CHECK(zero.high == doctest::Approx(0.2775328).epsilon(1e-6));
  const pc::WilsonInterval all = pc::wilson(10, 10);
  CHECK(all.high == 1.0);
  CHECK(all.low == doctest::Approx(1.0 - 0.2775328).epsilon(1e-6));
  // 1/2: symmetric around 1/2.
  const pc::WilsonInterval half = pc::wilson(1, 2);
  CHECK(half.low + half.high == doctest::Approx(1.0));
  // No trials: no information.
  const pc::WilsonInterval none = pc::wilson(0, 0);
  CHECK(none.low == 0.0);
  CHECK(none.high == 1.0);
  CHECK_THROWS_AS(pc::wilson(3, 2), std::invalid_argument);
}

TEST_CASE("equivalence classes: hand-computed table") {
  const pc::Table t = pc::readCsv(kSmall);
  // Classes on (sex, age, zip): (M,30,100)×2, (F,30,100)×1, (F,40,200)×3, (M,50,300)×1,
  // (F,50,300)×1 -> 5 classes, 3 sample uniques, average risk 5/8, max risk 1/1.
  const pc::ClassStats s = pc::equivalenceClasses(t, {0, 1, 2});
  CHECK(s.rows == 8);
  CHECK(s.classes == 5);
  CHECK(s.sampleUniques == 3);
  CHECK(s.averageProsecutorRisk == 0.625);
  CHECK(s.maxProsecutorRisk == 1.0);
  CHECK(s.smallestClass == 1);
  CHECK(s.sizeHistogram == Histogram{{1, 3}, {2, 1}, {3, 1}});
  // Below k = 2: the 3 singletons; k = 3: + the pair (4 classes, 5 records); k = 4: all 8.
  CHECK(pc::classesBelowK(s, 2).classes == 3);
  CHECK(pc::classesBelowK(s, 2).records == 3);
  CHECK(pc::classesBelowK(s, 3).classes == 4);
  CHECK(pc::classesBelowK(s, 3).records == 5);
  CHECK(pc::classesBelowK(t, {0, 1, 2}, 4).classes == 5);
  CHECK(pc::classesBelowK(t, {0, 1, 2}, 4).records == 8);
  CHECK(pc::classesBelowK(s, 1).classes == 0);
  // On age alone: 30×3, 40×3, 50×2 -> 3 classes, no unique, risk 3/8, max risk 1/2.
  const pc::ClassStats age = pc::equivalenceClasses(t, {1});
  CHECK(age.classes == 3);
  CHECK(age.sampleUniques == 0);
  CHECK(age.averageProsecutorRisk == 0.375);
  CHECK(age.maxProsecutorRisk == 0.5);
  CHECK(age.sizeHistogram == Histogram{{2, 1}, {3, 2}});
  // No QI: one class of 8.
  const pc::ClassStats none = pc::equivalenceClasses(t, {});
  CHECK(none.classes == 1);
  CHECK(none.averageProsecutorRisk == 0.125);
  // Empty table.
  pc::Table empty;
  empty.names = {"a", "b"};
  empty.columns.resize(2);
  CHECK(pc::equivalenceClasses(empty, {0, 1}).classes == 0);
  CHECK(pc::equivalenceClasses(empty, {0, 1}).averageProsecutorRisk == 0.0);
  CHECK_THROWS_AS(pc::equivalenceClasses(t, {4}), std::invalid_argument);
}

TEST_CASE("equivalence classes compare cells as bytes, not as joined strings") {
  // "a"+"bc" and "ab"+"c" join to the same text but are different combinations; "" is a value.
  const pc::Table t = pc::readCsv("x,y\na,bc\nab,c\n,abc\nabc,\nabc,\n");
  const pc::ClassStats s = pc::equivalenceClasses(t, {0, 1});
  CHECK(s.classes == 4);
  CHECK(s.sampleUniques == 3);
}

TEST_CASE("ARX's figures on adult.csv with all 9 columns as quasi-identifiers") {
  const pc::Table adult = pc::readCsv(pc::test::readFixture("reference/adult.csv"));
  REQUIRE(adult.rows() == 30162);
  REQUIRE(adult.columns.size() == 9);
  const pc::ClassStats s = pc::equivalenceClasses(adult, {0, 1, 2, 3, 4, 5, 6, 7, 8});
  CHECK(s.classes == 19502);
  CHECK(s.sampleUniques == 15512);
  CHECK(std::fabs(s.averageProsecutorRisk - 0.6465751607983555) <= 1e-15);
  CHECK(s.maxProsecutorRisk == 1.0);
  CHECK(pc::classesBelowK(s, 2).records == 15512);
}

TEST_CASE("l-diversity: homogeneous classes and distinct l, by hand") {
  const pc::Table t = pc::readCsv(kSmall);
  // (M,30,100): {flu, flu} homogeneous (size 2); (F,30,100): {cold}; (F,40,200): {flu, cold, flu}
  // 2 values; (M,50,300): {hiv}; (F,50,300): {flu} -> 4 homogeneous classes holding 2+1+1+1 = 5
  // records, 1 of them with 2+ records; distinct l = 1.
  const pc::DiversityStats d = pc::lDiversity(t, {0, 1, 2}, 3);
  CHECK(d.classes == 5);
  CHECK(d.homogeneousClasses == 4);
  CHECK(d.recordsInHomogeneousClasses == 5);
  CHECK(d.homogeneousClassesOfTwoOrMore == 1);
  CHECK(d.distinctL == 1);
  CHECK(pc::homogeneousClasses(t, {0, 1, 2}, 3) == 4);
  // On age: 30 {flu, flu, cold}, 40 {flu, cold, flu}, 50 {hiv, flu}: 2 values each -> l = 2.
  const pc::DiversityStats a = pc::lDiversity(t, {1}, 3);
  CHECK(a.classes == 3);
  CHECK(a.homogeneousClasses == 0);
  CHECK(a.distinctL == 2);
  // On sex: M {flu, flu, hiv} 2 values, F {cold, flu, cold, flu, flu} 2 values.
  CHECK(pc::lDiversity(t, {0}, 3).distinctL == 2);
  // On nothing: one class with 3 values (flu, cold, hiv).
  CHECK(pc::lDiversity(t, {}, 3).distinctL == 3);
}

TEST_CASE("copied rows: share of pseudo rows equal to some original row, by hand") {
  const pc::Table original = pc::readCsv("id,a,b\n1,x,1\n2,y,2\n3,x,2\n4,y,2\n");
  // Pseudo columns in another order (b, a) plus an extra column that is not compared.
  const pc::Table pseudo = pc::readCsv("b,a,z\n1,x,q\n1,y,q\n2,x,q\n2,z,q\n2,y,q\n");
  // (x,1) yes, (y,1) no, (x,2) yes, (z,2) no, (y,2) yes -> 3/5.
  CHECK(pc::copiedRowShare(original, pseudo, {1, 2}, {1, 0}) == 0.6);
  // On a alone: x, y, x, z, y -> 4/5.
  CHECK(pc::copiedRowShare(original, pseudo, {1}, {1}) == 0.8);
  // The identity copies everything; nothing compared = every row matches.
  CHECK(pc::copiedRowShare(original, original, {0, 1, 2}, {0, 1, 2}) == 1.0);
  CHECK(pc::copiedRowShare(original, pseudo, {}, {}) == 1.0);
  CHECK_THROWS_AS(pc::copiedRowShare(original, pseudo, {1, 2}, {1}), std::invalid_argument);
}

TEST_CASE("copied rows by chance: shuffles within clusters") {
  // Cluster A: rows (a,x) and (b,y); cluster B: one row. Each of the two columns of A is
  // swapped or not with probability 1/2: both the same way -> A's 2 rows match (share 3/3),
  // otherwise (a,y),(b,x) match nothing -> 1/3. Expected share (1 + 1/3)/2 = 2/3.
  const pc::Table t = pc::readCsv("c,u,v\nA,a,x\nA,b,y\nB,c,z\n");
  pc::Rng rng(11);
  const double share = pc::expectedCopiedShareByChance(t, {0, 1, 2}, {0}, rng, 4000);
  // sd of one repetition = 1/3 -> of the mean 1/3/sqrt(4000) = 0.0053; about 4.7 sd.
  CHECK(std::fabs(share - 2.0 / 3.0) < 0.025);
  // Clusters of one row, or columns constant within clusters: every shuffled row is original.
  pc::Rng rng2(12);
  CHECK(pc::expectedCopiedShareByChance(t, {1, 2}, {1}, rng2, 3) == 1.0);
  const pc::Table constant = pc::readCsv("c,u,v\nA,a,x\nA,a,x\nB,b,y\nB,b,y\n");
  CHECK(pc::expectedCopiedShareByChance(constant, {0, 1, 2}, {0}, rng2, 3) == 1.0);
  // Deterministic for a seed.
  pc::Rng r1(5), r2(5);
  const pc::Table city = randomCity(3, 2000);
  CHECK(pc::expectedCopiedShareByChance(city, {1, 2, 3}, {0}, r1, 2) ==
        pc::expectedCopiedShareByChance(city, {1, 2, 3}, {0}, r2, 2));
  CHECK_THROWS_AS(pc::expectedCopiedShareByChance(t, {1}, {0}, rng, 0), std::invalid_argument);
}

TEST_CASE("copied rows of a real swap sit near the chance share") {
  const pc::Table city = randomCity(21, 4000);
  pc::Rng swapRng(1), chanceRng(2);
  const pc::Table pseudo = shuffleWithinClusters(city, 0, swapRng);
  const std::vector<std::size_t> cols = {0, 1, 2, 3};
  const double observed = pc::copiedRowShare(city, pseudo, cols, cols);
  const double chance = pc::expectedCopiedShareByChance(city, cols, {0}, chanceRng, 20);
  // 80 (sex, age, care) combinations in clusters of ~20: about a fifth recur by chance.
  CHECK(observed > 0.1);
  CHECK(std::fabs(observed - chance) < 0.05);
}

TEST_CASE("replicated uniques (synthpop repU), by hand") {
  // Original QI: a a b c d e -> uniques b c d e (4). Pseudo: a b c c e f -> uniques a b e f.
  // Unique in both: b, e (a is not unique in the original, c twice in pseudo, d absent) -> 2;
  // repU = 100 × 2 / 6.
  const pc::Table original = pc::readCsv("q,w\na,1\na,2\nb,3\nc,4\nd,5\ne,6\n");
  const pc::Table pseudo = pc::readCsv("w,q\n1,a\n1,b\n1,c\n1,c\n1,e\n1,f\n");
  const pc::ReplicatedUniques u = pc::replicatedUniques(original, pseudo, {0}, {1});
  CHECK(u.originalRows == 6);
  CHECK(u.originalUniques == 4);
  CHECK(u.pseudoUniques == 4);
  CHECK(u.replicated == 2);
  CHECK(u.percent == 100.0 * 2 / 6);
  // On (q, w): original all unique (6); pseudo (a,1),(b,1),(c,1)×2,(e,1),(f,1): (b,1) ≠ (b,3) ...
  // only (a,1) is in both and unique in both -> 1.
  const pc::ReplicatedUniques both = pc::replicatedUniques(original, pseudo, {0, 1}, {1, 0});
  CHECK(both.originalUniques == 6);
  CHECK(both.replicated == 1);
  CHECK(both.percent == 100.0 / 6);
}

TEST_CASE("joint ids: one id space for both files, original combinations first") {
  const pc::Table original = pc::readCsv("a,b\nx,1\ny,2\nx,1\n");
  const pc::Table pseudo = pc::readCsv("b,a\n2,y\n3,z\n1,x\n3,z\n");
  const pc::JointIds ids = pc::jointIds(original, {0, 1}, pseudo, {1, 0});
  CHECK(ids.original == std::vector<uint32_t>{0, 1, 0});
  CHECK(ids.pseudo == std::vector<uint32_t>{1, 2, 0, 2});
  CHECK(ids.countInOriginal == 2);
  CHECK(ids.count == 3);
  const pc::JointIds none = pc::jointIds(original, {}, pseudo, {});
  CHECK(none.count == 1);
  CHECK(none.pseudo == std::vector<uint32_t>{0, 0, 0, 0});
}

TEST_CASE("numericMatrix parses numbers and marks the rest missing") {
  const pc::Table t = pc::readCsv("a,b\n1,\"1,234\"\n▲5,x\n不明,2.5\n");
  const pc::NumericMatrix m = pc::numericMatrix(t, {0, 1});
  REQUIRE(m.rows == 3);
  REQUIRE(m.cols == 2);
  CHECK(m.at(0, 0) == 1.0);
  CHECK(m.at(0, 1) == 1234.0);
  CHECK(m.at(1, 0) == -5.0);
  CHECK(std::isnan(m.at(1, 1)));
  CHECK(std::isnan(m.at(2, 0)));
  CHECK(m.at(2, 1) == 2.5);
}

TEST_CASE("record linkage: nearest pick, fallbacks and chance, by hand") {
  // One cluster A of 3 and a cluster B of 2; no QIs; one number.
  const pc::Table original = pc::readCsv("c\nA\nA\nA\nB\nB\n");
  const pc::Table pseudo = pc::readCsv("c\nA\nA\nA\nB\nB\n");
  const pc::JointIds cluster = pc::jointIds(original, {0}, pseudo, {0});
  const pc::JointIds noQi = pc::jointIds(original, {}, pseudo, {});
  const pc::NumericMatrix x = column({1, 5, 9, 100, 200});
  const pc::NumericMatrix y = column({1.1, 5.2, 8.7, 190, 110});
  pc::LinkageOptions all;
  all.targets = 100;  // more than the rows: every eligible row is a target
  {
    // Nearest within the cluster: 1->1.1 (row 0), 5->5.2 (1), 9->8.7 (2), 100->110 (4),
    // 200->190 (3). With trueMatch 0,1,2,4,3 every pick is right.
    pc::Rng rng(1);
    const pc::LinkageResult r = pc::recordLinkage(cluster, noQi, x, y, {0, 1, 2, 4, 3}, rng, all);
    CHECK(r.targets == 5);
    CHECK(r.correct == 5);
    CHECK(r.rate == 1.0);
    // Chance: 3 × 1/3 + 2 × 1/2 = 2 expected of 5.
    CHECK(r.chanceRate == 2.0 / 5.0);
    CHECK(r.targetsWithTies == 0);
    CHECK(r.meanCandidates == (3 * 3 + 2 * 2) / 5.0);
    CHECK(r.rateInterval.high == 1.0);
    CHECK(r.rateInterval.low == pc::wilson(5, 5).low);
    CHECK(r.chanceInterval.low == pc::wilson(2, 5).low);
    CHECK(r.chanceInterval.high == pc::wilson(2, 5).high);
  }
  {
    // trueMatch rotated within A (0->1, 1->2, 2->0), B as is (3->3, 4->4): none right, as A's
    // picks are 0, 1, 2 and B's are 4 and 3.
    pc::Rng rng(1);
    const pc::LinkageResult r = pc::recordLinkage(cluster, noQi, x, y, {1, 2, 0, 3, 4}, rng, all);
    CHECK(r.correct == 0);
  }
  {
    // Rows 1 and 4 not released (-1): targets 0, 2, 3. Rows 0 and 2 pick their own records;
    // row 3 (100) picks pseudo row 4 (110), not its own 3 -> 2 of 3. Chance (1/3 + 1/3 + 1/2)/3.
    pc::Rng rng(1);
    const pc::LinkageResult r = pc::recordLinkage(cluster, noQi, x, y, {0, -1, 2, 3, -1}, rng, all);
    CHECK(r.targets == 3);
    CHECK(r.correct == 2);
    CHECK(r.chanceRate == doctest::Approx((1.0 / 3 + 1.0 / 3 + 0.5) / 3).epsilon(1e-15));
  }
}

TEST_CASE("record linkage: QIs restrict the candidates; fallbacks are counted") {
  // Cluster A: original (M,10) (F,10) (M,30); pseudo (M,12) (F,29) (F,31).
  // Target 0 (M,10): M candidates {0} -> picks 0. Target 1 (F,10): F {1,2}: |10-29| < |10-31| -> 1.
  // Target 2 (M,30): M {0} -> picks 0 even though pseudo 2 is nearer in number.
  // Cluster B: original (M,5); pseudo (F,5): no M in B -> whole cluster -> picks 3.
  const pc::Table original = pc::readCsv("c,s\nA,M\nA,F\nA,M\nB,M\n");
  const pc::Table pseudo = pc::readCsv("c,s\nA,M\nA,F\nA,F\nB,F\n");
  const pc::JointIds cluster = pc::jointIds(original, {0}, pseudo, {0});
  const pc::JointIds qi = pc::jointIds(original, {1}, pseudo, {1});
  const pc::NumericMatrix x = column({10, 10, 30, 5});
  const pc::NumericMatrix y = column({12, 29, 31, 5});
  pc::LinkageOptions all;
  all.targets = 10;
  pc::Rng rng(3);
  // trueMatch 0,1,2,3: targets 0, 1 and 3 right, 2 wrong -> 3/4.
  const pc::LinkageResult r = pc::recordLinkage(cluster, qi, x, y, {0, 1, 2, 3}, rng, all);
  CHECK(r.correct == 3);
  CHECK(r.rate == 0.75);
  CHECK(r.targetsWithoutQiMatch == 1);
  CHECK(r.targetsWithoutCluster == 0);
  // Candidates: 1 + 2 + 1 + 1 (B's whole cluster) = 5 over 4 targets.
  CHECK(r.meanCandidates == 1.25);
  // Chance: 1/3 × 3 + 1/1 = 2 of 4.
  CHECK(r.chanceRate == 0.5);
  // Without numbers every candidate ties: target 1 picks 1 or 2 at random, others as before.
  pc::NumericMatrix none;
  pc::Rng rng2(4);
  const pc::LinkageResult t = pc::recordLinkage(cluster, qi, none, none, {0, 1, 2, 3}, rng2, all);
  CHECK(t.targetsWithTies == 1);
  CHECK(t.correct >= 2);
  CHECK(t.correct <= 3);
  CHECK_THROWS_AS(pc::recordLinkage(cluster, qi, x, y, {0, 1, 2}, rng2, all),
                  std::invalid_argument);
}

TEST_CASE("record linkage: ties are broken uniformly at random") {
  // One cluster of 4 with identical numbers: every target ties among 4 -> rate about 1/4.
  std::string csv = "c\n";
  for (int i = 0; i < 4000; ++i) csv += "K" + std::to_string(i / 4) + "\n";
  const pc::Table t = pc::readCsv(csv);
  const pc::JointIds cluster = pc::jointIds(t, {0}, t, {0});
  const pc::JointIds noQi = pc::jointIds(t, {}, t, {});
  const pc::NumericMatrix same = column(std::vector<double>(4000, 7.0));
  pc::Rng rng(9);
  const pc::LinkageResult r =
      pc::recordLinkage(cluster, noQi, same, same, identity(4000), rng, pc::LinkageOptions{});
  CHECK(r.targets == 2000);
  CHECK(r.chanceRate == 0.25);
  CHECK(r.targetsWithTies == 2000);
  // sd = sqrt(0.25 × 0.75 / 2000) = 0.0097; 4 sd.
  CHECK(std::fabs(r.rate - 0.25) < 0.039);
}

TEST_CASE("record linkage: identity release is fully linkable, a swap is linkable by chance") {
  const pc::Table city = randomCity(7, 6000);
  const std::vector<std::size_t> qiCols = {1, 2};  // sex, age band
  {
    // pseudo = original; add a unique QI (row number) so each target has one candidate.
    std::string csv = "id\n";
    for (std::size_t r = 0; r < city.rows(); ++r) csv += std::to_string(r) + "\n";
    const pc::Table ids = pc::readCsv(csv);
    const pc::JointIds cluster = pc::jointIds(city, {0}, city, {0});
    const pc::JointIds qi = pc::jointIds(ids, {0}, ids, {0});
    const pc::NumericMatrix cost = pc::numericMatrix(city, {4});
    pc::Rng rng(1);
    pc::LinkageOptions all;
    all.targets = city.rows();
    const pc::LinkageResult r =
        pc::recordLinkage(cluster, qi, cost, cost, identity(city.rows()), rng, all);
    CHECK(r.rate == 1.0);
    // Chance = mean over all rows of 1/(cluster size) = clusters / rows.
    const pc::ClassStats districts = pc::equivalenceClasses(city, {0});
    CHECK(r.chanceRate ==
          doctest::Approx(static_cast<double>(districts.classes) / static_cast<double>(city.rows()))
              .epsilon(1e-12));
  }
  {
    pc::Rng swapRng(2);
    const pc::Table pseudo = shuffleWithinClusters(city, 0, swapRng);
    const pc::JointIds cluster = pc::jointIds(city, {0}, pseudo, {0});
    const pc::JointIds qi = pc::jointIds(city, qiCols, pseudo, qiCols);
    const pc::NumericMatrix x = pc::numericMatrix(city, {4});
    const pc::NumericMatrix y = pc::numericMatrix(pseudo, {4});
    pc::Rng rng(3);
    const pc::LinkageResult r =
        pc::recordLinkage(cluster, qi, x, y, identity(city.rows()), rng, pc::LinkageOptions{});
    CHECK(r.targets == 2000);
    CHECK(r.chanceRate > 0.04);
    CHECK(r.chanceRate < 0.07);
    // sd of the rate ≈ sqrt(0.05 × 0.95 / 2000) = 0.0049; allow 5 sd either way.
    CHECK(std::fabs(r.rate - r.chanceRate) < 0.025);
  }
}

TEST_CASE("attribute inference: QI-class mode vs cluster majority, by hand") {
  // Original (cluster, sex, care)        Pseudo (cluster, sex, care)
  //   X M 1   X M 1   X F 2   X F 3        X M 1   X M 2   X M 1   X F 3   X F 3
  //   X F 2   Y M 3   Y F 3   Y F 1        Y M 3   Y F 1   Y F 1
  // Guesses from pseudo: X,M -> 1 (1,2,1); X,F -> 3; Y,M -> 3; Y,F -> 1.
  // Right: X M 1 ✓, X M 1 ✓, X F 2 ✗, X F 3 ✓, X F 2 ✗, Y M 3 ✓, Y F 3 ✗, Y F 1 ✓ -> 5/8.
  // Baseline, majority in the original: X {1,1,2,3,2} ties 1 and 2 -> 1/2 each for values 1 or 2:
  // 1/2 + 1/2 + 1/2 + 0 + 1/2 = 2; Y {3,3,1} -> 3: 1 + 1 + 0 = 2 -> 4/8.
  const pc::Table original =
      pc::readCsv("c,s,v\nX,M,1\nX,M,1\nX,F,2\nX,F,3\nX,F,2\nY,M,3\nY,F,3\nY,F,1\n");
  const pc::Table pseudo =
      pc::readCsv("c,s,v\nX,M,1\nX,M,2\nX,M,1\nX,F,3\nX,F,3\nY,M,3\nY,F,1\nY,F,1\n");
  const pc::JointIds cluster = pc::jointIds(original, {0}, pseudo, {0});
  const pc::JointIds qi = pc::jointIds(original, {1}, pseudo, {1});
  const std::vector<pc::JointIds> sensitive = {pc::jointIds(original, {2}, pseudo, {2})};
  pc::Rng rng(1);
  const auto results = pc::attributeInference(cluster, qi, sensitive, rng, 100);
  REQUIRE(results.size() == 1);
  const pc::InferenceResult& r = results[0];
  CHECK(r.targets == 8);
  CHECK(r.correct == 5);
  CHECK(r.accuracy == 0.625);
  CHECK(r.baseline == 0.5);
  CHECK(r.targetsWithoutQiMatch == 0);
  CHECK(r.accuracyInterval.low == pc::wilson(5, 8).low);
  CHECK(r.accuracyInterval.high == pc::wilson(5, 8).high);
  CHECK(r.baselineInterval.low == pc::wilson(4, 8).low);
  CHECK(r.baselineInterval.high == pc::wilson(4, 8).high);
}

TEST_CASE("attribute inference: fallback to the cluster, and clusters without pseudo records") {
  // Cluster X pseudo has no F: the F target is guessed from all of X (value 1, 2×).
  // Cluster Z has no pseudo record: its row is not a target.
  const pc::Table original = pc::readCsv("c,s,v\nX,M,1\nX,F,1\nX,M,2\nZ,M,5\n");
  const pc::Table pseudo = pc::readCsv("c,s,v\nX,M,1\nX,M,1\nX,M,2\n");
  const pc::JointIds cluster = pc::jointIds(original, {0}, pseudo, {0});
  const pc::JointIds qi = pc::jointIds(original, {1}, pseudo, {1});
  pc::Rng rng(1);
  const auto r =
      pc::attributeInference(cluster, qi, {pc::jointIds(original, {2}, pseudo, {2})}, rng, 100)[0];
  // Targets 0,1,2; guesses 1 (M: 1,1,2), 1 (fallback), 1 -> right, right, wrong = 2/3.
  CHECK(r.targets == 3);
  CHECK(r.correct == 2);
  CHECK(r.targetsWithoutQiMatch == 1);
  // Majority of X in the original {1,1,2} is 1 -> 2/3.
  CHECK(r.baseline == 2.0 / 3.0);
}

TEST_CASE("attribute inference on a swap stays near the cluster-majority baseline") {
  const pc::Table city = randomCity(5, 8000);
  pc::Rng swapRng(8);
  const pc::Table pseudo = shuffleWithinClusters(city, 0, swapRng);
  const pc::JointIds cluster = pc::jointIds(city, {0}, pseudo, {0});
  const pc::JointIds qi = pc::jointIds(city, {1}, pseudo, {1});
  pc::Rng rng(4);
  const auto r =
      pc::attributeInference(cluster, qi, {pc::jointIds(city, {3}, pseudo, {3})}, rng, 2000)[0];
  CHECK(r.targets == 2000);
  // Care level is uniform over 4 values. The sex-specific mode of a swapped column is a noisier
  // estimate of the cluster majority, so the attacker does no better than the baseline (sd of
  // each figure ≈ 0.011; 0.03 of slack) and better than a blind guess among 4 values.
  CHECK(r.accuracy < r.baseline + 0.03);
  CHECK(r.accuracy > 0.2);
}

TEST_CASE("DCR baseline protection: distances by hand (SDMetrics' metric)") {
  // Real rows (cat, num): (A,0) (B,10) (A,5); range 10, 2 columns.
  // Pseudo (A,4): to (A,0) (0+0.4)/2 = 0.2, (B,10) (1+0.6)/2 = 0.8, (A,5) (0+0.1)/2 = 0.05.
  // Pseudo (B,5): 0.75, 0.25, 0.5 -> 0.25. Pseudo (C,10): 1, 0.5, 0.75 -> 0.5.
  // Median of {0.05, 0.25, 0.5} = 0.25.
  const pc::Table original = pc::readCsv("k\nA\nB\nA\n");
  const pc::Table pseudo = pc::readCsv("k\nA\nB\nC\n");
  const std::vector<pc::JointIds> cat = {pc::jointIds(original, {0}, pseudo, {0})};
  pc::Rng rng(1);
  pc::DcrOptions options;
  const pc::DcrResult r =
      pc::dcrBaselineProtection(cat, column({0, 10, 5}), column({4, 5, 10}), rng, options);
  CHECK(r.queries == 3);
  CHECK(r.referenceRows == 3);
  CHECK(r.medianSynthetic == doctest::Approx(0.25).epsilon(1e-15));
  CHECK(r.syntheticAtZero == 0.0);
  // Missing numbers: both missing 0, one missing 1. Pseudo (A,NaN): to (A,NaN) 0 -> DCR 0.
  const pc::Table o2 = pc::readCsv("k\nA\nA\n");
  const pc::Table p2 = pc::readCsv("k\nA\nA\n");
  const std::vector<pc::JointIds> cat2 = {pc::jointIds(o2, {0}, p2, {0})};
  const double nan = std::nan("");
  pc::Rng rng2(2);
  const pc::DcrResult m =
      pc::dcrBaselineProtection(cat2, column({nan, 4}), column({nan, nan}), rng2, options);
  // Pseudo (A,NaN) -> 0 to the first; second pseudo the same: median 0, both at zero.
  CHECK(m.medianSynthetic == 0.0);
  CHECK(m.syntheticAtZero == 1.0);
  // Only one original category and no number: random rows are copies -> score NaN.
  CHECK(std::isnan(
      pc::dcrBaselineProtection(cat2, pc::NumericMatrix{}, pc::NumericMatrix{}, rng2, options)
          .score));
}

TEST_CASE("DCR baseline protection: the random baseline and the score") {
  // Real {0, 10}: range 10. 1000 pseudo rows at 2 -> DCR 0.2 each. Random rows uniform on
  // [0, 10] have DCR min(u, 10 − u)/10, uniform on [0, 0.5]: median 0.25 -> score 0.8.
  // sd of the sample median of 1000 ≈ 1/(2 × 2 × sqrt(1000)) = 0.008.
  pc::Rng rng(5);
  const pc::DcrResult r = pc::dcrBaselineProtection(
      {}, column({0, 10}), column(std::vector<double>(1000, 2.0)), rng, pc::DcrOptions{});
  CHECK(r.queries == 1000);
  CHECK(r.medianSynthetic == 0.2);
  CHECK(r.medianRandom == doctest::Approx(0.25).epsilon(0.15));
  CHECK(r.score == doctest::Approx(0.8).epsilon(0.15));
  // A pseudo set far from the real one scores 1 (capped).
  pc::Rng rng2(6);
  const pc::DcrResult far = pc::dcrBaselineProtection(
      {}, column({0, 10}), column(std::vector<double>(1000, 5.0)), rng2, pc::DcrOptions{});
  CHECK(far.score == 1.0);
  // Exact copies score 0.
  pc::Rng rng3(7);
  const pc::DcrResult copies = pc::dcrBaselineProtection(
      {}, column({0, 10, 3, 7}), column({0, 10, 3, 7}), rng3, pc::DcrOptions{});
  CHECK(copies.score == 0.0);
  CHECK(copies.syntheticAtZero == 1.0);
  // Sampling: at most `queries` pseudo rows and `referenceRows` original rows.
  pc::DcrOptions small;
  small.queries = 10;
  small.referenceRows = 1;
  pc::Rng rng4(8);
  const pc::DcrResult sampled = pc::dcrBaselineProtection(
      {}, column({0, 10, 3, 7}), column(std::vector<double>(100, 1.0)), rng4, small);
  CHECK(sampled.queries == 10);
  CHECK(sampled.referenceRows == 1);
  // One reference row r in {0, 10, 3, 7}: every pseudo row (all 1) is |1 − r|/10 away.
  int matches = 0;
  for (const double expected : {0.1, 0.9, 0.2, 0.6})
    matches += std::fabs(sampled.medianSynthetic - expected) < 1e-12 ? 1 : 0;
  CHECK(matches == 1);
  CHECK_THROWS_AS(pc::dcrBaselineProtection({}, pc::NumericMatrix{}, pc::NumericMatrix{}, rng4),
                  std::invalid_argument);
}

TEST_CASE("numericMatrix reads plain numbers exactly as parseDecimal does") {
  // Plain forms the fast path reads, and forms it must leave to parseDecimal, one per '|'.
  const std::string list =
      "0|-0|007|12.50|-3.25|.5|5.|1e3|+4|--1|-|1.2.3|123456789012345678|1234567890123456789|0.1|"
      "99.99|-0.001|4 | 4|１２|1,234|▲5|不明|NA";
  std::vector<std::string> cells;
  for (std::size_t start = 0, bar = 0; bar != std::string::npos; start = bar + 1) {
    bar = list.find('|', start);
    cells.push_back(list.substr(start, bar == std::string::npos ? bar : bar - start));
  }
  std::string csv = "v\n";
  for (const auto& c : cells) csv += "\"" + c + "\"\n";
  const pc::Table t = pc::readCsv(csv);
  const pc::NumericMatrix m = pc::numericMatrix(t, {0});
  REQUIRE(m.rows == cells.size());
  for (std::size_t r = 0; r < m.rows; ++r) {
    CAPTURE(r);
    const std::string_view cell = t.columns[0].at(r);
    const auto expected = pc::isMissingToken(cell) ? std::nullopt : pc::parseDecimal(cell);
    if (expected) {
      CHECK(m.at(r, 0) == expected->toDouble());
    } else {
      CHECK(std::isnan(m.at(r, 0)));
    }
  }
}

// ------------------------------------------------- coded columns: the same figures as the cells

namespace {

/// 6,000 residents: district (40), sex, age, care level (dictionary columns), a cost (plain), a
/// note longer than 7 bytes (plain) and a level of 30 values.
pc::Table mixedOriginal() {
  pc::Rng rng(11);
  std::string csv = "district,sex,age,care,cost,note,level\n";
  for (std::size_t r = 0; r < 6000; ++r) {
    // One draw a statement: the operands of + are evaluated in an unspecified order.
    const uint64_t district = rng.below(40);
    const uint64_t sex = rng.below(2);
    const uint64_t age = rng.below(100);
    const uint64_t care = rng.below(5);
    const uint64_t cost = rng.below(100000);
    const uint64_t note = rng.below(1000000);
    const uint64_t level = rng.below(30);
    csv += "D" + std::to_string(district) + "," + (sex == 1 ? "M" : "F") + "," +
           std::to_string(age) + "," + std::to_string(care) + "," + std::to_string(cost) +
           ",note number " + std::to_string(note) + "," + std::to_string(level) + "\n";
  }
  return pc::readCsv(csv);
}

/// Every column but the district permuted within districts; a third of the costs changed, and
/// two thirds of the levels turned into new values (so the level is a dictionary in the original
/// and plain text in the pseudo data).
pc::Table mixedPseudo(const pc::Table& in) {
  pc::Rng rng(12);
  std::vector<std::vector<uint32_t>> members(40);
  for (std::size_t r = 0; r < in.rows(); ++r)
    members[std::stoul(std::string(in.columns[0].at(r)).substr(1))].push_back(
        static_cast<uint32_t>(r));
  std::vector<std::vector<uint32_t>> source(in.columns.size(), std::vector<uint32_t>(in.rows()));
  for (std::size_t c = 0; c < in.columns.size(); ++c) {
    for (const auto& rows : members) {
      std::vector<uint32_t> permuted = rows;
      if (c != 0) pc::shuffleRange(permuted.begin(), permuted.end(), rng);
      for (std::size_t i = 0; i < rows.size(); ++i) source[c][rows[i]] = permuted[i];
    }
  }
  pc::Table out;
  out.names = in.names;
  out.columns.resize(in.columns.size());
  for (std::size_t c = 0; c < in.columns.size(); ++c) {
    for (std::size_t r = 0; r < in.rows(); ++r) {
      std::string cell(in.columns[c].at(source[c][r]));
      if (c == 4 && rng.below(3) == 0) cell += "0";
      if (c == 6 && rng.below(3) != 0) cell += "." + std::to_string(rng.below(100000));
      out.columns[c].push(cell);
    }
  }
  return out;
}

/// Joint ids computed the plain way: each row's cells as a key, ids by first appearance.
pc::JointIds referenceJointIds(const pc::Table& original, const pc::Table& pseudo,
                               const std::vector<std::size_t>& cols) {
  std::map<std::vector<std::string>, uint32_t> ids;
  pc::JointIds out;
  auto idOf = [&](const pc::Table& t, std::size_t r) {
    std::vector<std::string> key;
    for (const std::size_t c : cols) key.emplace_back(t.columns[c].at(r));
    const auto it = ids.emplace(key, static_cast<uint32_t>(ids.size())).first;
    return it->second;
  };
  for (std::size_t r = 0; r < original.rows(); ++r) out.original.push_back(idOf(original, r));
  out.countInOriginal = static_cast<uint32_t>(ids.size());
  for (std::size_t r = 0; r < pseudo.rows(); ++r) out.pseudo.push_back(idOf(pseudo, r));
  out.count = static_cast<uint32_t>(ids.size());
  return out;
}

}  // namespace

TEST_CASE("coded columns: joint ids equal those of the cells, whatever the columns' layout") {
  const pc::Table original = mixedOriginal();
  const pc::Table pseudo = mixedPseudo(original);
  // The layouts this test is about.
  REQUIRE(original.columns[0].isDictionary());
  REQUIRE(!original.columns[4].isDictionary());
  REQUIRE(!original.columns[5].isDictionary());
  REQUIRE(original.columns[6].isDictionary());
  REQUIRE(!pseudo.columns[6].isDictionary());
  for (const std::vector<std::size_t>& cols : std::vector<std::vector<std::size_t>>{
           {0}, {4}, {5}, {6}, {0, 1, 3}, {3, 1, 2, 0}, {2, 3, 6}, {0, 4}, {0, 1, 2, 3, 4, 5, 6}}) {
    CAPTURE(cols.size());
    CAPTURE(cols.front());
    const pc::JointIds expected = referenceJointIds(original, pseudo, cols);
    const pc::JointIds ids = pc::jointIds(original, cols, pseudo, cols);
    CHECK(ids.original == expected.original);
    CHECK(ids.pseudo == expected.pseudo);
    CHECK(ids.countInOriginal == expected.countInOriginal);
    CHECK(ids.count == expected.count);
    // Copied rows: pseudo rows whose combination the original has.
    std::size_t copied = 0;
    for (const uint32_t id : expected.pseudo) copied += id < expected.countInOriginal ? 1 : 0;
    CHECK(pc::copiedRowShare(original, pseudo, cols, cols) ==
          static_cast<double>(copied) / static_cast<double>(pseudo.rows()));
  }
  // A coded column knows each id's text.
  const pc::CodedColumn level = pc::codeColumn(original, 6, &pseudo, 6);
  for (std::size_t r = 0; r < pseudo.rows(); r += 7)
    CHECK(level.value(level.ids.pseudo[r]) == pseudo.columns[6].at(r));
  for (std::size_t r = 0; r < original.rows(); r += 7)
    CHECK(level.value(level.ids.original[r]) == original.columns[6].at(r));
  // Out of range, or columns of different lengths.
  CHECK_THROWS_AS(pc::codeColumn(original, 7, &pseudo, 0), std::invalid_argument);
  const pc::CodedColumn other = pc::codeColumn(pseudo, 1, nullptr, 0);
  CHECK_THROWS_AS(pc::combineJointIds({&level.ids, &other.ids}, original.rows(), pseudo.rows()),
                  std::invalid_argument);
  CHECK(pc::combineJointIds({}, 2, 3).pseudo == std::vector<uint32_t>{0, 0, 0});
}

TEST_CASE("coded columns: every measure gives the figures of the text-keyed implementation") {
  // The figures below are those the measures gave when they grouped rows by their cells' text
  // (before the columns were coded once); the coded paths must give them to the last bit.
  const pc::Table original = mixedOriginal();
  const pc::Table pseudo = mixedPseudo(original);
  const std::vector<std::size_t> all = {0, 1, 2, 3, 4, 5, 6}, keys = {0}, qi = {1, 2},
                                 exact = {0, 1, 2}, nums = {4, 6};
  CHECK(pc::copiedRowShare(original, pseudo, {0, 4}, {0, 4}) == 0.67966666666666664);
  CHECK(pc::copiedRowShare(original, pseudo, {0, 6}, {0, 6}) == 0.32616666666666666);
  CHECK(pc::copiedRowShare(original, pseudo, {3, 1, 2, 0}, {3, 1, 2, 0}) == 0.22900000000000001);
  CHECK(pc::copiedRowShare(original, pseudo, {2, 3, 6}, {2, 3, 6}) == 0.105);
  CHECK(pc::copiedRowShare(original, pseudo, {0, 1, 2, 3, 6}, {0, 1, 2, 3, 6}) ==
        0.0025000000000000001);
  pc::Rng rng(7);
  CHECK(pc::expectedCopiedShareByChance(original, all, keys, rng, 3) == 0.0);
  CHECK(pc::expectedCopiedShareByChance(original, {1, 2, 3}, keys, rng, 2) ==
        0.99791666666666667);
  CHECK(pc::expectedCopiedShareByChance(original, {4, 6}, {0, 1}, rng, 2) ==
        0.046916666666666662);
  CHECK(pc::expectedCopiedShareByChance(original, {1, 2, 3}, {}, rng, 1) == 0.9986666666666667);
  const pc::ReplicatedUniques u = pc::replicatedUniques(original, pseudo, exact, exact);
  CHECK(u.originalUniques == 2821);
  CHECK(u.pseudoUniques == 2898);
  CHECK(u.replicated == 1382);
  const pc::ClassStats k = pc::equivalenceClasses(pseudo, exact);
  CHECK(k.classes == 4257);
  CHECK(k.sampleUniques == 2898);
  const pc::DiversityStats d = pc::lDiversity(pseudo, exact, 3);
  CHECK(d.homogeneousClasses == 3096);
  CHECK(d.recordsInHomogeneousClasses == 3305);
  CHECK(d.homogeneousClassesOfTwoOrMore == 198);
  CHECK(d.distinctL == 1);

  const pc::JointIds cluster = pc::jointIds(original, keys, pseudo, keys);
  const pc::JointIds qiIds = pc::jointIds(original, qi, pseudo, qi);
  const pc::NumericMatrix a = pc::numericMatrix(original, nums);
  const pc::NumericMatrix b = pc::numericMatrix(pseudo, nums);
  const std::vector<int64_t> match = identity(original.rows());
  pc::Rng rng2(8);
  const pc::LinkageResult l = pc::recordLinkage(cluster, qiIds, a, b, match, rng2);
  CHECK(l.correct == 8);
  CHECK(l.targetsWithTies == 0);
  CHECK(l.targetsWithoutQiMatch == 463);
  CHECK(l.chanceRate == 0.0066823902017706834);
  CHECK(l.meanCandidates == 36.1205);
  const std::vector<pc::JointIds> cats = {pc::jointIds(original, {1}, pseudo, {1}),
                                          pc::jointIds(original, {3}, pseudo, {3})};
  const pc::DcrResult r = pc::dcrBaselineProtection(cats, a, b, rng2, pc::DcrOptions{500, 3000});
  CHECK(r.medianSynthetic == 0.010472218285389936);
  CHECK(r.medianRandom == 0.009188788495688301);
  CHECK(r.syntheticAtZero == 0.0);
  const auto inference = pc::attributeInference(cluster, qiIds, cats, rng2, 1000);
  CHECK(inference[1].correct == 222);
  CHECK(inference[1].baseline == 0.25600000000000001);
  CHECK(inference[1].targetsWithoutQiMatch == 259);
  const uint64_t streamAfter = rng2.next();
  CHECK(streamAfter == 15274484962997546868ULL);

  // The same through coded columns, as the report runs them: same figures, same draws.
  std::vector<pc::CodedColumn> coded;
  for (const std::size_t c : all) coded.push_back(pc::codeColumn(original, c, &pseudo, c));
  auto codedOf = [&](const std::vector<std::size_t>& cols) {
    std::vector<const pc::CodedColumn*> out;
    for (const std::size_t c : cols) out.push_back(&coded[c]);
    return out;
  };
  auto combined = [&](const std::vector<std::size_t>& cols) {
    return pc::combineJointIds(pc::idsOf(codedOf(cols)), original.rows(), pseudo.rows());
  };
  CHECK(pc::copiedRowShare(pc::idsOf(codedOf({0, 6}))) == 0.32616666666666666);
  CHECK(pc::copiedRowShare(pc::idsOf(codedOf({0, 1, 2, 3, 6}))) == 0.0025000000000000001);
  const pc::JointIds clusterIds = combined(keys);
  CHECK(clusterIds.original == cluster.original);
  CHECK(clusterIds.pseudo == cluster.pseudo);
  pc::Rng rng3(7);
  CHECK(pc::expectedCopiedShareByChance(codedOf(all), clusterIds, rng3, 3) == 0.0);
  CHECK(pc::expectedCopiedShareByChance(codedOf({1, 2, 3}), clusterIds, rng3, 2) ==
        0.99791666666666667);
  CHECK(pc::expectedCopiedShareByChance(codedOf({4, 6}), combined({0, 1}), rng3, 2) ==
        0.046916666666666662);
  const pc::JointIds exactIds = combined(exact);
  const pc::ReplicatedUniques u2 = pc::replicatedUniques(exactIds);
  CHECK(u2.replicated == u.replicated);
  CHECK(u2.originalUniques == u.originalUniques);
  const pc::ClassStats k2 = pc::equivalenceClasses(exactIds.pseudo, exactIds.count);
  CHECK(k2.sizeHistogram == k.sizeHistogram);
  CHECK(k2.averageProsecutorRisk == k.averageProsecutorRisk);
  const pc::DiversityStats d2 =
      pc::lDiversity(exactIds.pseudo, exactIds.count, coded[3].ids.pseudo, coded[3].ids.count);
  CHECK(d2.homogeneousClasses == d.homogeneousClasses);
  CHECK(d2.recordsInHomogeneousClasses == d.recordsInHomogeneousClasses);
  CHECK(d2.distinctL == d.distinctL);

  const pc::CodedNumbers numbers = pc::codedNumbers(codedOf(nums));
  for (std::size_t r = 0; r < original.rows(); ++r) {
    for (std::size_t j = 0; j < nums.size(); ++j) {
      const double x = numbers.number[j][numbers.ids[j]->original[r]];
      const double y = numbers.number[j][numbers.ids[j]->pseudo[r]];
      CHECK(((x == a.at(r, j)) || (std::isnan(x) && std::isnan(a.at(r, j)))));
      CHECK(((y == b.at(r, j)) || (std::isnan(y) && std::isnan(b.at(r, j)))));
    }
  }
  pc::Rng rng4(8);
  const pc::LinkageResult l2 = pc::recordLinkage(combined(keys), combined(qi), numbers, match, rng4);
  CHECK(l2.correct == l.correct);
  CHECK(l2.targetsWithoutQiMatch == l.targetsWithoutQiMatch);
  CHECK(l2.chanceRate == l.chanceRate);
  CHECK(l2.meanCandidates == l.meanCandidates);
  const pc::DcrResult r2 = pc::dcrBaselineProtection(pc::idsOf(codedOf({1, 3})), numbers, rng4,
                                                     pc::DcrOptions{500, 3000});
  CHECK(r2.medianSynthetic == r.medianSynthetic);
  CHECK(r2.medianRandom == r.medianRandom);
  CHECK(r2.syntheticAtZero == r.syntheticAtZero);
  const auto inference2 =
      pc::attributeInference(combined(keys), combined(qi), pc::idsOf(codedOf({1, 3})), rng4, 1000);
  CHECK(inference2[1].correct == inference[1].correct);
  CHECK(inference2[1].baseline == inference[1].baseline);
  CHECK(rng4.next() == streamAfter);
}
