// Tests for the sample city generator (web/sample-city.js) and its CLI (tools/gen-city.mjs).
// Run: node --test tests/js/sample-city.test.mjs
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import {
  DISTRICTS, HEADER, REFERENCE_DATE, cityToCsv, csvRecord, generateCity, generateRows, toWareki,
} from '../../web/sample-city.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'tools', 'gen-city.mjs');

const EXPECTED_HEADER = [
  '住民番号', '氏名', 'フリガナ', '生年月日', '性別', '住所', '中学校区',
  '世帯人数', '要介護度', '医療費年額', 'BMI', '収縮期血圧', 'HbA1c', '備考',
];
const COL = Object.fromEntries(EXPECTED_HEADER.map((name, i) => [name, i]));
const TINY = '山間分校中学校区';
// SHA-256 of cityToCsv(generateCity({ rows: 1000, seed: 42 })).
const PINNED_SHA256 = 'ade553682647dcec37aaeda1803899c2c516b0363f5aa0457bda678228442d0c';

/** Minimal RFC 4180 parser (comma, double-quote quoting, CRLF or LF records). */
function parseCsv(text) {
  const records = [];
  let record = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') { quoted = true; i++; continue; }
    if (c === ',') { record.push(field); field = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') i++;
    if (c === '\r' || c === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
      continue;
    }
    field += c;
    i++;
  }
  if (field !== '' || record.length) { record.push(field); records.push(record); }
  return records;
}

/** Age in whole years at REFERENCE_DATE from an ISO birth date. */
const [REF_Y, REF_M, REF_D] = REFERENCE_DATE.split('-').map(Number);
function ageOf(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return REF_Y - y - (m > REF_M || (m === REF_M && d > REF_D) ? 1 : 0);
}

const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
const share = (xs, pred) => xs.filter(pred).length / xs.length;

// One mid-sized city shared by the statistical tests.
const CITY = generateCity({ rows: 50000, seed: 2026 });
const PEOPLE = CITY.rows.map((r) => ({ row: r, age: ageOf(r[COL.生年月日]) }));
const inAges = (lo, hi) => PEOPLE.filter((p) => p.age >= lo && p.age <= hi);

describe('determinism', () => {
  test('same options give identical CSV; another seed gives different data', () => {
    const a = cityToCsv(generateCity({ rows: 3000, seed: 7 }));
    const b = cityToCsv(generateCity({ rows: 3000, seed: 7 }));
    const c = cityToCsv(generateCity({ rows: 3000, seed: 8 }));
    assert.equal(a, b);
    assert.notEqual(a, c);
    const rowsA = a.split('\r\n');
    const rowsC = new Set(c.split('\r\n'));
    assert.ok(rowsA.slice(1).filter((line) => rowsC.has(line)).length < 5, 'seeds give unrelated rows');
  });

  test('output is pinned (update the fingerprint only when changing the generator on purpose)', () => {
    // The generator uses only integer and IEEE-exact arithmetic, so this fingerprint must be the
    // same in every engine and on every platform.
    const csv = cityToCsv(generateCity({ rows: 1000, seed: 42 }));
    const sha = createHash('sha256').update(csv).digest('hex');
    assert.equal(sha, PINNED_SHA256);
  });

  test('generateRows yields the same rows as generateCity', () => {
    const streamed = Array.from(generateRows({ rows: 500, seed: 3 }));
    assert.deepEqual(streamed, generateCity({ rows: 500, seed: 3 }).rows);
  });

  test('bad options are rejected', () => {
    for (const opts of [{ rows: -1 }, { rows: 1.5 }, { rows: '10' }, { seed: -1 }, { seed: 2 ** 32 }, { seed: 0.5 }]) {
      assert.throws(() => generateCity(opts), RangeError, JSON.stringify(opts));
    }
  });
});

