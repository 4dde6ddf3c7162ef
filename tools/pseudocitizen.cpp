// pseudocitizen — the command-line face of the engine.
//
//   pseudocitizen inspect IN.csv [--encoding ENC] [--delimiter ,|tab|;]
//   pseudocitizen cluster IN.csv --columns A,B,C [--method mdav|kmeans] [--k K] -o ASSIGN.csv
//   pseudocitizen synth IN.csv -o OUT.csv [--recipe R.json] [--cluster COL[,COL]]
//                       [--drop COL[,COL]] [--seed N] [--encoding ENC] [--delimiter ,|tab|;]
//                       [--output-encoding utf-8-bom|utf-8|shift_jis] [--write-recipe R.json]
//                       [--preset standard|strong|strongest] [--reference-date YYYY-MM-DD]
//                       [--report REPORT.json] [--timings]        (seconds per stage, as JSON on
//                       stderr)
//
// Exit status: 0 success, 2 bad input or usage (message on stderr, no output
// file left behind), 1 an internal error.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "error.h"
#include "malloc-tuning.h"
#include "pipeline.h"
#include "recipe.h"

namespace {

constexpr int kExitUsage = 2;

const char* const kUsage =
    "使い方 / usage:\n"
    "  pseudocitizen inspect IN.csv [--encoding ENC] [--delimiter ,|tab|;]\n"
    "  pseudocitizen cluster IN.csv --columns A,B,C [--method mdav|kmeans] [--k K] -o ASSIGN.csv\n"
    "  pseudocitizen synth IN.csv -o OUT.csv [--recipe R.json] [--cluster COL[,COL]]\n"
    "                [--drop COL[,COL]] [--seed N] [--encoding ENC] [--delimiter ,|tab|;]\n"
    "                [--output-encoding utf-8-bom|utf-8|shift_jis] [--write-recipe R.json]\n"
    "                [--preset standard|strong|strongest] [--reference-date YYYY-MM-DD]\n"
    "                [--report REPORT.json] [--timings]\n"
    "\n"
    "  inspect  ファイルの文字コード・列・推奨レシピをJSONで表示 / print encoding, columns and "
    "the\n"
    "           suggested recipe as JSON\n"
    "  synth    疑似市民データを書き出す / write the pseudo-citizen data\n"
    "  cluster  似た人を k 人以上の組に分け、組の番号を書き出す / write groups of at least k "
    "similar\n"
    "           rows (one per input row, in input order)\n";

/// Records when each stage of a run starts; a stage ends when the next one starts.
class StageClock {
 public:
  void mark(std::string_view stage) {
    if (starts_.empty() || starts_.back().first != stage)
      starts_.emplace_back(std::string(stage), std::chrono::steady_clock::now());
  }
  /// {"reading": 0.123, …} in seconds, up to now.
  std::string json() const {
    const auto end = std::chrono::steady_clock::now();
    std::string out = "{";
    for (std::size_t i = 0; i < starts_.size(); ++i) {
      const auto until = i + 1 < starts_.size() ? starts_[i + 1].second : end;
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%.3f",
                    std::chrono::duration<double>(until - starts_[i].second).count());
      out += (i ? ", \"" : "\"") + starts_[i].first + "\": " + seconds;
    }
    return out + "}";
  }

 private:
  std::vector<std::pair<std::string, std::chrono::steady_clock::time_point>> starts_;
};

/// A JSON string literal for `text` (quotes and control characters escaped).
std::string jsonString(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

/// Today's local date as YYYY-MM-DD: the default reference date for ages.
std::string today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &local);
  return text;
}

struct UsageError {
  std::string message;
};

std::string readFile(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw pc::InputError("io.open", "ファイル「" + path + "」を開けません: " + std::strerror(errno),
                         "Cannot open \"" + path + "\": " + std::strerror(errno));
  }
  // A regular file is read straight into a string of its size; anything else (a pipe) in pieces.
  std::string bytes;
  if (std::fseek(file, 0, SEEK_END) == 0) {
    const long size = std::ftell(file);
    std::rewind(file);
    if (size > 0) {
      bytes.resize(static_cast<std::size_t>(size));
      bytes.resize(std::fread(bytes.data(), 1, bytes.size(), file));
    }
  }
  char buffer[1 << 16];
  for (;;) {
    const std::size_t got = std::fread(buffer, 1, sizeof buffer, file);
    bytes.append(buffer, got);
    if (got < sizeof buffer) break;
  }
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) {
    throw pc::InputError("io.read", "ファイル「" + path + "」を読めません。",
                         "Cannot read \"" + path + "\".");
  }
  return bytes;
}

