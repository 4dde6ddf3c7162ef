#include "table.h"

#include <functional>

namespace pc {
namespace {

std::size_t hashOf(std::string_view cell) noexcept { return std::hash<std::string_view>{}(cell); }

}  // namespace

void TextColumn::reserve(std::size_t rows, std::size_t bytes) {
  expectedRows_ = rows;
  expectedBytes_ = bytes;
  if (dictionary_) {
    codes_.reserve(rows);
  } else {
    offsets_.reserve(rows + 1);
    data_.reserve(bytes);
  }
}

void TextColumn::clearCells() {
  const std::size_t rows = size();
  // Swapped with fresh containers so that the buffers are freed (assigning would keep them).
  std::string().swap(data_);
  std::vector<uint32_t>{0, 0}.swap(offsets_);  // one value, ""
  std::vector<uint32_t>(rows, 0).swap(codes_);
  std::vector<uint32_t>().swap(slots_);
  dictionary_ = true;
  cellBytes_ = 0;
}

std::size_t TextColumn::memoryBytes() const noexcept {
  return data_.capacity() + 4 * (offsets_.capacity() + codes_.capacity() + slots_.capacity());
}

void TextColumn::growSlots() {
  const std::size_t size = slots_.empty() ? 64 : slots_.size() * 2;
  slots_.assign(size, 0);
  const std::size_t mask = size - 1;
  for (std::size_t e = 0; e + 1 < offsets_.size(); ++e) {
    std::size_t i = hashOf(entry(e)) & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = static_cast<uint32_t>(e + 1);
  }
}

void TextColumn::addDictionaryCell(std::string_view cell, bool pending) {
  cellBytes_ += cell.size();
  if (slots_.empty()) growSlots();
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hashOf(cell) & mask;
  for (; slots_[i] != 0; i = (i + 1) & mask) {
    const uint32_t e = slots_[i] - 1;
    if (entry(e) == cell) {
      if (pending) data_.resize(offsets_.back());  // already known: drop the pending copy
      codes_.push_back(e);
      return;
    }
  }
  // A new value.
  const std::size_t distinct = offsets_.size() - 1;
  if (distinct >= kMaxDictionary || (codes_.size() >= kProbeRows && 2 * distinct > codes_.size())) {
    cellBytes_ -= cell.size();  // counted again as a plain cell
    becomePlain();              // carries a pending cell over
    if (!pending) data_.append(cell);
    endCell();
    return;
  }
  if (!pending) data_.append(cell);
  codes_.push_back(static_cast<uint32_t>(distinct));
  offsets_.push_back(static_cast<uint32_t>(data_.size()));
  slots_[i] = static_cast<uint32_t>(distinct + 1);
  if (2 * (distinct + 1) > slots_.size()) growSlots();  // at most half full
}

void TextColumn::becomePlain() {
  // The pending cell (after the last entry) is carried over as the pending cell of the plain
  // layout. Room for the rows still to come is taken from the expectation when there is one.
  const std::size_t rows = codes_.size();
  const std::size_t pendingStart = offsets_.back();
  std::size_t wantRows = rows + 1, wantBytes = cellBytes_ + (data_.size() - pendingStart);
  if (expectedRows_ > wantRows) {
    wantRows = expectedRows_;
    if (expectedBytes_ > wantBytes) wantBytes = expectedBytes_;
  } else if (rows > 0) {
    wantBytes += wantBytes / 2;
  }
  std::string data;
  data.reserve(wantBytes);
  std::vector<uint32_t> offsets;
  offsets.reserve(wantRows + 1);
  offsets.push_back(0);
  for (std::size_t r = 0; r < rows; ++r) {
    data.append(entry(codes_[r]));
    offsets.push_back(static_cast<uint32_t>(data.size()));
  }
  data.append(data_, pendingStart, std::string::npos);
  data_.swap(data);
  offsets_.swap(offsets);
  std::vector<uint32_t>().swap(codes_);
  std::vector<uint32_t>().swap(slots_);
  dictionary_ = false;
}

}  // namespace pc
