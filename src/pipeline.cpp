#include "pipeline.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_set>
#include <utility>

#include "csv.h"
#include "error.h"
#include "profile.h"
#include "report.h"
#include "utility.h"
#include "values.h"

namespace pc {
namespace {

using OrderedJson = nlohmann::ordered_json;

}  // namespace

namespace {

/// loadTable; `owned`, when given, holds `bytes` and is emptied once they are decoded.
LoadedTable load(std::string_view bytes, std::string* owned, std::string_view encodingName_,
                 const ProgressFn& progress, std::string_view delimiterName_) {
  CsvReadOptions options;  // delimiter 0: sniffed
  if (delimiterName_ == "," || delimiterName_ == "comma") {
    options.delimiter = ',';
  } else if (delimiterName_ == "tab" || delimiterName_ == "\t") {
    options.delimiter = '\t';
  } else if (delimiterName_ == ";" || delimiterName_ == "semicolon") {
    options.delimiter = ';';
  } else if (!(delimiterName_ == "auto" || delimiterName_.empty())) {
    throw InputError(
        "delimiter.unknown",
        "「" + std::string(delimiterName_) + "」は使えない区切り文字です（, tab ; のいずれか）。",
        "\"" + std::string(delimiterName_) + "\" is not a supported delimiter (use , tab or ;).");
  }
  if (progress) progress("reading", 0.0);
  LoadedTable loaded;
  if (encodingName_ == "auto" || encodingName_.empty()) {
    loaded.encoding = detectEncoding(bytes);
  } else {
    const auto chosen = parseEncodingName(encodingName_);
    if (!chosen) {
      throw InputError("encoding.unknown",
                       "「" + std::string(encodingName_) + "」は使えない文字コードです。",
                       "\"" + std::string(encodingName_) + "\" is not a supported encoding.");
    }
    loaded.encoding = readingEncoding(bytes, *chosen);  // a BOM wins over the choice
  }
  // UTF-8 is parsed in place once validated; other encodings are decoded to a UTF-8 copy
  // that lives only while the table is built.
  std::string decoded;
  std::string_view text = bytes;
  if (!((loaded.encoding == Encoding::Utf8 || loaded.encoding == Encoding::Utf8Bom) &&
        isValidUtf8(bytes))) {
    decoded = decodeToUtf8(bytes, loaded.encoding);
    text = decoded;
    if (owned != nullptr) std::string().swap(*owned);
  }
  if (progress) progress("reading", 0.5);
  CsvInfo info;
  loaded.table = readCsv(text, options, &info);
  loaded.delimiter = info.delimiter;
  if (progress) progress("reading", 1.0);
  return loaded;
}

}  // namespace

LoadedTable loadTable(std::string_view bytes, std::string_view encoding, const ProgressFn& progress,
                      std::string_view delimiter) {
  return load(bytes, nullptr, encoding, progress, delimiter);
}

LoadedTable loadTableFrom(std::string bytes, std::string_view encoding, const ProgressFn& progress,
                          std::string_view delimiter) {
  return load(bytes, &bytes, encoding, progress, delimiter);
}

std::vector<RoleSuggestion> suggestRoles(const Table& table) {
  std::vector<RoleSuggestion> out;
  for (const ColumnProfile& profile : profileTable(table)) {
    RoleSuggestion s;
    s.role = roleName(profile.role);
    s.type = columnTypeName(profile.type);
    s.reasonJa = profile.reasonJa;
    s.reasonEn = profile.reasonEn;
    s.missing = profile.missing;
    s.distinct = profile.distinct;
    out.push_back(std::move(s));
  }
  return out;
}

namespace {

/// The suggested recipe from roles already suggested (profiling a table is a pass over it).
Recipe recipeFromSuggestions(const LoadedTable& loaded, const std::string& today,
                             const std::vector<RoleSuggestion>& suggestions) {
  Recipe recipe;
  recipe.inputEncoding = encodingName(loaded.encoding);
  recipe.referenceDate = today;
  std::vector<std::string> roles;
  for (const auto& suggestion : suggestions) roles.push_back(suggestion.role);
  // Sex and birth date swapped together keep every district's population pyramid exact.
  std::string sex, birth;
  for (std::size_t c = 0; c < roles.size(); ++c) {
    const std::string& name = loaded.table.names[c];
    if (sex.empty() && roles[c] == "category" && isSexHeader(name)) sex = name;
    if (birth.empty() && roles[c] == "date-to-age") birth = name;
  }
  if (!sex.empty() && !birth.empty()) recipe.blocks = {{sex, birth}};
  try {
    return resolveRecipe(loaded.table, recipe, roles);
  } catch (const InputError&) {
    // No district column found: the user must choose one; suggest the rest.
    for (std::size_t c = 0; c < roles.size(); ++c)
      if (roles[c] == "drop") recipe.drop.push_back(loaded.table.names[c]);
    return recipe;
  }
}

}  // namespace

Recipe suggestRecipe(const LoadedTable& loaded, const std::string& today) {
  return recipeFromSuggestions(loaded, today, suggestRoles(loaded.table));
}

std::string inspectJson(const LoadedTable& loaded, const std::string& today,
                        std::size_t previewRows) {
  const Table& table = loaded.table;
  const std::vector<RoleSuggestion> suggestions = suggestRoles(table);
  OrderedJson doc;
  doc["encoding"] = encodingName(loaded.encoding);
  doc["delimiter"] = delimiterName(loaded.delimiter);
  doc["rows"] = table.rows();
  OrderedJson columns = OrderedJson::array();
  for (std::size_t c = 0; c < table.names.size(); ++c) {
    const RoleSuggestion& s = suggestions[c];
    OrderedJson entry;
    entry["name"] = table.names[c];
    entry["type"] = s.type;
    entry["missing"] = s.missing;
    entry["distinct"] = s.distinct;
    entry["role"] = s.role;
    entry["reason"] = {{"ja", s.reasonJa}, {"en", s.reasonEn}};
    columns.push_back(entry);
  }
  doc["columns"] = columns;
  OrderedJson notices = OrderedJson::array();
  for (const auto& notice : table.notices)
    notices.push_back({{"code", notice.code}, {"ja", notice.ja}, {"en", notice.en}});
  doc["notices"] = notices;
  OrderedJson preview = OrderedJson::array();
  for (std::size_t r = 0; r < std::min(previewRows, table.rows()); ++r) {
    OrderedJson row = OrderedJson::array();
    for (const auto& column : table.columns) row.push_back(std::string(column.at(r)));
    preview.push_back(row);
  }
  doc["preview"] = preview;
  doc["recipe"] =
      OrderedJson::parse(recipeToJson(recipeFromSuggestions(loaded, today, suggestions)));
  return doc.dump();
}

std::string encodeTable(const Table& table, Encoding encoding) {
  if (encoding == Encoding::Utf8 || encoding == Encoding::Utf8Bom) {
    // Written in place after the BOM, and checked (the cells came from valid text).
    std::string out = encoding == Encoding::Utf8Bom ? "\xEF\xBB\xBF" : "";
    appendCsv(out, table);
    if (!isValidUtf8(out)) encodeFromUtf8(out, Encoding::Utf8);  // throws, naming the place
    return out;
  }
  const std::string utf8 = writeCsv(table);
  if (encoding != Encoding::ShiftJis) return encodeFromUtf8(utf8, encoding);
  try {
    return encodeFromUtf8(utf8, encoding);
  } catch (const UnmappableError& e) {
    // Locate the character: count records (line ends outside quotes) and fields before it.
    long line = 1;
    long column = 1;
    bool inQuotes = false;
    for (std::size_t i = 0; i < e.offset() && i < utf8.size(); ++i) {
      const char c = utf8[i];
      if (c == '"') {
        inQuotes = !inQuotes;
      } else if (!inQuotes && c == ',') {
        ++column;
      } else if (!inQuotes && c == '\n') {
        ++line;
        column = 1;
      }
    }
    const std::string name = column >= 1 && static_cast<std::size_t>(column) <= table.names.size()
                                 ? table.names[static_cast<std::size_t>(column - 1)]
                                 : std::to_string(column);
    throw InputError("encoding.unmappable",
                     "出力の " + std::to_string(line) + " 行目、列「" + name + "」: " + e.ja() +
                         "出力の文字コードを UTF-8 にしてください。",
                     "Output line " + std::to_string(line) + ", column \"" + name +
                         "\": " + e.en() + " Choose UTF-8 as the output encoding.",
                     Location{line, column});
  }
}

SynthResult synthesize(std::string_view bytes, const Recipe& recipe, const ProgressFn& progress) {
  return synthesizeTable(loadTable(bytes, recipe.inputEncoding, progress, recipe.inputDelimiter),
                         recipe, progress);
}

namespace {

/// Utility figures (src/utility.h) of the output against the released original: numbers
/// and ages by KS, categories by total variation, and the district figures of the seed's
/// charts when an age column and a care-level column (要介護度, care level) exist.
std::string utilityJson(const EngineResult& engine, const Recipe& resolved) {
  const Table& out = engine.table;
  std::vector<std::size_t> clusterColumns, numbers, categories;
  long age = -1, care = -1;
  for (std::size_t c = 0; c < out.names.size(); ++c) {
    const std::string& name = out.names[c];
    std::string role;
    for (const auto& [column, rule] : resolved.columns) {
      const std::string output = rule.outputName(column);
      if (output == name) role = rule.role;
    }
    if (role == "cluster") {
      clusterColumns.push_back(c);
    } else if (role == "number" || role == "date-to-age") {
      numbers.push_back(c);
      if (age < 0 && (role == "date-to-age" || name == "年齢" || name == "age" || name == "Age"))
        age = static_cast<long>(c);
    } else if (role == "category") {
      categories.push_back(c);
      if (care < 0 &&
          (name.find("介護") != std::string::npos || name.find("care") != std::string::npos))
        care = static_cast<long>(c);
    }
  }
  return utilityReportJson(engine.releasedOriginal, out, clusterColumns, numbers, categories, age,
                           care);
}

/// The recipe made explicit for this table (suggested roles for the columns it leaves open).
Recipe resolveFor(const LoadedTable& loaded, const Recipe& recipe, bool* suggested = nullptr) {
  // Suggestions are needed only for columns the recipe leaves open (profiling costs a pass
  // over every cell).
  bool open = false;
  for (const auto& name : loaded.table.names) {
    const ColumnRule* rule = recipe.rule(name);
    const bool named =
        std::find(recipe.drop.begin(), recipe.drop.end(), name) != recipe.drop.end() ||
        std::find(recipe.cluster.begin(), recipe.cluster.end(), name) != recipe.cluster.end();
    if (!named && !(rule && !rule->role.empty()) && !recipe.swapEverything) open = true;
  }
  if (suggested != nullptr) *suggested = open;
  std::vector<std::string> roles;
  if (open)
    for (const auto& suggestion : suggestRoles(loaded.table)) roles.push_back(suggestion.role);
  Recipe resolved = resolveRecipe(loaded.table, recipe, roles);
  resolved.inputEncoding = encodingName(loaded.encoding);
  resolved.inputDelimiter = delimiterName(loaded.delimiter);  // as read: the run can be repeated
  return resolved;
}

SynthResult runResolved(const LoadedTable& loaded, Recipe resolved, const ProgressFn& progress) {
  SynthResult result;
  result.resolved = std::move(resolved);
  const EngineResult engine = runEngine(loaded.table, result.resolved, progress);
  if (progress) progress("checking", 0.0);
  const std::string aggregates = aggregateReportJson(loaded.table, engine.releasedLabelOfInputRow,
                                                     engine.table, result.resolved);
  const std::string risk =
      riskReportJson(engine.releasedOriginal, engine.table, engine.trueMatch, result.resolved);
  const std::string utility = utilityJson(engine, result.resolved);
  if (progress) progress("writing", 0.0);
  const auto outputEncoding = parseEncodingName(result.resolved.outputEncoding);
  result.bytes = encodeTable(engine.table, outputEncoding.value_or(Encoding::Utf8Bom));
  if (progress) progress("writing", 1.0);

  // Row counts per released cluster, counted afresh in the output.
  std::vector<std::size_t> keysOut;
  for (const auto& name : result.resolved.cluster)
    keysOut.push_back(static_cast<std::size_t>(engine.table.indexOf(name)));
  const ClusterIndex clustersOut = groupRows(engine.table, keysOut);
  OrderedJson summary;
  summary["inputEncoding"] = encodingName(loaded.encoding);
  summary["delimiter"] = delimiterName(loaded.delimiter);
  summary["rowsIn"] = loaded.table.rows();
  summary["rowsOut"] = engine.table.rows();
  summary["columnsOut"] = engine.table.names;
  summary["dropped"] = result.resolved.drop;
  OrderedJson list = OrderedJson::array();
  for (const ClusterOutcome& c : engine.clusters) {
    const auto it = std::lower_bound(clustersOut.labels.begin(), clustersOut.labels.end(), c.label);
    const std::size_t rowsOut =
        c.status == "released" && it != clustersOut.labels.end() && *it == c.label
            ? clustersOut.members[static_cast<std::size_t>(it - clustersOut.labels.begin())].size()
            : 0;
    OrderedJson entry = {
        {"label", c.label}, {"rowsIn", c.rows}, {"status", c.status}, {"rowsOut", rowsOut}};
    if (c.status == "merged") entry["into"] = c.into;
    if (c.status != "released") entry["reason"] = {{"ja", c.reasonJa}, {"en", c.reasonEn}};
    if (c.subclusters > 1) entry["subclusters"] = c.subclusters;
    list.push_back(entry);
  }
  summary["clusters"] = list;
  OrderedJson columns = OrderedJson::array();
  for (const ColumnOutcome& c : engine.columns) {
    OrderedJson entry = {{"name", c.name},
                         {"role", c.role},
                         {"treatment", c.treatment},
                         {"scale", c.scale},
                         {"groups", c.groups},
                         {"groupsSdInexact", c.groupsSdInexact},
                         {"groupsLogScale", c.groupsLogScale},
                         {"groupsFellBack", c.groupsFellBack},
                         {"maxSdRelativeError", c.maxSdRelativeError}};
    if (!c.note.empty()) entry["note"] = c.note;
    columns.push_back(entry);
  }
  summary["numericColumns"] = columns;
  summary["aggregates"] = OrderedJson::parse(aggregates);
  summary["risk"] = OrderedJson::parse(risk);
  summary["utility"] = OrderedJson::parse(utility);
  // The report is shared (e.g. with a privacy officer); the seed would undo the swap, so it
  // stays in the recipe file only.
  OrderedJson shared = OrderedJson::parse(recipeToJson(result.resolved));
  shared.erase("seed");
  summary["recipe"] = shared;
  result.summaryJson = summary.dump();
  return result;
}

}  // namespace

SynthResult synthesizeTable(const LoadedTable& loaded, const Recipe& recipe,
                            const ProgressFn& progress) {
  return runResolved(loaded, resolveFor(loaded, recipe), progress);
}

SynthResult synthesizeTable(LoadedTable&& loaded, const Recipe& recipe,
                            const ProgressFn& progress) {
  Recipe resolved = resolveFor(loaded, recipe);
  // Dropped columns (names, addresses, resident numbers) leave memory before the run.
  for (const std::string& name : resolved.drop) {
    const long c = loaded.table.indexOf(name);
    if (c >= 0) loaded.table.columns[static_cast<std::size_t>(c)].clearCells();
  }
  return runResolved(loaded, std::move(resolved), progress);
}

SynthResult synthesizeKept(LoadedTable& loaded, const Recipe& recipe, const ProgressFn& progress) {
  const auto reload = [] {
    return InputError(
        "state.reload", "前の実行で削除した列を使う設定です。ファイルをもう一度読み込みます。",
        "These settings use a column an earlier run dropped: the file is read again.");
  };
  bool suggested = false;
  Recipe resolved = resolveFor(loaded, recipe, &suggested);
  // Roles suggested from emptied columns, or an emptied column kept: the file is needed again.
  for (const std::string& name : loaded.cleared) {
    if (suggested ||
        std::find(resolved.drop.begin(), resolved.drop.end(), name) == resolved.drop.end())
      throw reload();
  }
  for (const std::string& name : resolved.drop) {
    const long c = loaded.table.indexOf(name);
    if (c < 0 ||
        std::find(loaded.cleared.begin(), loaded.cleared.end(), name) != loaded.cleared.end())
      continue;
    loaded.table.columns[static_cast<std::size_t>(c)].clearCells();
    loaded.cleared.push_back(name);
  }
  return runResolved(loaded, std::move(resolved), progress);
}

}  // namespace pc