/// Writes to PATH.partial and renames it over PATH, so no half-written file is ever left.
void writeFileAtomically(const std::string& path, const std::string& bytes) {
  const std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw pc::InputError("io.write", "「" + path + "」に書き込めません: " + std::strerror(errno),
                           "Cannot write \"" + path + "\": " + std::strerror(errno));
    }
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      out.close();
      std::remove(partial.c_str());
      throw pc::InputError("io.write", "「" + path + "」への書き込みに失敗しました。",
                           "Writing \"" + path + "\" failed.");
    }
  }
  if (std::rename(partial.c_str(), path.c_str()) != 0) {
    std::remove(partial.c_str());
    throw pc::InputError("io.write", "「" + path + "」を作れません: " + std::strerror(errno),
                         "Cannot create \"" + path + "\": " + std::strerror(errno));
  }
}

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

/// Parses "--flag value" pairs (flags in `valued`) and bare switches (in `switches`, stored
/// with the value "1") after the command; anything else not starting with '-' is positional.
std::map<std::string, std::string> parseFlags(int argc, char** argv, int first,
                                              const std::vector<std::string>& valued,
                                              std::vector<std::string>& positional,
                                              const std::vector<std::string>& switches = {}) {
  std::map<std::string, std::string> flags;
  for (int i = first; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.size() > 1 && arg[0] == '-') {
      if (std::find(switches.begin(), switches.end(), arg) != switches.end()) {
        flags[arg] = "1";
        continue;
      }
      if (std::find(valued.begin(), valued.end(), arg) == valued.end())
        throw UsageError{"unknown option " + arg};
      if (i + 1 >= argc) throw UsageError{"option " + arg + " needs a value"};
      flags[arg] = argv[++i];
    } else {
      positional.push_back(arg);
    }
  }
  return flags;
}

int runInspect(int argc, char** argv) {
  std::vector<std::string> positional;
  auto flags = parseFlags(argc, argv, 2, {"--encoding", "--delimiter"}, positional);
  if (positional.size() != 1) throw UsageError{"inspect needs exactly one input file"};
  const std::string bytes = readFile(positional[0]);
  const auto loaded =
      pc::loadTable(bytes, flags.count("--encoding") ? flags["--encoding"] : std::string("auto"),
                    {}, flags.count("--delimiter") ? flags["--delimiter"] : std::string("auto"));
  std::cout << pc::inspectJson(loaded, today(), 5) << "\n";
  return 0;
}

int runSynth(int argc, char** argv) {
  std::vector<std::string> positional;
  auto flags = parseFlags(
      argc, argv, 2,
      {"-o", "--output", "--recipe", "--cluster", "--drop", "--seed", "--encoding", "--delimiter",
       "--output-encoding", "--write-recipe", "--reference-date", "--preset", "--report"},
      positional, {"--timings"});
  if (positional.size() != 1) throw UsageError{"synth needs exactly one input file"};
  if (flags.count("--output")) flags["-o"] = flags["--output"];
  if (!flags.count("-o")) throw UsageError{"synth needs -o OUT.csv"};
  StageClock clock;
  const pc::ProgressFn progress = [&](std::string_view stage, double) { clock.mark(stage); };
  clock.mark("reading");
  pc::Recipe recipe;
  if (flags.count("--recipe")) recipe = pc::parseRecipe(readFile(flags["--recipe"]));
  if (flags.count("--encoding")) recipe.inputEncoding = flags["--encoding"];
  // The file's bytes are let go as soon as the table is built (peak memory).
  pc::LoadedTable loaded =
      pc::loadTableFrom(readFile(positional[0]), recipe.inputEncoding, progress,
                        flags.count("--delimiter") ? flags["--delimiter"] : recipe.inputDelimiter);
  if (!flags.count("--recipe")) recipe = pc::suggestRecipe(loaded, today());
  if (flags.count("--reference-date")) recipe.referenceDate = flags["--reference-date"];
  if (flags.count("--preset")) recipe.preset = flags["--preset"];
  // Options given on the command line are checked like recipe keys.
  {
    const pc::Recipe check =
        pc::parseRecipe("{\"version\": 2, \"preset\": " + jsonString(recipe.preset) +
                        (recipe.referenceDate.empty()
                             ? ""
                             : ", \"referenceDate\": " + jsonString(recipe.referenceDate)) +
                        "}");
    recipe.referenceDate = check.referenceDate;
  }
  if (flags.count("--cluster")) recipe.cluster = splitList(flags["--cluster"]);
  if (flags.count("--drop")) recipe.drop = splitList(flags["--drop"]);
  if (flags.count("--output-encoding")) {
    const auto encoding = pc::parseEncodingName(flags["--output-encoding"]);
    if (!encoding || !pc::isWritable(*encoding))
      throw UsageError{"--output-encoding must be utf-8-bom, utf-8 or shift_jis"};
    recipe.outputEncoding = pc::encodingName(*encoding);
  }
  if (flags.count("--seed")) {
    const std::string& text = flags["--seed"];
    if (text.empty() || text.size() > 16 ||
        text.find_first_not_of("0123456789") != std::string::npos ||
        std::stoull(text) > pc::Recipe::kMaxSeed)
      throw UsageError{"--seed needs an integer from 0 to 9007199254740991"};
    recipe.seed = std::stoull(text);
  }
  if (!flags.count("--seed") && !recipe.hasSeed) {
    // No seed chosen: a fresh secret one. It is in the summary and in --write-recipe.
    std::random_device device;
    recipe.seed = ((uint64_t{device()} << 32) | device()) & pc::Recipe::kMaxSeed;
  }
  // Drop columns that are also the cluster key: the key must stay.
  for (const auto& key : recipe.cluster)
    recipe.drop.erase(std::remove(recipe.drop.begin(), recipe.drop.end(), key), recipe.drop.end());

  const pc::SynthResult result = pc::synthesizeTable(std::move(loaded), recipe, progress);
  writeFileAtomically(flags["-o"], result.bytes);
  if (flags.count("--write-recipe"))
    writeFileAtomically(flags["--write-recipe"], pc::recipeToJson(result.resolved));
  if (flags.count("--report")) writeFileAtomically(flags["--report"], result.summaryJson + "\n");
  // One line for people; the whole report goes to --report.
  const auto summary = nlohmann::json::parse(result.summaryJson);
  std::size_t released = 0, merged = 0, suppressed = 0;
  for (const auto& cluster : summary["clusters"]) {
    const std::string status = cluster["status"];
    released += status == "released";
    merged += status == "merged";
    suppressed += status == "suppressed";
  }
  const auto& checks = summary["aggregates"]["summary"];
  std::cerr << "pseudocitizen: " << summary["rowsIn"].get<std::size_t>() << " → "
            << summary["rowsOut"].get<std::size_t>() << " rows; districts released " << released
            << ", merged " << merged << ", suppressed " << suppressed << "; aggregates "
            << checks["checks"].get<std::size_t>() << " checks, "
            << checks["failed"].get<std::size_t>() << " failed; seed " << result.resolved.seed
            << " (secret: keep it with the original data, never with the output) → " << flags["-o"]
            << "\n";
  if (flags.count("--timings")) std::cerr << "timings: " << clock.json() << "\n";
  return 0;
}

}  // namespace

