#include "pipeline.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "csv.h"
#include "error.h"

namespace pc {
namespace {

using OrderedJson = nlohmann::ordered_json;

/// Header words that mark a direct identifier in the first slice's suggestion.
/// (The full role suggestion, by header and content, replaces this.)
bool looksLikeIdentifier(std::string_view name) {
  static const char* const kWords[] = {"住民番号", "氏名", "名前", "フリガナ", "ふりがな", "カナ",
                                       "住所", "電話", "メール", "備考", "宛名番号", "個人番号",
                                       "name", "address", "phone", "email", "e-mail", "id"};
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  for (const char* word : kWords)
    if (lower.find(word) != std::string::npos) return true;
  return false;
}

bool looksLikeDistrict(std::string_view name) {
  static const char* const kWords[] = {"校区", "学区", "地区", "行政区", "圏域", "district"};
  for (const char* word : kWords)
    if (name.find(word) != std::string_view::npos) return true;
  return false;
}

}  // namespace

LoadedTable loadTable(std::string_view bytes, std::string_view encodingName_,
                      const ProgressFn& progress) {
  if (progress) progress("reading", 0.0);
  LoadedTable loaded;
  if (encodingName_ == "auto" || encodingName_.empty()) {
    loaded.encoding = detectEncoding(bytes);
  } else {
    const auto chosen = parseEncodingName(encodingName_);
    if (!chosen) {
      throw InputError("encoding.unknown", "「" + std::string(encodingName_) + "」は使えない文字コードです。",
                       "\"" + std::string(encodingName_) + "\" is not a supported encoding.");
    }
    loaded.encoding = *chosen;
  }
  // UTF-8 is parsed in place once validated; other encodings are decoded to a UTF-8 copy
  // that lives only while the table is built.
  std::string decoded;
  std::string_view text = bytes;
  if (!((loaded.encoding == Encoding::Utf8 || loaded.encoding == Encoding::Utf8Bom) &&
        isValidUtf8(bytes))) {
    decoded = decodeToUtf8(bytes, loaded.encoding);
    text = decoded;
  }
  if (progress) progress("reading", 0.5);
  CsvInfo info;
  loaded.table = readCsv(text, {}, &info);
  loaded.delimiter = info.delimiter;
  if (progress) progress("reading", 1.0);
  return loaded;
}

Recipe suggestRecipe(const LoadedTable& loaded) {
  Recipe recipe;
  recipe.inputEncoding = encodingName(loaded.encoding);
  for (const auto& name : loaded.table.names) {
    if (looksLikeIdentifier(name)) {
      recipe.drop.push_back(name);
    } else if (recipe.cluster.empty() && looksLikeDistrict(name)) {
      recipe.cluster.push_back(name);
    }
  }
  return recipe;
}

std::string inspectJson(const LoadedTable& loaded, std::size_t previewRows) {
  const Table& table = loaded.table;
  const Recipe suggested = suggestRecipe(loaded);
  OrderedJson doc;
  doc["encoding"] = encodingName(loaded.encoding);
  doc["delimiter"] = delimiterName(loaded.delimiter);
  doc["rows"] = table.rows();
  OrderedJson columns = OrderedJson::array();
  for (std::size_t c = 0; c < table.names.size(); ++c) {
    const TextColumn& column = table.columns[c];
    std::unordered_set<std::string_view> distinct;
    std::size_t missing = 0;
    for (std::size_t r = 0; r < column.size(); ++r) {
      const std::string_view cell = column.at(r);
      if (cell.empty()) ++missing;
      distinct.insert(cell);
    }
    const std::string& name = table.names[c];
    std::string role = "swap";
    if (std::find(suggested.drop.begin(), suggested.drop.end(), name) != suggested.drop.end()) {
      role = "drop";
    } else if (std::find(suggested.cluster.begin(), suggested.cluster.end(), name) !=
               suggested.cluster.end()) {
      role = "cluster";
    }
    OrderedJson entry;
    entry["name"] = name;
    entry["missing"] = missing;
    entry["distinct"] = distinct.size();
    entry["role"] = role;
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
  doc["recipe"] = OrderedJson::parse(recipeToJson(suggested));
  return doc.dump();
}

std::string encodeTable(const Table& table, Encoding encoding) {
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
    const std::string name =
        column >= 1 && static_cast<std::size_t>(column) <= table.names.size()
            ? table.names[static_cast<std::size_t>(column - 1)]
            : std::to_string(column);
    throw InputError("encoding.unmappable",
                     "出力の " + std::to_string(line) + " 行目、列「" + name + "」: " + e.ja() +
                         "出力の文字コードを UTF-8 にしてください。",
                     "Output line " + std::to_string(line) + ", column \"" + name + "\": " + e.en() +
                         " Choose UTF-8 as the output encoding.",
                     Location{line, column});
  }
}

SynthResult synthesize(std::string_view bytes, const Recipe& recipe, const ProgressFn& progress) {
  return synthesizeTable(loadTable(bytes, recipe.inputEncoding, progress), recipe, progress);
}

SynthResult synthesizeTable(const LoadedTable& loaded, const Recipe& recipe,
                            const ProgressFn& progress) {
  SwapRequest request;
  request.clusterColumns = recipe.cluster;
  request.dropColumns = recipe.drop;
  request.seed = recipe.seed;
  const Table out = swapWithinClusters(loaded.table, request, progress);
  if (progress) progress("writing", 0.0);
  const auto outputEncoding = parseEncodingName(recipe.outputEncoding);
  SynthResult result;
  result.bytes = encodeTable(out, outputEncoding.value_or(Encoding::Utf8Bom));
  if (progress) progress("writing", 1.0);

  // Row counts per cluster, counted afresh in the input and in the output.
  std::vector<std::size_t> keysIn, keysOut;
  for (const auto& name : recipe.cluster) {
    keysIn.push_back(static_cast<std::size_t>(loaded.table.indexOf(name)));
    keysOut.push_back(static_cast<std::size_t>(out.indexOf(name)));
  }
  const ClusterIndex clustersIn = groupRows(loaded.table, keysIn);
  const ClusterIndex clusters = groupRows(out, keysOut);
  OrderedJson summary;
  summary["inputEncoding"] = encodingName(loaded.encoding);
  summary["delimiter"] = delimiterName(loaded.delimiter);
  summary["rowsIn"] = loaded.table.rows();
  summary["rowsOut"] = out.rows();
  summary["columnsOut"] = out.names;
  summary["dropped"] = recipe.drop;
  OrderedJson list = OrderedJson::array();
  for (std::size_t k = 0; k < clustersIn.labels.size(); ++k) {
    const auto it =
        std::lower_bound(clusters.labels.begin(), clusters.labels.end(), clustersIn.labels[k]);
    const std::size_t rowsOut =
        it != clusters.labels.end() && *it == clustersIn.labels[k]
            ? clusters.members[static_cast<std::size_t>(it - clusters.labels.begin())].size()
            : 0;
    list.push_back({{"label", clustersIn.labels[k]},
                    {"rowsIn", clustersIn.members[k].size()},
                    {"rowsOut", rowsOut}});
  }
  summary["clusters"] = list;
  summary["recipe"] = OrderedJson::parse(recipeToJson(recipe));
  result.summaryJson = summary.dump();
  return result;
}

}  // namespace pc
