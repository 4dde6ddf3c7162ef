// Text encodings: UTF-8 validation, CP932, EUC-JP and UTF-16 decoding, CP932 encoding (see
// encoding.h).
#include "encoding.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace pc {
namespace {

#include "cp932_table.inc"

constexpr std::size_t kNoError = static_cast<std::size_t>(-1);

// ---------------------------------------------------------------------------------------------
// Small helpers.

/// Index of the first byte >= 0x80 in s[i, n), or n. Reads 8 bytes at a time.
inline std::size_t skipAscii(const unsigned char* s, std::size_t i, std::size_t n) {
  while (n - i >= 8) {
    std::uint64_t w;
    std::memcpy(&w, s + i, 8);
    if (w & 0x8080808080808080ull) break;
    i += 8;
  }
  while (i < n && s[i] < 0x80) ++i;
  return i;
}

/// Writes the UTF-8 form of a BMP code point >= 0x80 (not a surrogate) at p; returns the end.
inline char* putBmp(char* p, unsigned cp) {
  if (cp < 0x800) {
    p[0] = static_cast<char>(0xC0 | (cp >> 6));
    p[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return p + 2;
  }
  p[0] = static_cast<char>(0xE0 | (cp >> 12));
  p[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  p[2] = static_cast<char>(0x80 | (cp & 0x3F));
  return p + 3;
}

/// Number of bytes putBmp writes for cp.
inline std::size_t bmpLen(unsigned cp) { return cp < 0x800 ? 2 : 3; }

/// "1,234,567" without locale.
std::string groupThousands(std::size_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  const std::size_t len = digits.size();
  for (std::size_t k = 0; k < len; ++k) {
    if (k > 0 && (len - k) % 3 == 0) out += ',';
    out += digits[k];
  }
  return out;
}

/// "0x85 0x40".
std::string hexBytes(const unsigned char* p, std::size_t len) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t k = 0; k < len; ++k) {
    if (k > 0) out += ' ';
    out += "0x";
    out += kHex[p[k] >> 4];
    out += kHex[p[k] & 0xF];
  }
  return out;
}

/// "U+00E9" (at least four hex digits).
std::string uPlus(char32_t cp) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string digits;
  for (std::uint32_t v = cp; v != 0 || digits.size() < 4; v >>= 4) digits += kHex[v & 0xF];
  std::reverse(digits.begin(), digits.end());
  return "U+" + digits;
}

/// 1-based line of byte `offset`: line ends before it are LF, CRLF (once) and a lone CR.
long lineAt(std::string_view s, std::size_t offset) {
  long line = 1;
  for (std::size_t i = 0; i < offset && i < s.size(); ++i) {
    if (s[i] == '\n') {
      ++line;
    } else if (s[i] == '\r' && !(i + 1 < s.size() && s[i + 1] == '\n')) {
      ++line;
    }
  }
  return line;
}

/// Throws "encoding.invalid" for the `len` bytes at `offset` of `all`, on 1-based `line`.
/// `truncated`: the input ends inside the character. whyJa/whyEn: a sentence saying what is wrong
/// with the bytes, when "not valid" alone would not say it.
[[noreturn]] void throwInvalid(std::string_view all, std::size_t offset, std::size_t len,
                               Encoding enc, bool truncated, long line,
                               const std::string& whyJa = {}, const std::string& whyEn = {}) {
  const char* name = encodingName(enc == Encoding::Utf8Bom ? Encoding::Utf8 : enc);
  const std::string bytes =
      hexBytes(reinterpret_cast<const unsigned char*>(all.data()) + offset, len);
  const std::string where = groupThousands(offset + 1);  // 1-based: the first byte is byte 1
  std::string ja = std::string("文字コード ") + name + " として読めないバイト (" + bytes +
                   ") があります（ファイル先頭から " + where + " バイト目）。" + whyJa;
  std::string en = (len == 1 ? "Byte " : "Bytes ") + bytes + " at byte " + where +
                   (len == 1 ? " is" : " are") + " not valid " + name + "." +
                   (whyEn.empty() ? "" : " " + whyEn);
  if (truncated) {
    ja += "ファイルが文字の途中で終わっています。";
    en += " The file ends in the middle of a character.";
  }
  throw InputError("encoding.invalid", std::move(ja), std::move(en), Location{line, 0});
}

