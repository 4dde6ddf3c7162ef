// The recipe: strict reading that names the key, and a write/read round trip.
#include <doctest/doctest.h>

#include "error.h"
#include "recipe.h"

namespace {

std::string errorOf(const std::string& json) {
  try {
    pc::parseRecipe(json);
  } catch (const pc::InputError& e) {
    return e.code() + ": " + e.en();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a recipe written is read back the same") {
  pc::Recipe recipe;
  recipe.inputEncoding = "shift_jis";
  recipe.inputDelimiter = "tab";
  recipe.cluster = {"中学校区", "性別"};
  recipe.drop = {"氏名"};
  recipe.seed = pc::Recipe::kMaxSeed;
  recipe.outputEncoding = "utf-8";
  const pc::Recipe back = pc::parseRecipe(pc::recipeToJson(recipe));
  CHECK(back.inputEncoding == "shift_jis");
  CHECK(back.inputDelimiter == "tab");
  CHECK(back.cluster == recipe.cluster);
  CHECK(back.drop == recipe.drop);
  CHECK(back.seed == pc::Recipe::kMaxSeed);
  CHECK(back.hasSeed);
  CHECK(back.outputEncoding == "utf-8");
  CHECK(pc::recipeToJson(back) == pc::recipeToJson(recipe));
}

TEST_CASE("a version-1 recipe is read as version 2 that swaps every column") {
  const pc::Recipe r =
      pc::parseRecipe(R"({"version": 1, "cluster": ["地区"], "drop": ["氏名"], "seed": 7})");
  CHECK(r.version == 2);
  CHECK(r.swapEverything);
  CHECK(r.minClusterSize == 3);
  CHECK(r.drop == std::vector<std::string>{"氏名"});
  CHECK(pc::recipeToJson(r).find("\"version\": 2") != std::string::npos);
}

TEST_CASE("version 2: presets, reference date in any date form, nested rules") {
  const pc::Recipe r =
      pc::parseRecipe(R"({"version": 2, "preset": "strongest", "referenceDate": "令和8年4月1日",
    "subclusters": {"method": "kmeans", "k": 5, "columns": ["年齢"]}, "blocks": [["性別", "生年月日"]],
    "columns": {"要介護度": {"role": "category", "treatment": "pram", "pramTheta": 0.3}}})");
  CHECK(r.defaultStrength() == pc::kStrengthSynthetic);
  CHECK(r.referenceDate == "2026-04-01");
  REQUIRE(r.subclusters.has_value());
  CHECK(r.subclusters->k == 5);
  REQUIRE(r.rule("要介護度") != nullptr);
  CHECK(*r.rule("要介護度")->pramTheta == 0.3);
  const pc::Recipe back = pc::parseRecipe(pc::recipeToJson(r));
  CHECK(pc::recipeToJson(back) == pc::recipeToJson(r));
}

TEST_CASE("defaults, aliases and a single cluster name") {
  const pc::Recipe r = pc::parseRecipe(R"({"cluster": "地区", "outputEncoding": "CP932"})");
  CHECK(r.cluster == std::vector<std::string>{"地区"});
  CHECK(r.outputEncoding == "shift_jis");
  CHECK(r.inputEncoding == "auto");
  CHECK(r.inputDelimiter == "auto");
  CHECK(pc::parseRecipe(R"({"inputDelimiter": "semicolon"})").inputDelimiter == ";");
  CHECK_FALSE(r.hasSeed);
}

TEST_CASE("every mistake names its key") {
  CHECK(errorOf(R"({"clusters": ["x"]})") ==
        "recipe.invalid: Recipe key \"clusters\": unknown key; check its spelling.");
  CHECK(errorOf(R"({"seed": -1})").find("\"seed\"") != std::string::npos);
  CHECK(errorOf(R"({"seed": 1.5})").find("\"seed\"") != std::string::npos);
  CHECK(errorOf(R"({"seed": 9007199254740992})").find("\"seed\"") != std::string::npos);
  CHECK(errorOf(R"({"cluster": [1]})").find("\"cluster\"") != std::string::npos);
  CHECK(errorOf(R"({"drop": {}})").find("\"drop\"") != std::string::npos);
  CHECK(errorOf(R"({"outputEncoding": "euc-jp"})").find("\"outputEncoding\"") != std::string::npos);
  CHECK(errorOf(R"({"inputEncoding": "latin1"})").find("\"inputEncoding\"") != std::string::npos);
  CHECK(errorOf(R"({"inputDelimiter": "|"})").find("\"inputDelimiter\"") != std::string::npos);
  CHECK(errorOf(R"({"version": 3})").find("newer version") != std::string::npos);
  CHECK(errorOf(R"({"version": 2, "columns": {"BMI": {"strenght": 1}}})") ==
        "recipe.invalid: Recipe key \"columns.BMI.strenght\": unknown key; check its spelling.");
  CHECK(errorOf(R"({"version": 2, "columns": {"BMI": {"strength": -1}}})")
            .find("columns.BMI.strength") != std::string::npos);
  CHECK(
      errorOf(R"({"version": 2, "columns": {"性別": {"role": "category", "treatment": "noise"}}})")
          .find("columns.性別.treatment") != std::string::npos);
  CHECK(errorOf(R"({"version": 2, "blocks": [["性別"]]})").find("blocks[0]") != std::string::npos);
  CHECK(errorOf(R"({"version": 2, "subclusters": {"method": "mdav", "k": 2, "columns": ["a"]}})")
            .find("subclusters.k") != std::string::npos);
  CHECK(errorOf(R"({"version": 2, "preset": "max"})").find("\"preset\"") != std::string::npos);
  CHECK(errorOf(R"({"version": 2, "referenceDate": "someday"})").find("referenceDate") !=
        std::string::npos);
  // Keys of version 2 are unknown to a version-1 document.
  CHECK(errorOf(R"({"preset": "strong"})").find("unknown key") != std::string::npos);
  CHECK(errorOf(R"([1, 2])").find("JSON object") != std::string::npos);
  CHECK(errorOf(R"({"seed": )").rfind("recipe.syntax", 0) == 0);
}

TEST_CASE("recipe JSON errors and encodings name what the encoding module names") {
  // The byte is 1-based, as in the encoding errors: '}' is the 6th byte of {"a":}.
  CHECK(errorOf(R"({"a":})") == "recipe.syntax: The recipe is not valid JSON (at byte 6).");
  try {
    pc::parseRecipe("x");
    FAIL("no error");
  } catch (const pc::InputError& e) {
    CHECK(e.ja() == "レシピがJSONとして読めません（先頭から 1 バイト目）。");
  }
  // UTF-16 is an input encoding only.
  CHECK(pc::parseRecipe(R"({"inputEncoding": "utf-16"})").inputEncoding == "utf-16le");
  CHECK(pc::parseRecipe(R"({"inputEncoding": "UTF-16BE"})").inputEncoding == "utf-16be");
  CHECK(errorOf(R"({"outputEncoding": "utf-16le"})").find("\"outputEncoding\"") !=
        std::string::npos);
}
