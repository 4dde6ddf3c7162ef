// Reading and writing CSV as Japanese municipal systems export it.
//
// Reading follows RFC 4180 and what real exports do beyond it: quoted fields
// with delimiters, doubled quotes and line breaks; CRLF, LF or lone CR line
// ends; comma, tab or semicolon (sniffed); surrounding ASCII and full-width
// spaces trimmed from unquoted fields; blank lines and trailing empty lines
// ignored; blank or duplicate header names made unique (and reported).
// Input is UTF-8 text (decode other encodings first, see encoding.h).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "table.h"

namespace pc {

struct CsvReadOptions {
  /// ',', '\t' or ';'; 0 = sniff from the first lines.
  char delimiter = 0;
  /// Files with more columns than this are rejected (a wrong delimiter or a broken file).
  std::size_t maxColumns = 2000;
};

/// What was detected while reading.
struct CsvInfo {
  char delimiter = ',';
};

/// Guesses the delimiter among ',', '\t' and ';' from up to the first 50 lines
/// (outside quotes): the candidate whose per-line count is most consistent and non-zero.
char sniffDelimiter(std::string_view utf8);

/// Parses UTF-8 CSV text (a leading BOM is skipped) whose first row is the header.
/// Throws InputError (codes csv.empty, csv.no-rows, csv.unclosed-quote,
/// csv.text-after-quote, csv.ragged, csv.too-many-columns) with the line.
Table readCsv(std::string_view utf8, const CsvReadOptions& options = {}, CsvInfo* info = nullptr);

/// Appends one field, quoted only where needed (delimiter, quote, CR, LF, or
/// leading/trailing spaces that a reader would trim).
void appendCsvField(std::string& out, std::string_view cell, char delimiter = ',');

/// Writes the table as UTF-8 CSV with CRLF line ends (no BOM), header first.
std::string writeCsv(const Table& table, char delimiter = ',');
/// The same, appended to `out` (e.g. after a BOM).
void appendCsv(std::string& out, const Table& table, char delimiter = ',');

/// Display name of a delimiter: "," "tab" ";".
const char* delimiterName(char delimiter);

}  // namespace pc