/// As above, for an 8-bit encoding (the line is counted in bytes).
[[noreturn]] void throwInvalid(std::string_view all, std::size_t offset, std::size_t len,
                               Encoding enc, bool truncated) {
  throwInvalid(all, offset, len, enc, truncated, lineAt(all, offset));
}

// ---------------------------------------------------------------------------------------------
// UTF-8.

/// Length (1-4) of the well-formed UTF-8 sequence at s[i] (i < n) and its code point, or 0 when
/// the bytes there are ill-formed or truncated.
inline std::size_t utf8At(const unsigned char* s, std::size_t n, std::size_t i, char32_t& cp) {
  const unsigned b0 = s[i];
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t more;
  unsigned lo = 0x80, hi = 0xBF;
  char32_t c;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    more = 1;
    c = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    more = 2;
    c = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    more = 3;
    c = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // > U+10FFFF
  } else {
    return 0;
  }
  if (n - i - 1 < more) return 0;
  const unsigned b1 = s[i + 1];
  if (b1 < lo || b1 > hi) return 0;
  c = (c << 6) | (b1 & 0x3F);
  for (std::size_t k = 2; k <= more; ++k) {
    const unsigned b = s[i + k];
    if ((b & 0xC0) != 0x80) return 0;
    c = (c << 6) | (b & 0x3F);
  }
  cp = c;
  return more + 1;
}

/// Offset of the first ill-formed sequence in s[0, n), or kNoError.
std::size_t findInvalidUtf8(const unsigned char* s, std::size_t n) {
  std::size_t i = 0;
  while (true) {
    i = skipAscii(s, i, n);
    if (i == n) return kNoError;
    char32_t cp;
    const std::size_t len = utf8At(s, n, i, cp);
    if (len == 0) return i;
    i += len;
  }
}

/// Throws "encoding.invalid" for the ill-formed UTF-8 at `offset`, naming the lead byte and the
/// continuation bytes that follow it (up to the length the lead byte announces).
[[noreturn]] void throwInvalidUtf8(std::string_view all, std::size_t offset) {
  const auto* s = reinterpret_cast<const unsigned char*>(all.data());
  const unsigned b0 = s[offset];
  std::size_t want = 1;
  if (b0 >= 0xC0 && b0 <= 0xDF) want = 2;
  if (b0 >= 0xE0 && b0 <= 0xEF) want = 3;
  if (b0 >= 0xF0 && b0 <= 0xF7) want = 4;
  std::size_t len = 1;
  while (len < want && offset + len < all.size() && (s[offset + len] & 0xC0) == 0x80) ++len;
  throwInvalid(all, offset, len, Encoding::Utf8, len < want && offset + len == all.size());
}

bool hasUtf8Bom(std::string_view b) { return b.size() >= 3 && b.substr(0, 3) == "\xEF\xBB\xBF"; }

// ---------------------------------------------------------------------------------------------
// CP932 and EUC-JP decoding, in two passes over the input: the first (kWrite false) validates and
// measures the output, the second writes it into a buffer of exactly that size (no growth, no
// excess capacity: a large file in wasm memory costs input + output and nothing more).

struct Scan {
  std::size_t errorAt = kNoError;  // offset of the first invalid sequence
  std::size_t errorLen = 0;        // its length in bytes
  bool truncated = false;          // the input ends inside it
  bool twoByte = false;            // a two-byte character was seen (CP932 only)
  std::size_t outLen = 0;          // UTF-8 length of the input (when valid)
};

/// CP932 code point of (lead, trail) for a lead byte with kCp932LeadRow[lead] == row; 0 if none.
inline unsigned cp932Pair(int row, unsigned trail) {
  return trail >= 0x40 ? kCp932Decode[row][trail - 0x40] : 0u;
}

