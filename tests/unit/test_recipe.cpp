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
  recipe.cluster = {"中学校区", "性別"};
  recipe.drop = {"氏名"};
  recipe.seed = pc::Recipe::kMaxSeed;
  recipe.outputEncoding = "utf-8";
  const pc::Recipe back = pc::parseRecipe(pc::recipeToJson(recipe));
  CHECK(back.inputEncoding == "shift_jis");
  CHECK(back.cluster == recipe.cluster);
  CHECK(back.drop == recipe.drop);
  CHECK(back.seed == pc::Recipe::kMaxSeed);
  CHECK(back.hasSeed);
  CHECK(back.outputEncoding == "utf-8");
  CHECK(pc::recipeToJson(back) == pc::recipeToJson(recipe));
}

TEST_CASE("defaults, aliases and a single cluster name") {
  const pc::Recipe r = pc::parseRecipe(R"({"cluster": "地区", "outputEncoding": "CP932"})");
  CHECK(r.cluster == std::vector<std::string>{"地区"});
  CHECK(r.outputEncoding == "shift_jis");
  CHECK(r.inputEncoding == "auto");
  CHECK_FALSE(r.hasSeed);
}

TEST_CASE("every mistake names its key") {
  CHECK(errorOf(R"({"clusters": ["x"]})") == "recipe.invalid: Recipe key \"clusters\": unknown key; check its spelling.");
  CHECK(errorOf(R"({"seed": -1})").find("\"seed\"") != std::string::npos);
  CHECK(errorOf(R"({"seed": 1.5})").find("\"seed\"") != std::string::npos);
  CHECK(errorOf(R"({"seed": 9007199254740992})").find("\"seed\"") != std::string::npos);
  CHECK(errorOf(R"({"cluster": [1]})").find("\"cluster\"") != std::string::npos);
  CHECK(errorOf(R"({"drop": {}})").find("\"drop\"") != std::string::npos);
  CHECK(errorOf(R"({"outputEncoding": "euc-jp"})").find("\"outputEncoding\"") != std::string::npos);
  CHECK(errorOf(R"({"inputEncoding": "latin1"})").find("\"inputEncoding\"") != std::string::npos);
  CHECK(errorOf(R"({"version": 2})").find("newer version") != std::string::npos);
  CHECK(errorOf(R"([1, 2])").find("JSON object") != std::string::npos);
  CHECK(errorOf(R"({"seed": )").rfind("recipe.syntax", 0) == 0);
}
