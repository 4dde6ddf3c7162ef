#include "csv.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_set>
#include <vector>

#include "error.h"
#include "text.h"

namespace pc {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";

bool isSpaceByte(char c, char delimiter) { return c == ' ' || (c == '\t' && delimiter != '\t'); }

/// Trims ASCII spaces (and tabs unless tab is the delimiter) and U+3000 at both ends.
std::string_view trimField(std::string_view s, char delimiter) {
  for (;;) {
    if (!s.empty() && isSpaceByte(s.front(), delimiter)) {
      s.remove_prefix(1);
    } else if (s.substr(0, 3) == kIdeographicSpace) {
      s.remove_prefix(3);
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && isSpaceByte(s.back(), delimiter)) {
      s.remove_suffix(1);
    } else if (s.size() >= 3 && s.substr(s.size() - 3) == kIdeographicSpace) {
      s.remove_suffix(3);
    } else {
      break;
    }
  }
  return s;
}

/// A cursor over the text that tracks the physical line (CRLF, LF and lone CR each end one line).
class Scanner {
 public:
  Scanner(std::string_view text, char delimiter) : text_(text), delim_(delimiter) {}

  bool atEnd() const { return pos_ >= text_.size(); }
  long line() const { return line_; }
  std::size_t position() const { return pos_; }
  char peek() const { return text_[pos_]; }

  /// Consumes one line end at the cursor (precondition: peek() is '\r' or '\n').
  void consumeLineEnd() {
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  /// Reads one field into `sink` (a function taking string_view chunks).
  /// Leaves the cursor on the delimiter, a line end, or the end of the text.
  /// Returns false if the field was quoted (so it must not be trimmed).
  template <typename Sink>
  bool readField(Sink&& sink) {
    // Leading spaces before an opening quote belong to no one.
    std::size_t p = pos_;
    while (p < text_.size() && isSpaceByte(text_[p], delim_)) ++p;
    if (p < text_.size() && text_[p] == '"') {
      pos_ = p;
      readQuoted(sink);
      return false;
    }
    sink(readUnquoted());
    return true;
  }

  /// Reads one field: an unquoted one is returned in `unquoted` (as it stands in the text,
  /// untrimmed) and true; a quoted one's content goes to `sink` in pieces, and false.
  template <typename Sink>
  bool readField(std::string_view& unquoted, Sink&& sink) {
    std::size_t p = pos_;
    while (p < text_.size() && isSpaceByte(text_[p], delim_)) ++p;
    if (p < text_.size() && text_[p] == '"') {
      pos_ = p;
      readQuoted(sink);
      return false;
    }
    unquoted = readUnquoted();
    return true;
  }

  void skipDelimiter() { ++pos_; }

 private:
  std::string_view readUnquoted() {
    const std::size_t start = pos_;
    const char* data = text_.data();
    const std::size_t n = text_.size();
    std::size_t i = pos_;
    while (i < n) {
      const char c = data[i];
      if (c == delim_ || c == '\n' || c == '\r') break;
      ++i;
    }
    pos_ = i;
    return text_.substr(start, i - start);
  }

  template <typename Sink>
  void readQuoted(Sink& sink) {
    const long startLine = line_;
    ++pos_;  // opening quote
    for (;;) {
      const void* hit = std::memchr(text_.data() + pos_, '"', text_.size() - pos_);
      if (hit == nullptr) {
        throw InputError(
            "csv.unclosed-quote",
            "引用符（\"）で始まった項目が閉じられていません。ファイルが途中で切れていないか、"
            "引用符の数を確認してください。",
            "A quoted field starting here is never closed. Check that the file is "
            "complete and that its quotes are balanced.",
            Location{startLine, 0});
      }
      const std::size_t q = static_cast<std::size_t>(static_cast<const char*>(hit) - text_.data());
      countLines(pos_, q);
      sink(text_.substr(pos_, q - pos_));
      pos_ = q + 1;
      if (pos_ < text_.size() && text_[pos_] == '"') {
        sink(std::string_view("\"", 1));
        ++pos_;
        continue;
      }
      break;
    }
    // After the closing quote: optional spaces, then a delimiter, a line end or the end.
    while (pos_ < text_.size() && isSpaceByte(text_[pos_], delim_)) ++pos_;
    if (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c != delim_ && c != '\r' && c != '\n') {
        throw InputError("csv.text-after-quote",
                         "引用符で囲まれた項目の閉じ引用符の後に文字があります。項目内の引用符は "
                         "\"\" のように二つ重ねて書く必要があります。",
                         "There is text after the closing quote of a quoted field. A quote inside "
                         "a quoted field must be written twice (\"\").",
                         Location{line_, 0});
      }
    }
  }

  void countLines(std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      const char c = text_[i];
      if (c == '\n') {
        ++line_;
      } else if (c == '\r' && (i + 1 >= text_.size() || text_[i + 1] != '\n')) {
        ++line_;
      }
    }
  }

  std::string_view text_;
  char delim_;
  std::size_t pos_ = 0;
  long line_ = 1;
};