/// kWrite false: validates `in` and measures its UTF-8 length. kWrite true: `in` is known to be
/// valid; writes its UTF-8 form to out (room for outLen bytes).
template <bool kWrite>
Scan scanCp932(std::string_view in, char* out) {
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  const std::size_t n = in.size();
  Scan r;
  std::size_t i = 0;
  while (i < n) {
    const std::size_t j = skipAscii(s, i, n);
    if (kWrite) {
      std::memcpy(out, s + i, j - i);
      out += j - i;
    } else {
      r.outLen += j - i;
    }
    i = j;
    while (i < n && s[i] >= 0x80) {
      const unsigned b = s[i];
      const int row = kCp932LeadRow[b];
      if (row >= 0) {
        if (!kWrite && i + 1 == n) {
          r.errorAt = i, r.errorLen = 1, r.truncated = true;
          return r;
        }
        const unsigned cp = cp932Pair(row, s[i + 1]);
        if (kWrite) {
          out = putBmp(out, cp);
        } else if (cp == 0) {
          r.errorAt = i, r.errorLen = 2;
          return r;
        } else {
          r.outLen += bmpLen(cp);
          r.twoByte = true;
        }
        i += 2;
      } else if (b >= 0xA1 && b <= 0xDF) {
        if (kWrite) {
          out = putBmp(out, 0xFF61 + (b - 0xA1));
        } else {
          r.outLen += 3;
        }
        ++i;
      } else if (!kWrite) {
        r.errorAt = i, r.errorLen = 1;
        return r;
      }
    }
  }
  return r;
}

/// CP932 code point of the JIS X 0208 EUC-JP pair (b1, b2), both in 0xA1-0xFE; 0 if unassigned.
inline unsigned eucPair(unsigned b1, unsigned b2) {
  const unsigned row = b1 - 0xA0, cell = b2 - 0xA0;  // 1..94 each
  const unsigned lead = (row + 1) / 2 + (row <= 62 ? 0x80 : 0xC0);
  const unsigned trail = (row & 1) ? cell + 0x3F + (cell >= 64 ? 1 : 0) : cell + 0x9E;
  return cp932Pair(kCp932LeadRow[lead], trail);
}

