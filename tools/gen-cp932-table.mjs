#!/usr/bin/env node
// Generates src/cp932_table.inc (the CP932 / Windows-31J tables of src/encoding.cpp) from
// iconv-lite's 'cp932' codec.
//
//   node tools/gen-cp932-table.mjs          (from the repository root; overwrites the file)
//
// What it writes:
//   kCp932LeadRow[256]        lead byte -> row of kCp932Decode, -1 when the byte is not a lead.
//   kCp932Decode[60][192]     code point of (lead, trail), indexed by trail - 0x40; 0 = unmapped.
//   kCp932EncodeUnicode[N]    sorted BMP code points (ASCII, half-width kana and the user-defined
//   kCp932EncodeSjis[N]       area are arithmetic in encoding.cpp and not listed) and the byte
//                             sequence each one is written as (< 0x100: one byte).
//   kCp932EncodePage[257]     first index of each 256-code-point page in kCp932EncodeUnicode.
//
// Decisions (documented again in src/encoding.h):
//   * The user-defined area 0xF040-0xF9FC maps to U+E000-U+E757 as Windows and glibc do.
//     iconv-lite stops at 0xF940; where it has a value it must agree.
//   * When several byte sequences decode to one code point, the one written is the one Windows'
//     WideCharToMultiByte writes: never NEC-selected IBM extensions (lead 0xED/0xEE) when another
//     exists, otherwise the lowest sequence (JIS X 0208 < NEC row 13 < IBM extensions).
//   * Encode-only extras (text from other systems): U+301C->8160, U+2016->8161, U+2212->817C,
//     U+00A2->8191, U+00A3->8192, U+00AC->81CA, U+2014->815C, U+00A5->5C, U+203E->7E.
//
// Cross-checks (the script fails instead of writing when one does not hold): single bytes, the
// user-defined area, encode(decode(x)) == x for every canonical x through a simulation of the C++
// lookup, agreement with iconv-lite's encoder, and the exact list of non-canonical duplicates.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const iconv = require('iconv-lite');
const iconvVersion = require('iconv-lite/package.json').version;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outFile = path.join(root, 'src', 'cp932_table.inc');

const hex = (n, w = 4) => n.toString(16).toUpperCase().padStart(w, '0');
function fail(msg) {
  console.error(`gen-cp932-table: ${msg}`);
  process.exit(1);
}

// Lead bytes in row order, and the trail index used by both the generator and the C++ code.
const leads = [];
for (let b = 0x81; b <= 0x9f; b++) leads.push(b);
for (let b = 0xe0; b <= 0xfc; b++) leads.push(b);
const isTrail = (t) => t >= 0x40 && t <= 0xfc && t !== 0x7f;
const userDefined = (lead, trail) => {
  const t = trail - 0x40 - (trail > 0x7f ? 1 : 0);  // 0..187
  return 0xe000 + (lead - 0xf0) * 188 + t;
};

// ---- single bytes: the C++ code handles them arithmetically; make sure that is iconv-lite's view.
for (let b = 0; b < 0x80; b++) {
  if (iconv.decode(Buffer.from([b]), 'cp932') !== String.fromCharCode(b)) fail(`byte ${hex(b, 2)}`);
}
for (let b = 0xa1; b <= 0xdf; b++) {
  const want = String.fromCharCode(0xff61 + b - 0xa1);
  if (iconv.decode(Buffer.from([b]), 'cp932') !== want) fail(`byte ${hex(b, 2)}`);
}

// ---- decoding table.
const decode = leads.map(() => new Array(192).fill(0));
const byCodePoint = new Map();  // code point -> [sjis...] ascending
let mapped = 0;
leads.forEach((lead, row) => {
  for (let trail = 0x40; trail <= 0xff; trail++) {
    if (!isTrail(trail)) continue;
    const s = iconv.decode(Buffer.from([lead, trail]), 'cp932');
    let cp = s.length === 1 && s !== '\ufffd' ? s.charCodeAt(0) : 0;
    if (lead >= 0xf0 && lead <= 0xf9) {
      const want = userDefined(lead, trail);
      if (cp !== 0 && cp !== want) fail(`user-defined ${hex(lead, 2)}${hex(trail, 2)}`);
      cp = want;
    }
    if (cp === 0) continue;
    if (cp >= 0xd800 && cp <= 0xdfff) fail(`surrogate at ${hex(lead, 2)}${hex(trail, 2)}`);
    decode[row][trail - 0x40] = cp;
    mapped++;
    const sj = (lead << 8) | trail;
    if (!byCodePoint.has(cp)) byCodePoint.set(cp, []);
    byCodePoint.get(cp).push(sj);
  }
});

