// Tests of src/encoding.h: detection, UTF-8 validation, CP932 / EUC-JP decoding, CP932 encoding.
// Expected bytes are from the CP932 standard, confirmed with `iconv -f CP932 -t UTF-8` (glibc).
#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "encoding.h"

namespace {

using pc::Encoding;

std::string bytes(std::initializer_list<int> list) {
  std::string s;
  for (int b : list) s += static_cast<char>(b);
  return s;
}

// UTF-8 of one code point, written here independently of the code under test.
std::string u8(char32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

// UTF-16 of UTF-8 text (little- or big-endian, no BOM), written here independently of the code
// under test: the code points are read back from the UTF-8 by hand.
std::string u16(const std::string& utf8, bool big = false) {
  std::string out;
  auto unit = [&](unsigned u) {
    const char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
    out += big ? hi : lo;
    out += big ? lo : hi;
  };
  for (std::size_t i = 0; i < utf8.size();) {
    const auto b = static_cast<unsigned char>(utf8[i]);
    const std::size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (utf8[i + k] & 0x3F);
    if (cp >= 0x10000) {
      unit(0xD800 + ((cp - 0x10000) >> 10));
      unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      unit(cp);
    }
    i += len;
  }
  return out;
}

const std::string kBomLe = "\xFF\xFE", kBomBe = "\xFE\xFF";

std::string sjis(unsigned code) {
  return code < 0x100 ? bytes({static_cast<int>(code)})
                      : bytes({static_cast<int>(code >> 8), static_cast<int>(code & 0xFF)});
}

// The decoding error for `in`, or an error with code "none" when it decodes.
pc::InputError decodeError(const std::string& in, Encoding enc) {
  try {
    pc::decodeToUtf8(in, enc);
  } catch (const pc::InputError& e) {
    return e;
  }
  return pc::InputError("none", "", "");
}

// "住民番号,氏名" in CP932 and in EUC-JP (iconv -t CP932 / -t EUC-JP).
const std::string kHeaderUtf8 = "住民番号,氏名";
const std::string kHeaderSjis =
    bytes({0x8F, 0x5A, 0x96, 0xAF, 0x94, 0xD4, 0x8D, 0x86, 0x2C, 0x8E, 0x81, 0x96, 0xBC});
const std::string kHeaderEuc =
    bytes({0xBD, 0xBB, 0xCC, 0xB1, 0xC8, 0xD6, 0xB9, 0xE6, 0x2C, 0xBB, 0xE1, 0xCC, 0xBE});

}  // namespace

TEST_CASE("encoding names") {
  CHECK(std::string(pc::encodingName(Encoding::Utf8)) == "utf-8");
  CHECK(std::string(pc::encodingName(Encoding::Utf8Bom)) == "utf-8-bom");
  CHECK(std::string(pc::encodingName(Encoding::ShiftJis)) == "shift_jis");
  CHECK(std::string(pc::encodingName(Encoding::EucJp)) == "euc-jp");
  CHECK(std::string(pc::encodingName(Encoding::Utf16Le)) == "utf-16le");
  CHECK(std::string(pc::encodingName(Encoding::Utf16Be)) == "utf-16be");
  for (Encoding e : {Encoding::Utf8, Encoding::Utf8Bom, Encoding::ShiftJis, Encoding::EucJp,
                     Encoding::Utf16Le, Encoding::Utf16Be}) {
    CHECK(pc::parseEncodingName(pc::encodingName(e)) == e);
  }
  // "UTF-16" and "Unicode" are little-endian, as Windows and Excel mean them.
  for (const char* name : {"utf-16", "UTF16", "Unicode", "UTF-16LE", "utf_16le", "ucs-2"}) {
    CAPTURE(name);
    CHECK(pc::parseEncodingName(name) == Encoding::Utf16Le);
  }
  CHECK(pc::parseEncodingName("UTF-16BE") == Encoding::Utf16Be);
  CHECK(pc::parseEncodingName("unicodeFFFE") == Encoding::Utf16Be);
  // Output is UTF-8 with or without BOM or Shift_JIS; the others are read only.
  CHECK(pc::isWritable(Encoding::Utf8Bom));
  CHECK(pc::isWritable(Encoding::Utf8));
  CHECK(pc::isWritable(Encoding::ShiftJis));
  CHECK_FALSE(pc::isWritable(Encoding::EucJp));
  CHECK_FALSE(pc::isWritable(Encoding::Utf16Le));
  CHECK_FALSE(pc::isWritable(Encoding::Utf16Be));
  CHECK(pc::parseEncodingName("UTF8") == Encoding::Utf8);
  CHECK(pc::parseEncodingName("UTF-8N") == Encoding::Utf8);
  CHECK(pc::parseEncodingName("utf-8-sig") == Encoding::Utf8Bom);
  CHECK(pc::parseEncodingName("SJIS") == Encoding::ShiftJis);
  CHECK(pc::parseEncodingName("Shift-JIS") == Encoding::ShiftJis);
  CHECK(pc::parseEncodingName("cp932") == Encoding::ShiftJis);
  CHECK(pc::parseEncodingName("MS932") == Encoding::ShiftJis);
  CHECK(pc::parseEncodingName("Windows-31J") == Encoding::ShiftJis);
  CHECK(pc::parseEncodingName("EUCJP") == Encoding::EucJp);
  CHECK(pc::parseEncodingName("euc_jp") == Encoding::EucJp);
  CHECK_FALSE(pc::parseEncodingName("latin1").has_value());
  CHECK_FALSE(pc::parseEncodingName("").has_value());
  CHECK_FALSE(pc::parseEncodingName("utf-32").has_value());
  CHECK_FALSE(pc::parseEncodingName("utf-16x").has_value());
}

TEST_CASE("detectEncoding") {
  CHECK(pc::detectEncoding("") == Encoding::Utf8);
  CHECK(pc::detectEncoding("id,name\r\n1,abc\r\n") == Encoding::Utf8);
  CHECK(pc::detectEncoding("\xEF\xBB\xBFid,name\n") == Encoding::Utf8Bom);
  CHECK(pc::detectEncoding("\xEF\xBB\xBF") == Encoding::Utf8Bom);
  CHECK(pc::detectEncoding(kHeaderUtf8 + "\n1,山田太郎\n") == Encoding::Utf8);
  CHECK(pc::detectEncoding(kHeaderSjis + "\r\n") == Encoding::ShiftJis);
  CHECK(pc::detectEncoding(kHeaderEuc + "\n") == Encoding::EucJp);

  // Only half-width kana ("ﾔﾏﾀﾞ,ﾀﾛｳ" and "ｱｲｳｴ"); the second is also valid EUC-JP (two kanji).
  CHECK(pc::detectEncoding(bytes({0xD4, 0xCF, 0xC0, 0xDE, 0x2C, 0xC0, 0xDB, 0xB3, 0x0D, 0x0A})) ==
        Encoding::ShiftJis);
  CHECK(pc::detectEncoding(bytes({0xB1, 0xB2, 0xB3, 0xB4})) == Encoding::ShiftJis);

  // EUC-JP "氏名,区民" is also valid CP932 ("ｻ睥ｾ,ｶ靂ｱ"), with two-byte characters: EUC-JP.
  const std::string eucBoth = bytes({0xBB, 0xE1, 0xCC, 0xBE, 0x2C, 0xB6, 0xE8, 0xCC, 0xB1});
  CHECK_NOTHROW(pc::decodeToUtf8(eucBoth, Encoding::ShiftJis));
  CHECK(pc::detectEncoding(eucBoth) == Encoding::EucJp);
  CHECK(pc::decodeToUtf8(eucBoth, Encoding::EucJp) == "氏名,区民");

  // Neither: reported as Shift_JIS so that decoding names the bytes.
  CHECK(pc::detectEncoding(bytes({0x41, 0xFF, 0xFE, 0x41})) == Encoding::ShiftJis);
}

TEST_CASE("isValidUtf8 is strict") {
  CHECK(pc::isValidUtf8(""));
  CHECK(pc::isValidUtf8("plain ascii, longer than eight bytes"));
  CHECK(pc::isValidUtf8("住民番号"));
  CHECK(pc::isValidUtf8(bytes({0xC2, 0x80})));              // U+0080
  CHECK(pc::isValidUtf8(bytes({0xE0, 0xA0, 0x80})));        // U+0800
  CHECK(pc::isValidUtf8(bytes({0xED, 0x9F, 0xBF})));        // U+D7FF
  CHECK(pc::isValidUtf8(bytes({0xEE, 0x80, 0x80})));        // U+E000
  CHECK(pc::isValidUtf8(bytes({0xF0, 0x90, 0x80, 0x80})));  // U+10000
  CHECK(pc::isValidUtf8(bytes({0xF4, 0x8F, 0xBF, 0xBF})));  // U+10FFFF

  CHECK_FALSE(pc::isValidUtf8(bytes({0xC0, 0x80})));              // overlong NUL
  CHECK_FALSE(pc::isValidUtf8(bytes({0xC1, 0xBF})));              // overlong
  CHECK_FALSE(pc::isValidUtf8(bytes({0xE0, 0x9F, 0xBF})));        // overlong
  CHECK_FALSE(pc::isValidUtf8(bytes({0xF0, 0x8F, 0xBF, 0xBF})));  // overlong
  CHECK_FALSE(pc::isValidUtf8(bytes({0xED, 0xA0, 0x80})));        // surrogate U+D800
  CHECK_FALSE(pc::isValidUtf8(bytes({0xED, 0xBF, 0xBF})));        // surrogate U+DFFF
  CHECK_FALSE(pc::isValidUtf8(bytes({0xF4, 0x90, 0x80, 0x80})));  // U+110000
  CHECK_FALSE(pc::isValidUtf8(bytes({0xF5, 0x80, 0x80, 0x80})));
  CHECK_FALSE(pc::isValidUtf8(bytes({0xFF})));
  CHECK_FALSE(pc::isValidUtf8(bytes({0x80})));        // lone continuation
  CHECK_FALSE(pc::isValidUtf8(bytes({0xE3, 0x81})));  // truncated あ
  CHECK_FALSE(pc::isValidUtf8(bytes({0xE3})));
  CHECK_FALSE(pc::isValidUtf8(bytes({0xF0, 0x9F, 0x98})));  // truncated 😀
  CHECK_FALSE(pc::isValidUtf8(bytes({0xE3, 0x81, 0x41})));  // bad continuation
  CHECK_FALSE(pc::isValidUtf8(bytes({0xC3, 0xA9, 0xA9})));  // extra continuation

  // The error is found wherever it sits relative to the 8-byte ASCII fast path.
  for (std::size_t pad = 0; pad < 20; ++pad) {
    CHECK_FALSE(pc::isValidUtf8(std::string(pad, 'a') + bytes({0xC0, 0x80}) + "abcdefghij"));
    CHECK(pc::isValidUtf8(std::string(pad, 'a') + "あ" + std::string(pad, 'b')));
  }
}

TEST_CASE("CP932 decodes to the code points Windows gives") {
  const std::vector<std::pair<unsigned, char32_t>> known = {
      {0x5C, 0x005C},    // backslash stays backslash
      {0x7E, 0x007E},    // tilde stays tilde
      {0xA1, 0xFF61},    // ｡
      {0xB1, 0xFF71},    // ｱ
      {0xDF, 0xFF9F},    // ﾟ
      {0x815C, 0x2015},  // ―
      {0x815F, 0xFF3C},  // ＼ FULLWIDTH REVERSE SOLIDUS
      {0x8160, 0xFF5E},  // ～ FULLWIDTH TILDE (not U+301C WAVE DASH)
      {0x8161, 0x2225},  // ∥
      {0x817C, 0xFF0D},  // －
      {0x8191, 0xFFE0},  // ￠
      {0x8192, 0xFFE1},  // ￡
      {0x81CA, 0xFFE2},  // ￢
      {0x82A0, 0x3042},  // あ
      {0x889F, 0x4E9C},  // 亜
      {0x8740, 0x2460},  // ① (NEC row 13)
      {0x878A, 0x3231},  // ㈱
      {0x878D, 0x337E},  // ㍾
      {0xED40, 0x7E8A},  // 纊 (NEC-selected IBM extension)
      {0xFA40, 0x2170},  // ⅰ (IBM extension)
      {0xFAB1, 0xFA11},  // 﨑
      {0xFBFC, 0x9AD9},  // 髙
      {0xFC4B, 0x9ED1},  // 黑, the last IBM extension
      {0xF040, 0xE000},  // user-defined area (gaiji)
      {0xF9FC, 0xE757},
  };
  for (const auto& item : known) {
    const unsigned code = item.first;
    const char32_t cp = item.second;
    CAPTURE(code);
    CHECK(pc::decodeToUtf8(sjis(code), Encoding::ShiftJis) == u8(cp));
  }
  CHECK(pc::decodeToUtf8(kHeaderSjis + "\r\n1,\x8E\x52\x93\x63\x91\xBE\x98\x59\r\n",
                         Encoding::ShiftJis) == kHeaderUtf8 + "\r\n1,山田太郎\r\n");
}

TEST_CASE("CP932 decoding handles every ASCII run length") {
  std::string in, want;
  for (int k = 0; k < 40; ++k) {
    const std::string run(static_cast<std::size_t>(k % 19), static_cast<char>('a' + k % 26));
    in += run + bytes({0x82, 0xA0}) + bytes({0xB1}) + bytes({0x89, 0x40 + k});
    want += run + "あｱ" + pc::decodeToUtf8(bytes({0x89, 0x40 + k}), Encoding::ShiftJis);
  }
  CHECK(pc::decodeToUtf8(in, Encoding::ShiftJis) == want);
  CHECK(pc::encodeFromUtf8(want, Encoding::ShiftJis) == in);
}

TEST_CASE("invalid CP932 bytes are errors") {
  for (int b : {0x80, 0xA0, 0xFD, 0xFE, 0xFF}) {
    CAPTURE(b);
    CHECK(decodeError("ab" + bytes({b}) + "cd", Encoding::ShiftJis).code() == "encoding.invalid");
  }
  for (unsigned code :
       {0x8540u, 0x8640u, 0xEB40u, 0xEF40u, 0x817Fu, 0x81FDu, 0x8120u, 0xEEEDu, 0xFC4Cu, 0x81ADu}) {
    CAPTURE(code);
    CHECK(decodeError(sjis(code), Encoding::ShiftJis).code() == "encoding.invalid");
  }
  const pc::InputError truncated = decodeError("abc\x82", Encoding::ShiftJis);
  CHECK(truncated.code() == "encoding.invalid");
  CHECK(truncated.en() ==
        "Byte 0x82 at byte 4 is not valid shift_jis. The file ends in the middle of a "
        "character.");
}

TEST_CASE("decoding errors name the line, offset and bytes") {
  const pc::InputError crlf =
      decodeError("id,name\r\n1,a\r\n2,\x85\x40\r\n3,c\r\n", Encoding::ShiftJis);
  CHECK(crlf.code() == "encoding.invalid");
  CHECK(crlf.where().line == 3);
  CHECK(crlf.en() == "Bytes 0x85 0x40 at byte 17 are not valid shift_jis.");

  CHECK(decodeError("a\nb\nc\n\x80", Encoding::ShiftJis).where().line == 4);
  CHECK(decodeError("a\rb\r\x80", Encoding::ShiftJis).where().line == 3);      // lone CR
  CHECK(decodeError("a\r\n\rb\n\x80", Encoding::ShiftJis).where().line == 4);  // CRLF, CR, LF
  CHECK(decodeError("\x80", Encoding::ShiftJis).where().line == 1);
  // A valid two-byte character before the error does not disturb the count.
  CHECK(decodeError("\x82\xA0\n\x82\xA0\r\n\xFF", Encoding::ShiftJis).where().line == 3);

  // Byte numbers are 1-based: 1,234 bytes of 'x', then the bad pair from byte 1,235.
  const pc::InputError big = decodeError(std::string(1234, 'x') + "\x85\x40", Encoding::ShiftJis);
  CHECK(big.where().line == 1);
  CHECK(big.ja() ==
        "文字コード shift_jis として読めないバイト (0x85 0x40) があります（ファイル先頭から 1,235 "
        "バイト目）。");
  CHECK(big.en() == "Bytes 0x85 0x40 at byte 1,235 are not valid shift_jis.");
  const pc::InputError first = decodeError("\xFF,a\r\n", Encoding::ShiftJis);
  CHECK(first.ja() ==
        "文字コード shift_jis として読めないバイト (0xFF) があります（ファイル先頭から 1 "
        "バイト目）。");
  CHECK(first.en() == "Byte 0xFF at byte 1 is not valid shift_jis.");

  const pc::InputError utf8 = decodeError("ab\r\nc\xC0\x80", Encoding::Utf8);
  CHECK(utf8.code() == "encoding.invalid");
  CHECK(utf8.where().line == 2);
  CHECK(utf8.en() == "Bytes 0xC0 0x80 at byte 6 are not valid utf-8.");
  const pc::InputError surrogate = decodeError("\xEF\xBB\xBFx\n\xED\xA0\x80", Encoding::Utf8Bom);
  CHECK(surrogate.where().line == 2);
  CHECK(surrogate.en() == "Bytes 0xED 0xA0 0x80 at byte 6 are not valid utf-8.");
  CHECK(decodeError("\x80", Encoding::Utf8).en() == "Byte 0x80 at byte 1 is not valid utf-8.");
}

TEST_CASE("every canonical CP932 sequence survives decode + encode; duplicates are as documented") {
  // The documented non-canonical sequences (encoding.h) and what they are written as.
  std::map<unsigned, unsigned> documented;
  {
    std::vector<unsigned> necSelected, ibm;
    auto trail = [](unsigned code) {
      const unsigned t = code & 0xFF;
      return t >= 0x40 && t <= 0xFC && t != 0x7F;
    };
    for (unsigned c = 0xED40; c <= 0xEEEC; ++c) {
      if (trail(c)) necSelected.push_back(c);
    }
    for (unsigned c = 0xFA5C; c <= 0xFC4B; ++c) {
      if (trail(c)) ibm.push_back(c);
    }
    REQUIRE(necSelected.size() == 360);
    REQUIRE(ibm.size() == 360);
    for (std::size_t k = 0; k < 360; ++k) documented[necSelected[k]] = ibm[k];
    for (unsigned k = 0; k < 10; ++k) {
      documented[0xEEEF + k] = 0xFA40 + k;  // small roman numerals
      documented[0xFA4A + k] = 0x8754 + k;  // roman numerals
    }
    const std::vector<std::pair<unsigned, unsigned>> single = {
        {0xEEF9, 0x81CA}, {0xEEFA, 0xFA55}, {0xEEFB, 0xFA56}, {0xEEFC, 0xFA57}, {0xFA54, 0x81CA},
        {0xFA58, 0x878A}, {0xFA59, 0x8782}, {0xFA5A, 0x8784}, {0xFA5B, 0x81E6}, {0x8790, 0x81E0},
        {0x8791, 0x81DF}, {0x8792, 0x81E7}, {0x8795, 0x81E3}, {0x8796, 0x81DB}, {0x8797, 0x81DA},
        {0x879A, 0x81E6}, {0x879B, 0x81BF}, {0x879C, 0x81BE},
    };
    for (const auto& [from, to] : single) documented[from] = to;
  }
  REQUIRE(documented.size() == 398);

  std::map<unsigned, unsigned> found;
  std::string allCanonical;
  int decodable = 0;
  for (unsigned lead = 0x81; lead <= 0xFC; ++lead) {
    if (lead >= 0xA0 && lead <= 0xDF) continue;
    for (unsigned trail = 0x00; trail <= 0xFF; ++trail) {
      const unsigned code = (lead << 8) | trail;
      std::string text;
      try {
        text = pc::decodeToUtf8(sjis(code), Encoding::ShiftJis);
      } catch (const pc::InputError&) {
        continue;
      }
      ++decodable;
      REQUIRE(trail >= 0x40);
      REQUIRE((text.size() == 2 || text.size() == 3));  // one BMP character
      const std::string back = pc::encodeFromUtf8(text, Encoding::ShiftJis);
      REQUIRE(back.size() == 2);
      const unsigned backCode =
          (static_cast<unsigned char>(back[0]) << 8) | static_cast<unsigned char>(back[1]);
      if (backCode != code) {
        found[code] = backCode;
        // The replacement reads back as the same character.
        CHECK(pc::decodeToUtf8(back, Encoding::ShiftJis) == text);
      } else {
        allCanonical += sjis(code);
      }
    }
  }
  CHECK(decodable == 9604);
  CHECK(found == documented);

  // Single bytes: ASCII and half-width kana round-trip; nothing else decodes alone.
  int singles = 0;
  for (unsigned b = 0; b <= 0xFF; ++b) {
    const std::string in = sjis(b);
    try {
      const std::string text = pc::decodeToUtf8(in, Encoding::ShiftJis);
      CHECK(pc::encodeFromUtf8(text, Encoding::ShiftJis) == in);
      ++singles;
      if (b < 0x80) allCanonical += in;
    } catch (const pc::InputError&) {
      CHECK(((b >= 0x80 && b <= 0xA0) || b >= 0xE0));
    }
  }
  CHECK(singles == 128 + 63);

  // The same as one file, through the bulk paths.
  allCanonical += "\xB1\xDF\r\n";
  CHECK(pc::encodeFromUtf8(pc::decodeToUtf8(allCanonical, Encoding::ShiftJis),
                           Encoding::ShiftJis) == allCanonical);
}

TEST_CASE("characters from other systems are written the way Windows expects") {
  const std::vector<std::pair<char32_t, unsigned>> awkward = {
      {0x301C, 0x8160},  // 〜 WAVE DASH
      {0x2016, 0x8161},  // ‖ DOUBLE VERTICAL LINE
      {0x2212, 0x817C},  // − MINUS SIGN
      {0x00A2, 0x8191},  // ¢
      {0x00A3, 0x8192},  // £
      {0x00AC, 0x81CA},  // ¬
      {0x2014, 0x815C},  // — EM DASH
      {0x00A5, 0x5C},    // ¥
      {0x203E, 0x7E},    // ‾
  };
  for (const auto& item : awkward) {
    const char32_t cp = item.first;
    const unsigned code = item.second;
    CAPTURE(static_cast<std::uint32_t>(cp));
    CHECK(pc::encodeFromUtf8(u8(cp), Encoding::ShiftJis) == sjis(code));
  }
  // Characters with several sequences get the one WideCharToMultiByte writes.
  const std::vector<std::pair<char32_t, unsigned>> choice = {
      {0x2252, 0x81E0},  // ≒: JIS X 0208, not NEC row 13 0x8790
      {0x2235, 0x81E6},  // ∵: not 0x879A nor 0xFA5B
      {0x2160, 0x8754},  // Ⅰ: NEC row 13, not IBM 0xFA4A
      {0x3231, 0x878A},  // ㈱: NEC row 13, not IBM 0xFA58
      {0x2170, 0xFA40},  // ⅰ: IBM, not NEC-selected 0xEEEF
      {0x7E8A, 0xFA5C},  // 纊: IBM, not NEC-selected 0xED40
      {0x9AD9, 0xFBFC},  // 髙
      {0xFFE2, 0x81CA},  // ￢
      {0xFF5E, 0x8160},  // ～
      {0xE757, 0xF9FC},  // last user-defined character
  };
  for (const auto& item : choice) {
    const char32_t cp = item.first;
    const unsigned code = item.second;
    CAPTURE(static_cast<std::uint32_t>(cp));
    CHECK(pc::encodeFromUtf8(u8(cp), Encoding::ShiftJis) == sjis(code));
  }
  CHECK(pc::encodeFromUtf8(kHeaderUtf8 + "\r\n", Encoding::ShiftJis) == kHeaderSjis + "\r\n");
}

TEST_CASE("a character CP932 cannot hold throws UnmappableError") {
  try {
    pc::encodeFromUtf8("ab\r\nc,\xF0\x9F\x98\x80", Encoding::ShiftJis);  // 😀
    FAIL("no exception");
  } catch (const pc::UnmappableError& e) {
    CHECK(e.code() == "encoding.unmappable");
    CHECK(e.codepoint() == 0x1F600);
    CHECK(e.offset() == 6);
    CHECK(e.where().line == 2);
    CHECK(e.en() == "The character \"\xF0\x9F\x98\x80\" (U+1F600) cannot be written in shift_jis.");
  }
  try {
    pc::encodeFromUtf8("Beyonc\xC3\xA9", Encoding::ShiftJis);  // é is not in CP932
    FAIL("no exception");
  } catch (const pc::UnmappableError& e) {
    CHECK(e.codepoint() == 0xE9);
    CHECK(e.offset() == 6);
    CHECK(e.where().line == 1);
    CHECK(e.ja() == "文字「é」(U+00E9) は文字コード shift_jis では書き出せません。");
    CHECK(e.en() == "The character \"é\" (U+00E9) cannot be written in shift_jis.");
  }
  // Invisible characters are named by number only; the error is an InputError too.
  try {
    pc::encodeFromUtf8("\xEF\xBB\xBFx", Encoding::ShiftJis);
    FAIL("no exception");
  } catch (const pc::InputError& e) {
    CHECK(e.code() == "encoding.unmappable");
    CHECK(e.ja() == "文字 U+FEFF は文字コード shift_jis では書き出せません。");
    CHECK(e.en() == "The character (U+FEFF) cannot be written in shift_jis.");
  }
  // A writer can rethrow with its own location.
  const pc::UnmappableError again(0x1F600, 42, pc::Location{7, 3});
  CHECK(again.where().line == 7);
  CHECK(again.where().column == 3);
  CHECK(again.offset() == 42);
}

TEST_CASE("encoding rejects invalid UTF-8 and EUC-JP output") {
  for (Encoding e : {Encoding::Utf8, Encoding::Utf8Bom, Encoding::ShiftJis}) {
    try {
      pc::encodeFromUtf8("ok\n\xED\xA0\x80", e);
      FAIL("no exception");
    } catch (const pc::InputError& err) {
      CHECK(err.code() == "encoding.invalid");
      CHECK(err.where().line == 2);
    }
  }
  try {
    pc::encodeFromUtf8("abc", Encoding::EucJp);
    FAIL("no exception");
  } catch (const pc::InputError& err) {
    CHECK(err.code() == "encoding.unsupported");
  }
}

TEST_CASE("UTF-8 with and without BOM") {
  const std::string bom = "\xEF\xBB\xBF";
  const std::string text = kHeaderUtf8 + "\r\n1,山田\r\n";
  CHECK(pc::decodeToUtf8(bom + text, Encoding::Utf8Bom) == text);
  CHECK(pc::decodeToUtf8(bom + text, Encoding::Utf8) == text);
  CHECK(pc::decodeToUtf8(text, Encoding::Utf8Bom) == text);
  CHECK(pc::decodeToUtf8(text, Encoding::Utf8) == text);
  CHECK(pc::encodeFromUtf8(text, Encoding::Utf8Bom) == bom + text);
  CHECK(pc::encodeFromUtf8(bom + text, Encoding::Utf8Bom) == bom + text);  // not doubled
  CHECK(pc::encodeFromUtf8(text, Encoding::Utf8) == text);
  const std::string file = bom + text;
  const Encoding detected = pc::detectEncoding(file);
  CHECK(detected == Encoding::Utf8Bom);
  CHECK(pc::encodeFromUtf8(pc::decodeToUtf8(file, detected), detected) == file);
}

TEST_CASE("EUC-JP decoding (JIS X 0208, NEC row 13, half-width kana)") {
  CHECK(pc::decodeToUtf8(kHeaderEuc + "\n", Encoding::EucJp) == kHeaderUtf8 + "\n");
  // "ﾔﾏﾀﾞ" as SS2 pairs.
  CHECK(pc::decodeToUtf8(bytes({0x8E, 0xD4, 0x8E, 0xCF, 0x8E, 0xC0, 0x8E, 0xDE}),
                         Encoding::EucJp) == "ﾔﾏﾀﾞ");
  CHECK(pc::decodeToUtf8(bytes({0xA4, 0xA2}), Encoding::EucJp) == "あ");
  CHECK(pc::decodeToUtf8(bytes({0xB0, 0xA1}), Encoding::EucJp) == "亜");  // row 16 cell 1
  CHECK(pc::decodeToUtf8(bytes({0xF4, 0xA6}), Encoding::EucJp) == "熙");  // row 84 cell 6
  // Row/cell boundaries of the arithmetic to Shift_JIS (glibc EUC-JP agrees).
  const std::vector<std::pair<std::string, char32_t>> boundaries = {
      {bytes({0xB1, 0xDF}), 0x5186},  // 円 row 17 cell 63 -> 0x897E
      {bytes({0xB1, 0xE0}), 0x5712},  // 園 row 17 cell 64 -> 0x8980
      {bytes({0xB1, 0xFE}), 0x5FDC},  // 応 row 17 cell 94 -> 0x899E
      {bytes({0xB2, 0xA1}), 0x62BC},  // 押 row 18 cell 1 -> 0x899F
      {bytes({0xB2, 0xFE}), 0x6539},  // 改 row 18 cell 94 -> 0x89FC
      {bytes({0xDF, 0xA1}), 0x6F3E},  // 漾 row 63 -> lead 0xE0
      {bytes({0xE0, 0xA1}), 0x71F9},  // 燹 row 64
  };
  for (const auto& item : boundaries) {
    CHECK(pc::decodeToUtf8(item.first, Encoding::EucJp) == u8(item.second));
  }
  CHECK(pc::decodeToUtf8(bytes({0xAD, 0xA1}), Encoding::EucJp) == "①");         // NEC row 13
  CHECK(pc::decodeToUtf8(bytes({0xA1, 0xC1}), Encoding::EucJp) == u8(0xFF5E));  // as CP932
  CHECK(pc::decodeToUtf8(bytes({0xA1, 0xC0}), Encoding::EucJp) == u8(0xFF3C));
  for (const std::string& bad :
       {bytes({0x8F, 0xB0, 0xA1}), bytes({0x8E, 0xE0}), bytes({0xA9, 0xA1}), bytes({0xA4, 0x41}),
        bytes({0xFF, 0xA1}), bytes({0xA4}), bytes({0xF5, 0xA1})}) {
    CHECK(decodeError(bad, Encoding::EucJp).code() == "encoding.invalid");
  }
  const pc::InputError e = decodeError("a\nb\n\x8F\xB0\xA1", Encoding::EucJp);
  CHECK(e.where().line == 3);
  CHECK(e.en() == "Byte 0x8F at byte 5 is not valid euc-jp.");
}

TEST_CASE("UTF-16 decoding: both byte orders, BOM dropped, surrogate pairs joined") {
  // Kanji, kana, half-width kana, a gaiji code point, and 𠮷 (U+20BB7, as in 𠮷野) and 😀,
  // which need surrogate pairs.
  const std::string text =
      "住民番号\t氏名\t備考\r\n1\t𠮷野　花子\t\"ｶﾅ ok\r\n😀\"\r\n2\t髙橋\t\xEE\x80\x80~\\\r\n";
  CHECK(pc::decodeToUtf8(kBomLe + u16(text), Encoding::Utf16Le) == text);
  CHECK(pc::decodeToUtf8(kBomBe + u16(text, true), Encoding::Utf16Be) == text);
  CHECK(pc::decodeToUtf8(u16(text), Encoding::Utf16Le) == text);  // told, no BOM
  CHECK(pc::decodeToUtf8(u16(text, true), Encoding::Utf16Be) == text);
  CHECK(pc::decodeToUtf8(kBomLe, Encoding::Utf16Le).empty());
  CHECK(pc::decodeToUtf8("", Encoding::Utf16Le).empty());
  // Every UTF-8 length: U+007F, U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, U+10000,
  // U+10FFFF.
  for (char32_t cp :
       {0x7Fu, 0x80u, 0x7FFu, 0x800u, 0xD7FFu, 0xE000u, 0xFFFFu, 0x10000u, 0x10FFFFu}) {
    CAPTURE(static_cast<std::uint32_t>(cp));
    CHECK(pc::decodeToUtf8(kBomLe + u16(u8(cp)), Encoding::Utf16Le) == u8(cp));
    CHECK(pc::decodeToUtf8(kBomBe + u16(u8(cp), true), Encoding::Utf16Be) == u8(cp));
  }
  // The 4-units-at-a-time ASCII path, wherever the non-ASCII characters fall.
  for (std::size_t pad = 0; pad < 20; ++pad) {
    const std::string mixed = std::string(pad, 'a') + "あ" + std::string(pad, 'b') + "é\n" +
                              std::string(pad % 7, 'c') + "😀" + std::string(pad % 5, 'd');
    CAPTURE(pad);
    CHECK(pc::decodeToUtf8(kBomLe + u16(mixed), Encoding::Utf16Le) == mixed);
    CHECK(pc::decodeToUtf8(u16(mixed, true), Encoding::Utf16Be) == mixed);
  }
}

TEST_CASE("UTF-16 errors: unpaired surrogates and an odd byte count, with byte and line") {
  // A high surrogate followed by 'A': bytes 5-6 of the file (after the BOM and "x").
  const pc::InputError high =
      decodeError(kBomLe + u16("x") + bytes({0x3D, 0xD8, 0x41, 0x00}), Encoding::Utf16Le);
  CHECK(high.code() == "encoding.invalid");
  CHECK(high.where().line == 1);
  CHECK(high.en() ==
        "Bytes 0x3D 0xD8 at byte 5 are not valid utf-16le. U+D83D is a high surrogate without a "
        "low surrogate after it.");
  CHECK(high.ja() ==
        "文字コード utf-16le として読めないバイト (0x3D 0xD8) があります（ファイル先頭から 5 "
        "バイト目）。U+D83D（上位サロゲート）の後に下位サロゲートがありません。");

  // Two high surrogates in a row: the first is unpaired.
  CHECK(decodeError(bytes({0xD8, 0x3D, 0xD8, 0x3D, 0xDE, 0x00}), Encoding::Utf16Be).en() ==
        "Bytes 0xD8 0x3D at byte 1 are not valid utf-16be. U+D83D is a high surrogate without a "
        "low surrogate after it.");

  // A low surrogate alone, on line 3. 上 (U+4E0A) has a 0x0A byte that is not a line end.
  const pc::InputError low =
      decodeError(kBomLe + u16("上\r\n上\r\n上") + bytes({0x00, 0xDE}), Encoding::Utf16Le);
  CHECK(low.where().line == 3);
  CHECK(low.en() ==
        "Bytes 0x00 0xDE at byte 17 are not valid utf-16le. U+DE00 is a low surrogate without a "
        "high surrogate before it.");
  CHECK(low.ja().find("U+DE00（下位サロゲート）の前に上位サロゲートがありません。") !=
        std::string::npos);

  // The file ends after a high surrogate.
  const pc::InputError cut =
      decodeError(kBomBe + u16("a\nb\n", true) + bytes({0xD8, 0x3D}), Encoding::Utf16Be);
  CHECK(cut.where().line == 3);
  CHECK(cut.en() ==
        "Bytes 0xD8 0x3D at byte 11 are not valid utf-16be. The file ends in the middle of a "
        "character.");

  // An odd number of bytes: the last one is named, 1-based, on its line (lone CR ends line 1).
  const pc::InputError odd = decodeError(kBomLe + u16("a\rbc") + "d", Encoding::Utf16Le);
  CHECK(odd.where().line == 2);
  CHECK(odd.en() ==
        "Byte 0x64 at byte 11 is not valid utf-16le. The file has an odd number of bytes: UTF-16 "
        "uses two bytes per unit, so the last byte is left over.");
  CHECK(odd.ja() ==
        "文字コード utf-16le として読めないバイト (0x64) があります（ファイル先頭から 11 "
        "バイト目）。ファイルのバイト数が奇数です。UTF-16 は 2 バイトで 1 単位なので、最後の 1 "
        "バイトが余っています。");
  // The first problem in the file is the one reported.
  CHECK(decodeError(u16("ab") + bytes({0x00, 0xDC}) + "x", Encoding::Utf16Le)
            .en()
            .find("at byte 5") != std::string::npos);
}

TEST_CASE("UTF-16 is read, never written") {
  for (Encoding e : {Encoding::Utf16Le, Encoding::Utf16Be}) {
    try {
      pc::encodeFromUtf8("abc", e);
      FAIL("no exception");
    } catch (const pc::InputError& err) {
      CHECK(err.code() == "encoding.unsupported");
      CHECK(err.en() == std::string("Writing ") + pc::encodingName(e) +
                            " is not supported (utf-8-bom, utf-8, shift_jis).");
    }
  }
}

TEST_CASE("detection order: BOM, UTF-16 by zero bytes, UTF-8 (ASCII too), CP932, EUC-JP") {
  const std::string csv = "住民番号,氏名,生年月日\r\n1,山田太郎,昭和45年3月1日\r\n";
  // 1. A BOM decides, even over content that would be valid in another encoding.
  CHECK(pc::detectEncoding(kBomLe + u16(csv)) == Encoding::Utf16Le);
  CHECK(pc::detectEncoding(kBomBe + u16(csv, true)) == Encoding::Utf16Be);
  CHECK(pc::detectEncoding(kBomLe) == Encoding::Utf16Le);
  CHECK(pc::detectEncoding(kBomLe + "A") == Encoding::Utf16Le);  // decoding says: odd count
  CHECK(pc::detectEncoding("\xEF\xBB\xBF" + kHeaderSjis) == Encoding::Utf8Bom);
  CHECK(pc::bomEncoding("\xEF\xBB\xBFx") == Encoding::Utf8Bom);
  CHECK(pc::bomEncoding(kBomLe) == Encoding::Utf16Le);
  CHECK(pc::bomEncoding(kBomBe) == Encoding::Utf16Be);
  CHECK_FALSE(pc::bomEncoding("\xEF\xBB").has_value());
  CHECK_FALSE(pc::bomEncoding("\xFF").has_value());
  CHECK_FALSE(pc::bomEncoding(kHeaderSjis).has_value());

  // 2. UTF-16 without BOM, from the zero bytes of ASCII characters in the first KB.
  CHECK(pc::detectEncoding(u16(csv)) == Encoding::Utf16Le);
  CHECK(pc::detectEncoding(u16(csv, true)) == Encoding::Utf16Be);
  CHECK(pc::detectEncoding(u16("id,name\r\n1,abc\r\n")) == Encoding::Utf16Le);
  CHECK(pc::detectEncoding(u16("id,name\r\n1,abc\r\n", true)) == Encoding::Utf16Be);
  std::string long16;  // a big file: only the first KB is looked at
  for (int k = 0; k < 2000; ++k) long16 += csv;
  CHECK(pc::detectEncoding(u16(long16)) == Encoding::Utf16Le);
  // 一 (U+4E00) has a zero byte in the "wrong" place; the ASCII still decides.
  CHECK(pc::detectEncoding(u16("一丁目,一番地\r\n")) == Encoding::Utf16Le);
  CHECK(pc::detectEncoding(u16("一丁目,一番地\r\n", true)) == Encoding::Utf16Be);
  // Not UTF-16: a stray NUL in 8-bit text, NUL padding, other control characters.
  std::string stray = std::string(100, 'a') + '\0' + std::string(100, 'b');
  CHECK(pc::detectEncoding(stray) == Encoding::Utf8);
  CHECK(pc::detectEncoding(kHeaderSjis + std::string(64, '\0')) == Encoding::ShiftJis);
  CHECK(pc::detectEncoding(std::string("a\0\x01\0b\0", 6)) == Encoding::Utf8);
  // Japanese-only text without a single ASCII character has no zero byte: not recognised (the
  // documented limit), and it is not valid UTF-8 or CP932 either, so decoding will say so.
  CHECK(pc::detectEncoding(u16("住民番号氏名")) != Encoding::Utf16Le);

  // 3. Strict UTF-8; pure ASCII and an empty file are UTF-8.
  CHECK(pc::detectEncoding("id,age\r\n1,42\r\n") == Encoding::Utf8);
  CHECK(pc::detectEncoding("") == Encoding::Utf8);
  CHECK(pc::detectEncoding(csv) == Encoding::Utf8);
  // The documented ambiguity: "ﾃｽ" in CP932 (C3 BD) is also UTF-8 "ý".
  CHECK(pc::detectEncoding("a,\xC3\xBD\r\n") == Encoding::Utf8);

  // 4. CP932 (kanji with half-width kana and gaiji), then EUC-JP.
  const std::string register_ = kHeaderSjis + ",\xB6\xC5\r\n" +  // 住民番号,氏名,ｶﾅ
                                "1,\x8E\x52\x93\x63,\xD4\xCF\xC0\xDE\r\n" +  // 1,山田,ﾔﾏﾀﾞ
                                "2,\xF0\x40\x93\x63,\xB1\xB2\r\n";           // 2,<gaiji>田,ｱｲ
  CHECK(pc::detectEncoding(register_) == Encoding::ShiftJis);
  CHECK(pc::decodeToUtf8(register_, Encoding::ShiftJis) ==
        kHeaderUtf8 + ",ｶﾅ\r\n1,山田,ﾔﾏﾀﾞ\r\n2," + u8(0xE000) + "田,ｱｲ\r\n");
  CHECK(pc::encodeFromUtf8(pc::decodeToUtf8(register_, Encoding::ShiftJis), Encoding::ShiftJis) ==
        register_);
  CHECK(pc::detectEncoding(kHeaderEuc + "\n") == Encoding::EucJp);
}

TEST_CASE("a BOM wins over the chosen encoding") {
  const std::string text = kHeaderUtf8 + "\r\n1,山田\r\n";
  const std::string utf8Bom = "\xEF\xBB\xBF" + text;
  // Last month's recipe says shift_jis; this month's file was saved as "CSV UTF-8".
  CHECK(pc::readingEncoding(utf8Bom, Encoding::ShiftJis) == Encoding::Utf8Bom);
  CHECK(pc::decodeToUtf8(utf8Bom, Encoding::ShiftJis) == text);
  CHECK(pc::decodeToUtf8(utf8Bom, Encoding::EucJp) == text);
  CHECK(pc::decodeToUtf8(utf8Bom, Encoding::Utf16Le) == text);
  CHECK(pc::readingEncoding(utf8Bom, Encoding::Utf8) == Encoding::Utf8Bom);
  for (Encoding chosen : {Encoding::Utf8, Encoding::ShiftJis, Encoding::Utf16Be}) {
    CAPTURE(pc::encodingName(chosen));
    CHECK(pc::readingEncoding(kBomLe + u16(text), chosen) == Encoding::Utf16Le);
    CHECK(pc::decodeToUtf8(kBomLe + u16(text), chosen) == text);
    CHECK(pc::decodeToUtf8(kBomBe + u16(text, true), chosen) == text);
  }
  // Without a BOM the choice stands.
  CHECK(pc::readingEncoding(kHeaderSjis, Encoding::EucJp) == Encoding::EucJp);
  CHECK(pc::readingEncoding(u16(text), Encoding::Utf16Be) == Encoding::Utf16Be);
}

TEST_CASE("an Excel workbook instead of a CSV says so") {
  const std::string xlsx =
      std::string("PK\x03\x04\x14\x00\x06\x00", 8) + "\x88\xFF\x00\x01" + "[Content_Types].xml";
  const std::string xls = std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0", 12);
  for (const std::string& file : {xlsx, xls}) {
    for (Encoding e : {pc::detectEncoding(file), Encoding::Utf8, Encoding::ShiftJis}) {
      CAPTURE(pc::encodingName(e));
      const pc::InputError err = decodeError(file, e);
      CHECK(err.code() == "encoding.not-text");
      CHECK(err.ja().find("CSV UTF-8") != std::string::npos);
      CHECK(err.en().find("Excel workbook") != std::string::npos);
    }
  }
}
