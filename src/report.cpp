#include "report.h"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>
#include <utility>

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

/// A column's cells read as units (unitsOf), each distinct value of a dictionary column once.
class UnitsReader {
 public:
  enum State : uint8_t { kUnknown, kValue, kMissing, kUnreadable };

  UnitsReader(const TextColumn& column, int scale, std::optional<Date> ageAtDate)
      : column_(&column), scale_(scale), ageAt_(ageAtDate) {
    if (column.isDictionary()) {
      state_.assign(column.dictionarySize(), kUnknown);
      units_.assign(column.dictionarySize(), 0);
    }
  }

  /// The state of row r's cell; its units in `units` when kValue.
  State read(std::size_t row, int64_t& units) {
    if (!column_->isDictionary()) return readCell(column_->at(row), units);
    const uint32_t code = column_->code(row);
    if (state_[code] == kUnknown) state_[code] = readCell(column_->value(code), units_[code]);
    units = units_[code];
    return static_cast<State>(state_[code]);
  }

 private:
  State readCell(std::string_view cell, int64_t& units) const {
    const auto value = unitsOf(cell, scale_, ageAt_);
    if (value) {
      units = *value;
      return kValue;
    }
    return isMissingToken(cell) ? kMissing : kUnreadable;
  }

  const TextColumn* column_;
  int scale_;
  std::optional<Date> ageAt_;
  std::vector<uint8_t> state_;
  std::vector<int64_t> units_;
};

/// A column's cells as keys of a joint count: ages for a date column (original side), the cell
/// otherwise. Ids are shared by every reader of the same `Pieces`, so both sides compare.
struct Pieces {
  std::map<std::string, uint32_t, std::less<>> ids;
  std::vector<const std::string*> text;
  uint32_t idOf(std::string piece) {
    const auto [it, inserted] =
        ids.try_emplace(std::move(piece), static_cast<uint32_t>(text.size()));
    if (inserted) text.push_back(&it->first);
    return it->second;
  }
};

class PieceReader {
 public:
  PieceReader(const TextColumn& column, std::optional<Date> ageAtDate, Pieces& pieces)
      : column_(&column), ageAt_(ageAtDate), pieces_(&pieces) {
    if (column.isDictionary()) ids_.assign(column.dictionarySize(), UINT32_MAX);
  }
  uint32_t read(std::size_t row) {
    if (!column_->isDictionary()) return pieces_->idOf(pieceOf(column_->at(row)));
    uint32_t& id = ids_[column_->code(row)];
    if (id == UINT32_MAX) id = pieces_->idOf(pieceOf(column_->value(column_->code(row))));
    return id;
  }

 private:
  std::string pieceOf(std::string_view cell) const {
    const auto parsed = ageAt_ ? parseDate(cell) : std::nullopt;
    return parsed ? std::to_string(ageAt(*parsed, *ageAt_)) : std::string(cell);
  }
  const TextColumn* column_;
  std::optional<Date> ageAt_;
  Pieces* pieces_;
  std::vector<uint32_t> ids_;
};

/// Adds the rows' values to `counts` (the member `side` of each pair), through the codes of a
/// dictionary column.
void countValues(const TextColumn& column, const std::vector<std::size_t>& rows,
                 std::map<std::string_view, std::pair<std::size_t, std::size_t>>& counts,
                 std::size_t std::pair<std::size_t, std::size_t>::*side) {
  if (!column.isDictionary()) {
    for (const std::size_t r : rows) ++(counts[column.at(r)].*side);
    return;
  }
  std::vector<std::size_t> byCode(column.dictionarySize(), 0);
  for (const std::size_t r : rows) ++byCode[column.code(r)];
  for (uint32_t code = 0; code < byCode.size(); ++code)
    if (byCode[code] != 0) counts[column.value(code)].*side += byCode[code];
}