/// Makes header names non-blank and unique; records a notice for each change.
void uniquifyHeader(std::vector<std::string>& names, std::vector<TableNotice>& notices) {
  std::unordered_set<std::string> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string& name = names[i];
    const std::string column = std::to_string(i + 1);
    if (name.empty()) {
      name = "列" + column;
      notices.push_back({"csv.blank-header",
                         column + "列目の見出しが空なので「" + name + "」としました。",
                         "Column " + column + " has no header; it is called \"" + name + "\"."});
    }
    if (seen.count(name) != 0) {
      std::string base = name;
      std::string candidate;
      for (int k = 2;; ++k) {
        candidate = base + "_" + std::to_string(k);
        if (seen.count(candidate) == 0 && std::find(names.begin() + static_cast<long>(i) + 1,
                                                    names.end(), candidate) == names.end())
          break;
      }
      notices.push_back({"csv.duplicate-header",
                         column + "列目の見出し「" + base + "」が重複しているので「" + candidate +
                             "」としました。",
                         "Column " + column + " repeats the header \"" + base +
                             "\"; it is called \"" + candidate + "\"."});
      name = candidate;
    }
    seen.insert(name);
  }
}

}  // namespace

const char* delimiterName(char delimiter) {
  switch (delimiter) {
    case '\t':
      return "tab";
    case ';':
      return ";";
    default:
      return ",";
  }
}

char sniffDelimiter(std::string_view text) {
  if (text.substr(0, 3) == kBom) text.remove_prefix(3);
  constexpr std::array<char, 3> candidates = {',', '\t', ';'};
  std::vector<std::array<std::size_t, 3>> perLine;
  std::array<std::size_t, 3> counts{};
  bool inQuotes = false;
  bool lineHasContent = false;
  for (std::size_t i = 0; i < text.size() && perLine.size() < 50; ++i) {
    const char c = text[i];
    if (c == '"') {
      inQuotes = !inQuotes;
    } else if (!inQuotes && (c == '\n' || c == '\r')) {
      if (lineHasContent) perLine.push_back(counts);
      counts = {};
      lineHasContent = false;
      continue;
    } else if (!inQuotes) {
      for (std::size_t k = 0; k < candidates.size(); ++k)
        if (c == candidates[k]) ++counts[k];
    }
    lineHasContent = true;
  }
  if (lineHasContent && perLine.size() < 50) perLine.push_back(counts);
  if (perLine.empty()) return ',';
  // Prefer the candidate present in the header whose count is the same on the most lines.
  char best = ',';
  std::size_t bestScore = 0;
  for (std::size_t k = 0; k < candidates.size(); ++k) {
    const std::size_t header = perLine.front()[k];
    if (header == 0) continue;
    std::size_t agree = 0;
    for (const auto& line : perLine)
      if (line[k] == header) ++agree;
    // Weight agreement first, then the number of fields, to break ties.
    const std::size_t score = agree * 4096 + std::min<std::size_t>(header, 4095);
    if (score > bestScore) {
      bestScore = score;
      best = candidates[k];
    }
  }
  return best;
}

