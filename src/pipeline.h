// The whole conversion, bytes in → bytes out, as the CLI and the wasm module run it.
//
// Both faces call these functions and nothing else of the core, so the page and
// the command line read, convert and write identically (G6).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "clusters.h"
#include "encoding.h"
#include "engine.h"
#include "recipe.h"
#include "table.h"

namespace pc {

/// A file as read: the table and what was detected.
struct LoadedTable {
  Table table;
  Encoding encoding = Encoding::Utf8;
  char delimiter = ',';
  /// Columns emptied by synthesizeKept (dropped by an earlier run).
  std::vector<std::string> cleared;
};

/// Decodes (encoding "auto" = detect) and parses a CSV/TSV file; delimiter is "auto"
/// (sniffed), "," (or "comma"), "tab" and ";" (or "semicolon").
/// Throws InputError for undecodable bytes, malformed CSV or an unknown delimiter name.
LoadedTable loadTable(std::string_view bytes, std::string_view encoding = "auto",
                      const ProgressFn& progress = {}, std::string_view delimiter = "auto");
/// The same, taking the bytes: a file that must be decoded (Shift_JIS, UTF-16, EUC-JP) lets
/// them go as soon as its UTF-8 text is made, before parsing (peak memory).
LoadedTable loadTableFrom(std::string bytes, std::string_view encoding = "auto",
                          const ProgressFn& progress = {}, std::string_view delimiter = "auto");

/// Suggested role of every column ("drop", "cluster", "category", "number", "date-to-age")
/// with a one-sentence reason in Japanese and English.
struct RoleSuggestion {
  std::string role, type, reasonJa, reasonEn;
  std::size_t missing = 0, distinct = 0;
};
std::vector<RoleSuggestion> suggestRoles(const Table& table);

/// The recipe suggested for a file: the suggested roles, the detected input encoding,
/// and `today` (ISO date) as the reference date for ages. Fully explicit (resolved).
Recipe suggestRecipe(const LoadedTable& loaded, const std::string& today);

/// JSON describing the file: encoding, delimiter, rows, columns (name, type, missing,
/// distinct, role, reason), notices, the first `previewRows` rows, the suggested recipe.
std::string inspectJson(const LoadedTable& loaded, const std::string& today,
                        std::size_t previewRows = 20);

/// Encodes a table as CSV in the named encoding (CRLF line ends). For shift_jis a
/// character CP932 cannot hold is an InputError naming its row and column.
std::string encodeTable(const Table& table, Encoding encoding);

struct SynthResult {
  std::string bytes;        ///< the output file, encoded as the recipe says
  std::string summaryJson;  ///< the report (docs/report.md); its recipe has no seed
  Recipe resolved;          ///< the recipe with every column's rule explicit
};

/// Runs the recipe on the file's bytes (read with recipe.inputEncoding).
/// Throws InputError on bad input or recipe.
SynthResult synthesize(std::string_view bytes, const Recipe& recipe,
                       const ProgressFn& progress = {});

/// Runs the recipe on a file already read (recipe.inputEncoding is not used).
SynthResult synthesizeTable(const LoadedTable& loaded, const Recipe& recipe,
                            const ProgressFn& progress = {});
/// The same for a table that is not needed afterwards: the columns the recipe drops are
/// emptied before the run, so the direct identifiers leave memory first (and peak memory is
/// lower). The page keeps its table for further runs and uses the other form.
SynthResult synthesizeTable(LoadedTable&& loaded, const Recipe& recipe,
                            const ProgressFn& progress = {});
/// The same for a table kept between runs (the page): the columns this run drops are emptied
/// first and named in `loaded.cleared`. A later run that would read a cleared column (keeps it,
/// or leaves roles to be suggested) throws InputError "state.reload": read the file again.
SynthResult synthesizeKept(LoadedTable& loaded, const Recipe& recipe,
                           const ProgressFn& progress = {});

}  // namespace pc