describe('shape', () => {
  test('header, row count, 14 string cells per row, unique 10-digit resident numbers', () => {
    assert.deepEqual(CITY.header, EXPECTED_HEADER);
    assert.deepEqual([...HEADER], EXPECTED_HEADER);
    assert.equal(CITY.rows.length, 50000);
    for (const r of CITY.rows) {
      assert.equal(r.length, 14);
      assert.ok(r.every((cell) => typeof cell === 'string'));
    }
    const ids = CITY.rows.map((r) => r[COL.住民番号]);
    assert.ok(ids.every((id) => /^\d{10}$/.test(id)));
    assert.equal(new Set(ids).size, ids.length);
  });

  test('exactly `rows` rows for any size, including tiny ones', () => {
    for (const rows of [0, 1, 4, 5, 6, 7, 300, 12345]) {
      assert.equal(generateCity({ rows, seed: 5 }).rows.length, rows, `rows=${rows}`);
    }
    assert.equal(generateCity().rows.length, 20000, 'default is 20000 rows');
  });

  test('names, readings, sexes, dates and categories are well formed', () => {
    for (const r of CITY.rows.slice(0, 5000)) {
      assert.match(r[COL.氏名], /^\S+\u3000\S+$/u);
      assert.match(r[COL.フリガナ], /^[\u30A1-\u30FC]+\u3000[\u30A1-\u30FC]+$/u);
      assert.match(r[COL.生年月日], /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(['男', '女'].includes(r[COL.性別]));
      assert.match(r[COL.住所], /^茨城県つくし市/);
      assert.match(r[COL.世帯人数], /^[1-8]$/);
      assert.ok(['非該当', '要支援1', '要支援2', '要介護1', '要介護2', '要介護3', '要介護4', '要介護5']
        .includes(r[COL.要介護度]));
      assert.match(r[COL.医療費年額], /^\d+$/);
    }
    const ages = PEOPLE.map((p) => p.age);
    assert.equal(Math.min(...ages), 0);
    assert.ok(Math.max(...ages) >= 95 && Math.max(...ages) <= 105);
  });

  test('all characters survive a round trip through CP932 (Shift_JIS)', () => {
    const csv = cityToCsv(generateCity({ rows: 20000, seed: 11 }));
    assert.equal(iconv.decode(iconv.encode(csv, 'cp932'), 'cp932'), csv);
  });

  test('some addresses and notes carry commas, quotes and line breaks; most notes are empty', () => {
    const addresses = CITY.rows.map((r) => r[COL.住所]);
    const notes = CITY.rows.map((r) => r[COL.備考]);
    assert.ok(addresses.some((a) => a.includes(',')));
    assert.ok(addresses.some((a) => a.includes('"')));
    assert.ok(notes.some((n) => n.includes(',')));
    assert.ok(notes.some((n) => n.includes('"')));
    assert.ok(notes.some((n) => n.includes('\n')));
    assert.ok(share(notes, (n) => n === '') > 0.9);
  });
});

describe('districts', () => {
  const byDistrict = new Map(DISTRICTS.map((d) => [d.name, []]));
  for (const p of PEOPLE) byDistrict.get(p.row[COL.中学校区]).push(p);

  test('about 15 districts, all populated, only known names', () => {
    assert.ok(DISTRICTS.length >= 12 && DISTRICTS.length <= 18);
    assert.equal(new Set(DISTRICTS.map((d) => d.name)).size, DISTRICTS.length);
    for (const [name, people] of byDistrict) assert.ok(people.length > 0, name);
    assert.equal([...byDistrict.values()].reduce((s, ps) => s + ps.length, 0), CITY.rows.length);
  });

  test('the tiny district has its fixed size whatever the row count', () => {
    assert.equal(byDistrict.get(TINY).length, 5);
    for (const rows of [300, 12345]) {
      const n = generateCity({ rows, seed: 9 }).rows.filter((r) => r[COL.中学校区] === TINY).length;
      assert.equal(n, 5, `rows=${rows}`);
    }
  });

  test('other districts are proportional to their weights (largest remainder, ±1 row)', () => {
    const regular = DISTRICTS.filter((d) => d.name !== TINY);
    const total = regular.reduce((s, d) => s + d.weight, 0);
    for (const d of regular) {
      const expected = ((CITY.rows.length - 5) * d.weight) / total;
      assert.ok(Math.abs(byDistrict.get(d.name).length - expected) < 1, d.name);
    }
  });

  test('age structures differ: oldest district has > 2× the 65+ share of the youngest', () => {
    const old = [...byDistrict].filter(([name]) => name !== TINY)
      .map(([name, ps]) => ({ name, old: share(ps, (p) => p.age >= 65), kids: share(ps, (p) => p.age < 15) }));
    old.sort((a, b) => a.old - b.old);
    const youngest = old[0];
    const oldest = old.at(-1);
    assert.ok(oldest.old > 2 * youngest.old, `${oldest.name} ${oldest.old} vs ${youngest.name} ${youngest.old}`);
    assert.ok(oldest.old >= 0.4, 'an ageing district has 40 %+ aged 65+');
    assert.ok(youngest.kids > 2 * oldest.kids, 'the young district has many more children');
    const city65 = share(PEOPLE, (p) => p.age >= 65);
    assert.ok(city65 > 0.2 && city65 < 0.35, `city-wide 65+ share ${city65}`);
  });

  test('rural districts have larger households than the station district', () => {
    const hh = (name) => mean(byDistrict.get(name).map((p) => Number(p.row[COL.世帯人数])));
    assert.ok(hh('北山中学校区') > hh('駅前中学校区') + 0.5);
  });
});

describe('statistical shapes', () => {
  test('sex ratio is about even overall, with more women at old ages', () => {
    const female = (ps) => share(ps, (p) => p.row[COL.性別] === '女');
    assert.ok(Math.abs(female(PEOPLE) - 0.5) < 0.03);
    assert.ok(female(inAges(85, 200)) > 0.6);
    assert.ok(Math.abs(female(inAges(0, 39)) - 0.49) < 0.03);
  });

  test('care certification rises with age and is heavier at older ages', () => {
    const certified = (ps) => ps.filter((p) => p.row[COL.要介護度] !== '非該当');
    const rate = (lo, hi) => certified(inAges(lo, hi)).length / inAges(lo, hi).length;
    assert.equal(rate(0, 39), 0);
    const bands = [rate(40, 64), rate(65, 74), rate(75, 84), rate(85, 200)];
    assert.ok(bands[0] < 0.01, `40–64: ${bands[0]}`);
    for (let i = 1; i < bands.length; i++) assert.ok(bands[i] > 2 * bands[i - 1], `bands ${bands}`);
    assert.ok(bands[1] > 0.02 && bands[1] < 0.08, `65–74: ${bands[1]}`);
    assert.ok(bands[2] > 0.12 && bands[2] < 0.26, `75–84: ${bands[2]}`);
    assert.ok(bands[3] > 0.45 && bands[3] < 0.75, `85+: ${bands[3]}`);
    const heavy = (lo, hi) => share(certified(inAges(lo, hi)), (p) => /要介護[345]/.test(p.row[COL.要介護度]));
    assert.ok(heavy(90, 200) > heavy(65, 79));
  });

  test('medical cost: integers, a few percent zero, mean rising with age, right-skewed', () => {
    const costs = (lo, hi) => inAges(lo, hi).map((p) => Number(p.row[COL.医療費年額]));
    const all = costs(0, 200);
    assert.ok(all.every((c) => Number.isInteger(c) && c >= 0));
    const zero = share(all, (c) => c === 0);
    assert.ok(zero > 0.01 && zero < 0.1, `zero share ${zero}`);
    const means = [costs(15, 39), costs(40, 64), costs(65, 74), costs(75, 200)].map(mean);
    for (let i = 1; i < means.length; i++) assert.ok(means[i] > means[i - 1], `means ${means}`);
    assert.ok(means[0] > 60e3 && means[0] < 250e3, `15–39 mean ${means[0]}`);
    assert.ok(means[3] > 600e3 && means[3] < 1.4e6, `75+ mean ${means[3]}`);
    const sorted = [...all].sort((a, b) => a - b);
    assert.ok(mean(all) > 1.5 * sorted[sorted.length >> 1], 'mean well above median');
  });

  test('medical cost rises with care level among the old', () => {
    const old = inAges(80, 200);
    const cost = (pred) => mean(old.filter(pred).map((p) => Number(p.row[COL.医療費年額])));
    assert.ok(cost((p) => /要介護[45]/.test(p.row[COL.要介護度])) > cost((p) => p.row[COL.要介護度] === '非該当'));
  });

  test('checkup columns: blank under 40, about half blank over 40, plausible values', () => {
    const checkup = (p) => [p.row[COL.BMI], p.row[COL.収縮期血圧], p.row[COL.HbA1c]];
    for (const p of inAges(0, 39)) assert.deepEqual(checkup(p), ['', '', '']);
    const adults = inAges(40, 200);
    for (const p of adults) {
      const filled = checkup(p).filter((v) => v !== '').length;
      assert.ok(filled === 0 || filled === 3, 'all three blank or all three present');
    }
    const blank = share(adults, (p) => p.row[COL.BMI] === '');
    assert.ok(blank > 0.35 && blank < 0.65, `blank share ${blank}`);
    const screened = adults.filter((p) => p.row[COL.BMI] !== '');
    for (const p of screened) {
      assert.match(p.row[COL.BMI], /^\d{2}\.\d$/);
      assert.match(p.row[COL.HbA1c], /^\d{1,2}\.\d$/);
      assert.match(p.row[COL.収縮期血圧], /^\d{2,3}$/);
    }
    const bmi = screened.map((p) => Number(p.row[COL.BMI]));
    const a1c = screened.map((p) => Number(p.row[COL.HbA1c]));
    assert.ok(mean(bmi) > 22 && mean(bmi) < 25, `BMI mean ${mean(bmi)}`);
    assert.ok(mean(a1c) > 5.6 && mean(a1c) < 6.0, `HbA1c mean ${mean(a1c)}`);
    assert.ok(share(a1c, (x) => x >= 6.5) > 0.04, 'HbA1c has a right tail');
    const sbp = (lo, hi) => mean(screened.filter((p) => p.age >= lo && p.age <= hi).map((p) => Number(p.row[COL.収縮期血圧])));
    assert.ok(sbp(70, 200) > sbp(40, 49) + 8, 'blood pressure rises with age');
  });

  test('households: children never live alone; the old live alone more often than the middle-aged', () => {
    const alone = (ps) => share(ps, (p) => p.row[COL.世帯人数] === '1');
    assert.equal(alone(inAges(0, 14)), 0);
    assert.ok(alone(inAges(80, 200)) > alone(inAges(40, 64)));
  });
});

describe('wareki', () => {
  test('era boundaries', () => {
    const cases = [
      [[1989, 1, 7], '昭和64年1月7日'],
      [[1989, 1, 8], '平成元年1月8日'],
      [[2019, 4, 30], '平成31年4月30日'],
      [[2019, 5, 1], '令和元年5月1日'],
      [[1926, 12, 24], '大正15年12月24日'],
      [[1926, 12, 25], '昭和元年12月25日'],
      [[1912, 7, 29], '明治45年7月29日'],
      [[1912, 7, 30], '大正元年7月30日'],
      [[1970, 3, 1], '昭和45年3月1日'],
      [[2026, 4, 1], '令和8年4月1日'],
    ];
    for (const [[y, m, d], expected] of cases) assert.equal(toWareki(y, m, d), expected);
  });

  test('invalid dates and dates before 1873 are rejected', () => {
    assert.throws(() => toWareki(2019, 2, 29), RangeError);
    assert.throws(() => toWareki(2019, 13, 1), RangeError);
    assert.throws(() => toWareki(1872, 12, 31), RangeError);
    assert.equal(toWareki(2020, 2, 29), '令和2年2月29日');
  });

  test('wareki: true changes only the birth-date format', () => {
    const iso = generateCity({ rows: 3000, seed: 4 });
    const wareki = generateCity({ rows: 3000, seed: 4, wareki: true });
    iso.rows.forEach((r, i) => {
      const w = wareki.rows[i];
      const [y, m, d] = r[COL.生年月日].split('-').map(Number);
      assert.equal(w[COL.生年月日], toWareki(y, m, d));
      assert.match(w[COL.生年月日], /^(大正|昭和|平成|令和)(元|[1-9]\d?)年\d{1,2}月\d{1,2}日$/);
      assert.deepEqual(w.toSpliced(COL.生年月日, 1), r.toSpliced(COL.生年月日, 1));
    });
  });
});

describe('CSV writer', () => {
  test('quotes only fields with comma, quote, CR or LF; doubles quotes; CRLF records', () => {
    const city = {
      header: ['a', 'b,c', 'd'],
      rows: [
        ['plain', 'x,y', 'say "hi"'],
        ['line1\nline2', 'cr\rhere', ''],
        ['', '', '日本語'],
      ],
    };
    assert.equal(
      cityToCsv(city),
      'a,"b,c",d\r\n'
      + 'plain,"x,y","say ""hi"""\r\n'
      + '"line1\nline2","cr\rhere",\r\n'
      + ',,日本語\r\n',
    );
    assert.deepEqual(parseCsv(cityToCsv(city)), [city.header, ...city.rows]);
    assert.equal(csvRecord(['a', 'b']), 'a,b\r\n');
  });

  test('a generated city round-trips through an RFC 4180 parser; no BOM', () => {
    const csv = cityToCsv(CITY);
    assert.notEqual(csv.charCodeAt(0), 0xfeff);
    assert.ok(csv.endsWith('\r\n'));
    assert.deepEqual(parseCsv(csv), [CITY.header, ...CITY.rows]);
  });
});

describe('CLI tools/gen-city.mjs', () => {
  const run = (args) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'buffer', cwd: ROOT });

  test('writes Shift_JIS (CP932) with the right header and row count', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'gen-city-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, 'city.csv');
    const res = run(['--rows', '300', '--encoding', 'shift_jis', '-o', out]);
    assert.equal(res.status, 0, res.stderr.toString());
    assert.match(res.stderr.toString(), /300 rows/);
    const text = iconv.decode(readFileSync(out), 'cp932');
    const records = parseCsv(text);
    assert.deepEqual(records[0], EXPECTED_HEADER);
    assert.equal(records.length, 301);
    assert.equal(text, cityToCsv(generateCity({ rows: 300, seed: 1 })));
    assert.deepEqual(readdirSync(dir), ['city.csv'], 'no temporary file left behind');
  });

  test('utf-8-bom starts with a BOM; --seed and --wareki are passed through', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'gen-city-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, 'city.csv');
    const res = run(['--rows=50', '--seed=9', '--wareki', '--encoding', 'utf-8-bom', '--output', out]);
    assert.equal(res.status, 0, res.stderr.toString());
    const bytes = readFileSync(out);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(bytes.subarray(3).toString('utf8'), cityToCsv(generateCity({ rows: 50, seed: 9, wareki: true })));
  });

  test('bad arguments exit with status 2, a message, and no output file', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'gen-city-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, 'bad.csv');
    const cases = [
      [['--rows', 'abc', '-o', out], /--rows/],
      [['--rows', '-5', '-o', out], /--rows/],
      [['--seed', '99999999999', '-o', out], /--seed/],
      [['--encoding', 'latin1', '-o', out], /--encoding/],
      [['--rows', '10'], /-o/],
      [['--frobnicate', '-o', out], /unknown argument/],
      [['--rows'], /--rows/],
    ];
    for (const [args, message] of cases) {
      const res = run(args);
      assert.equal(res.status, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr.toString(), message);
      assert.equal(existsSync(out), false);
    }
  });
});