int runCluster(int argc, char** argv) {
  std::vector<std::string> positional;
  auto flags = parseFlags(
      argc, argv, 2, {"-o", "--output", "--method", "--k", "--columns", "--encoding", "--seed"},
      positional);
  if (positional.size() != 1) throw UsageError{"cluster needs exactly one input file"};
  if (flags.count("--output")) flags["-o"] = flags["--output"];
  if (!flags.count("-o")) throw UsageError{"cluster needs -o ASSIGN.csv"};
  if (!flags.count("--columns")) throw UsageError{"cluster needs --columns A,B,C"};
  const std::string kText = flags.count("--k") ? flags["--k"] : "5";
  if (kText.empty() || kText.size() > 7 ||
      kText.find_first_not_of("0123456789") != std::string::npos)
    throw UsageError{"--k needs a positive integer"};
  const int k = std::stoi(kText);
  if (k < 1) throw UsageError{"--k needs a positive integer"};
  const std::string method = flags.count("--method") ? flags["--method"] : "mdav";
  if (method != "mdav" && method != "kmeans") throw UsageError{"--method must be mdav or kmeans"};
  const std::string seedText = flags.count("--seed") ? flags["--seed"] : "1";
  if (seedText.empty() || seedText.size() > 16 ||
      seedText.find_first_not_of("0123456789") != std::string::npos)
    throw UsageError{"--seed needs a non-negative integer"};
  const uint64_t seed = std::stoull(seedText);
  const std::string bytes = readFile(positional[0]);
  const pc::LoadedTable loaded =
      pc::loadTable(bytes, flags.count("--encoding") ? flags["--encoding"] : std::string("auto"));
  const std::vector<uint32_t> groups =
      pc::microaggregateRows(loaded.table, splitList(flags["--columns"]), method, k, seed);
  std::string out = "cluster\r\n";
  for (const uint32_t g : groups) out += std::to_string(g) + "\r\n";
  writeFileAtomically(flags["-o"], out);
  return 0;
}

int main(int argc, char** argv) {
  tuneMalloc(argv);
  try {
    if (argc < 2) throw UsageError{"no command"};
    const std::string command = argv[1];
    if (command == "inspect") return runInspect(argc, argv);
    if (command == "synth") return runSynth(argc, argv);
    if (command == "cluster") return runCluster(argc, argv);
    if (command == "--help" || command == "-h" || command == "help") {
      std::cout << kUsage;
      return 0;
    }
    throw UsageError{"unknown command " + command};
  } catch (const UsageError& e) {
    std::cerr << "pseudocitizen: " << e.message << "\n\n" << kUsage;
    return kExitUsage;
  } catch (const pc::InputError& e) {
    std::cerr << "pseudocitizen: " << e.describe() << "\n";
    return kExitUsage;
  } catch (const std::bad_alloc&) {
    std::cerr << "pseudocitizen: メモリが足りません / out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "pseudocitizen: internal error: " << e.what() << "\n";
    return 1;
  }
}
