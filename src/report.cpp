#include "report.h"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "clusters.h"
#include "profile.h"
#include "risk.h"
#include "rng.h"
#include "values.h"

namespace pc {
namespace {

using OrderedJson = nlohmann::ordered_json;

/// Exact sums in integer units plus the moments, for one side of one cluster and column.
struct NumberStats {
  std::size_t n = 0;
  int64_t sumUnits = 0;
  double sum = 0, mean = 0, sd = 0, min = 0, max = 0;
};

struct Side {
  std::vector<std::size_t> rows;
};

/// Parses a cell as a number in units of 10^-scale (or an age from a date); nullopt if missing.
std::optional<int64_t> unitsOf(std::string_view cell, int scale,
                               const std::optional<Date>& ageAtDate) {
  if (isMissingToken(cell)) return std::nullopt;
  if (ageAtDate) {
    const auto date = parseDate(cell);
    if (date) return ageAt(*date, *ageAtDate);
    // The pseudo side holds ages already.
  }
  const auto value = parseDecimal(cell);
  if (!value || value->scale > scale) return std::nullopt;
  int64_t units = value->mantissa;
  for (int i = value->scale; i < scale; ++i) units *= 10;
  return units;
}

NumberStats numberStats(const TextColumn& column, const std::vector<std::size_t>& rows, int scale,
                        const std::optional<Date>& ageAtDate, std::size_t& unreadable) {
  NumberStats s;
  std::vector<int64_t> values;
  for (const std::size_t r : rows) {
    const std::string_view cell = column.at(r);
    const auto units = unitsOf(cell, scale, ageAtDate);
    if (!units) {
      if (!isMissingToken(cell)) ++unreadable;
      continue;
    }
    values.push_back(*units);
  }
  s.n = values.size();
  if (s.n == 0) return s;
  double unit = 1;
  for (int i = 0; i < scale; ++i) unit /= 10;
  int64_t lo = values[0], hi = values[0];
  for (const int64_t v : values) {
    s.sumUnits += v;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  const double mean = static_cast<double>(s.sumUnits) / static_cast<double>(s.n);
  double ss = 0;
  for (const int64_t v : values) {
    const double d = static_cast<double>(v) - mean;
    ss += d * d;
  }
  s.sum = static_cast<double>(s.sumUnits) * unit;
  s.mean = mean * unit;
  s.sd = std::sqrt(ss / static_cast<double>(s.n)) * unit;
  s.min = static_cast<double>(lo) * unit;
  s.max = static_cast<double>(hi) * unit;
  return s;
}

OrderedJson statsJson(const NumberStats& s) {
  return {{"n", s.n},   {"sum", s.sum}, {"mean", s.mean},
          {"sd", s.sd}, {"min", s.min}, {"max", s.max}};
}

}  // namespace

std::string aggregateReportJson(const Table& original,
                                const TextColumn& releasedLabel, const Table& pseudo,
                                const Recipe& resolved) {
  // Rows of each released cluster on both sides.
  std::vector<std::size_t> keysOut;
  for (const auto& name : resolved.cluster)
    keysOut.push_back(static_cast<std::size_t>(pseudo.indexOf(name)));
  const ClusterIndex pseudoClusters = groupRows(pseudo, keysOut);
  std::map<std::string, std::vector<std::size_t>> originalRows;
  for (std::size_t r = 0; r < releasedLabel.size(); ++r)
    if (!releasedLabel.at(r).empty()) originalRows[std::string(releasedLabel.at(r))].push_back(r);
  std::map<std::string, std::vector<std::size_t>> pseudoRows;
  for (std::size_t k = 0; k < pseudoClusters.labels.size(); ++k)
    pseudoRows[pseudoClusters.labels[k]].assign(pseudoClusters.members[k].begin(),
                                                pseudoClusters.members[k].end());

  std::optional<Date> reference;
  if (!resolved.referenceDate.empty()) reference = parseDate(resolved.referenceDate);

  // Numeric columns' precision: the largest number of decimals on either side.
  struct ColumnSpec {
    std::string inName, outName, role, treatment;
    long in = -1, out = -1;
    int scale = 0;
  };
  std::vector<ColumnSpec> specs;
  for (const auto& [name, rule] : resolved.columns) {
    if (rule.role == "drop" || rule.role == "cluster") continue;
    ColumnSpec spec{name, rule.outputName(name), rule.role, rule.treatment};
    spec.in = original.indexOf(spec.inName);
    spec.out = pseudo.indexOf(spec.outName);
    if (spec.in < 0 || spec.out < 0) continue;
    if (rule.role == "number") {
      for (const Table* t : {&original, &pseudo}) {
        const TextColumn& column =
            t->columns[static_cast<std::size_t>(t == &original ? spec.in : spec.out)];
        for (std::size_t r = 0; r < column.size(); ++r) {
          const auto value = parseDecimal(column.at(r));
          if (value) spec.scale = std::max(spec.scale, value->scale);
        }
      }
    }
    specs.push_back(spec);
  }

  std::size_t checks = 0, failed = 0, unreadable = 0;
  auto check = [&](bool ok) {
    ++checks;
    if (!ok) ++failed;
    return ok;
  };
  OrderedJson clusters = OrderedJson::array();
  for (const auto& [label, rowsIn] : originalRows) {
    const auto it = pseudoRows.find(label);
    const std::vector<std::size_t> empty;
    const std::vector<std::size_t>& rowsOut = it == pseudoRows.end() ? empty : it->second;
    OrderedJson cluster;
    cluster["label"] = label;
    cluster["rows"] = {{"original", rowsIn.size()},
                       {"pseudo", rowsOut.size()},
                       {"match", check(rowsIn.size() == rowsOut.size())}};
    OrderedJson columns = OrderedJson::array();
    for (const ColumnSpec& spec : specs) {
      const TextColumn& a = original.columns[static_cast<std::size_t>(spec.in)];
      const TextColumn& b = pseudo.columns[static_cast<std::size_t>(spec.out)];
      OrderedJson entry;
      entry["name"] = spec.outName;
      entry["treatment"] = spec.treatment;
      if (spec.role == "number" || spec.role == "date-to-age") {
        const std::optional<Date> ages = spec.role == "date-to-age" ? reference : std::nullopt;
        const NumberStats x = numberStats(a, rowsIn, spec.scale, ages, unreadable);
        const NumberStats y = numberStats(b, rowsOut, spec.scale, std::nullopt, unreadable);
        double unit = 1;
        for (int i = 0; i < spec.scale; ++i) unit /= 10;
        entry["kind"] = "number";
        entry["unit"] = unit;
        entry["original"] = statsJson(x);
        entry["pseudo"] = statsJson(y);
        // Count and sum are exact by guarantee (so is the mean); the sd moves by at most one
        // unit of the column's precision through the rounding that keeps the sum exact.
        const bool swappedOnly = spec.treatment == "swap" || spec.treatment == "keep";
        const double sdTolerance = swappedOnly ? 1e-9 * std::max(1.0, x.sd) : unit * (1 + 1e-9);
        entry["match"] = {{"n", check(x.n == y.n)},
                          {"sum", check(x.sumUnits == y.sumUnits)},
                          {"mean", check(x.sumUnits == y.sumUnits && x.n == y.n)},
                          {"sd", check(std::abs(x.sd - y.sd) <= sdTolerance)}};
        entry["sdTolerance"] = sdTolerance;
      } else {
        std::map<std::string_view, std::pair<std::size_t, std::size_t>> counts;
        for (const std::size_t r : rowsIn) ++counts[a.at(r)].first;
        for (const std::size_t r : rowsOut) ++counts[b.at(r)].second;
        OrderedJson list = OrderedJson::array();
        bool same = true;
        for (const auto& [value, pair] : counts) {
          list.push_back(
              {{"value", std::string(value)}, {"original", pair.first}, {"pseudo", pair.second}});
          same = same && pair.first == pair.second;
        }
        entry["kind"] = "category";
        entry["counts"] = list;
        if (spec.treatment == "pram") {
          entry["match"] = same;  // PRAM keeps counts in expectation only: shown, not required
          entry["exactByDesign"] = false;
        } else {
          entry["match"] = check(same);
          entry["exactByDesign"] = true;
        }
      }
      columns.push_back(entry);
    }
    cluster["columns"] = columns;
    OrderedJson blocks = OrderedJson::array();
    for (const auto& block : resolved.blocks) {
      std::map<std::string, std::pair<std::size_t, std::size_t>> joint;
      bool ok = true;
      for (int side = 0; side < 2; ++side) {
        const Table& t = side == 0 ? original : pseudo;
        const std::vector<std::size_t>& rows = side == 0 ? rowsIn : rowsOut;
        std::vector<std::pair<long, std::optional<Date>>> cols;
        for (const auto& name : block) {
          const ColumnRule* rule = resolved.rule(name);
          const bool age = rule && rule->role == "date-to-age";
          const std::string outName = rule ? rule->outputName(name) : name;
          cols.emplace_back(side == 0 ? t.indexOf(name) : t.indexOf(outName),
                            side == 0 && age ? reference : std::nullopt);
        }
        for (const std::size_t r : rows) {
          std::string key;
          for (const auto& [c, date] : cols) {
            if (c < 0) {
              ok = false;
              continue;
            }
            const std::string_view cell = t.columns[static_cast<std::size_t>(c)].at(r);
            const auto parsed = date ? parseDate(cell) : std::nullopt;
            key += parsed ? std::to_string(ageAt(*parsed, *date)) : std::string(cell);
            key += '\x1F';
          }
          if (side == 0)
            ++joint[key].first;
          else
            ++joint[key].second;
        }
      }
      for (const auto& [key, pair] : joint) ok = ok && pair.first == pair.second;
      OrderedJson entry = {{"columns", block}, {"cells", joint.size()}, {"match", check(ok)}};
      if (joint.size() <= 4000) {
        // The joint counts themselves (e.g. a population pyramid: sex × age), for the charts.
        OrderedJson counts = OrderedJson::array();
        for (const auto& [key, pair] : joint) {
          OrderedJson values = OrderedJson::array();
          std::size_t start = 0;
          for (std::size_t at = key.find('\x1F'); at != std::string::npos;
               at = key.find('\x1F', start)) {
            values.push_back(key.substr(start, at - start));
            start = at + 1;
          }
          counts.push_back({{"values", values}, {"original", pair.first}, {"pseudo", pair.second}});
        }
        entry["counts"] = counts;
      }
      blocks.push_back(entry);
    }
    cluster["blocks"] = blocks;
    clusters.push_back(cluster);
  }
  OrderedJson doc;
  doc["clusters"] = clusters;
  doc["summary"] = {{"clustersReleased", originalRows.size()},
                    {"checks", checks},
                    {"failed", failed},
                    {"unreadableCells", unreadable},
                    {"exact", failed == 0 && unreadable == 0}};
  return doc.dump();
}

namespace {

std::string percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%%", 100.0 * share);
  return text;
}

OrderedJson interval(const WilsonInterval& w) { return {w.low, w.high}; }

}  // namespace

std::string riskReportJson(const Table& original, const Table& pseudo,
                           const std::vector<int64_t>& trueMatch, const Recipe& resolved) {
  // Column classes by output name.
  std::vector<std::size_t> all, keys, qi, sensitive, numbers, categories;
  std::vector<std::string> blockColumns;
  for (const auto& block : resolved.blocks)
    blockColumns.insert(blockColumns.end(), block.begin(), block.end());
  for (std::size_t c = 0; c < pseudo.names.size(); ++c) {
    const std::string& name = pseudo.names[c];
    all.push_back(c);
    const ColumnRule* rule = nullptr;
    std::string inName = name;
    for (const auto& [column, r] : resolved.columns) {
      const std::string out = r.outputName(column);
      if (out == name) {
        rule = &r;
        inName = column;
      }
    }
    if (!rule) continue;
    const bool inBlock =
        std::find(blockColumns.begin(), blockColumns.end(), inName) != blockColumns.end();
    if (rule->role == "cluster") {
      keys.push_back(c);
    } else if (rule->role == "date-to-age" || inBlock ||
               (rule->role == "category" && isSexHeader(name))) {
      qi.push_back(c);
      if (rule->role == "number")
        numbers.push_back(c);
      else
        categories.push_back(c);
    } else if (rule->role == "number") {
      numbers.push_back(c);
    } else {
      sensitive.push_back(c);
      categories.push_back(c);
    }
  }
  std::vector<std::size_t> keysAndQi = keys;
  keysAndQi.insert(keysAndQi.end(), qi.begin(), qi.end());
  std::vector<std::size_t> exactQi = keysAndQi;
  Rng rng(deriveSeed(resolved.seed, "report:risk"));
  auto names = [&](const std::vector<std::size_t>& cols) {
    std::vector<std::string> out;
    for (const std::size_t c : cols) out.push_back(pseudo.names[c]);
    return out;
  };

  OrderedJson doc;
  doc["quasiIdentifiers"] = names(keysAndQi);
  doc["sensitive"] = names(sensitive);
  doc["numbers"] = names(numbers);

  // Every column of both files coded once in a shared id space; every measure below works on
  // these ids (and on the numbers), none reads the cells again.
  std::vector<CodedColumn> coded;
  coded.reserve(all.size());
  for (const std::size_t c : all) coded.push_back(codeColumn(original, c, &pseudo, c));
  auto codedOf = [&](const std::vector<std::size_t>& cols) {
    std::vector<const CodedColumn*> out;
    for (const std::size_t c : cols) out.push_back(&coded[c]);
    return out;
  };
  auto idsOfColumns = [&](const std::vector<std::size_t>& cols) { return idsOf(codedOf(cols)); };
  auto combined = [&](const std::vector<std::size_t>& cols) {
    return combineJointIds(idsOfColumns(cols), original.rows(), pseudo.rows());
  };

  // Copied rows, beside chance.
  const double copied = copiedRowShare(idsOfColumns(all));
  const JointIds clusterIds = combined(keys);
  const double chance = expectedCopiedShareByChance(codedOf(all), clusterIds, rng, 1);
  doc["copiedRows"] = {
      {"share", copied},
      {"chance", chance},
      {"columns", all.size()},
      {"ja", "元データのどれかの行と全列が一致する疑似データの行は " + percent(copied) +
                 "。地区内で値を入れ替えただけでも偶然 " + percent(chance) + " は一致します。"},
      {"en", percent(copied) +
                 " of the pseudo rows equal some original row on every column; swapping "
                 "within districts alone would give " +
                 percent(chance) + " by chance."}};

  // Replicated uniques on the quasi-identifiers.
  const JointIds exactQiIds = combined(exactQi);
  const ReplicatedUniques repU = replicatedUniques(exactQiIds);
  doc["replicatedUniques"] = {
      {"originalUniques", repU.originalUniques},
      {"pseudoUniques", repU.pseudoUniques},
      {"replicated", repU.replicated},
      {"percent", repU.percent},
      {"ja", "地区・年齢・性別などの組み合わせで一人だけの人 " +
                 std::to_string(repU.originalUniques) +
                 " 人のうち、疑似データでも同じ組み合わせが一人だけなのは " +
                 std::to_string(repU.replicated) + " 人（全体の " + percent(repU.percent / 100) +
                 "）。その行の他の値は入れ替わっています。"},
      {"en", std::to_string(repU.originalUniques) +
                 " people are alone in their combination of district, age, "
                 "sex and similar columns; for " +
                 std::to_string(repU.replicated) +
                 " of them the combination is unique in the pseudo data too (repU " +
                 percent(repU.percent / 100) +
                 " of all records); that row's other values are swapped."}};

  // Record linkage and attribute inference.
  const JointIds qiIds = combined(qi);
  const CodedNumbers numberValues = codedNumbers(codedOf(numbers));
  const LinkageResult linkage =
      recordLinkage(clusterIds, qiIds, numberValues, trueMatch, rng);
  doc["recordLinkage"] = {
      {"targets", linkage.targets},
      {"rate", linkage.rate},
      {"interval", interval(linkage.rateInterval)},
      {"chance", linkage.chanceRate},
      {"chanceInterval", interval(linkage.chanceInterval)},
      {"targetsWithTies", linkage.targetsWithTies},
      {"ja",
       "地区・年齢・性別と数値を知る攻撃者が最も近い疑似データの行を選ぶと、本人の行に当たるのは " +
           percent(linkage.rate) + "（95%区間 " + percent(linkage.rateInterval.low) + "–" +
           percent(linkage.rateInterval.high) + "）。地区の中で当てずっぽうに選ぶと " +
           percent(linkage.chanceRate) + "。"},
      {"en",
       "An attacker who knows a person's district, age, sex and numbers and picks the nearest "
       "pseudo "
       "row finds that person's own row " +
           percent(linkage.rate) + " of the time (95% interval " +
           percent(linkage.rateInterval.low) + "–" + percent(linkage.rateInterval.high) +
           "); a blind guess within the district gives " + percent(linkage.chanceRate) + "."}};
  const std::vector<const JointIds*> sensitiveIds = idsOfColumns(sensitive);
  const std::vector<InferenceResult> inference =
      attributeInference(clusterIds, qiIds, sensitiveIds, rng);
  OrderedJson inferences = OrderedJson::array();
  for (std::size_t i = 0; i < inference.size(); ++i) {
    const InferenceResult& r = inference[i];
    const std::string& name = pseudo.names[sensitive[i]];
    inferences.push_back(
        {{"column", name},
         {"targets", r.targets},
         {"accuracy", r.accuracy},
         {"interval", interval(r.accuracyInterval)},
         {"baseline", r.baseline},
         {"baselineInterval", interval(r.baselineInterval)},
         {"ja", "「" + name + "」を疑似データから推測して当たるのは " + percent(r.accuracy) +
                    "。地区で一番多い値を答えるだけでも " + percent(r.baseline) + " 当たります。"},
         {"en", "Guessing \"" + name + "\" from the pseudo data is right " + percent(r.accuracy) +
                    " of the time; answering the district's most common value is right " +
                    percent(r.baseline) + "."}});
  }
  doc["attributeInference"] = inferences;

  // k-anonymity and l-diversity of the output on the quasi-identifiers.
  const ClassStats classes = equivalenceClasses(exactQiIds.pseudo, exactQiIds.count);
  OrderedJson kanon = OrderedJson::array();
  for (const std::size_t k : {2, 3, 5}) {
    const BelowK below = classesBelowK(classes, k);
    kanon.push_back({{"k", k}, {"classes", below.classes}, {"records", below.records}});
  }
  OrderedJson ldiv = OrderedJson::array();
  for (const std::size_t c : sensitive) {
    const JointIds& values = coded[c].ids;
    const DiversityStats d =
        lDiversity(exactQiIds.pseudo, exactQiIds.count, values.pseudo, values.count);
    ldiv.push_back({{"column", pseudo.names[c]},
                    {"homogeneousClasses", d.homogeneousClasses},
                    {"recordsInHomogeneousClasses", d.recordsInHomogeneousClasses},
                    {"homogeneousClassesOfTwoOrMore", d.homogeneousClassesOfTwoOrMore},
                    {"distinctL", d.distinctL}});
  }
  doc["kAnonymity"] = {{"classes", classes.classes},
                       {"sampleUniques", classes.sampleUniques},
                       {"averageProsecutorRisk", classes.averageProsecutorRisk},
                       {"belowK", kanon},
                       {"lDiversity", ldiv}};

  // Distance to closest record.
  const std::vector<const JointIds*> categorical = idsOfColumns(categories);
  if (!categorical.empty() || !numbers.empty()) {
    const DcrResult dcr = dcrBaselineProtection(categorical, numberValues, rng);
    doc["dcr"] = {{"medianSynthetic", dcr.medianSynthetic},
                  {"medianRandom", dcr.medianRandom},
                  {"score", std::isnan(dcr.score) ? OrderedJson(nullptr) : OrderedJson(dcr.score)},
                  {"atZero", dcr.syntheticAtZero}};
  }
  return doc.dump();
}

}  // namespace pc