// ---- encoding table: choose the sequence Windows writes.
const chosen = new Map();  // code point -> sjis
for (const [cp, list] of byCodePoint) {
  const notNecSelected = list.filter((sj) => sj >> 8 !== 0xed && sj >> 8 !== 0xee);
  const pool = notNecSelected.length > 0 ? notNecSelected : list;
  chosen.set(cp, Math.min(...pool));
}
const extras = [
  [0x301c, 0x8160], [0x2016, 0x8161], [0x2212, 0x817c], [0x00a2, 0x8191], [0x00a3, 0x8192],
  [0x00ac, 0x81ca], [0x2014, 0x815c], [0x00a5, 0x5c], [0x203e, 0x7e],
];
for (const [cp, sj] of extras) {
  if (chosen.has(cp)) fail(`extra U+${hex(cp)} is already decoded from a byte sequence`);
  chosen.set(cp, sj);
}
const arithmetic = (cp) => cp < 0x80 || (cp >= 0xff61 && cp <= 0xff9f) || (cp >= 0xe000 && cp <= 0xe757);
const encodeEntries = [...chosen].filter(([cp]) => !arithmetic(cp)).sort((a, b) => a[0] - b[0]);
const encUnicode = encodeEntries.map(([cp]) => cp);
const encSjis = encodeEntries.map(([, sj]) => sj);

// ---- cross-checks through a simulation of the C++ lookup (encoding.cpp: cp932Code).
function lookup(cp) {
  if (cp < 0x80) return cp;
  if (cp >= 0xff61 && cp <= 0xff9f) return cp - 0xff61 + 0xa1;
  if (cp >= 0xe000 && cp <= 0xe757) {
    const i = cp - 0xe000;
    const t = i % 188;
    return ((0xf0 + Math.floor(i / 188)) << 8) | (t + 0x40 + (t >= 63 ? 1 : 0));
  }
  let lo = 0;
  let hi = encUnicode.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (encUnicode[mid] < cp) lo = mid + 1;
    else hi = mid;
  }
  return lo < encUnicode.length && encUnicode[lo] === cp ? encSjis[lo] : -1;
}
const duplicates = [];  // [sjis, code point, canonical sjis]
let canonical = 0;
leads.forEach((lead, row) => {
  for (let trail = 0x40; trail <= 0xfc; trail++) {
    const cp = decode[row][trail - 0x40];
    if (cp === 0) continue;
    const sj = (lead << 8) | trail;
    const back = lookup(cp);
    if (back === sj) {
      canonical++;
    } else {
      if (back < 0 || decode[leads.indexOf(back >> 8)][(back & 0xff) - 0x40] !== cp) {
        fail(`${hex(sj)} -> U+${hex(cp)} does not encode back to the same character`);
      }
      duplicates.push([sj, cp, back]);
    }
    // iconv-lite's encoder agrees wherever it can encode (it cannot encode the user-defined area).
    if (!(cp >= 0xe000 && cp <= 0xe757)) {
      const b = iconv.encode(String.fromCharCode(cp), 'cp932');
      const viaIconv = b.length === 2 ? (b[0] << 8) | b[1] : -1;
      if (viaIconv !== back) fail(`U+${hex(cp)}: iconv-lite writes ${hex(viaIconv)}, we ${hex(back)}`);
    }
  }
});
for (const [cp, sj] of extras) {
  if (lookup(cp) !== sj) fail(`extra U+${hex(cp)}`);
}
// The documented list of non-canonical duplicates (see src/encoding.h).
const expectDup = new Map();
{
  const necSelectedKanji = [];
  const ibmKanji = [];
  for (let sj = 0xed40; sj <= 0xeeec; sj++) if (isTrail(sj & 0xff)) necSelectedKanji.push(sj);
  for (let sj = 0xfa5c; sj <= 0xfc4b; sj++) if (isTrail(sj & 0xff)) ibmKanji.push(sj);
  if (necSelectedKanji.length !== 360 || ibmKanji.length !== 360) fail('kanji block sizes');
  necSelectedKanji.forEach((sj, i) => expectDup.set(sj, ibmKanji[i]));
  for (let i = 0; i < 10; i++) expectDup.set(0xeeef + i, 0xfa40 + i);  // small roman numerals
  for (let i = 0; i < 10; i++) expectDup.set(0xfa4a + i, 0x8754 + i);  // roman numerals
  const single = [
    [0xeef9, 0x81ca], [0xeefa, 0xfa55], [0xeefb, 0xfa56], [0xeefc, 0xfa57], [0xfa54, 0x81ca],
    [0xfa58, 0x878a], [0xfa59, 0x8782], [0xfa5a, 0x8784], [0xfa5b, 0x81e6], [0x8790, 0x81e0],
    [0x8791, 0x81df], [0x8792, 0x81e7], [0x8795, 0x81e3], [0x8796, 0x81db], [0x8797, 0x81da],
    [0x879a, 0x81e6], [0x879b, 0x81bf], [0x879c, 0x81be],
  ];
  for (const [a, b] of single) expectDup.set(a, b);
}
if (duplicates.length !== expectDup.size) {
  fail(`${duplicates.length} duplicates, documented ${expectDup.size}`);
}
for (const [sj, cp, back] of duplicates) {
  if (expectDup.get(sj) !== back) fail(`undocumented duplicate ${hex(sj)} U+${hex(cp)} -> ${hex(back)}`);
}

