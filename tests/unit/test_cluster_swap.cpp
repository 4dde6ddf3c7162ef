// Swapping within clusters: counts kept exactly, links broken, deterministic by seed.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cluster_swap.h"
#include "csv.h"
#include "error.h"
#include "rng.h"

namespace {

using Counts = std::map<std::pair<std::string, std::string>, int>;  // (cluster, value) -> count

Counts valueCounts(const pc::Table& t, const std::string& cluster, const std::string& column) {
  Counts counts;
  const auto k = static_cast<std::size_t>(t.indexOf(cluster));
  const auto c = static_cast<std::size_t>(t.indexOf(column));
  for (std::size_t r = 0; r < t.rows(); ++r)
    ++counts[{std::string(t.columns[k].at(r)), std::string(t.columns[c].at(r))}];
  return counts;
}

/// A random table: `rows` rows, a district column with 6 uneven districts, and three columns.
pc::Table randomTable(uint64_t seed, std::size_t rows) {
  pc::Rng rng(seed);
  std::string csv = "id,district,sex,age,cost\n";
  for (std::size_t r = 0; r < rows; ++r) {
    const uint64_t d = rng.below(100);
    const char* district = d < 40   ? "A"
                           : d < 70 ? "B"
                           : d < 85 ? "C"
                           : d < 95 ? "D"
                           : d < 99 ? "E"
                                    : "F";
    csv += std::to_string(r) + "," + district + "," + (rng.below(2) ? "男" : "女") + "," +
           std::to_string(rng.below(100)) + "," + std::to_string(rng.below(1000000)) + "\n";
  }
  return pc::readCsv(csv);
}

}  // namespace

TEST_CASE("per-cluster row counts and value counts are exact for many tables and seeds") {
  for (uint64_t trial = 1; trial <= 20; ++trial) {
    CAPTURE(trial);
    const pc::Table in = randomTable(trial, 50 + 37 * trial);
    pc::SwapRequest request;
    request.clusterColumns = {"district"};
    request.dropColumns = {"id"};
    request.seed = trial * 7919;
    const pc::Table out = pc::swapWithinClusters(in, request);
    REQUIRE(out.rows() == in.rows());
    CHECK(out.names == std::vector<std::string>{"district", "sex", "age", "cost"});
    for (const char* column : {"district", "sex", "age", "cost"})
      CHECK(valueCounts(out, "district", column) == valueCounts(in, "district", column));
  }
}

TEST_CASE("records are rebuilt: the link between columns is broken") {
  const pc::Table in = randomTable(42, 2000);
  pc::SwapRequest request;
  request.clusterColumns = {"district"};
  const pc::Table out = pc::swapWithinClusters(in, request);
  // Rows whose (age, cost) pair survives intact: with 100 ages and 10^6 costs,
  // only a few can coincide by chance.
  std::map<std::pair<std::string, std::string>, int> original;
  for (std::size_t r = 0; r < in.rows(); ++r)
    ++original[{std::string(in.columns[3].at(r)), std::string(in.columns[4].at(r))}];
  int kept = 0;
  for (std::size_t r = 0; r < out.rows(); ++r)
    kept += original.count({std::string(out.columns[3].at(r)), std::string(out.columns[4].at(r))})
                ? 1
                : 0;
  CHECK(kept < 40);  // expected about 2000 / (cluster size) ≈ 5; never most rows
  // The output order is not the input order: the id column moved.
  int samePlace = 0;
  for (std::size_t r = 0; r < out.rows(); ++r)
    samePlace += in.columns[0].at(r) == out.columns[0].at(r);
  CHECK(samePlace < 20);
}

TEST_CASE("same input and seed give the same output; another seed another") {
  const pc::Table in = randomTable(3, 500);
  pc::SwapRequest request;
  request.clusterColumns = {"district"};
  request.seed = 20201019;
  const std::string a = pc::writeCsv(pc::swapWithinClusters(in, request));
  const std::string b = pc::writeCsv(pc::swapWithinClusters(in, request));
  CHECK(a == b);
  request.seed = 20201020;
  CHECK(pc::writeCsv(pc::swapWithinClusters(in, request)) != a);
}

TEST_CASE("two key columns make one cluster per combination") {
  const pc::Table in = pc::readCsv("区,性別,値\nA,男,1\nA,男,2\nA,女,3\nB,男,4\n");
  const auto index = pc::groupRows(in, {0, 1});
  CHECK(index.labels == std::vector<std::string>{"A / 女", "A / 男", "B / 男"});
  CHECK(index.members[1] == std::vector<uint32_t>{0, 1});
}

TEST_CASE("a single-row cluster keeps its row (nothing to swap with)") {
  const pc::Table in = pc::readCsv("区,値\nA,1\nA,2\nB,9\n");
  pc::SwapRequest request;
  request.clusterColumns = {"区"};
  const pc::Table out = pc::swapWithinClusters(in, request);
  for (std::size_t r = 0; r < out.rows(); ++r)
    if (out.columns[0].at(r) == "B") CHECK(out.columns[1].at(r) == "9");
}

TEST_CASE("unknown, missing and contradictory columns are clear errors") {
  const pc::Table in = pc::readCsv("区,値\nA,1\n");
  pc::SwapRequest request;
  CHECK_THROWS_WITH_AS(pc::swapWithinClusters(in, request), doctest::Contains("Choose the column"),
                       pc::InputError);
  request.clusterColumns = {"地区"};
  CHECK_THROWS_WITH_AS(pc::swapWithinClusters(in, request),
                       "Cluster column \"地区\" is not in the file.", pc::InputError);
  request.clusterColumns = {"区"};
  request.dropColumns = {"区"};
  CHECK_THROWS_AS(pc::swapWithinClusters(in, request), pc::InputError);
}

TEST_CASE("Rng: fixed outputs, so every platform draws the same numbers") {
  // SplitMix64 from seed 0: the published first output.
  uint64_t state = 0;
  CHECK(pc::splitMix64(state) == 0xE220A8397B1DCDAFULL);
  pc::Rng a(1), b(1);
  for (int i = 0; i < 100; ++i) CHECK(a.next() == b.next());
  pc::Rng r(7);
  for (int i = 0; i < 1000; ++i) {
    const uint64_t v = r.below(6);
    CHECK(v < 6);
  }
}
