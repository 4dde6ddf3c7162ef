#include "engine.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <unordered_map>

#include "error.h"
#include "microagg.h"
#include "numeric.h"
#include "rng.h"
#include "text.h"
#include "values.h"

namespace pc {
namespace {

constexpr const char* kRoles[] = {"drop", "cluster", "category", "number", "date-to-age"};

[[noreturn]] void unknownColumn(const std::string& where, const std::string& name) {
  throw InputError(
      "recipe.unknown-column",
      "レシピの「" + where + "」にある列「" + name + "」がファイルにありません。",
      "Recipe key \"" + where + "\" names the column \"" + name + "\", which is not in the file.");
}

[[noreturn]] void badRecipe(const std::string& key, const std::string& ja, const std::string& en) {
  throw InputError("recipe.invalid", "レシピの「" + key + "」: " + ja,
                   "Recipe key \"" + key + "\": " + en);
}

// ---------------------------------------------------------------- numbers

int64_t pow10(int n) {
  int64_t p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

/// A numeric column in integer units of 10^-scale (exact sums), with its missing cells.
struct NumberData {
  std::vector<int64_t> units;
  std::vector<uint8_t> missing;
  int scale = 0;
  bool nonNegative = true;
};

[[noreturn]] void badCell(const std::string& column, std::size_t col, std::size_t row,
                          std::string_view cell, const char* what_ja, const char* what_en) {
  const std::string shown(cell.substr(0, 40));
  throw InputError(
      "value.not-" + std::string(what_en),
      "列「" + column + "」のデータ " + withThousands(row + 1) + " 件目の値「" + shown + "」は" +
          what_ja + "として読めません。列の扱いを変えるか、値を直してください。",
      "Column \"" + column + "\", data row " + withThousands(row + 1) + ": \"" + shown +
          "\" is not a " + what_en + ". Change the column's role or fix the value.",
      Location{0, static_cast<long>(col + 1)});
}

NumberData parseNumbers(const TextColumn& column, const std::string& name, std::size_t col) {
  const std::size_t rows = column.size();
  NumberData data;
  data.missing.assign(rows, 0);
  std::vector<Decimal> decimals(rows);
  // A dictionary column's values are parsed once each, when first met (so an unreadable value is
  // reported at its first row, as when every cell is parsed).
  enum : uint8_t { kUnknown, kValue, kMissing };
  std::vector<uint8_t> state(column.isDictionary() ? column.dictionarySize() : 0, kUnknown);
  std::vector<Decimal> valueOf(state.size());
  for (std::size_t r = 0; r < rows; ++r) {
    const uint32_t code = column.isDictionary() ? column.code(r) : 0;
    if (!state.empty() && state[code] != kUnknown) {
      if (state[code] == kMissing) {
        data.missing[r] = 1;
      } else {
        decimals[r] = valueOf[code];
      }
      continue;
    }
    const std::string_view cell = column.at(r);
    if (isMissingToken(cell)) {
      data.missing[r] = 1;
      if (!state.empty()) state[code] = kMissing;
      continue;
    }
    const auto value = parseDecimal(cell);
    if (!value) badCell(name, col, r, cell, "数値", "number");
    decimals[r] = *value;
    data.scale = std::max(data.scale, value->scale);
    if (!state.empty()) {
      state[code] = kValue;
      valueOf[code] = *value;
    }
  }
  if (data.scale > 9) {
    throw InputError("value.too-precise", "列「" + name + "」の小数の桁が多すぎます（9 桁まで）。",
                     "Column \"" + name + "\" has too many decimals (at most 9).",
                     Location{0, static_cast<long>(col + 1)});
  }
  data.units.assign(rows, 0);
  const int64_t limit = int64_t{1} << 53;  // exact in a double
  for (std::size_t r = 0; r < rows; ++r) {
    if (data.missing[r]) continue;
    const int64_t factor = pow10(data.scale - decimals[r].scale);
    const int64_t m = decimals[r].mantissa;
    if (m > limit / factor || m < -limit / factor) {
      throw InputError(
          "value.too-large",
          "列「" + name + "」のデータ " + withThousands(r + 1) + " 件目の値が大きすぎます。",
          "Column \"" + name + "\", data row " + withThousands(r + 1) + ": the value is too large.",
          Location{0, static_cast<long>(col + 1)});
    }
    data.units[r] = m * factor;
    if (data.units[r] < 0) data.nonNegative = false;
  }
  return data;
}

NumberData parseAges(const TextColumn& column, const std::string& name, std::size_t col,
                     const Date& reference) {
  const std::size_t rows = column.size();
  NumberData data;
  data.missing.assign(rows, 0);
  data.units.assign(rows, 0);
  // A dictionary column's dates are read once each, when first met (-1: missing; -2: not yet).
  std::vector<int64_t> ageOf(column.isDictionary() ? column.dictionarySize() : 0, -2);
  for (std::size_t r = 0; r < rows; ++r) {
    if (!ageOf.empty() && ageOf[column.code(r)] != -2) {
      const int64_t age = ageOf[column.code(r)];
      if (age == -1) {
        data.missing[r] = 1;
      } else {
        data.units[r] = age;
      }
      continue;
    }
    const std::string_view cell = column.at(r);
    if (isMissingToken(cell)) {
      data.missing[r] = 1;
      if (!ageOf.empty()) ageOf[column.code(r)] = -1;
      continue;
    }
    const auto date = parseDate(cell);
    if (!date) badCell(name, col, r, cell, "日付", "date");
    const int age = ageAt(*date, reference);
    if (age < 0) {
      throw InputError("value.future-date",
                       "列「" + name + "」のデータ " + withThousands(r + 1) + " 件目の日付「" +
                           std::string(cell) + "」が基準日より後です。",
                       "Column \"" + name + "\", data row " + withThousands(r + 1) +
                           ": the date \"" + std::string(cell) + "\" is after the reference date.",
                       Location{0, static_cast<long>(col + 1)});
    }
    data.units[r] = age;
    if (!ageOf.empty()) ageOf[column.code(r)] = age;
  }
  return data;
}

std::string formatUnits(int64_t units, int scale) {
  std::string out;
  const bool negative = units < 0;
  uint64_t magnitude =
      negative ? uint64_t(0) - static_cast<uint64_t>(units) : static_cast<uint64_t>(units);
  std::string digits = std::to_string(magnitude);
  if (scale > 0) {
    if (digits.size() <= static_cast<std::size_t>(scale))
      digits.insert(0, static_cast<std::size_t>(scale) + 1 - digits.size(), '0');
    digits.insert(digits.size() - static_cast<std::size_t>(scale), 1, '.');
  }
  if (negative) out.push_back('-');
  return out + digits;
}

// ---------------------------------------------------------------- plan

enum class Kind { Drop, Key, Text, Number };

struct ColumnPlan {
  std::size_t index = 0;
  std::string name, outName, role, treatment;
  Kind kind = Kind::Text;
  double strength = 1.0;
  double pramTheta = 0.2;
  std::string permKey;  ///< columns with the same key share their permutation
  int group = -1;       ///< numeric group index, or -1
  NumberData number;
};

bool swaps(const std::string& treatment) {
  return treatment == "swap" || treatment == "swap-noise" || treatment == "pram";
}
bool noises(const std::string& treatment) {
  return treatment == "noise" || treatment == "swap-noise";
}

/// A contiguous run of layout positions treated together (a cluster or a sub-cluster).
struct Group {
  std::size_t begin = 0, end = 0;
  std::size_t cluster = 0;  ///< index into the released clusters
  std::string label;        ///< seed material: cluster label + "#" + number
};

}  // namespace

// ---------------------------------------------------------------- resolve

Recipe resolveRecipe(const Table& table, const Recipe& recipe,
                     const std::vector<std::string>& suggestedRoles) {
  auto exists = [&](const std::string& where, const std::string& name) {
    if (table.indexOf(name) < 0) unknownColumn(where, name);
  };
  for (const auto& name : recipe.cluster) exists("cluster", name);
  for (const auto& name : recipe.drop) exists("drop", name);
  for (std::size_t i = 0; i < recipe.blocks.size(); ++i)
    for (const auto& name : recipe.blocks[i]) exists("blocks[" + std::to_string(i) + "]", name);
  for (std::size_t i = 0; i < recipe.numericGroups.size(); ++i)
    for (const auto& name : recipe.numericGroups[i])
      exists("numericGroups[" + std::to_string(i) + "]", name);
  if (recipe.subclusters)
    for (const auto& name : recipe.subclusters->columns) exists("subclusters.columns", name);
  for (const auto& [name, rule] : recipe.columns) exists("columns." + name, name);

  Recipe out = recipe;
  out.swapEverything = false;
  out.columns.clear();
  if (out.cluster.empty()) {
    for (std::size_t c = 0; c < table.names.size(); ++c) {
      const bool dropped =
          std::find(recipe.drop.begin(), recipe.drop.end(), table.names[c]) != recipe.drop.end();
      const ColumnRule* rule = recipe.rule(table.names[c]);
      if (!dropped && ((rule && rule->role == "cluster") ||
                       (!rule && c < suggestedRoles.size() && suggestedRoles[c] == "cluster"))) {
        out.cluster.push_back(table.names[c]);
        if (!rule) break;  // one suggested key at most
      }
    }
  }
  if (out.cluster.empty()) {
    throw InputError("recipe.no-cluster", "地区（クラスタ）の列を選んでください。",
                     "Choose the column that defines the clusters (districts).");
  }
  out.drop.clear();
  for (std::size_t c = 0; c < table.names.size(); ++c) {
    const std::string& name = table.names[c];
    const ColumnRule* given = recipe.rule(name);
    ColumnRule rule = given ? *given : ColumnRule{};
    const bool isKey = std::find(out.cluster.begin(), out.cluster.end(), name) != out.cluster.end();
    const bool dropped =
        std::find(recipe.drop.begin(), recipe.drop.end(), name) != recipe.drop.end();
    if (isKey && (dropped || (given && !given->role.empty() && given->role != "cluster"))) {
      throw InputError(
          "recipe.drop-cluster",
          "地区（クラスタ）の列「" + name + "」は削除も別の扱いもできません。",
          "The cluster column \"" + name + "\" cannot be dropped or given another role.");
    }
    if (isKey) {
      rule.role = "cluster";
    } else if (dropped) {
      rule.role = "drop";
    } else if (rule.role.empty() && recipe.swapEverything) {
      rule.role = "category";  // version 1: only the named columns were dropped
    } else if (rule.role.empty()) {
      rule.role = c < suggestedRoles.size() ? suggestedRoles[c] : "category";
      if (rule.role == "cluster") rule.role = "category";
    }
    if (std::find(std::begin(kRoles), std::end(kRoles), rule.role) == std::end(kRoles))
      badRecipe("columns." + name + ".role", "不明な役割です。", "unknown role.");
    if (rule.role == "drop") {
      out.drop.push_back(name);
      continue;
    }
    if (rule.role != "cluster" && rule.treatment.empty()) {
      if (recipe.swapEverything)
        rule.treatment = "swap";
      else if (rule.role == "number")
        rule.treatment = "swap-noise";
      else
        rule.treatment = "swap";
    }
    if (rule.role == "number" && noises(rule.treatment) && !rule.strength)
      rule.strength = recipe.defaultStrength();
    if (rule.treatment == "pram" && !rule.pramTheta) rule.pramTheta = 0.2;
    if (rule.role == "date-to-age" && rule.as.empty()) rule.as = "年齢";
    if ((rule.treatment == "noise" || rule.treatment == "swap-noise") && rule.role != "number")
      badRecipe("columns." + name + ".treatment", "noise は数値の列にだけ使えます。",
                "noise applies to number columns only.");
    if (rule.treatment == "shuffle" && rule.role != "number")
      badRecipe("columns." + name + ".treatment", "shuffle は数値の列の組にだけ使えます。",
                "shuffle applies to number columns in a numeric group only.");
    if (rule.treatment == "pram" && rule.role != "category")
      badRecipe("columns." + name + ".treatment", "pram はカテゴリの列にだけ使えます。",
                "pram applies to category columns only.");
    out.columns.emplace_back(name, rule);
  }
  // Blocks are swapped together, so their columns are swapped (never noised).
  for (std::size_t i = 0; i < out.blocks.size(); ++i) {
    for (const auto& name : out.blocks[i]) {
      for (auto& [column, rule] : out.columns) {
        if (column != name) continue;
        if (rule.role == "cluster")
          badRecipe("blocks[" + std::to_string(i) + "]", "地区の列は組にできません。",
                    "the cluster column cannot be in a block.");
        const ColumnRule* given = recipe.rule(name);
        if (given && !given->treatment.empty() && given->treatment != "swap")
          badRecipe(
              "blocks[" + std::to_string(i) + "]",
              "列「" + name + "」は組で入れ替えるため、扱いは swap にしてください。",
              "column \"" + name + "\" is swapped with its block; its treatment must be swap.");
        rule.treatment = "swap";
        rule.strength.reset();
      }
      if (std::find(out.drop.begin(), out.drop.end(), name) != out.drop.end())
        badRecipe("blocks[" + std::to_string(i) + "]",
                  "出力しない列「" + name + "」は組にできません。",
                  "the dropped column \"" + name + "\" cannot be in a block.");
    }
  }
  for (std::size_t i = 0; i < out.numericGroups.size(); ++i) {
    for (const auto& name : out.numericGroups[i]) {
      const ColumnRule* rule = out.rule(name);
      if (!rule || rule->role != "number")
        badRecipe("numericGroups[" + std::to_string(i) + "]",
                  "列「" + name + "」は数値の列ではありません。",
                  "column \"" + name + "\" is not a number column.");
      const ColumnRule* first = out.rule(out.numericGroups[i].front());
      if (rule->treatment != first->treatment)
        badRecipe("numericGroups[" + std::to_string(i) + "]", "組の列の扱いをそろえてください。",
                  "the columns of a group must have the same treatment.");
    }
  }
  for (const auto& [name, rule] : out.columns) {
    if (rule.treatment != "shuffle") continue;
    bool grouped = false;
    for (const auto& group : out.numericGroups)
      grouped = grouped || std::find(group.begin(), group.end(), name) != group.end();
    if (!grouped)
      badRecipe("columns." + name + ".treatment", "shuffle は numericGroups の列にだけ使えます。",
                "shuffle applies to the columns of a numericGroups entry only.");
  }
  if (out.referenceDate.empty()) {
    for (const auto& [name, rule] : out.columns)
      if (rule.role == "date-to-age")
        badRecipe("referenceDate", "生年月日から年齢を求める基準日を指定してください。",
                  "set the date on which ages are taken.");
  }
  return out;
}

// ---------------------------------------------------------------- microaggregation

std::vector<uint32_t> microaggregateRows(const Table& table,
                                         const std::vector<std::string>& columns,
                                         const std::string& method, int k, uint64_t seed) {
  if (method != "mdav" && method != "kmeans")
    badRecipe("method", "mdav か kmeans を指定してください。", "must be mdav or kmeans.");
  if (k < 1) badRecipe("k", "1 以上を指定してください。", "must be at least 1.");
  if (columns.empty()) badRecipe("columns", "列を指定してください。", "name at least one column.");
  const std::size_t rows = table.rows();
  Eigen::MatrixXd X(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(columns.size()));
  for (std::size_t j = 0; j < columns.size(); ++j) {
    const long c = table.indexOf(columns[j]);
    if (c < 0) unknownColumn("columns", columns[j]);
    const TextColumn& column = table.columns[static_cast<std::size_t>(c)];
    std::vector<std::optional<double>> numbers(rows);
    bool numeric = true;
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t r = 0; r < rows && numeric; ++r) {
      if (isMissingToken(column.at(r))) continue;
      const auto value = parseDecimal(column.at(r));
      if (!value)
        numeric = false;
      else
        numbers[r] = value->toDouble(), sum += value->toDouble(), ++n;
    }
    if (numeric) {
      const double mean = n ? sum / static_cast<double>(n) : 0.0;
      for (std::size_t r = 0; r < rows; ++r)
        X(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j)) = numbers[r].value_or(mean);
    } else {
      std::map<std::string_view, double> rank;
      for (std::size_t r = 0; r < rows; ++r) rank.emplace(column.at(r), 0.0);
      double next = 0;
      for (auto& entry : rank) entry.second = next++;
      for (std::size_t r = 0; r < rows; ++r)
        X(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j)) = rank[column.at(r)];
    }
  }
  const Eigen::MatrixXd Z = standardise(X);
  if (method == "kmeans") {
    Rng rng(deriveSeed(seed, "kmeans"));
    return kmeansMinSize(Z, static_cast<std::size_t>(k), rng);
  }
  return mdav(Z, static_cast<std::size_t>(k));
}

