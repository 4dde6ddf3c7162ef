// Text encodings of the files staff bring: UTF-8 (with or without BOM), Shift_JIS as Windows
// writes it (CP932 / Windows-31J) and, for reading only, EUC-JP and UTF-16 (little- or big-endian,
// with or without BOM: Excel's "Unicode テキスト" is UTF-16LE with a BOM, tab-separated).
// Everything inside the core is UTF-8; these functions convert at the edges. Output is always
// UTF-8 with BOM, UTF-8 or Shift_JIS (isWritable). Plain C++17, no locale, identical natively and
// in wasm.
//
// Detection (detectEncoding), first match wins:
//   1. A BOM: EF BB BF -> utf-8-bom, FF FE -> utf-16le, FE FF -> utf-16be. A BOM also wins over an
//      encoding the user chose (readingEncoding, decodeToUtf8), as the WHATWG Encoding Standard's
//      decode does. A BOM is never valid CP932 or UTF-8, is the noncharacter U+FFFE in the other
//      UTF-16 byte order (and would be an unlikely first kanji in EUC-JP); and a recipe written for
//      last month's Shift_JIS export then still reads this month's file saved as "CSV UTF-8".
//   2. UTF-16 without BOM, from the zero bytes of the first 1,024 bytes: text in an 8-bit encoding
//      has none, UTF-16 has one in every ASCII character (delimiters, digits, line ends). Taken
//      when that KB, read as UTF-16 of one byte order, has no U+0000 and no control character other
//      than TAB, LF and CR, and at least 2 and 1/16 of its units below U+0100 (a zero high byte),
//      and more of them than the other byte order has. A first KB of Japanese alone, without one
//      ASCII character, is missed (it then fails as Shift_JIS; choose utf-16le for it).
//   3. Strictly valid UTF-8, including pure ASCII and an empty file -> utf-8.
//   4. Valid CP932 -> shift_jis, valid EUC-JP -> euc-jp (tie-break below); neither -> shift_jis, so
//      that decoding names the first bad byte.
// Known ambiguity: a tiny file whose only non-ASCII text is pairs of half-width kana ﾂ-ﾟ + ｡-ｿ
// (e.g. "ﾃｽ", C3 BD) is also valid UTF-8 and is read as UTF-8 ("ý"); real kana names break this
// quickly ("ﾔﾏﾀﾞ" is not UTF-8). Override the encoding for such a file.
//
// Positions in error messages are 1-based byte numbers counted from the first byte of the file
// (BOM included): "ファイル先頭から 1 バイト目" / "at byte 1". Lines are 1-based; LF, CRLF and a
// lone CR each end a line (for UTF-16, the code units U+000A and U+000D).
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
//
// UTF-16 (decoding only): surrogate pairs become one 4-byte UTF-8 character; an unpaired
// surrogate, or an odd number of bytes, is an error naming its byte and line. The BOM is dropped.
// "utf-16", "utf16" and "unicode" mean utf-16le, as Windows and Excel use the words. A file that
// starts with a UTF-16 BOM is read by that BOM whatever was chosen.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "error.h"

namespace pc {

/// Encoding of a file. ShiftJis means CP932 (Windows-31J). EucJp, Utf16Le and Utf16Be can be
/// read, not written.
enum class Encoding { Utf8, Utf8Bom, ShiftJis, EucJp, Utf16Le, Utf16Be };

/// Canonical name: "utf-8", "utf-8-bom", "shift_jis", "euc-jp", "utf-16le" or "utf-16be" (a
/// static string).
const char* encodingName(Encoding e);

/// Encoding for a name: the canonical names and aliases (utf8, utf-8-sig, sjis, shift-jis, cp932,
/// ms932, windows-31j, eucjp, cp51932, utf-16, utf16, unicode, ucs-2, ...), ASCII
/// case-insensitive, '-'/'_'/' ' ignored. "utf-16", "utf16" and "unicode" are Utf16Le.
std::optional<Encoding> parseEncodingName(std::string_view name);

/// True for the encodings encodeFromUtf8 writes: Utf8Bom, Utf8 and ShiftJis.
bool isWritable(Encoding e);

/// The encoding a BOM at the start of bytes announces (Utf8Bom, Utf16Le, Utf16Be), if any.
std::optional<Encoding> bomEncoding(std::string_view bytes);

/// The encoding bytes are read with when `chosen` was asked for: the BOM's, if there is one
/// (see the header comment), else `chosen`. decodeToUtf8(bytes, chosen) decodes with it.
Encoding readingEncoding(std::string_view bytes, Encoding chosen);

/// Guesses the encoding of a whole file, in the order the header comment gives: BOM, UTF-16 by
/// its zero bytes, strict UTF-8, CP932, EUC-JP, else ShiftJis (decoding then reports where it
/// breaks). When the bytes are valid both as CP932 and as EUC-JP, ShiftJis is chosen unless the
/// CP932 reading has a two-byte character (genuine CP932 text that is valid EUC-JP is half-width
/// kana only; EUC-JP text read as CP932 is not). Reads the whole file at most three times; no
/// allocation.
Encoding detectEncoding(std::string_view bytes);

/// Decodes a whole file to UTF-8 with readingEncoding(bytes, enc), dropping its BOM (UTF-8 and
/// UTF-16). Throws InputError "encoding.invalid" at the first invalid sequence, with its 1-based
/// line and a message naming its bytes and 1-based byte number; "encoding.not-text" for an Excel
/// workbook (.xlsx, .xls) or other zip/OLE2 file. One output allocation of the exact size.
std::string decodeToUtf8(std::string_view bytes, Encoding enc);

/// Encodes UTF-8 text. Utf8: unchanged; Utf8Bom: EF BB BF prepended (unless already there);
/// ShiftJis: CP932 as described above. Throws InputError "encoding.invalid" when the input is not
/// valid UTF-8, UnmappableError for a character CP932 cannot hold, and InputError
/// "encoding.unsupported" for an encoding that is not isWritable.
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
