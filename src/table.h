// Columnar storage of a parsed file.
//
// A Table holds every cell as UTF-8 text, column by column: each column keeps
// all its bytes in one buffer and one offset per row, so a million-row file costs
// its own bytes plus 4 bytes per cell, with no per-cell allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pc {

/// One column of text cells. Cell i is bytes [offsets[i], offsets[i+1]) of `data`.
class TextColumn {
 public:
  TextColumn() { offsets_.push_back(0); }

  std::size_t size() const noexcept { return offsets_.size() - 1; }
  std::string_view at(std::size_t row) const noexcept {
    return std::string_view(data_).substr(offsets_[row], offsets_[row + 1] - offsets_[row]);
  }
  void push(std::string_view cell) {
    data_.append(cell);
    offsets_.push_back(static_cast<uint32_t>(data_.size()));
  }
  /// Appends bytes to the cell being built; finish it with endCell().
  void append(std::string_view bytes) { data_.append(bytes); }
  void endCell() { offsets_.push_back(static_cast<uint32_t>(data_.size())); }
  /// Bytes of the cell currently being built (since the last endCell()).
  std::string_view pending() const noexcept {
    return std::string_view(data_).substr(offsets_.back());
  }
  /// Removes the last `n` bytes of the pending cell.
  void trimPending(std::size_t n) { data_.resize(data_.size() - n); }
  void reserve(std::size_t rows, std::size_t bytes) {
    offsets_.reserve(rows + 1);
    data_.reserve(bytes);
  }
  std::size_t byteSize() const noexcept { return data_.size(); }

 private:
  std::string data_;
  std::vector<uint32_t> offsets_;
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