/// As scanCp932, for EUC-JP.
template <bool kWrite>
Scan scanEucJp(std::string_view in, char* out) {
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  const std::size_t n = in.size();
  Scan r;
  std::size_t i = 0;
  while (i < n) {
    const std::size_t j = skipAscii(s, i, n);
    if (kWrite) {
      std::memcpy(out, s + i, j - i);
      out += j - i;
    } else {
      r.outLen += j - i;
    }
    i = j;
    while (i < n && s[i] >= 0x80) {
      const unsigned b = s[i];
      if (b == 0x8E || (b >= 0xA1 && b <= 0xFE)) {
        if (!kWrite && i + 1 == n) {
          r.errorAt = i, r.errorLen = 1, r.truncated = true;
          return r;
        }
        const unsigned b2 = s[i + 1];
        unsigned cp = 0;
        if (b == 0x8E) {
          if (b2 >= 0xA1 && b2 <= 0xDF) cp = 0xFF61 + (b2 - 0xA1);
        } else if (b2 >= 0xA1 && b2 <= 0xFE) {
          cp = eucPair(b, b2);
        }
        if (kWrite) {
          out = putBmp(out, cp);
        } else if (cp == 0) {
          r.errorAt = i, r.errorLen = 2;
          return r;
        } else {
          r.outLen += bmpLen(cp);
        }
        i += 2;
      } else if (!kWrite) {
        r.errorAt = i, r.errorLen = 1;
        return r;
      }
    }
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// UTF-16, in the same two passes. `begin` skips the BOM; (end - begin) is even.

/// Code unit at s[i] in the byte order kBig says.
template <bool kBig>
inline unsigned unitAt(const unsigned char* s, std::size_t i) {
  return kBig ? (unsigned{s[i]} << 8) | s[i + 1] : s[i] | (unsigned{s[i + 1]} << 8);
}

/// Mask that is zero on 8 bytes read with memcpy exactly when they are 4 ASCII code units.
template <bool kBig>
constexpr std::uint64_t utf16AsciiMask() {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return kBig ? 0xFF80FF80FF80FF80ull : 0x80FF80FF80FF80FFull;
#else
  return kBig ? 0x80FF80FF80FF80FFull : 0xFF80FF80FF80FF80ull;
#endif
}

/// Writes the 4-byte UTF-8 form of a supplementary code point at p; returns the end.
inline char* putSupplementary(char* p, char32_t cp) {
  p[0] = static_cast<char>(0xF0 | (cp >> 18));
  p[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  p[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  p[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return p + 4;
}

/// Validates the UTF-16 code units in s[begin, end) and measures their UTF-8 length: the first
/// unpaired surrogate is the error. Scan::twoByte is set for an unpaired low surrogate, to tell
/// it from an unpaired high one. Branch-free except at surrogates (rare).
template <bool kBig>
Scan measureUtf16(const unsigned char* s, std::size_t begin, std::size_t end) {
  Scan r;
  std::size_t len = 0;
  for (std::size_t i = begin; i < end; i += 2) {
    const unsigned u = unitAt<kBig>(s, i);
    if ((u & 0xF800) == 0xD800) {  // a surrogate: high then low make one 4-byte character
      if (u >= 0xDC00) {
        r.errorAt = i, r.errorLen = 2, r.twoByte = true;
        return r;
      }
      if (end - i < 4) {
        r.errorAt = i, r.errorLen = 2, r.truncated = true;
        return r;
      }
      const unsigned next = unitAt<kBig>(s, i + 2);
      if (next < 0xDC00 || next > 0xDFFF) {
        r.errorAt = i, r.errorLen = 2;
        return r;
      }
      len += 4;
      i += 2;
      continue;
    }
    len += 1 + (u >= 0x80) + (u >= 0x800);
  }
  r.outLen = len;
  return r;
}

/// Writes the UTF-8 form of the UTF-16 code units in s[begin, end), which measureUtf16 found
/// valid, to out (room for its outLen bytes).
template <bool kBig>
void writeUtf16(const unsigned char* s, std::size_t begin, std::size_t end, char* out) {
  constexpr std::uint64_t kAscii = utf16AsciiMask<kBig>();
  constexpr std::size_t kLow = kBig ? 1 : 0;  // the byte of a unit that holds an ASCII character
  std::size_t i = begin;
  while (i < end) {
    while (end - i >= 8) {  // 4 ASCII units at a time
      std::uint64_t w;
      std::memcpy(&w, s + i, 8);
      if (w & kAscii) break;
      out[0] = static_cast<char>(s[i + kLow]);
      out[1] = static_cast<char>(s[i + 2 + kLow]);
      out[2] = static_cast<char>(s[i + 4 + kLow]);
      out[3] = static_cast<char>(s[i + 6 + kLow]);
      out += 4;
      i += 8;
    }
    if (i == end) break;
    const unsigned u = unitAt<kBig>(s, i);
    if (u < 0x80) {
      *out++ = static_cast<char>(u);
      i += 2;
    } else if ((u & 0xF800) != 0xD800) {
      out = putBmp(out, u);
      i += 2;
    } else {
      const unsigned next = unitAt<kBig>(s, i + 2);
      out = putSupplementary(out, 0x10000 + ((u - 0xD800) << 10) + (next - 0xDC00));
      i += 4;
    }
  }
}

/// 1-based line of the code unit at byte `offset` (begin <= offset): the units U+000A, U+000D
/// U+000A (once) and a lone U+000D before it each end a line.
template <bool kBig>
long lineAtUtf16(const unsigned char* s, std::size_t begin, std::size_t end, std::size_t offset) {
  long line = 1;
  for (std::size_t i = begin; i + 1 < end && i < offset; i += 2) {
    const unsigned u = unitAt<kBig>(s, i);
    if (u == 0x0A) {
      ++line;
    } else if (u == 0x0D && !(i + 3 < end && unitAt<kBig>(s, i + 2) == 0x0A)) {
      ++line;
    }
  }
  return line;
}

/// Decodes UTF-16 (the BOM, if any, is dropped), or throws "encoding.invalid" at the first
/// unpaired surrogate or at an odd last byte.
template <bool kBig>
std::string decodeUtf16(std::string_view bytes) {
  const Encoding enc = kBig ? Encoding::Utf16Be : Encoding::Utf16Le;
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t begin = bomEncoding(bytes) == enc ? 2 : 0;
  const std::size_t end = begin + ((bytes.size() - begin) & ~std::size_t{1});
  const Scan r = measureUtf16<kBig>(s, begin, end);
  if (r.errorAt != kNoError) {
    const unsigned u = unitAt<kBig>(s, r.errorAt);
    const long line = lineAtUtf16<kBig>(s, begin, end, r.errorAt);
    if (r.twoByte) {
      throwInvalid(bytes, r.errorAt, 2, enc, false, line,
                   uPlus(u) + "（下位サロゲート）の前に上位サロゲートがありません。",
                   uPlus(u) + " is a low surrogate without a high surrogate before it.");
    }
    if (r.truncated) throwInvalid(bytes, r.errorAt, 2, enc, true, line);
    throwInvalid(bytes, r.errorAt, 2, enc, false, line,
                 uPlus(u) + "（上位サロゲート）の後に下位サロゲートがありません。",
                 uPlus(u) + " is a high surrogate without a low surrogate after it.");
  }
  if (end != bytes.size()) {
    throwInvalid(bytes, end, 1, enc, false, lineAtUtf16<kBig>(s, begin, end, end),
                 "ファイルのバイト数が奇数です。UTF-16 は 2 バイトで 1 単位なので、最後の 1 "
                 "バイトが余っています。",
                 "The file has an odd number of bytes: UTF-16 uses two bytes per unit, so the "
                 "last byte is left over.");
  }
  std::string out(r.outLen, '\0');
  writeUtf16<kBig>(s, begin, end, &out[0]);
  return out;
}

/// Units below U+0100 in the first KB read as UTF-16 of one byte order, or -1 when that reading
/// has U+0000 or a control character other than TAB, LF and CR (then it is not UTF-16 text).
template <bool kBig>
long utf16Evidence(const unsigned char* s, std::size_t n) {
  long low = 0;
  for (std::size_t i = 0; i + 1 < n; i += 2) {
    const unsigned u = unitAt<kBig>(s, i);
    if (u < 0x20 && u != 0x09 && u != 0x0A && u != 0x0D) return -1;
    if (u < 0x100) ++low;
  }
  return low;
}

/// Utf16Le or Utf16Be for UTF-16 text without BOM, judged on its first 1,024 bytes (encoding.h).
std::optional<Encoding> detectUtf16WithoutBom(std::string_view bytes) {
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = std::min<std::size_t>(bytes.size(), 1024);
  if (std::memchr(s, 0, n) == nullptr) return std::nullopt;  // 8-bit text: the usual case
  const long units = static_cast<long>(n / 2);
  const long le = utf16Evidence<false>(s, n), be = utf16Evidence<true>(s, n);
  const long best = std::max(le, be);
  if (best < 2 || best * 16 < units || le == be) return std::nullopt;
  return le > be ? Encoding::Utf16Le : Encoding::Utf16Be;
}

/// Throws "encoding.not-text" for a zip (.xlsx, .docx, .ods) or OLE2 (.xls, .doc) file.
void rejectWorkbook(std::string_view bytes) {
  const bool zip = bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4);
  const bool ole2 = bytes.substr(0, 8) == std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  if (!zip && !ole2) return;
  throw InputError(
      "encoding.not-text",
      "CSV ではなく Excel のブック（.xlsx / .xls）などのファイルのようです。"
      "Excel で開いて「名前を付けて保存」から「CSV UTF-8（コンマ区切り）」か"
      "「CSV（コンマ区切り）」を選んで保存し、そのファイルを読み込んでください。",
      "This looks like an Excel workbook (.xlsx or .xls) or another non-text file, not a CSV "
      "file. Open it in Excel, use Save As with \"CSV UTF-8 (Comma delimited)\" or \"CSV (Comma "
      "delimited)\", and load that file.");
}

// ---------------------------------------------------------------------------------------------
// CP932 encoding.

/// CP932 bytes for a code point (< 0x100: one byte, else lead << 8 | trail), or -1.
inline long cp932Code(char32_t cp) {
  if (cp < 0x80) return static_cast<long>(cp);
  if (cp >= 0xFF61 && cp <= 0xFF9F) return static_cast<long>(cp - 0xFF61 + 0xA1);
  if (cp >= 0xE000 && cp <= 0xE757) {  // user-defined area, 188 per lead byte from 0xF0
    const unsigned k = static_cast<unsigned>(cp - 0xE000);
    const unsigned t = k % 188;
    return static_cast<long>(((0xF0 + k / 188) << 8) | (t + 0x40 + (t >= 63 ? 1 : 0)));
  }
  if (cp > 0xFFFF) return -1;
  const unsigned page = static_cast<unsigned>(cp >> 8);
  const unsigned short* end = kCp932EncodeUnicode + kCp932EncodePage[page + 1];
  const unsigned short* it =
      std::lower_bound(kCp932EncodeUnicode + kCp932EncodePage[page], end, cp);
  if (it == end || *it != cp) return -1;
  return kCp932EncodeSjis[it - kCp932EncodeUnicode];
}

bool invisible(char32_t cp) {
  return cp <= 0xA0 || cp == 0xAD || (cp >= 0x2000 && cp <= 0x200F) ||
         (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF ||
         (cp >= 0xFFF0 && cp <= 0xFFFF) || (cp >= 0xE0000 && cp <= 0xE007F);
}

/// UTF-8 form of a valid code point.
std::string utf8Of(char32_t cp) {
  if (cp < 0x80) return std::string(1, static_cast<char>(cp));
  if (cp < 0x10000) {
    char buf[3];
    return std::string(buf, putBmp(buf, static_cast<unsigned>(cp)));
  }
  const char buf[4] = {
      static_cast<char>(0xF0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
      static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
  return std::string(buf, 4);
}

std::string unmappableJa(char32_t cp) {
  const std::string ch =
      invisible(cp) ? " " + uPlus(cp) : "「" + utf8Of(cp) + "」(" + uPlus(cp) + ")";
  return "文字" + ch + " は文字コード shift_jis では書き出せません。";
}

std::string unmappableEn(char32_t cp) {
  const std::string ch = invisible(cp) ? "" : " \"" + utf8Of(cp) + "\"";
  return "The character" + ch + " (" + uPlus(cp) + ") cannot be written in shift_jis.";
}

std::string encodeCp932(std::string_view in) {
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  const std::size_t n = in.size();
  std::string out(n, '\0');  // never longer than the UTF-8 input
  std::size_t o = 0, i = 0;
  while (i < n) {
    const std::size_t j = skipAscii(s, i, n);
    std::memcpy(&out[o], s + i, j - i);
    o += j - i;
    i = j;
    while (i < n && s[i] >= 0x80) {
      char32_t cp;
      const std::size_t len = utf8At(s, n, i, cp);
      if (len == 0) throwInvalidUtf8(in, i);
      const long code = cp932Code(cp);
      if (code < 0) throw UnmappableError(cp, i, Location{lineAt(in, i), 0});
      if (code >= 0x100) out[o++] = static_cast<char>(code >> 8);
      out[o++] = static_cast<char>(code & 0xFF);
      i += len;
    }
  }
  out.resize(o);
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public API.

UnmappableError::UnmappableError(char32_t codepoint, std::size_t offset, Location where)
    : InputError("encoding.unmappable", unmappableJa(codepoint), unmappableEn(codepoint), where),
      codepoint_(codepoint),
      offset_(offset) {}

const char* encodingName(Encoding e) {
  switch (e) {
    case Encoding::Utf8:
      return "utf-8";
    case Encoding::Utf8Bom:
      return "utf-8-bom";
    case Encoding::ShiftJis:
      return "shift_jis";
    case Encoding::EucJp:
      return "euc-jp";
    case Encoding::Utf16Le:
      return "utf-16le";
    case Encoding::Utf16Be:
      return "utf-16be";
  }
  return "utf-8";
}

std::optional<Encoding> parseEncodingName(std::string_view name) {
  std::string key;
  for (char c : name) {
    if (c == '-' || c == '_' || c == ' ' || c == '\t') continue;
    key += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  static const struct {
    const char* key;
    Encoding enc;
  } kNames[] = {
      {"utf8", Encoding::Utf8},
      {"utf8n", Encoding::Utf8},
      {"utf8nobom", Encoding::Utf8},
      {"utf8bom", Encoding::Utf8Bom},
      {"utf8sig", Encoding::Utf8Bom},
      {"utf8withbom", Encoding::Utf8Bom},
      {"shiftjis", Encoding::ShiftJis},
      {"sjis", Encoding::ShiftJis},
      {"cp932", Encoding::ShiftJis},
      {"ms932", Encoding::ShiftJis},
      {"windows31j", Encoding::ShiftJis},
      {"windows932", Encoding::ShiftJis},
      {"mskanji", Encoding::ShiftJis},
      {"csshiftjis", Encoding::ShiftJis},
      {"cswindows31j", Encoding::ShiftJis},
      {"xsjis", Encoding::ShiftJis},
      {"932", Encoding::ShiftJis},
      {"eucjp", Encoding::EucJp},
      {"xeucjp", Encoding::EucJp},
      {"cp51932", Encoding::EucJp},
      {"ujis", Encoding::EucJp},
      {"utf16le", Encoding::Utf16Le},
      {"utf16", Encoding::Utf16Le},
      {"unicode", Encoding::Utf16Le},
      {"ucs2", Encoding::Utf16Le},
      {"ucs2le", Encoding::Utf16Le},
      {"utf16be", Encoding::Utf16Be},
      {"unicodefffe", Encoding::Utf16Be},
      {"ucs2be", Encoding::Utf16Be},
  };
  for (const auto& entry : kNames) {
    if (key == entry.key) return entry.enc;
  }
  return std::nullopt;
}

bool isWritable(Encoding e) {
  return e == Encoding::Utf8Bom || e == Encoding::Utf8 || e == Encoding::ShiftJis;
}

std::optional<Encoding> bomEncoding(std::string_view bytes) {
  if (hasUtf8Bom(bytes)) return Encoding::Utf8Bom;
  if (bytes.size() >= 2 && bytes[0] == '\xFF' && bytes[1] == '\xFE') return Encoding::Utf16Le;
  if (bytes.size() >= 2 && bytes[0] == '\xFE' && bytes[1] == '\xFF') return Encoding::Utf16Be;
  return std::nullopt;
}

Encoding readingEncoding(std::string_view bytes, Encoding chosen) {
  return bomEncoding(bytes).value_or(chosen);
}

bool isValidUtf8(std::string_view bytes) {
  return findInvalidUtf8(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) ==
         kNoError;
}

Encoding detectEncoding(std::string_view bytes) {
  if (const auto bom = bomEncoding(bytes)) return *bom;
  if (const auto utf16 = detectUtf16WithoutBom(bytes)) return *utf16;
  if (isValidUtf8(bytes)) return Encoding::Utf8;
  const Scan sjis = scanCp932<false>(bytes, nullptr);
  // Valid CP932 without two-byte characters (half-width kana only): CP932 even if valid EUC-JP.
  if (sjis.errorAt == kNoError && !sjis.twoByte) return Encoding::ShiftJis;
  // Valid EUC-JP; if it is valid CP932 too, that reading has two-byte characters, which genuine
  // CP932 text valid as EUC-JP does not have (its kanji and kana use lead bytes 0x81-0x9F).
  if (scanEucJp<false>(bytes, nullptr).errorAt == kNoError) return Encoding::EucJp;
  return Encoding::ShiftJis;  // valid CP932, or neither (decoding will say where it breaks)
}

std::string decodeToUtf8(std::string_view bytes, Encoding chosen) {
  rejectWorkbook(bytes);
  const Encoding enc = readingEncoding(bytes, chosen);
  switch (enc) {
    case Encoding::Utf8:
    case Encoding::Utf8Bom: {
      const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
      const std::size_t bad = findInvalidUtf8(s, bytes.size());
      if (bad != kNoError) throwInvalidUtf8(bytes, bad);
      return std::string(hasUtf8Bom(bytes) ? bytes.substr(3) : bytes);
    }
    case Encoding::ShiftJis:
    case Encoding::EucJp: {
      const bool sjis = enc == Encoding::ShiftJis;
      const Scan r = sjis ? scanCp932<false>(bytes, nullptr) : scanEucJp<false>(bytes, nullptr);
      if (r.errorAt != kNoError) throwInvalid(bytes, r.errorAt, r.errorLen, enc, r.truncated);
      std::string out(r.outLen, '\0');
      if (sjis) {
        scanCp932<true>(bytes, &out[0]);
      } else {
        scanEucJp<true>(bytes, &out[0]);
      }
      return out;
    }
    case Encoding::Utf16Le:
      return decodeUtf16<false>(bytes);
    case Encoding::Utf16Be:
      return decodeUtf16<true>(bytes);
  }
  return std::string(bytes);
}

std::string encodeFromUtf8(std::string_view utf8, Encoding enc) {
  switch (enc) {
    case Encoding::Utf8:
    case Encoding::Utf8Bom: {
      const std::size_t bad =
          findInvalidUtf8(reinterpret_cast<const unsigned char*>(utf8.data()), utf8.size());
      if (bad != kNoError) throwInvalidUtf8(utf8, bad);
      if (enc == Encoding::Utf8 || hasUtf8Bom(utf8)) return std::string(utf8);
      std::string out;
      out.reserve(utf8.size() + 3);
      out += "\xEF\xBB\xBF";
      out += utf8;
      return out;
    }
    case Encoding::ShiftJis:
      return encodeCp932(utf8);
    case Encoding::EucJp:
    case Encoding::Utf16Le:
    case Encoding::Utf16Be:
      break;
  }
  const std::string name = encodingName(enc);
  throw InputError(
      "encoding.unsupported",
      "文字コード " + name + " での書き出しには対応していません（utf-8-bom, utf-8, shift_jis）。",
      "Writing " + name + " is not supported (utf-8-bom, utf-8, shift_jis).");
}

}  // namespace pc
