#include "recipe.h"

#include <nlohmann/json.hpp>

#include "encoding.h"
#include "error.h"

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
  if (!value.is_array()) invalid(key, "列名の配列を指定してください。", "expected an array of column names.");
  for (const auto& item : value) {
    if (!item.is_string()) invalid(key, "列名は文字列で指定してください。", "column names must be strings.");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::string encodingValue(const json& value, const std::string& key, bool allowAuto) {
  if (!value.is_string()) invalid(key, "文字コード名を文字列で指定してください。", "expected an encoding name.");
  const std::string name = value.get<std::string>();
  if (allowAuto && name == "auto") return name;
  const auto encoding = parseEncodingName(name);
  if (!encoding || (!allowAuto && *encoding == Encoding::EucJp)) {
    invalid(key, "「" + name + "」は使えない文字コードです（utf-8-bom, utf-8, shift_jis）。",
            "\"" + name + "\" is not a supported encoding (utf-8-bom, utf-8, shift_jis).");
  }
  return encodingName(*encoding);
}

}  // namespace

Recipe parseRecipe(std::string_view text) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    throw InputError("recipe.syntax",
                     "レシピがJSONとして読めません（" + std::to_string(e.byte) + " バイト目）。",
                     "The recipe is not valid JSON (at byte " + std::to_string(e.byte) + ").");
  }
  if (!doc.is_object()) invalid("(top)", "JSONオブジェクトである必要があります。", "must be a JSON object.");
  Recipe recipe;
  for (const auto& [key, value] : doc.items()) {
    if (key == "version") {
      if (!value.is_number_integer() || value.get<long long>() < 1) {
        invalid(key, "1 以上の整数で指定してください。", "expected an integer of 1 or more.");
      }
      if (value.get<long long>() > Recipe::kVersion) {
        invalid(key, "このレシピは新しい版（" + value.dump() + "）で作られています。Pseudocitizen を更新してください。",
                "this recipe was written by a newer version (" + value.dump() +
                    "); update Pseudocitizen.");
      }
      recipe.version = static_cast<int>(value.get<long long>());
    } else if (key == "inputEncoding") {
      recipe.inputEncoding = encodingValue(value, key, true);
    } else if (key == "cluster") {
      recipe.cluster = stringList(value, key);
    } else if (key == "drop") {
      recipe.drop = stringList(value, key);
    } else if (key == "seed") {
      if (!value.is_number_integer() || (value.is_number_integer() && !value.is_number_unsigned() &&
                                         value.get<long long>() < 0)) {
        invalid(key, "0 以上の整数で指定してください。", "expected a non-negative integer.");
      }
      const uint64_t seed = value.get<uint64_t>();
      if (seed > Recipe::kMaxSeed) {
        invalid(key, "9007199254740991 以下の整数で指定してください。",
                "must be at most 9007199254740991 (2^53 - 1).");
      }
      recipe.seed = seed;
      recipe.hasSeed = true;
    } else if (key == "outputEncoding") {
      recipe.outputEncoding = encodingValue(value, key, false);
    } else {
      invalid(key, "知らない項目です。綴りを確認してください。", "unknown key; check its spelling.");
    }
  }
  return recipe;
}

std::string recipeToJson(const Recipe& recipe) {
  nlohmann::ordered_json doc;
  doc["version"] = recipe.version;
  doc["inputEncoding"] = recipe.inputEncoding;
  doc["cluster"] = recipe.cluster;
  doc["drop"] = recipe.drop;
  doc["seed"] = recipe.seed;
  doc["outputEncoding"] = recipe.outputEncoding;
  return doc.dump(2) + "\n";
}

}  // namespace pc
