// Text encodings: UTF-8 validation, CP932 and EUC-JP decoding, CP932 encoding (see encoding.h).
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

/// Throws "encoding.invalid" for the `len` bytes at `offset` of `all`. `truncated`: the input ends
/// inside the character.
[[noreturn]] void throwInvalid(std::string_view all, std::size_t offset, std::size_t len,
                               Encoding enc, bool truncated) {
  const char* name = encodingName(enc == Encoding::Utf8Bom ? Encoding::Utf8 : enc);
  const std::string bytes =
      hexBytes(reinterpret_cast<const unsigned char*>(all.data()) + offset, len);
  const std::string where = groupThousands(offset);
  std::string ja = std::string("文字コード ") + name + " として読めないバイト (" + bytes +
                   ") があります（ファイル先頭から " + where + " バイト目）。";
  std::string en = (len == 1 ? "Byte " : "Bytes ") + bytes + " at byte offset " + where +
                   (len == 1 ? " is" : " are") + " not valid " + name + ".";
  if (truncated) {
    ja += "ファイルが文字の途中で終わっています。";
    en += " The file ends in the middle of a character.";
  }
  throw InputError("encoding.invalid", std::move(ja), std::move(en),
                   Location{lineAt(all, offset), 0});
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
  };
  for (const auto& entry : kNames) {
    if (key == entry.key) return entry.enc;
  }
  return std::nullopt;
}

bool isValidUtf8(std::string_view bytes) {
  return findInvalidUtf8(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) ==
         kNoError;
}

Encoding detectEncoding(std::string_view bytes) {
  if (hasUtf8Bom(bytes)) return Encoding::Utf8Bom;
  if (isValidUtf8(bytes)) return Encoding::Utf8;
  const Scan sjis = scanCp932<false>(bytes, nullptr);
  // Valid CP932 without two-byte characters (half-width kana only): CP932 even if valid EUC-JP.
  if (sjis.errorAt == kNoError && !sjis.twoByte) return Encoding::ShiftJis;
  // Valid EUC-JP; if it is valid CP932 too, that reading has two-byte characters, which genuine
  // CP932 text valid as EUC-JP does not have (its kanji and kana use lead bytes 0x81-0x9F).
  if (scanEucJp<false>(bytes, nullptr).errorAt == kNoError) return Encoding::EucJp;
  return Encoding::ShiftJis;  // valid CP932, or neither (decoding will say where it breaks)
}

std::string decodeToUtf8(std::string_view bytes, Encoding enc) {
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
      break;
  }
  throw InputError("encoding.unsupported", "文字コード euc-jp での書き出しには対応していません。",
                   "Writing euc-jp is not supported.");
}

}  // namespace pc