// ---- write.
const lines = [];
lines.push('// GENERATED FILE - do not edit. Regenerate with:  node tools/gen-cp932-table.mjs');
 lines.push('// clang-format off');
lines.push(`// Source: iconv-lite ${iconvVersion} codec 'cp932' (every lead/trail pair decoded), plus the`);
lines.push('// user-defined area 0xF040-0xF9FC -> U+E000-U+E757 (Windows). Included by src/encoding.cpp.');
lines.push(`// ${mapped} two-byte sequences decode; ${canonical} are canonical (written back as they are),`);
lines.push(`// ${duplicates.length} are duplicates written as another sequence (see src/encoding.h).`);
lines.push('');
lines.push('// Lead byte -> row of kCp932Decode; -1 = not a lead byte.');
lines.push('static const signed char kCp932LeadRow[256] = {');
const leadRow = new Array(256).fill(-1);
leads.forEach((lead, row) => { leadRow[lead] = row; });
for (let i = 0; i < 256; i += 16) lines.push(`    ${leadRow.slice(i, i + 16).join(', ')},`);
lines.push('};');
lines.push('');
lines.push('// [row][trail - 0x40] -> code point (BMP); 0 = not a character.');
lines.push(`static const unsigned short kCp932Decode[${leads.length}][192] = {`);
leads.forEach((lead, row) => {
  lines.push(`    {  // lead 0x${hex(lead, 2)}`);
  for (let i = 0; i < 192; i += 16) {
    lines.push(`        ${decode[row].slice(i, i + 16).map((v) => (v ? `0x${hex(v)}` : '0')).join(',')},`);
  }
  lines.push('    },');
});
lines.push('};');
lines.push('');
lines.push('// Code points the encoder looks up (sorted) and the byte sequence written for each.');
const emit = (name, arr) => {
  lines.push(`static const unsigned short ${name}[${arr.length}] = {`);
  for (let i = 0; i < arr.length; i += 16) {
    lines.push(`    ${arr.slice(i, i + 16).map((v) => `0x${hex(v)}`).join(',')},`);
  }
  lines.push('};');
};
emit('kCp932EncodeUnicode', encUnicode);
emit('kCp932EncodeSjis', encSjis);
// pageStart[p] = index of the first entry with code point >= p << 8 (p = 0..256): the entries of
// page p are [pageStart[p], pageStart[p + 1]), searched by binary search.
const pageStart = [];
for (let page = 0, k = 0; page <= 256; page++) {
  while (k < encUnicode.length && encUnicode[k] < page << 8) k++;
  pageStart.push(k);
}
lines.push('');
lines.push('// Index of the first entry of each 256-code-point page (and the end), to narrow the search.');
lines.push(`static const unsigned short kCp932EncodePage[257] = {`);
for (let i = 0; i < 257; i += 16) lines.push(`    ${pageStart.slice(i, i + 16).join(',')},`);
lines.push('};');
writeFileSync(outFile, lines.join('\n') + '\n');
console.error(
  `gen-cp932-table: wrote ${path.relative(root, outFile)}: ${mapped} mapped, ${canonical} canonical, ` +
    `${duplicates.length} duplicates, ${encUnicode.length} encoder entries.`,
);
