// Text encodings of the files staff bring: UTF-8 (with or without BOM), Shift_JIS as Windows
// writes it (CP932 / Windows-31J) and, for reading only, EUC-JP. Everything inside the core is
// UTF-8; these functions convert at the edges. Plain C++17, no locale, identical natively and in
// wasm.
//
// CP932 decoding is Windows' MultiByteToWideChar, identical to glibc's CP932 for all 11,280
// lead/trail pairs and to iconv-lite's 'cp932' except where noted:
//   * 0x00-0x7F are ASCII (0x5C is U+005C, 0x7E is U+007E); 0xA1-0xDF are U+FF61-U+FF9F.
//   * Two bytes: JIS X 0208 (0x815F is U+FF3C, 0x8160 U+FF5E, 0x8161 U+2225, 0x817C U+FF0D,
//     0x8191 U+FFE0, 0x8192 U+FFE1, 0x81CA U+FFE2), NEC row 13 (0x8740-0x879C), NEC-selected IBM
//     extensions (0xED40-0xEEFC), IBM extensions (0xFA40-0xFC4B), and the user-defined area
//     0xF040-0xF9FC as U+E000-U+E757 (gaiji; iconv-lite stops at 0xF940).
//   * Rejected: single 0x80 (iconv-lite reads U+0080), 0xA0, 0xFD-0xFF; unassigned two-byte
//     sequences; a lead byte at the end.
// CP932 encoding is the inverse, choosing what WideCharToMultiByte writes, plus these encode-only
// mappings for text from other systems: U+301C->0x8160, U+2016->0x8161, U+2212->0x817C,
// U+00A2->0x8191, U+00A3->0x8192, U+00AC->0x81CA, U+2014->0x815C, U+00A5 (yen)->0x5C,
// U+203E (overline)->0x7E (the last two as glibc and iconv-lite do; they read back as '\' and '~').
// It is identical to glibc's CP932 for every code point, except that glibc drops the tag
// characters U+E0000-U+E007F where this fails.
//
// Round trip: decoding then encoding CP932 gives the same bytes for every canonical sequence. The
// 398 non-canonical sequences (each decodes to a character that has another sequence) are written
// as follows, everything else is written back unchanged:
//   * NEC-selected IBM extensions -> IBM extensions or JIS X 0208:
//       0xED40-0xEEEC (360 kanji) -> 0xFA5C-0xFC4B, the n-th kanji to the n-th (0xED40->0xFA5C,
//       0xEEEC->0xFC4B); 0xEEEF-0xEEF8 (small roman numerals) -> 0xFA40-0xFA49;
//       0xEEF9 (U+FFE2) -> 0x81CA; 0xEEFA (U+FFE4) -> 0xFA55; 0xEEFB (U+FF07) -> 0xFA56;
//       0xEEFC (U+FF02) -> 0xFA57.
//   * IBM extensions -> NEC row 13 or JIS X 0208: 0xFA4A-0xFA53 (roman numerals) -> 0x8754-0x875D;
//       0xFA54 (U+FFE2) -> 0x81CA; 0xFA58 (U+3231) -> 0x878A; 0xFA59 (U+2116) -> 0x8782;
//       0xFA5A (U+2121) -> 0x8784; 0xFA5B (U+2235) -> 0x81E6.
//   * NEC row 13 -> JIS X 0208: 0x8790 -> 0x81E0, 0x8791 -> 0x81DF, 0x8792 -> 0x81E7,
//       0x8795 -> 0x81E3, 0x8796 -> 0x81DB, 0x8797 -> 0x81DA, 0x879A -> 0x81E6, 0x879B -> 0x81BF,
//       0x879C -> 0x81BE.
//
// EUC-JP (decoding only) is read the way Microsoft's CP51932 reads it: a JIS X 0208 pair
// (0xA1-0xFE twice) is converted arithmetically to its Shift_JIS position and decoded with the
// CP932 table (so rows 13 and 89-92 are the NEC characters, and 0xA1C1 is U+FF5E, as from CP932);
// 0x8E + 0xA1-0xDF is half-width katakana; JIS X 0212 (0x8F) and rows 85-88, 93-94 are
// rejected. (glibc's EUC-JP differs on 6 row 1-2 characters such as 0xA1C1 = U+301C and lacks
// rows 13 and 89-92; glibc's EUC-JP-MS reads rows 85-94 as user-defined U+E000...)
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "error.h"

namespace pc {

/// Encoding of a file. ShiftJis means CP932 (Windows-31J). EucJp can be read, not written.
enum class Encoding { Utf8, Utf8Bom, ShiftJis, EucJp };

/// Canonical name: "utf-8", "utf-8-bom", "shift_jis" or "euc-jp" (a static string).
const char* encodingName(Encoding e);

/// Encoding for a name: the canonical names and aliases (utf8, utf-8-sig, sjis, shift-jis, cp932,
/// ms932, windows-31j, eucjp, cp51932, ...), ASCII case-insensitive, '-'/'_'/' ' ignored.
std::optional<Encoding> parseEncodingName(std::string_view name);

/// Guesses the encoding of a whole file: UTF-8 BOM -> Utf8Bom; strictly valid UTF-8 (including
/// pure ASCII and empty) -> Utf8; valid CP932 -> ShiftJis; else valid EUC-JP -> EucJp; else
/// ShiftJis (decoding then reports where it breaks). When the bytes are valid both as CP932 and as
/// EUC-JP, ShiftJis is chosen unless the CP932 reading has a two-byte character (genuine CP932
/// text that is valid EUC-JP is half-width kana only; EUC-JP text read as CP932 is not).
Encoding detectEncoding(std::string_view bytes);

/// Decodes a whole file to UTF-8, dropping a leading UTF-8 BOM (Utf8/Utf8Bom). Throws InputError
/// "encoding.invalid" at the first invalid sequence, with its 1-based line (LF, CRLF and a lone CR
/// each end a line) and a message naming its 0-based byte offset and bytes.
std::string decodeToUtf8(std::string_view bytes, Encoding enc);

/// Encodes UTF-8 text. Utf8: unchanged; Utf8Bom: EF BB BF prepended (unless already there);
/// ShiftJis: CP932 as described above. Throws InputError "encoding.invalid" when the input is not
/// valid UTF-8, UnmappableError for a character CP932 cannot hold, and InputError
/// "encoding.unsupported" for EucJp.
std::string encodeFromUtf8(std::string_view utf8, Encoding enc);

/// True when bytes are well-formed UTF-8 (Unicode 3-7): no overlong forms, no surrogates, at most
/// U+10FFFF, no truncated sequences. Empty input is valid.
bool isValidUtf8(std::string_view bytes);

/// A character the target encoding cannot hold (code "encoding.unmappable"). The messages name the
/// character and U+XXXX; a CSV writer can rethrow it with its own row/column.
class UnmappableError : public InputError {
 public:
  /// codepoint: the character; offset: 0-based byte offset of it in the UTF-8 text being encoded;
  /// where: location to report (encodeFromUtf8 sets the 1-based line within that text).
  UnmappableError(char32_t codepoint, std::size_t offset, Location where = {});

  char32_t codepoint() const noexcept { return codepoint_; }
  std::size_t offset() const noexcept { return offset_; }

 private:
  char32_t codepoint_;
  std::size_t offset_;
};

}  // namespace pc