// ---------------------------------------------------------------- run

EngineResult runEngine(const Table& table, const Recipe& recipe, const ProgressFn& progress) {
  const std::size_t rows = table.rows();
  if (progress) progress("clustering", 0.0);

  // Columns and their data.
  std::vector<ColumnPlan> plans;
  std::vector<std::size_t> keyColumns;
  std::optional<Date> reference;
  if (!recipe.referenceDate.empty()) reference = parseDate(recipe.referenceDate);
  for (std::size_t c = 0; c < table.names.size(); ++c) {
    ColumnPlan plan;
    plan.index = c;
    plan.name = plan.outName = table.names[c];
    const ColumnRule* rule = recipe.rule(plan.name);
    const bool dropped =
        std::find(recipe.drop.begin(), recipe.drop.end(), plan.name) != recipe.drop.end();
    if (dropped || !rule || rule->role == "drop") {
      plan.kind = Kind::Drop;
      plan.role = "drop";
      plans.push_back(std::move(plan));
      continue;
    }
    plan.role = rule->role;
    plan.treatment = rule->treatment;
    plan.strength = rule->strength.value_or(recipe.defaultStrength());
    plan.pramTheta = rule->pramTheta.value_or(0.2);
    plan.permKey = "column:" + plan.name;
    if (plan.role == "cluster") {
      plan.kind = Kind::Key;
      keyColumns.push_back(c);
    } else if (plan.role == "number") {
      plan.kind = Kind::Number;
      plan.number = parseNumbers(table.columns[c], plan.name, c);
    } else if (plan.role == "date-to-age") {
      plan.kind = Kind::Number;
      plan.outName = rule->outputName(plan.name);
      plan.number = parseAges(table.columns[c], plan.name, c, *reference);
    } else {
      plan.kind = Kind::Text;
    }
    plans.push_back(std::move(plan));
  }
  auto planOf = [&](const std::string& name) -> ColumnPlan& {
    for (auto& plan : plans)
      if (plan.name == name) return plan;
    unknownColumn("columns", name);
  };
  for (std::size_t i = 0; i < recipe.blocks.size(); ++i)
    for (const auto& name : recipe.blocks[i]) planOf(name).permKey = "block:" + std::to_string(i);
  for (std::size_t i = 0; i < recipe.numericGroups.size(); ++i) {
    for (const auto& name : recipe.numericGroups[i]) {
      planOf(name).permKey = "group:" + std::to_string(i);
      planOf(name).group = static_cast<int>(i);
    }
  }
  // Keep the key columns in recipe order.
  keyColumns.clear();
  for (const auto& name : recipe.cluster)
    keyColumns.push_back(static_cast<std::size_t>(table.indexOf(name)));

  // ------------------------------------------------ clusters and small clusters (G5)
  const ClusterIndex index = groupRows(table, keyColumns);
  const std::size_t nClusters = index.labels.size();
  const auto minSize = static_cast<std::size_t>(std::max(3, recipe.minClusterSize));
  EngineResult result;
  result.clusters.resize(nClusters);
  for (std::size_t k = 0; k < nClusters; ++k) {
    result.clusters[k].label = index.labels[k];
    result.clusters[k].rows = index.members[k].size();
    result.clusters[k].status = "released";
  }
  std::vector<std::size_t> receiverOf(nClusters);
  std::iota(receiverOf.begin(), receiverOf.end(), std::size_t{0});
  std::vector<std::size_t> receivers;
  for (std::size_t k = 0; k < nClusters; ++k)
    if (index.members[k].size() >= minSize) receivers.push_back(k);
  const bool anySmall = receivers.size() != nClusters;
  if (anySmall && recipe.smallClusters == "merge" && receivers.empty()) {
    if (rows < minSize) {
      throw InputError("engine.too-few-rows",
                       "データが " + withThousands(rows) + " 行しかなく、最小の地区の大きさ " +
                           withThousands(minSize) + " に足りません。公開できる地区がありません。",
                       "The file has only " + withThousands(rows) +
                           " rows, fewer than the minimum cluster size " + withThousands(minSize) +
                           ": no cluster can be released.");
    }
    // Every cluster is small: they all join the largest one.
    std::size_t largest = 0;
    for (std::size_t k = 1; k < nClusters; ++k)
      if (index.members[k].size() > index.members[largest].size()) largest = k;
    receivers.push_back(largest);
  }
  if (anySmall && recipe.smallClusters == "merge" && !receivers.empty()) {
    // Similarity: standardised means of the numeric columns and shares of each category.
    std::vector<std::vector<double>> features(nClusters);
    for (const auto& plan : plans) {
      if (plan.kind == Kind::Number) {
        double sum = 0, sumSq = 0;
        std::size_t n = 0;
        for (std::size_t r = 0; r < rows; ++r) {
          if (plan.number.missing[r]) continue;
          const double v = static_cast<double>(plan.number.units[r]);
          sum += v;
          sumSq += v * v;
          ++n;
        }
        const double mean = n ? sum / static_cast<double>(n) : 0.0;
        const double var = n ? std::max(0.0, sumSq / static_cast<double>(n) - mean * mean) : 0.0;
        const double sd = var > 0 ? std::sqrt(var) : 1.0;
        for (std::size_t k = 0; k < nClusters; ++k) {
          double s = 0;
          std::size_t m = 0;
          for (const uint32_t r : index.members[k]) {
            if (plan.number.missing[r]) continue;
            s += (static_cast<double>(plan.number.units[r]) - mean) / sd;
            ++m;
          }
          features[k].push_back(m ? s / static_cast<double>(m) : 0.0);
        }
      } else if (plan.kind == Kind::Text) {
        std::map<std::string_view, std::size_t> codes;
        const TextColumn& column = table.columns[plan.index];
        for (std::size_t r = 0; r < rows; ++r) codes.emplace(column.at(r), 0);
        if (codes.size() > 200) continue;  // free text is no measure of similarity
        std::size_t next = 0;
        for (auto& entry : codes) entry.second = next++;
        for (std::size_t k = 0; k < nClusters; ++k) {
          std::vector<double> share(codes.size(), 0.0);
          for (const uint32_t r : index.members[k]) share[codes[column.at(r)]] += 1.0;
          for (double& s : share) s /= static_cast<double>(index.members[k].size());
          features[k].insert(features[k].end(), share.begin(), share.end());
        }
      }
    }
    for (std::size_t k = 0; k < nClusters; ++k) {
      if (std::find(receivers.begin(), receivers.end(), k) != receivers.end()) continue;
      std::size_t best = receivers.front();
      double bestDistance = std::numeric_limits<double>::infinity();
      for (const std::size_t target : receivers) {
        double d = 0;
        for (std::size_t f = 0; f < features[k].size(); ++f) {
          const double diff = features[k][f] - features[target][f];
          d += diff * diff;
        }
        if (d < bestDistance) {
          bestDistance = d;
          best = target;
        }
      }
      receiverOf[k] = best;
      auto& outcome = result.clusters[k];
      outcome.status = "merged";
      outcome.into = index.labels[best];
      outcome.reasonJa = withThousands(outcome.rows) + " 人で最小の大きさ " +
                         withThousands(minSize) + " 人に満たないため、最も似ている「" +
                         outcome.into + "」に合わせました。";
      outcome.reasonEn = withThousands(outcome.rows) + " people, fewer than the minimum of " +
                         withThousands(minSize) + ": merged into the most similar cluster, \"" +
                         outcome.into + "\".";
    }
  } else if (anySmall) {
    for (std::size_t k = 0; k < nClusters; ++k) {
      if (index.members[k].size() >= minSize) continue;
      auto& outcome = result.clusters[k];
      outcome.status = "suppressed";
      outcome.reasonJa = withThousands(outcome.rows) + " 人で最小の大きさ " +
                         withThousands(minSize) + " 人に満たないため、出力しません。";
      outcome.reasonEn = withThousands(outcome.rows) + " people, fewer than the minimum of " +
                         withThousands(minSize) + ": not released.";
    }
    if (receivers.empty()) {
      throw InputError("engine.all-suppressed",
                       "どの地区も最小の大きさ " + withThousands(minSize) +
                           " 人に満たず、出力できる行がありません。",
                       "Every cluster is smaller than the minimum of " + withThousands(minSize) +
                           ": nothing can be released.");
    }
  }

  // Released clusters: each receiver with the rows merged into it (ascending row order).
  std::vector<std::size_t> releasedOf(nClusters, SIZE_MAX);
  std::vector<std::vector<uint32_t>> members;
  std::vector<std::size_t> releasedCluster;  // index into index.labels
  for (std::size_t k = 0; k < nClusters; ++k) {
    if (result.clusters[k].status != "released") continue;
    releasedOf[k] = members.size();
    members.emplace_back();
    releasedCluster.push_back(k);
  }
  for (std::size_t k = 0; k < nClusters; ++k) {
    if (result.clusters[k].status == "suppressed") continue;
    auto& target = members[releasedOf[receiverOf[k]]];
    target.insert(target.end(), index.members[k].begin(), index.members[k].end());
  }
  for (auto& list : members) std::sort(list.begin(), list.end());
  if (progress) progress("clustering", 0.5);

  // ------------------------------------------------ sub-clusters
  std::vector<uint32_t> layout;
  std::vector<Group> groups;
  layout.reserve(rows);
  for (std::size_t m = 0; m < members.size(); ++m) {
    const auto& list = members[m];
    const std::string& label = index.labels[releasedCluster[m]];
    std::vector<uint32_t> groupOf(list.size(), 0);
    std::size_t nGroups = 1;
    if (recipe.subclusters && list.size() >= 2 * static_cast<std::size_t>(recipe.subclusters->k)) {
      const auto& rule = *recipe.subclusters;
      Eigen::MatrixXd X(static_cast<Eigen::Index>(list.size()),
                        static_cast<Eigen::Index>(rule.columns.size()));
      for (std::size_t j = 0; j < rule.columns.size(); ++j) {
        const ColumnPlan& plan = planOf(rule.columns[j]);
        if (plan.kind == Kind::Number) {
          double sum = 0;
          std::size_t n = 0;
          for (const uint32_t r : list)
            if (!plan.number.missing[r]) sum += static_cast<double>(plan.number.units[r]), ++n;
          const double mean = n ? sum / static_cast<double>(n) : 0.0;
          for (std::size_t i = 0; i < list.size(); ++i)
            X(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
                plan.number.missing[list[i]] ? mean
                                             : static_cast<double>(plan.number.units[list[i]]);
        } else {
          // Categories by the rank of their label (e.g. 要支援1 < 要介護1 < … read in code order).
          std::map<std::string_view, double> rank;
          for (const uint32_t r : list) rank.emplace(table.columns[plan.index].at(r), 0.0);
          double next = 0;
          for (auto& entry : rank) entry.second = next++;
          for (std::size_t i = 0; i < list.size(); ++i)
            X(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
                rank[table.columns[plan.index].at(list[i])];
        }
      }
      const Eigen::MatrixXd Z = standardise(X);
      if (rule.method == "kmeans") {
        Rng rng(deriveSeed(deriveSeed(recipe.seed, "kmeans"), label));
        groupOf = kmeansMinSize(Z, static_cast<std::size_t>(rule.k), rng);
      } else {
        groupOf = mdav(Z, static_cast<std::size_t>(rule.k));
      }
      nGroups = groupOf.empty() ? 1 : *std::max_element(groupOf.begin(), groupOf.end()) + 1;
    }
    result.clusters[releasedCluster[m]].subclusters = nGroups;
    std::vector<std::vector<uint32_t>> byGroup(nGroups);
    for (std::size_t i = 0; i < list.size(); ++i) byGroup[groupOf[i]].push_back(list[i]);
    for (std::size_t g = 0; g < nGroups; ++g) {
      Group group;
      group.begin = layout.size();
      layout.insert(layout.end(), byGroup[g].begin(), byGroup[g].end());
      group.end = layout.size();
      group.cluster = m;
      group.label = label + "#" + std::to_string(g);
      groups.push_back(group);
    }
  }
  const std::size_t released = layout.size();
  for (std::size_t k = 0; k < nClusters; ++k)
    if (result.clusters[k].status == "released" && result.clusters[k].subclusters == 0)
      result.clusters[k].subclusters = 1;
  if (progress) progress("clustering", 1.0);

  // ------------------------------------------------ permutations (shared by blocks and groups)
  std::map<std::string, std::vector<uint32_t>> permutations;  // permKey -> source row per position
  auto permutation = [&](const std::string& key) -> const std::vector<uint32_t>& {
    auto it = permutations.find(key);
    if (it != permutations.end()) return it->second;
    std::vector<uint32_t> source(layout);
    const uint64_t keySeed = deriveSeed(recipe.seed, "swap:" + key);
    for (const Group& group : groups) {
      Rng rng(deriveSeed(keySeed, group.label));
      shuffleRange(source.begin() + static_cast<long>(group.begin),
                   source.begin() + static_cast<long>(group.end), rng);
    }
    return permutations.emplace(key, std::move(source)).first->second;
  };

  // The order rows are written in.
  std::vector<uint32_t> outputOrder(released);
  std::iota(outputOrder.begin(), outputOrder.end(), 0u);
  {
    Rng rng(deriveSeed(recipe.seed, "output-order"));
    shuffleRange(outputOrder.begin(), outputOrder.end(), rng);
  }
  result.origin.resize(released);
  for (std::size_t r = 0; r < released; ++r) result.origin[r] = layout[outputOrder[r]];
  std::vector<uint32_t> clusterOfRow(rows, UINT32_MAX);
  for (const Group& group : groups)
    for (std::size_t p = group.begin; p < group.end; ++p)
      clusterOfRow[layout[p]] = static_cast<uint32_t>(group.cluster);
  result.releasedLabelOfInputRow.reserve(rows, 0);
  for (std::size_t r = 0; r < rows; ++r)
    result.releasedLabelOfInputRow.push(clusterOfRow[r] == UINT32_MAX
                                            ? std::string_view()
                                            : index.labels[releasedCluster[clusterOfRow[r]]]);

  // ------------------------------------------------ the released original, in output form
  {
    std::vector<int64_t> outputRowOf(rows, -1);
    for (std::size_t r = 0; r < released; ++r)
      outputRowOf[result.origin[r]] = static_cast<int64_t>(r);
    std::vector<uint32_t> releasedRows;
    for (std::size_t r = 0; r < rows; ++r)
      if (clusterOfRow[r] != UINT32_MAX) releasedRows.push_back(static_cast<uint32_t>(r));
    for (const uint32_t r : releasedRows) result.trueMatch.push_back(outputRowOf[r]);
    Table& original = result.releasedOriginal;
    for (const auto& plan : plans) {
      if (plan.kind == Kind::Drop) continue;
      const TextColumn& in = table.columns[plan.index];
      TextColumn column;
      column.reserve(releasedRows.size(), in.byteSize());
      CellCopier copier(in, column);
      std::string cell;
      for (const uint32_t r : releasedRows) {
        if (plan.kind == Kind::Key) {
          copier.copy(index.members[releasedCluster[clusterOfRow[r]]].front());
        } else if (plan.kind == Kind::Number && !plan.number.missing[r]) {
          column.push(cell = formatUnits(plan.number.units[r], plan.number.scale));
        } else {
          copier.copy(r);
        }
      }
      original.names.push_back(plan.outName);
      original.columns.push_back(std::move(column));
    }
  }

  // ------------------------------------------------ treatments, column by column
  Table& out = result.table;
  std::size_t done = 0;
  std::size_t toDo = 0;
  for (const auto& plan : plans) toDo += plan.kind != Kind::Drop;
  std::vector<std::vector<double>> groupValues;  // numeric group scratch
  for (auto& plan : plans) {
    if (plan.kind == Kind::Drop) continue;
    TextColumn column;
    const TextColumn& in = table.columns[plan.index];
    if (plan.kind == Kind::Key) {
      // Every row carries the key value of the cluster it is released in.
      column.reserve(released, in.byteSize());
      std::vector<uint32_t> keyRow(members.size());
      for (std::size_t m = 0; m < members.size(); ++m)
        keyRow[m] = index.members[releasedCluster[m]].front();
      std::vector<uint32_t> clusterOfPosition(released);
      for (const Group& group : groups)
        for (std::size_t p = group.begin; p < group.end; ++p)
          clusterOfPosition[p] = static_cast<uint32_t>(group.cluster);
      CellCopier copier(in, column);
      for (std::size_t r = 0; r < released; ++r)
        copier.copy(keyRow[clusterOfPosition[outputOrder[r]]]);
    } else if (plan.kind == Kind::Text) {
      const std::vector<uint32_t>& source =
          plan.treatment == "keep" ? layout : permutation(plan.permKey);
      if (plan.treatment == "pram") {
        // Invariant PRAM per group on the swapped values.
        std::vector<std::string_view> dictionary;
        std::unordered_map<std::string_view, uint32_t> codeOf;
        std::vector<uint32_t> codes(released);
        for (std::size_t p = 0; p < released; ++p) {
          const std::string_view cell = in.at(source[p]);
          auto [it, inserted] = codeOf.emplace(cell, static_cast<uint32_t>(dictionary.size()));
          if (inserted) dictionary.push_back(cell);
          codes[p] = it->second;
        }
        const uint64_t columnSeed = deriveSeed(recipe.seed, "pram:" + plan.name);
        for (const Group& group : groups) {
          std::vector<double> counts(dictionary.size(), 0.0);
          for (std::size_t p = group.begin; p < group.end; ++p) counts[codes[p]] += 1.0;
          const Eigen::MatrixXd R = invariantPramMatrix(counts, plan.pramTheta);
          std::vector<uint32_t> slice(codes.begin() + static_cast<long>(group.begin),
                                      codes.begin() + static_cast<long>(group.end));
          Rng rng(deriveSeed(columnSeed, group.label));
          applyPram(slice, R, rng);
          std::copy(slice.begin(), slice.end(), codes.begin() + static_cast<long>(group.begin));
        }
        column.reserve(released, in.byteSize());
        for (std::size_t r = 0; r < released; ++r) column.push(dictionary[codes[outputOrder[r]]]);
      } else {
        column.reserve(released, in.byteSize());
        CellCopier copier(in, column);
        for (std::size_t r = 0; r < released; ++r) copier.copy(source[outputOrder[r]]);
      }
    } else {
      // Numbers: values by position (swapped or in place), then noise and exact rounding per group.
      const NumberData& data = plan.number;
      const std::vector<uint32_t>& source =
          swaps(plan.treatment) ? permutation(plan.permKey) : layout;
      std::vector<int64_t> units(released);
      std::vector<uint8_t> missing(released);
      for (std::size_t p = 0; p < released; ++p) {
        units[p] = data.units[source[p]];
        missing[p] = data.missing[source[p]];
      }
      ColumnOutcome outcome;
      outcome.name = plan.outName;
      outcome.role = plan.role;
      outcome.treatment = plan.treatment;
      outcome.scale = data.scale;
      if (noises(plan.treatment) && plan.strength > 0 && plan.group < 0) {
        const uint64_t columnSeed = deriveSeed(recipe.seed, "noise:" + plan.name);
        std::vector<double> values;
        std::vector<std::size_t> where;
        for (const Group& group : groups) {
          values.clear();
          where.clear();
          int64_t total = 0;
          for (std::size_t p = group.begin; p < group.end; ++p) {
            if (missing[p]) continue;
            values.push_back(static_cast<double>(units[p]));
            where.push_back(p);
            total += units[p];
          }
          if (values.size() < 2) continue;
          Rng rng(deriveSeed(columnSeed, group.label));
          const MomentResult moments = data.nonNegative
                                           ? noiseKeepMomentsNonNegative(values, plan.strength, rng)
                                           : noiseKeepMoments(values, plan.strength, rng);
          ++outcome.groups;
          if (!moments.sdExact) ++outcome.groupsSdInexact;
          if (moments.method == NoiseMethod::kLogScale) ++outcome.groupsLogScale;
          if (moments.sd > 0)
            outcome.maxSdRelativeError = std::max(
                outcome.maxSdRelativeError, std::abs(moments.achievedSd - moments.sd) / moments.sd);
          const std::vector<int64_t> rounded =
              data.nonNegative ? roundKeepingSum(values, total, RoundingBound{0, true}, rng)
                               : roundKeepingSum(values, total, rng);
          for (std::size_t i = 0; i < where.size(); ++i) units[where[i]] = rounded[i];
        }
      }
      // Numeric groups are handled once all their columns' values are known (below).
      if (plan.group >= 0) {
        plan.number.units = std::move(units);  // now by position
        plan.number.missing = std::move(missing);
        result.columns.push_back(outcome);
        out.names.push_back(plan.outName);
        out.columns.emplace_back();
        if (progress)
          progress("synthesising", static_cast<double>(++done) / static_cast<double>(toDo));
        continue;
      }
      column.reserve(released, released * 8);
      std::string cell;
      for (std::size_t r = 0; r < released; ++r) {
        const std::size_t p = outputOrder[r];
        column.push(missing[p] ? std::string_view(in.at(source[p]))
                               : std::string_view(cell = formatUnits(units[p], data.scale)));
      }
      result.columns.push_back(outcome);
    }
    out.names.push_back(plan.outName);
    out.columns.push_back(std::move(column));
    if (progress) progress("synthesising", static_cast<double>(++done) / static_cast<double>(toDo));
  }

  // Numeric groups: mean vector and covariance kept on the rows where every column is present;
  // the remaining values of each column are noised on their own.
  for (std::size_t gi = 0; gi < recipe.numericGroups.size(); ++gi) {
    std::vector<ColumnPlan*> cols;
    for (const auto& name : recipe.numericGroups[gi]) cols.push_back(&planOf(name));
    const auto p = static_cast<Eigen::Index>(cols.size());
    const bool noise = noises(cols.front()->treatment) && cols.front()->strength > 0;
    const uint64_t groupSeed = deriveSeed(recipe.seed, "group-noise:" + std::to_string(gi));
    if (cols.front()->treatment == "shuffle") {
      // Data shuffling on the rows where the whole group is present: values stay, ranks move.
      for (const Group& group : groups) {
        std::vector<std::size_t> complete;
        for (std::size_t pos = group.begin; pos < group.end; ++pos) {
          bool all = true;
          for (ColumnPlan* plan : cols) all = all && !plan->number.missing[pos];
          if (all) complete.push_back(pos);
        }
        if (complete.size() < 3) continue;
        Eigen::MatrixXd Y(static_cast<Eigen::Index>(complete.size()), p);
        for (std::size_t i = 0; i < complete.size(); ++i)
          for (Eigen::Index j = 0; j < p; ++j)
            Y(static_cast<Eigen::Index>(i), j) =
                static_cast<double>(cols[static_cast<std::size_t>(j)]->number.units[complete[i]]);
        Rng rng(deriveSeed(groupSeed, group.label));
        const CopulaResult shuffled = copulaShuffle(Y, rng);
        for (std::size_t i = 0; i < complete.size(); ++i)
          for (Eigen::Index j = 0; j < p; ++j)
            cols[static_cast<std::size_t>(j)]->number.units[complete[i]] =
                static_cast<int64_t>(Y(static_cast<Eigen::Index>(i), j));
        for (ColumnPlan* plan : cols) {
          for (auto& outcome : result.columns) {
            if (outcome.name != plan->outName) continue;
            ++outcome.groups;
            if (shuffled.shrinkage > 0 && outcome.note.empty()) outcome.note = shuffled.note;
          }
        }
      }
    }
    std::vector<ColumnOutcome*> outcomes;
    for (ColumnPlan* plan : cols)
      for (auto& outcome : result.columns)
        if (outcome.name == plan->outName) outcomes.push_back(&outcome);
    if (noise) {
      for (const Group& group : groups) {
        std::vector<std::size_t> complete;
        for (std::size_t pos = group.begin; pos < group.end; ++pos) {
          bool all = true;
          for (ColumnPlan* plan : cols) all = all && !plan->number.missing[pos];
          if (all) complete.push_back(pos);
        }
        Rng rng(deriveSeed(groupSeed, group.label));
        if (complete.size() >= 2) {
          Eigen::MatrixXd Y(static_cast<Eigen::Index>(complete.size()), p);
          for (std::size_t i = 0; i < complete.size(); ++i)
            for (Eigen::Index j = 0; j < p; ++j)
              Y(static_cast<Eigen::Index>(i), j) =
                  static_cast<double>(cols[static_cast<std::size_t>(j)]->number.units[complete[i]]);
          // Non-negative columns (costs) keep their zeros and stay above zero.
          std::vector<ValueBound> bounds;
          bool anyBound = false;
          for (Eigen::Index j = 0; j < p; ++j) {
            const bool nonNegative = cols[static_cast<std::size_t>(j)]->number.nonNegative;
            // Columns that may be negative get a bound far below anything noise can reach.
            const double lo = Y.col(j).minCoeff(), hi = Y.col(j).maxCoeff();
            bounds.push_back(nonNegative ? ValueBound{0.0, true}
                                         : ValueBound{lo - 1e6 * (hi - lo + 1), false});
            anyBound = anyBound || nonNegative;
          }
          const GroupResult noised =
              anyBound ? noiseKeepCovariance(Y, cols.front()->strength, bounds, rng)
                       : noiseKeepCovariance(Y, cols.front()->strength, rng);
          for (Eigen::Index j = 0; j < p; ++j) {
            ColumnPlan& plan = *cols[static_cast<std::size_t>(j)];
            std::vector<double> values(complete.size());
            int64_t total = 0;
            for (std::size_t i = 0; i < complete.size(); ++i) {
              values[i] = Y(static_cast<Eigen::Index>(i), j);
              total += plan.number.units[complete[i]];
            }
            const auto rounded = plan.number.nonNegative
                                     ? roundKeepingSum(values, total, RoundingBound{0, true}, rng)
                                     : roundKeepingSum(values, total, rng);
            for (std::size_t i = 0; i < complete.size(); ++i)
              plan.number.units[complete[i]] = rounded[i];
            ColumnOutcome& outcome = *outcomes[static_cast<std::size_t>(j)];
            ++outcome.groups;
            if (noised.fellBack) ++outcome.groupsFellBack;
            if (static_cast<std::size_t>(j) < noised.columns.size() &&
                !noised.columns[static_cast<std::size_t>(j)].sdExact)
              ++outcome.groupsSdInexact;
            if (noised.fellBack && outcome.note.empty()) outcome.note = noised.reason;
          }
        }
        // Values in rows where the group is incomplete: noised column by column.
        for (ColumnPlan* plan : cols) {
          std::vector<double> values;
          std::vector<std::size_t> where;
          int64_t total = 0;
          for (std::size_t pos = group.begin; pos < group.end; ++pos) {
            if (plan->number.missing[pos] ||
                std::binary_search(complete.begin(), complete.end(), pos))
              continue;
            values.push_back(static_cast<double>(plan->number.units[pos]));
            where.push_back(pos);
            total += plan->number.units[pos];
          }
          if (values.size() < 2) continue;
          if (plan->number.nonNegative)
            noiseKeepMomentsNonNegative(values, plan->strength, rng);
          else
            noiseKeepMoments(values, plan->strength, rng);
          const auto rounded = plan->number.nonNegative
                                   ? roundKeepingSum(values, total, RoundingBound{0, true}, rng)
                                   : roundKeepingSum(values, total, rng);
          for (std::size_t i = 0; i < where.size(); ++i) plan->number.units[where[i]] = rounded[i];
        }
      }
    }
    for (ColumnPlan* plan : cols) {
      const std::size_t at = static_cast<std::size_t>(
          std::find(out.names.begin(), out.names.end(), plan->outName) - out.names.begin());
      const TextColumn& in = table.columns[plan->index];
      const std::vector<uint32_t>& source =
          swaps(plan->treatment) ? permutation(plan->permKey) : layout;
      TextColumn column;
      column.reserve(released, released * 8);
      std::string cell;
      for (std::size_t r = 0; r < released; ++r) {
        const std::size_t pos = outputOrder[r];
        column.push(plan->number.missing[pos]
                        ? in.at(source[pos])
                        : std::string_view(
                              cell = formatUnits(plan->number.units[pos], plan->number.scale)));
      }
      out.columns[at] = std::move(column);
    }
  }
  return result;
}

}  // namespace pc