Table readCsv(std::string_view text, const CsvReadOptions& options, CsvInfo* info) {
  if (text.substr(0, 3) == kBom) text.remove_prefix(3);
  // An empty file, or one holding only line ends and spaces, has no header.
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw InputError("csv.empty", "ファイルが空です。中身のあるCSVファイルを選んでください。",
                     "The file is empty. Choose a CSV file that has a header row and data.");
  }
  const char delim = options.delimiter != 0 ? options.delimiter : sniffDelimiter(text);
  if (info != nullptr) info->delimiter = delim;

  Scanner in(text, delim);
  Table table;

  // Skip blank lines before the header.
  while (!in.atEnd() && (in.peek() == '\r' || in.peek() == '\n')) in.consumeLineEnd();

  // Header row.
  std::string cell;
  for (;;) {
    cell.clear();
    const bool unquoted = in.readField([&](std::string_view chunk) { cell.append(chunk); });
    table.names.emplace_back(unquoted ? std::string(trimField(cell, delim)) : cell);
    if (table.names.size() > options.maxColumns) {
      throw InputError("csv.too-many-columns",
                       "列が多すぎます（上限 " + withThousands(options.maxColumns) +
                           " 列）。区切り文字の指定やファイルの形式を確認してください。",
                       "Too many columns (the limit is " + withThousands(options.maxColumns) +
                           "). Check the delimiter and the file format.",
                       Location{in.line(), 0});
    }
    if (in.atEnd()) break;
    if (in.peek() == delim) {
      in.skipDelimiter();
      continue;
    }
    in.consumeLineEnd();
    break;
  }
  uniquifyHeader(table.names, table.notices);
  const std::size_t ncols = table.names.size();
  table.columns.resize(ncols);
  // After the first rows, each column reserves what the rest of the text will need at the same
  // rate (a little more), so that no buffer is copied while it grows.
  constexpr std::size_t kEstimateAfterRows = 1024;
  const std::size_t bodyStart = in.position();
  bool estimated = false;

  std::size_t pendingBlankRows = 0;  // blank lines in a one-column file are empty cells
  while (!in.atEnd()) {
    if (!estimated && table.columns[0].size() == kEstimateAfterRows) {
      estimated = true;
      const double scale =
          static_cast<double>(text.size() - bodyStart) /
          static_cast<double>(std::max<std::size_t>(in.position() - bodyStart, 1)) * 1.05;
      for (auto& column : table.columns)
        column.reserve(
            static_cast<std::size_t>(kEstimateAfterRows * scale) + 16,
            static_cast<std::size_t>(static_cast<double>(column.byteSize()) * scale) + 64);
    }
    if (in.peek() == '\r' || in.peek() == '\n') {
      if (ncols == 1) ++pendingBlankRows;
      in.consumeLineEnd();
      continue;
    }
    for (; pendingBlankRows > 0; --pendingBlankRows) table.columns[0].push({});
    const long rowLine = in.line();
    std::size_t field = 0;
    for (;;) {
      if (field >= ncols) {
        // Count the rest of the row's fields for the message.
        std::size_t extra = 0;
        while (!in.atEnd() && in.peek() != '\r' && in.peek() != '\n') {
          in.readField([](std::string_view) {});
          ++extra;
          if (!in.atEnd() && in.peek() == delim) in.skipDelimiter();
        }
        const std::string found = withThousands(ncols + extra);
        throw InputError(
            "csv.ragged",
            "この行の項目数が " + found + " 個あり、見出しの " + withThousands(ncols) +
                " 個より多くなっています。",
            "This row has " + found + " fields but the header has " + withThousands(ncols) + ".",
            Location{rowLine, static_cast<long>(ncols + 1)});
      }
      TextColumn& column = table.columns[field];
      std::string_view plain;
      if (in.readField(plain, [&](std::string_view chunk) { column.append(chunk); })) {
        column.push(trimField(plain, delim));
      } else {
        column.endCell();
      }
      ++field;
      if (in.atEnd()) break;
      if (in.peek() == delim) {
        in.skipDelimiter();
        if (in.atEnd() || in.peek() == '\r' || in.peek() == '\n') {
          // A delimiter at the end of the line starts one more, empty field.
          if (field >= ncols) {
            throw InputError("csv.ragged",
                             "この行の項目数が見出しの " + withThousands(ncols) +
                                 " 個より多くなっています（行末に区切り文字があります）。",
                             "This row has more fields than the header's " + withThousands(ncols) +
                                 " (it ends with a delimiter).",
                             Location{rowLine, static_cast<long>(ncols + 1)});
          }
          table.columns[field].endCell();
          ++field;
          if (!in.atEnd()) in.consumeLineEnd();
          break;
        }
        continue;
      }
      in.consumeLineEnd();
      break;
    }
    if (field < ncols) {
      throw InputError("csv.ragged",
                       "この行の項目数が " + withThousands(field) + " 個しかなく、見出しの " +
                           withThousands(ncols) + " 個より少なくなっています。",
                       "This row has " + withThousands(field) + " fields but the header has " +
                           withThousands(ncols) + ".",
                       Location{rowLine, 0});
    }
  }
  if (table.rows() == 0) {
    throw InputError("csv.no-rows", "見出し行だけで、データの行がありません。",
                     "The file has a header row but no data rows.", Location{in.line(), 0});
  }
  return table;
}

void appendCsvField(std::string& out, std::string_view cell, char delimiter) {
  bool quote = false;
  for (const char c : cell) {
    if (c == delimiter || c == '"' || c == '\r' || c == '\n') {
      quote = true;
      break;
    }
  }
  if (!quote && !cell.empty() && trimField(cell, delimiter).size() != cell.size()) quote = true;
  if (!quote) {
    out.append(cell);
    return;
  }
  out.push_back('"');
  for (const char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void appendCsv(std::string& out, const Table& table, char delimiter) {
  std::size_t bytes = 0;
  for (const auto& column : table.columns) bytes += column.byteSize() + column.size() + 8;
  out.reserve(out.size() + bytes + table.rows() * 2 + 256);
  for (std::size_t c = 0; c < table.names.size(); ++c) {
    if (c != 0) out.push_back(delimiter);
    appendCsvField(out, table.names[c], delimiter);
  }
  out.append("\r\n");
  // A dictionary column's values are quoted once each.
  std::vector<std::vector<std::string>> fields(table.columns.size());
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const TextColumn& column = table.columns[c];
    if (!column.isDictionary()) continue;
    fields[c].resize(column.dictionarySize());
    for (uint32_t code = 0; code < column.dictionarySize(); ++code)
      appendCsvField(fields[c][code], column.value(code), delimiter);
  }
  const std::size_t rows = table.rows();
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      if (c != 0) out.push_back(delimiter);
      const TextColumn& column = table.columns[c];
      if (column.isDictionary()) {
        out.append(fields[c][column.code(r)]);
      } else {
        appendCsvField(out, column.at(r), delimiter);
      }
    }
    out.append("\r\n");
  }
}

std::string writeCsv(const Table& table, char delimiter) {
  std::string out;
  appendCsv(out, table, delimiter);
  return out;
}

}  // namespace pc
