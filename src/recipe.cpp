#include "recipe.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "encoding.h"
#include "error.h"
#include "values.h"

namespace pc {
namespace {

using nlohmann::json;

[[noreturn]] void invalid(const std::string& key, const std::string& ja, const std::string& en) {
  throw InputError("recipe.invalid", "レシピの「" + key + "」: " + ja,
                   "Recipe key \"" + key + "\": " + en);
}

std::vector<std::string> stringList(const json& value, const std::string& key) {
  std::vector<std::string> out;
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
    return out;
  }
  if (!value.is_array())
    invalid(key, "列名の配列を指定してください。", "expected an array of column names.");
  for (const auto& item : value) {
    if (!item.is_string())
      invalid(key, "列名は文字列で指定してください。", "column names must be strings.");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::vector<std::vector<std::string>> listOfLists(const json& value, const std::string& key) {
  if (!value.is_array())
    invalid(key, "列名の配列の配列を指定してください。",
            "expected an array of arrays of column names.");
  std::vector<std::vector<std::string>> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string item = key + "[" + std::to_string(i) + "]";
    out.push_back(stringList(value[i], item));
    if (out.back().size() < 2)
      invalid(item, "2 列以上を指定してください。", "name at least two columns.");
  }
  return out;
}

std::string stringValue(const json& value, const std::string& key) {
  if (!value.is_string()) invalid(key, "文字列で指定してください。", "expected a string.");
  return value.get<std::string>();
}

std::string oneOf(const json& value, const std::string& key,
                  std::initializer_list<const char*> allowed) {
  const std::string text = stringValue(value, key);
  std::string list;
  for (const char* option : allowed) {
    if (text == option) return text;
    list += (list.empty() ? "" : ", ") + std::string(option);
  }
  invalid(key, "「" + text + "」は使えません（" + list + "）。",
          "\"" + text + "\" is not one of " + list + ".");
}

double numberValue(const json& value, const std::string& key, double min, double max) {
  if (!value.is_number()) invalid(key, "数値で指定してください。", "expected a number.");
  const double x = value.get<double>();
  if (!(x >= min && x <= max)) {
    char range[96];
    std::snprintf(range, sizeof range, "%g … %g", min, max);
    invalid(key, std::string("範囲 ") + range + " の数値で指定してください。",
            std::string("must be within ") + range + ".");
  }
  return x;
}

int integerValue(const json& value, const std::string& key, long long min, long long max) {
  if (!value.is_number_integer()) invalid(key, "整数で指定してください。", "expected an integer.");
  const long long x = value.get<long long>();
  if (x < min || x > max) {
    invalid(key, std::to_string(min) + " 以上 " + std::to_string(max) + " 以下で指定してください。",
            "must be from " + std::to_string(min) + " to " + std::to_string(max) + ".");
  }
  return static_cast<int>(x);
}

std::string encodingValue(const json& value, const std::string& key, bool input) {
  const std::string name = stringValue(value, key);
  if (input && name == "auto") return name;
  const auto encoding = parseEncodingName(name);
  if (!encoding || (!input && !isWritable(*encoding))) {
    invalid(key, "「" + name + "」は使えない文字コードです（utf-8-bom, utf-8, shift_jis）。",
            "\"" + name + "\" is not a supported encoding (utf-8-bom, utf-8, shift_jis).");
  }
  return encodingName(*encoding);
}

ColumnRule columnRule(const json& value, const std::string& key) {
  if (!value.is_object()) invalid(key, "オブジェクトで指定してください。", "expected an object.");
  ColumnRule rule;
  for (const auto& [name, item] : value.items()) {
    const std::string path = key + "." + name;
    if (name == "role") {
      rule.role = oneOf(item, path, {"drop", "cluster", "category", "number", "date-to-age"});
    } else if (name == "treatment") {
      rule.treatment =
          oneOf(item, path, {"swap", "noise", "swap-noise", "shuffle", "pram", "keep"});
    } else if (name == "strength") {
      rule.strength = numberValue(item, path, 0.0, kStrengthSynthetic);
    } else if (name == "pramTheta") {
      rule.pramTheta = numberValue(item, path, 1e-9, 1.0);
    } else if (name == "as") {
      rule.as = stringValue(item, path);
      if (rule.as.empty()) invalid(path, "空にはできません。", "must not be empty.");
    } else {
      invalid(path, "知らない項目です。綴りを確認してください。",
              "unknown key; check its spelling.");
    }
  }
  if (rule.treatment == "pram" && rule.role != "category" && !rule.role.empty())
    invalid(key + ".treatment", "pram はカテゴリの列にだけ使えます。",
            "pram applies to category columns only.");
  if ((rule.treatment == "noise" || rule.treatment == "swap-noise") && rule.role != "number" &&
      !rule.role.empty())
    invalid(key + ".treatment", "noise は数値の列にだけ使えます。",
            "noise applies to number columns only.");
  return rule;
}

}  // namespace

double Recipe::defaultStrength() const {
  if (preset == "strong") return kStrengthStrong;
  if (preset == "strongest") return kStrengthSynthetic;
  return kStrengthStandard;
}

const ColumnRule* Recipe::rule(std::string_view column) const {
  for (const auto& [name, rule] : columns)
    if (name == column) return &rule;
  return nullptr;
}

Recipe parseRecipe(std::string_view text) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // nlohmann's byte is 1-based (the byte it stopped at), as the encoding errors count.
    const std::string at = std::to_string(e.byte);
    throw InputError("recipe.syntax",
                     "レシピがJSONとして読めません（先頭から " + at + " バイト目）。",
                     "The recipe is not valid JSON (at byte " + at + ").");
  }
  if (!doc.is_object())
    invalid("(top)", "JSONオブジェクトである必要があります。", "must be a JSON object.");
  Recipe recipe;
  recipe.version = 1;  // a document without "version" is read as the first version
  if (doc.contains("version")) {
    const json& value = doc["version"];
    if (!value.is_number_integer() || value.get<long long>() < 1) {
      invalid("version", "1 以上の整数で指定してください。", "expected an integer of 1 or more.");
    }
    if (value.get<long long>() > Recipe::kVersion) {
      invalid("version",
              "このレシピは新しい版（" + value.dump() +
                  "）で作られています。Pseudocitizen を更新してください。",
              "this recipe was written by a newer version (" + value.dump() +
                  "); update Pseudocitizen.");
    }
    recipe.version = static_cast<int>(value.get<long long>());
  }
  const bool v1 = recipe.version == 1;
  for (const auto& [key, value] : doc.items()) {
    if (key == "version") {
      continue;
    } else if (key == "inputEncoding") {
      recipe.inputEncoding = encodingValue(value, key, true);
    } else if (key == "inputDelimiter") {
      const std::string name = oneOf(value, key, {"auto", ",", "tab", ";", "comma", "semicolon"});
      recipe.inputDelimiter = name == "comma" ? "," : name == "semicolon" ? ";" : name;
    } else if (key == "outputEncoding") {
      recipe.outputEncoding = encodingValue(value, key, false);
    } else if (key == "cluster") {
      recipe.cluster = stringList(value, key);
    } else if (key == "drop") {
      recipe.drop = stringList(value, key);
    } else if (key == "seed") {
      if (!value.is_number_integer() ||
          (!value.is_number_unsigned() && value.get<long long>() < 0)) {
        invalid(key, "0 以上の整数で指定してください。", "expected a non-negative integer.");
      }
      const uint64_t seed = value.get<uint64_t>();
      if (seed > Recipe::kMaxSeed) {
        invalid(key, "9007199254740991 以下の整数で指定してください。",
                "must be at most 9007199254740991 (2^53 - 1).");
      }
      recipe.seed = seed;
      recipe.hasSeed = true;
    } else if (!v1 && key == "preset") {
      recipe.preset = oneOf(value, key, {"standard", "strong", "strongest"});
    } else if (!v1 && key == "referenceDate") {
      recipe.referenceDate = stringValue(value, key);
      const auto date = parseDate(recipe.referenceDate);
      if (!date)
        invalid(key, "日付（例 2026-04-01）で指定してください。",
                "expected a date such as 2026-04-01.");
      recipe.referenceDate = formatIsoDate(*date);
    } else if (!v1 && key == "minClusterSize") {
      recipe.minClusterSize = integerValue(value, key, 3, 1000000);
    } else if (!v1 && key == "smallClusters") {
      recipe.smallClusters = oneOf(value, key, {"merge", "suppress"});
    } else if (!v1 && key == "subclusters") {
      if (value.is_null()) continue;
      if (!value.is_object())
        invalid(key, "オブジェクトで指定してください。", "expected an object.");
      SubclusterRule rule;
      for (const auto& [name, item] : value.items()) {
        const std::string path = key + "." + name;
        if (name == "method") {
          rule.method = oneOf(item, path, {"mdav", "kmeans"});
        } else if (name == "k") {
          rule.k = integerValue(item, path, 3, 100000);
        } else if (name == "columns") {
          rule.columns = stringList(item, path);
        } else {
          invalid(path, "知らない項目です。綴りを確認してください。",
                  "unknown key; check its spelling.");
        }
      }
      if (rule.columns.empty())
        invalid(key + ".columns", "似た人をまとめる列を指定してください。",
                "name the columns that define similar records.");
      recipe.subclusters = rule;
    } else if (!v1 && key == "blocks") {
      recipe.blocks = listOfLists(value, key);
    } else if (!v1 && key == "numericGroups") {
      recipe.numericGroups = listOfLists(value, key);
    } else if (!v1 && key == "columns") {
      if (!value.is_object())
        invalid(key, "オブジェクトで指定してください。", "expected an object.");
      for (const auto& [name, item] : value.items())
        recipe.columns.emplace_back(name, columnRule(item, key + "." + name));
    } else {
      invalid(key, "知らない項目です。綴りを確認してください。",
              "unknown key; check its spelling.");
    }
  }
  if (v1) {
    // Version 1 swapped every released column and had no minimum cluster size.
    recipe.version = Recipe::kVersion;
    recipe.minClusterSize = 3;
    recipe.swapEverything = true;
  }
  return recipe;
}