NumberStats numberStats(UnitsReader& reader, const std::vector<std::size_t>& rows, int scale,
                        std::size_t& unreadable) {
  NumberStats s;
  std::vector<int64_t> values;
  values.reserve(rows.size());
  for (const std::size_t r : rows) {
    int64_t units = 0;
    const UnitsReader::State state = reader.read(r, units);
    if (state != UnitsReader::kValue) {
      if (state == UnitsReader::kUnreadable) ++unreadable;
      continue;
    }
    values.push_back(units);
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

std::string aggregateReportJson(const Table& original, const TextColumn& releasedLabel,
                                const Table& pseudo, const Recipe& resolved) {
  // Rows of each released cluster on both sides.
  std::vector<std::size_t> keysOut;
  for (const auto& name : resolved.cluster)
    keysOut.push_back(static_cast<std::size_t>(pseudo.indexOf(name)));
  const ClusterIndex pseudoClusters = groupRows(pseudo, keysOut);
  std::map<std::string, std::vector<std::size_t>> originalRows;
  {
    std::vector<std::vector<std::size_t>*> rowsOfCode;  // a dictionary's codes, looked up once
    if (releasedLabel.isDictionary()) rowsOfCode.assign(releasedLabel.dictionarySize(), nullptr);
    for (std::size_t r = 0; r < releasedLabel.size(); ++r) {
      std::vector<std::size_t>** known =
          releasedLabel.isDictionary() ? &rowsOfCode[releasedLabel.code(r)] : nullptr;
      if (known == nullptr || *known == nullptr) {
        const std::string_view label = releasedLabel.at(r);
        if (label.empty()) continue;  // suppressed
        std::vector<std::size_t>* rows = &originalRows[std::string(label)];
        if (known != nullptr) *known = rows;
        rows->push_back(r);
      } else {
        (*known)->push_back(r);
      }
    }
  }
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
        auto scaleOf = [&](std::string_view cell) {
          const auto value = parseDecimal(cell);
          if (value) spec.scale = std::max(spec.scale, value->scale);
        };
        if (column.isDictionary()) {
          for (uint32_t code = 0; code < column.dictionarySize(); ++code)
            scaleOf(column.value(code));
        } else {
          for (std::size_t r = 0; r < column.size(); ++r) scaleOf(column.at(r));
        }
      }
    }
    specs.push_back(spec);
  }

  // Readers of each numeric column on both sides, shared by every cluster.
  std::vector<std::optional<UnitsReader>> readersIn(specs.size()), readersOut(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const ColumnSpec& spec = specs[i];
    if (spec.role != "number" && spec.role != "date-to-age") continue;
    readersIn[i].emplace(original.columns[static_cast<std::size_t>(spec.in)], spec.scale,
                         spec.role == "date-to-age" ? reference : std::nullopt);
    readersOut[i].emplace(pseudo.columns[static_cast<std::size_t>(spec.out)], spec.scale,
                          std::nullopt);
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
    for (std::size_t specIndex = 0; specIndex < specs.size(); ++specIndex) {
      const ColumnSpec& spec = specs[specIndex];
      const TextColumn& a = original.columns[static_cast<std::size_t>(spec.in)];
      const TextColumn& b = pseudo.columns[static_cast<std::size_t>(spec.out)];
      OrderedJson entry;
      entry["name"] = spec.outName;
      entry["treatment"] = spec.treatment;
      if (spec.role == "number" || spec.role == "date-to-age") {
        const NumberStats x = numberStats(*readersIn[specIndex], rowsIn, spec.scale, unreadable);
        const NumberStats y = numberStats(*readersOut[specIndex], rowsOut, spec.scale, unreadable);
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
        countValues(a, rowsIn, counts, &std::pair<std::size_t, std::size_t>::first);
        countValues(b, rowsOut, counts, &std::pair<std::size_t, std::size_t>::second);
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
      // Each row's cells as piece ids (ages for a date of birth), counted by their tuple.
      std::vector<Pieces> pieces(block.size());
      std::map<std::vector<uint32_t>, std::pair<std::size_t, std::size_t>> tuples;
      bool ok = true;
      for (int side = 0; side < 2; ++side) {
        const Table& t = side == 0 ? original : pseudo;
        const std::vector<std::size_t>& rows = side == 0 ? rowsIn : rowsOut;
        std::vector<PieceReader> readers;
        for (std::size_t k = 0; k < block.size(); ++k) {
          const std::string& name = block[k];
          const ColumnRule* rule = resolved.rule(name);
          const bool age = rule && rule->role == "date-to-age";
          const long c =
              side == 0 ? t.indexOf(name) : t.indexOf(rule ? rule->outputName(name) : name);
          if (c < 0) break;
          readers.emplace_back(t.columns[static_cast<std::size_t>(c)],
                               side == 0 && age ? reference : std::nullopt, pieces[k]);
        }
        if (readers.size() != block.size()) {
          ok = false;  // a column of the block is missing on this side
          continue;
        }
        std::vector<uint32_t> tuple(readers.size());
        std::unordered_map<uint64_t, std::size_t> packed;  // tuples of at most two 32-bit ids
        for (const std::size_t r : rows) {
          for (std::size_t k = 0; k < readers.size(); ++k) tuple[k] = readers[k].read(r);
          if (tuple.size() <= 2) {
            ++packed[(uint64_t{tuple.empty() ? 0 : tuple[0]} << 32) |
                     (tuple.size() == 2 ? tuple[1] : 0)];
          } else {
            auto& pair = tuples[tuple];
            ++(side == 0 ? pair.first : pair.second);
          }
        }
        for (const auto& [key, n] : packed) {
          std::vector<uint32_t> unpacked;
          if (!tuple.empty()) unpacked.push_back(static_cast<uint32_t>(key >> 32));
          if (tuple.size() == 2) unpacked.push_back(static_cast<uint32_t>(key));
          auto& pair = tuples[unpacked];
          (side == 0 ? pair.first : pair.second) += n;
        }
      }
      // As text keys, in the order (and with the merging) of the joined text.
      std::map<std::string, std::pair<std::size_t, std::size_t>> joint;
      for (const auto& [tuple, pair] : tuples) {
        std::string key;
        for (std::size_t k = 0; k < tuple.size(); ++k) {
          key += *pieces[k].text[tuple[k]];
          key += '\x1F';
        }
        auto& sum = joint[key];
        sum.first += pair.first;
        sum.second += pair.second;
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
