// The whole conversion, bytes in → bytes out, as the CLI and the wasm module run it.
//
// Both faces call these functions and nothing else of the core, so the page and
// the command line read, convert and write identically (G6).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "cluster_swap.h"
#include "encoding.h"
#include "recipe.h"
#include "table.h"

namespace pc {

/// A file as read: the table and what was detected.
struct LoadedTable {
  Table table;
  Encoding encoding = Encoding::Utf8;
  char delimiter = ',';
};

/// Decodes (encoding "auto" = detect) and parses a CSV/TSV file.
/// Throws InputError for undecodable bytes or malformed CSV.
LoadedTable loadTable(std::string_view bytes, std::string_view encoding = "auto",
                      const ProgressFn& progress = {});

/// The recipe suggested for a file: identifier-like columns dropped, the first
/// district-like column as the cluster key, the detected input encoding.
Recipe suggestRecipe(const LoadedTable& loaded);

/// JSON describing the file: encoding, delimiter, rows, columns (name, distinct,
/// missing), notices, the first `previewRows` rows, and a suggested recipe.
std::string inspectJson(const LoadedTable& loaded, std::size_t previewRows = 20);

/// Encodes a table as CSV in the named encoding (CRLF line ends). For shift_jis a
/// character CP932 cannot hold is an InputError naming its row and column.
std::string encodeTable(const Table& table, Encoding encoding);

struct SynthResult {
  std::string bytes;        ///< the output file, encoded as the recipe says
  std::string summaryJson;  ///< rows, clusters and columns of the output (JSON)
};

/// Runs the recipe on the file's bytes (read with recipe.inputEncoding).
/// Throws InputError on bad input or recipe.
SynthResult synthesize(std::string_view bytes, const Recipe& recipe,
                       const ProgressFn& progress = {});

/// Runs the recipe on a file already read (recipe.inputEncoding is not used).
SynthResult synthesizeTable(const LoadedTable& loaded, const Recipe& recipe,
                            const ProgressFn& progress = {});

}  // namespace pc
