// Columnar storage of a parsed file.
//
// A Table holds every cell as UTF-8 text, column by column, with no per-cell allocation.
// A column is stored in one of two layouts, chosen by its content as cells arrive:
//   * dictionary: each distinct value once (one byte buffer + offsets) and a 4-byte code per
//     row — districts, sexes, care levels, dates of birth, ages, rounded measurements;
//   * plain: every cell's bytes in one buffer and a 4-byte offset per row — names, addresses,
//     resident numbers, amounts, anything with many distinct values.
// Every column starts as a dictionary and turns plain for good once its distinct values are
// too many (more than kMaxDictionary, or more than half its rows once it has kProbeRows rows).
// Readers see the same cells either way (`at`); code that can use the codes asks `isDictionary`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pc {

/// One column of text cells.
class TextColumn {
 public:
  /// A dictionary holds at most this many distinct values.
  static constexpr std::size_t kMaxDictionary = std::size_t{1} << 16;
  /// Rows after which a column whose values are mostly distinct turns plain.
  static constexpr std::size_t kProbeRows = 4096;

  TextColumn() { offsets_.push_back(0); }

  std::size_t size() const noexcept { return dictionary_ ? codes_.size() : offsets_.size() - 1; }
  std::string_view at(std::size_t row) const noexcept {
    return entry(dictionary_ ? codes_[row] : row);
  }

  /// Appends one cell (whose bytes must not lie in this column).
  void push(std::string_view cell) {
    if (dictionary_) {
      addDictionaryCell(cell, false);
    } else {
      data_.append(cell);
      cellBytes_ += cell.size();
      offsets_.push_back(static_cast<uint32_t>(data_.size()));
    }
  }
  /// Appends bytes to the cell being built; finish it with endCell().
  void append(std::string_view bytes) { data_.append(bytes); }
  /// Finishes the cell being built.
  void endCell() {
    if (dictionary_) {
      addDictionaryCell(pending(), true);
    } else {
      cellBytes_ += data_.size() - offsets_.back();
      offsets_.push_back(static_cast<uint32_t>(data_.size()));
    }
  }
  /// Dictionary layout only: appends a cell equal to value(code).
  void pushCode(uint32_t code) {
    cellBytes_ += offsets_[code + 1] - offsets_[code];
    codes_.push_back(code);
  }
  /// Bytes of the cell currently being built (since the last endCell()).
  std::string_view pending() const noexcept {
    return std::string_view(data_).substr(offsets_.back());
  }
  /// Removes the last `n` bytes of the pending cell.
  void trimPending(std::size_t n) { data_.resize(data_.size() - n); }

  /// Expects about `rows` cells holding `bytes` bytes in all: reserves what the current layout
  /// needs now and remembers the rest for a change of layout.
  void reserve(std::size_t rows, std::size_t bytes);

  /// Empties every cell and gives the memory back, keeping the number of rows (for a column
  /// that is dropped: its values leave memory as soon as they are no longer needed).
  void clearCells();

  /// Bytes of all cells together (what the column takes as text, whatever its layout).
  std::size_t byteSize() const noexcept { return cellBytes_; }
  /// Bytes this column holds in memory (buffers, codes, offsets, lookup table).
  std::size_t memoryBytes() const noexcept;

  bool isDictionary() const noexcept { return dictionary_; }
  /// Dictionary layout only: number of distinct values, value `code`, and the code of a row.
  /// Codes are given in order of first appearance.
  std::size_t dictionarySize() const noexcept { return offsets_.size() - 1; }
  std::string_view value(uint32_t code) const noexcept { return entry(code); }
  uint32_t code(std::size_t row) const noexcept { return codes_[row]; }

 private:
  std::string_view entry(std::size_t i) const noexcept {
    return std::string_view(data_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  /// Dictionary layout: records `cell` (the pending bytes when `pending`) by its code.
  void addDictionaryCell(std::string_view cell, bool pending);
  void growSlots();
  void becomePlain();

  bool dictionary_ = true;
  std::string data_;               // dictionary: distinct values; plain: every cell
  std::vector<uint32_t> offsets_;  // entry i is data_[offsets_[i], offsets_[i + 1])
  std::vector<uint32_t> codes_;    // dictionary: the entry of each row
  std::vector<uint32_t> slots_;    // dictionary: open-addressing table of entry + 1 (0 = free)
  std::size_t cellBytes_ = 0;
  std::size_t expectedRows_ = 0, expectedBytes_ = 0;
};

/// Copies cells of one column to the end of another: `to.push(from.at(row))`, but a value of a
/// dictionary column is looked up in `to` once, then copied by its code.
class CellCopier {
 public:
  CellCopier(const TextColumn& from, TextColumn& to)
      : from_(from), to_(to), codes_(from.isDictionary() ? from.dictionarySize() : 0, kUnknown) {}

  void copy(std::size_t row) {
    if (codes_.empty() || !to_.isDictionary()) {
      to_.push(from_.at(row));
      return;
    }
    const uint32_t code = from_.code(row);
    if (codes_[code] != kUnknown) {
      to_.pushCode(codes_[code]);
      return;
    }
    to_.push(from_.value(code));
    if (to_.isDictionary()) codes_[code] = to_.code(to_.size() - 1);
  }

 private:
  static constexpr uint32_t kUnknown = UINT32_MAX;
  const TextColumn& from_;
  TextColumn& to_;
  std::vector<uint32_t> codes_;  // code in `from` → code in `to`
};

/// A note about the input that is not an error (e.g. a header name made unique).
struct TableNotice {
  std::string code;
  std::string ja;
  std::string en;
};

/// A rectangular table: names.size() == columns.size(), every column has rows() cells.
struct Table {
  std::vector<std::string> names;
  std::vector<TextColumn> columns;
  std::vector<TableNotice> notices;

  std::size_t rows() const noexcept { return columns.empty() ? 0 : columns.front().size(); }
  /// Index of the column called `name`, or -1.
  long indexOf(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return static_cast<long>(i);
    return -1;
  }
};

}  // namespace pc