std::string recipeToJson(const Recipe& recipe) {
  nlohmann::ordered_json doc;
  doc["version"] = Recipe::kVersion;
  doc["preset"] = recipe.preset;
  doc["inputEncoding"] = recipe.inputEncoding;
  doc["inputDelimiter"] = recipe.inputDelimiter;
  doc["outputEncoding"] = recipe.outputEncoding;
  doc["seed"] = recipe.seed;
  if (!recipe.referenceDate.empty()) doc["referenceDate"] = recipe.referenceDate;
  doc["cluster"] = recipe.cluster;
  doc["minClusterSize"] = recipe.minClusterSize;
  doc["smallClusters"] = recipe.smallClusters;
  if (recipe.subclusters) {
    doc["subclusters"] = {{"method", recipe.subclusters->method},
                          {"k", recipe.subclusters->k},
                          {"columns", recipe.subclusters->columns}};
  }
  if (!recipe.blocks.empty()) doc["blocks"] = recipe.blocks;
  if (!recipe.numericGroups.empty()) doc["numericGroups"] = recipe.numericGroups;
  doc["drop"] = recipe.drop;
  nlohmann::ordered_json columns = nlohmann::ordered_json::object();
  for (const auto& [name, rule] : recipe.columns) {
    nlohmann::ordered_json entry = nlohmann::ordered_json::object();
    if (!rule.role.empty()) entry["role"] = rule.role;
    if (!rule.treatment.empty()) entry["treatment"] = rule.treatment;
    if (rule.strength) entry["strength"] = *rule.strength;
    if (rule.pramTheta) entry["pramTheta"] = *rule.pramTheta;
    if (!rule.as.empty()) entry["as"] = rule.as;
    columns[name] = entry;
  }
  if (!columns.empty()) doc["columns"] = columns;
  return doc.dump(2) + "\n";
}

}  // namespace pc
