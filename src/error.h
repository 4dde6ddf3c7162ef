// Errors of the Pseudocitizen core.
//
// Every problem a member of staff can cause (a broken file, a bad recipe) is an
// InputError: a stable machine code, a message in Japanese and one in English,
// and where it happened (1-based line/column of the input, 0 when not known).
// The CLI prints it and exits 2; the wasm binding returns it as a value.
#pragma once

#include <stdexcept>
#include <string>

namespace pc {

/// Position in the input: 1-based line (physical line of the file) and column
/// (1-based field index). 0 means "not applicable / unknown".
struct Location {
  long line = 0;
  long column = 0;
};

class InputError : public std::runtime_error {
 public:
  /// code: short stable identifier (e.g. "csv.unclosed-quote"), used by tests.
  /// ja/en: complete sentences a member of staff can act on, without the
  /// location (it is appended by describe()).
  InputError(std::string code, std::string ja, std::string en, Location where = {})
      : std::runtime_error(en),
        code_(std::move(code)),
        ja_(std::move(ja)),
        en_(std::move(en)),
        where_(where) {}

  const std::string& code() const noexcept { return code_; }
  const std::string& ja() const noexcept { return ja_; }
  const std::string& en() const noexcept { return en_; }
  const Location& where() const noexcept { return where_; }

  /// "行 12, 列 3: … / line 12, column 3: …" — the one-line form the CLI prints.
  std::string describe() const {
    std::string ja_pos, en_pos;
    if (where_.line > 0) {
      ja_pos = std::to_string(where_.line) + "行目";
      en_pos = "line " + std::to_string(where_.line);
      if (where_.column > 0) {
        ja_pos += " " + std::to_string(where_.column) + "列目";
        en_pos += ", column " + std::to_string(where_.column);
      }
      ja_pos += ": ";
      en_pos += ": ";
    }
    return ja_pos + ja_ + " / " + en_pos + en_;
  }

 private:
  std::string code_;
  std::string ja_;
  std::string en_;
  Location where_;
};

}  // namespace pc
