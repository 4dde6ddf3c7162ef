// Sample city generator: a made-up city (茨城県つくし市) whose resident records look like a
// real municipal export (resident register + care certification + medical claims + health
// checkups), grouped by junior-high-school district (中学校区).
//
// Plain ES module, no imports: runs in the browser and in Node.
//
// Determinism: every random draw comes from a seeded xoshiro128** generator using 32-bit integer
// math (Math.imul, >>> 0). Math.log/exp/cos are NOT specified bit-exactly by ECMAScript, so the
// logarithm and exponential used for normal / log-normal draws are implemented below with + - * /
// only (IEEE-754 exact in every engine); Math.sqrt, Math.floor and Math.round are exact by spec.
// The same options therefore give byte-identical output on every platform.
//
// Shapes follow public Japanese statistics, as honest approximations (it is a made-up city):
// - Age structure: 総務省統計局「人口推計」2023年10月1日 — 5-year age bands for Japan
//   (0–14 ≈ 11.4 %, 15–64 ≈ 59.5 %, 65+ ≈ 29 %, 75+ ≈ 16 %), reshaped per district type.
// - Sex by age: same source — about 105 boys per 100 girls, even through middle age, women
//   ≈ 53 % at 70–74, ≈ 65 % at 85–89, ≈ 80 %+ at 95+.
// - Household size: 総務省「国勢調査」2020 — mean ≈ 2.2 persons per household; about 1 in 5
//   people aged 65+ live alone (more among the very old and among women); rural areas have
//   larger, multi-generation households.
// - Care certification (要支援・要介護認定率): 厚生労働省「介護保険事業状況報告」/「介護給付費等
//   実態統計」 — ≈ 4 % at 65–74, ≈ 19 % at 75–84, ≈ 59 % at 85+, ≈ 0.4 % for 40–64 (第2号被保険者);
//   level mix among the certified ≈ 要支援1 14 %, 要支援2 14 %, 要介護1 21 %, 要介護2 17 %,
//   要介護3 13 %, 要介護4 12 %, 要介護5 8 %, heavier at older ages.
// - Medical cost per person per year: 厚生労働省「国民医療費」令和3年度 by age (≈ ¥100k–200k for
//   working ages, ≈ ¥920k for 75+), drawn log-normal (σ = 1.2, strong right skew), a few percent
//   with no cost at all, higher with care level (normalised so that each age band's mean stays
//   near the table value).
// - Health checkups: 厚生労働省 特定健診 実施率 ≈ 56 % of 40–74, 後期高齢者健診 ≈ 25–30 % of 75+;
//   nobody under 40 is screened here (blank cells). 厚生労働省「国民健康・栄養調査」2019 for
//   BMI (mean ≈ 22–24 by sex/age, sd ≈ 3.5, log-normal right skew), systolic blood pressure
//   (men ≈ 124 in their 40s → ≈ 139 at 70+, women ≈ 116 → ≈ 136, sd ≈ 15, + ~1 mmHg per BMI
//   point) and HbA1c (mean ≈ 5.7–5.9 %, sd ≈ 0.6, right tail from a diabetic minority that
//   grows with age and BMI; men ≈ 2× women).

/** Reference date for ages (ISO). Every generated person's age is computed at this date. */
export const REFERENCE_DATE = '2026-04-01';
const REF_Y = 2026;
const REF_M = 4;
const REF_D = 1;

/** CSV header, in column order. */
export const HEADER = Object.freeze([
  '住民番号', '氏名', 'フリガナ', '生年月日', '性別', '住所', '中学校区',
  '世帯人数', '要介護度', '医療費年額', 'BMI', '収縮期血圧', 'HbA1c', '備考',
]);

const CITY_PREFIX = '茨城県つくし市';
const NAME_SEP = '\u3000'; // full-width space between surname and given name

// ---------------------------------------------------------------------------------------------
// Deterministic random numbers
// ---------------------------------------------------------------------------------------------

const TWO_POW_32 = 4294967296;
const LN2 = 0.6931471805599453;
const SQRT2 = 1.4142135623730951;

/** splitmix32: expands a 32-bit seed into well-mixed words for the main generator's state. */
function splitmix32(seed) {
  let a = seed | 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** xoshiro128** (Blackman & Vigna) with a few helpers for the distributions used here. */
class Rng {
  constructor(seed) {
    const sm = splitmix32(seed);
    this.s0 = sm() | 0;
    this.s1 = sm() | 0;
    this.s2 = sm() | 0;
    this.s3 = sm() | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // all-zero state is invalid
    this.spare = NaN; // second value of the last polar-method pair
  }

  /** Next unsigned 32-bit integer. */
  u32() {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform in [0, 1). */
  float() {
    return this.u32() / TWO_POW_32;
  }

  /** Uniform integer in [0, n). */
  int(n) {
    return Math.floor(this.float() * n);
  }

  /** True with probability p. */
  chance(p) {
    return this.float() < p;
  }

  /** Standard normal (Marsaglia polar method, deterministic log). */
  normal() {
    if (this.spare === this.spare) { // not NaN
      const z = this.spare;
      this.spare = NaN;
      return z;
    }
    let u;
    let v;
    let s;
    do {
      u = 2 * this.float() - 1;
      v = 2 * this.float() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * ln(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** Index drawn from a cumulative weight table (ascending Float64Array). */
  pick(cum) {
    const x = this.float() * cum[cum.length - 1];
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** Natural logarithm of a positive finite number using only exact IEEE operations. */
function ln(x) {
  let e = 0;
  while (x >= 2) { x /= 2; e++; }
  while (x < 1) { x *= 2; e--; }
  if (x > SQRT2) { x /= 2; e++; } // now x in [√½, √2]
  // ln x = 2·atanh(t), t = (x−1)/(x+1), |t| ≤ 0.172: the series converges to < 1e-17 by t^23.
  const t = (x - 1) / (x + 1);
  const t2 = t * t;
  let term = t;
  let sum = 0;
  for (let k = 1; k <= 23; k += 2) {
    sum += term / k;
    term *= t2;
  }
  return 2 * sum + e * LN2;
}

/** e^x using only exact IEEE operations (range reduction by powers of two + Taylor series). */
function exp(x) {
  const k = Math.round(x / LN2);
  const r = x - k * LN2; // |r| ≤ ln2/2
  let term = 1;
  let sum = 1;
  for (let i = 1; i <= 16; i++) {
    term *= r / i;
    sum += term;
  }
  const base = k < 0 ? 0.5 : 2;
  for (let i = Math.abs(k); i > 0; i--) sum *= base; // exact scaling by 2^k
  return sum;
}

/** Cumulative table from a list of non-negative weights. */
function cumulative(weights) {
  const cum = new Float64Array(weights.length);
  let acc = 0;
  weights.forEach((w, i) => { acc += w; cum[i] = acc; });
  return cum;
}

const clamp = (x, lo, hi) => (x < lo ? lo : x > hi ? hi : x);

/** base^n for an integer n by repeated multiplication (the ** operator is not bit-exact by spec). */
function powi(base, n) {
  let result = 1;
  const b = n < 0 ? 1 / base : base;
  for (let i = Math.abs(n); i > 0; i--) result *= b;
  return result;
}

// Shared strings for small values, so that a million rows do not allocate a million copies.
const SMALL_INTS = Array.from({ length: 301 }, (_, i) => `${i}`);
const TENTHS = Array.from({ length: 1000 }, (_, t) => `${Math.floor(t / 10)}.${t % 10}`);

/** A value in [0, 100) to one decimal place (rounded half up on the tenths). */
const oneDecimal = (x) => TENTHS[Math.round(x * 10)];

// ---------------------------------------------------------------------------------------------
// Calendar helpers
// ---------------------------------------------------------------------------------------------

/** Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm). */
function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of daysFromCivil: [year, month, day]. */
function civilFromDays(z) {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

// Japanese eras: first day (Gregorian) of each. Before 1873 Japan used the lunisolar calendar,
// so a Gregorian date cannot be mapped onto a 明治 year meaningfully; toWareki rejects it.
const ERAS = [
  { name: '令和', start: 20190501, year: 2019 },
  { name: '平成', start: 19890108, year: 1989 },
  { name: '昭和', start: 19261225, year: 1926 },
  { name: '大正', start: 19120730, year: 1912 },
  { name: '明治', start: 18730101, year: 1868 }, // 明治6年 = 1873, adoption of the Gregorian calendar
];

/**
 * Gregorian date → 和暦 in kanji era form, e.g. toWareki(1970, 3, 1) === '昭和45年3月1日'.
 * The first year of an era is written 元年 (toWareki(1989, 1, 8) === '平成元年1月8日').
 * Throws RangeError for an invalid date or a date before 1873-01-01.
 */
export function toWareki(y, m, d) {
  if (![y, m, d].every(Number.isInteger) || m < 1 || m > 12 || d < 1 || d > 31) {
    throw new RangeError(`invalid date: ${y}-${m}-${d}`);
  }
  const [cy, cm, cd] = civilFromDays(daysFromCivil(y, m, d));
  if (cy !== y || cm !== m || cd !== d) throw new RangeError(`invalid date: ${y}-${m}-${d}`);
  const key = y * 10000 + m * 100 + d;
  const era = ERAS.find((e) => key >= e.start);
  if (!era) throw new RangeError(`date before 1873-01-01 is not supported: ${y}-${m}-${d}`);
  const n = y - era.year + 1;
  return `${era.name}${n === 1 ? '元' : n}年${m}月${d}日`;
}

const pad2 = (n) => (n < 10 ? `0${n}` : `${n}`);

// Birth-date strings, cached per day (ages 0–105 span about 39,000 days) and shared between rows.
const FIRST_BIRTH_DAY = daysFromCivil(REF_Y - 110, 1, 1);
const ISO_CACHE = new Array(daysFromCivil(REF_Y, REF_M, REF_D) - FIRST_BIRTH_DAY + 1);
const WAREKI_CACHE = new Array(ISO_CACHE.length);
function birthString(day, wareki) {
  const cache = wareki ? WAREKI_CACHE : ISO_CACHE;
  const i = day - FIRST_BIRTH_DAY;
  let s = cache[i];
  if (s === undefined) {
    const [y, m, d] = civilFromDays(day);
    s = wareki ? toWareki(y, m, d) : `${y}-${pad2(m)}-${pad2(d)}`;
    cache[i] = s;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Population tables
// ---------------------------------------------------------------------------------------------

// 21 five-year age bands: 0–4, 5–9, …, 95–99, 100+. Japan, 2023-10-01, millions (人口推計).
const BAND_COUNT = 21;
const NATIONAL_BANDS = [
  4.1, 4.9, 5.3, 5.5, 6.2, 6.4, 6.5, 7.3, 8.0, 9.5, 9.5,
  8.1, 7.4, 7.5, 9.2, 7.6, 6.1, 4.1, 2.0, 0.6, 0.09,
];
// Share of women per band.
const FEMALE_SHARE = [
  0.488, 0.488, 0.488, 0.487, 0.485, 0.487, 0.489, 0.491, 0.493, 0.495, 0.497,
  0.500, 0.505, 0.513, 0.527, 0.552, 0.590, 0.650, 0.740, 0.830, 0.880,
];

/** Band multipliers from [fromAge, toAge, factor] spans (ages inclusive; 1 elsewhere). */
function reshape(spans) {
  return NATIONAL_BANDS.map((n, b) => {
    const age = b * 5;
    const span = spans.find(([from, to]) => age >= from && age <= to);
    return n * (span ? span[2] : 1);
  });
}

// District types. `household` tilts household size: weight of size k multiplied by household^(k−1).
const PROFILES = {
  // Average urban centre: close to the national structure, slightly more young adults.
  urban: { bands: reshape([[20, 34, 1.2]]), household: 0.92 },
  // Old town centre (中心市街地): few children, many elderly.
  oldtown: { bands: reshape([[0, 14, 0.7], [65, 79, 1.3], [80, 120, 1.45]]), household: 0.9 },
  // Average suburb.
  suburb: { bands: reshape([[0, 14, 1.1], [30, 44, 1.1], [80, 120, 0.9]]), household: 1.0 },
  // Young new town: children and their 30–40-something parents; few elderly.
  newtown: {
    bands: reshape([
      [0, 14, 2.0], [15, 19, 1.2], [20, 24, 0.8], [25, 29, 1.3], [30, 44, 2.0],
      [45, 54, 1.1], [55, 64, 0.6], [65, 74, 0.4], [75, 120, 0.3],
    ]),
    household: 1.08,
  },
  // 1970s new town that aged in place (オールドニュータウン).
  oldnewtown: {
    bands: reshape([[0, 14, 0.6], [20, 39, 0.6], [55, 64, 1.2], [65, 84, 1.8], [85, 120, 1.3]]),
    household: 0.95,
  },
  // Around the station: students and young workers living alone.
  station: { bands: reshape([[0, 14, 0.6], [20, 34, 2.5], [65, 120, 0.6]]), household: 0.72 },
  // Farming district at the edge of town: ageing, larger households.
  ruralMild: {
    bands: reshape([[0, 14, 0.75], [20, 39, 0.7], [55, 64, 1.1], [65, 84, 1.35], [85, 120, 1.5]]),
    household: 1.25,
  },
  // Ageing rural district (40 %+ aged 65+).
  rural: {
    bands: reshape([
      [0, 14, 0.6], [15, 19, 0.8], [20, 39, 0.5], [40, 54, 0.8], [55, 64, 1.1],
      [65, 84, 1.6], [85, 120, 1.9],
    ]),
    household: 1.35,
  },
  // A mountain hamlet: a handful of elderly people.
  mountain: { bands: reshape([[0, 59, 0], [60, 64, 0.5], [65, 120, 2]]), household: 1.1 },
};

/**
 * The districts (中学校区). `weight` sets the share of the rows; a district with `fixedSize`
 * always has exactly that many residents (if rows allow). `kind` is the address style:
 * 'chome' (…二丁目3番12号) or 'oaza' (大字…1234番地).
 */
export const DISTRICTS = Object.freeze([
  { name: '第一中学校区', profile: 'urban', weight: 9, kind: 'chome', towns: ['本町', '中央', '栄町'] },
  { name: '第二中学校区', profile: 'oldtown', weight: 7, kind: 'chome', towns: ['旭町', '元町', '大手町'] },
  { name: '第三中学校区', profile: 'suburb', weight: 8, kind: 'chome', towns: ['若葉', '双葉', '柏木'] },
  { name: '桜が丘中学校区', profile: 'newtown', weight: 10, kind: 'chome', towns: ['桜が丘', '桜が丘南', '花園'] },
  { name: '緑が丘中学校区', profile: 'oldnewtown', weight: 7, kind: 'chome', towns: ['緑が丘', '青葉台', '梅が丘'] },
  { name: '研究学園中学校区', profile: 'newtown', weight: 11, kind: 'chome', towns: ['学園東', '学園西', '新都心'] },
  { name: '駅前中学校区', profile: 'station', weight: 8, kind: 'chome', towns: ['駅前', '駅南', '駅東'] },
  { name: '東中学校区', profile: 'suburb', weight: 7, kind: 'chome', towns: ['東町', '東新町', '日の出'] },
  { name: '西中学校区', profile: 'urban', weight: 6, kind: 'chome', towns: ['西町', '西原', '富士見'] },
  { name: '南中学校区', profile: 'ruralMild', weight: 5, kind: 'oaza', towns: ['南原', '新田', '中根'] },
  { name: '北山中学校区', profile: 'rural', weight: 4, kind: 'oaza', towns: ['北山', '上野', '下沢'] },
  { name: '湖畔中学校区', profile: 'rural', weight: 4, kind: 'oaza', towns: ['湖畔', '浜田', '舟戸'] },
  { name: '川北中学校区', profile: 'rural', weight: 3, kind: 'oaza', towns: ['川北', '上郷', '中郷'] },
  { name: '稲穂中学校区', profile: 'ruralMild', weight: 4, kind: 'oaza', towns: ['稲穂', '元宿', '田中新田'] },
  { name: '山間分校中学校区', profile: 'mountain', fixedSize: 5, kind: 'oaza', towns: ['山間', '奥沢'] },
].map((d) => Object.freeze({ weight: 0, fixedSize: null, ...d, towns: Object.freeze(d.towns) })));

// Common surnames (with a little Ibaraki flavour: 鈴木 first, 飯塚, 根本, 海老原, 小松崎) and readings.
const SURNAMES = [
  ['鈴木', 'スズキ'], ['佐藤', 'サトウ'], ['高橋', 'タカハシ'], ['小林', 'コバヤシ'], ['渡辺', 'ワタナベ'],
  ['田中', 'タナカ'], ['伊藤', 'イトウ'], ['山本', 'ヤマモト'], ['中村', 'ナカムラ'], ['加藤', 'カトウ'],
  ['吉田', 'ヨシダ'], ['山田', 'ヤマダ'], ['木村', 'キムラ'], ['佐々木', 'ササキ'], ['山口', 'ヤマグチ'],
  ['松本', 'マツモト'], ['井上', 'イノウエ'], ['林', 'ハヤシ'], ['斎藤', 'サイトウ'], ['清水', 'シミズ'],
  ['山崎', 'ヤマザキ'], ['森', 'モリ'], ['池田', 'イケダ'], ['橋本', 'ハシモト'], ['阿部', 'アベ'],
  ['石川', 'イシカワ'], ['山下', 'ヤマシタ'], ['中島', 'ナカジマ'], ['石井', 'イシイ'], ['小川', 'オガワ'],
  ['前田', 'マエダ'], ['岡田', 'オカダ'], ['長谷川', 'ハセガワ'], ['藤田', 'フジタ'], ['後藤', 'ゴトウ'],
  ['近藤', 'コンドウ'], ['村上', 'ムラカミ'], ['遠藤', 'エンドウ'], ['青木', 'アオキ'], ['坂本', 'サカモト'],
  ['飯塚', 'イイヅカ'], ['根本', 'ネモト'], ['海老原', 'エビハラ'], ['小松崎', 'コマツザキ'], ['野口', 'ノグチ'],
  ['菊池', 'キクチ'], ['大久保', 'オオクボ'], ['宮本', 'ミヤモト'], ['酒井', 'サカイ'], ['大塚', 'オオツカ'],
];
// Zipf-like frequency by rank.
const SURNAME_CUM = cumulative(SURNAMES.map((_, i) => 1 / (i + 4)));

// Given names by sex and birth cohort (born before 1950 / 1950–1989 / 1990 on).
const GIVEN_NAMES = {
  男: [
    [['清', 'キヨシ'], ['茂', 'シゲル'], ['勇', 'イサム'], ['博', 'ヒロシ'], ['実', 'ミノル'],
      ['進', 'ススム'], ['正', 'タダシ'], ['武', 'タケシ'], ['勝', 'マサル'], ['三郎', 'サブロウ'],
      ['正雄', 'マサオ'], ['一郎', 'イチロウ'], ['昭', 'アキラ'], ['稔', 'ミノル'], ['義雄', 'ヨシオ']],
    [['誠', 'マコト'], ['浩', 'ヒロシ'], ['健一', 'ケンイチ'], ['大輔', 'ダイスケ'], ['拓也', 'タクヤ'],
      ['直樹', 'ナオキ'], ['哲也', 'テツヤ'], ['和也', 'カズヤ'], ['剛', 'ツヨシ'], ['修', 'オサム'],
      ['隆', 'タカシ'], ['達也', 'タツヤ'], ['健太', 'ケンタ'], ['秀樹', 'ヒデキ'], ['学', 'マナブ']],
    [['翔太', 'ショウタ'], ['大翔', 'ヒロト'], ['蓮', 'レン'], ['悠真', 'ユウマ'], ['陽翔', 'ハルト'],
      ['湊', 'ミナト'], ['蒼', 'アオイ'], ['樹', 'イツキ'], ['颯太', 'ソウタ'], ['大輝', 'ダイキ'],
      ['拓海', 'タクミ'], ['悠人', 'ユウト'], ['陸', 'リク'], ['律', 'リツ'], ['朝陽', 'アサヒ']],
  ],
  女: [
    [['和子', 'カズコ'], ['幸子', 'サチコ'], ['節子', 'セツコ'], ['弘子', 'ヒロコ'], ['京子', 'キョウコ'],
      ['洋子', 'ヨウコ'], ['文子', 'フミコ'], ['久子', 'ヒサコ'], ['美代子', 'ミヨコ'], ['千代', 'チヨ'],
      ['静子', 'シズコ'], ['照子', 'テルコ'], ['春子', 'ハルコ'], ['正子', 'マサコ'], ['信子', 'ノブコ']],
    [['恵子', 'ケイコ'], ['裕子', 'ユウコ'], ['真由美', 'マユミ'], ['久美子', 'クミコ'], ['智子', 'トモコ'],
      ['陽子', 'ヨウコ'], ['由美子', 'ユミコ'], ['直美', 'ナオミ'], ['明美', 'アケミ'], ['恵美', 'エミ'],
      ['愛', 'アイ'], ['美穂', 'ミホ'], ['香織', 'カオリ'], ['麻衣', 'マイ'], ['理恵', 'リエ']],
    [['陽葵', 'ヒマリ'], ['結衣', 'ユイ'], ['凛', 'リン'], ['美咲', 'ミサキ'], ['葵', 'アオイ'],
      ['芽依', 'メイ'], ['紬', 'ツムギ'], ['結菜', 'ユイナ'], ['杏', 'アン'], ['さくら', 'サクラ'],
      ['彩花', 'アヤカ'], ['七海', 'ナナミ'], ['莉子', 'リコ'], ['陽菜', 'ヒナ'], ['澪', 'ミオ']],
  ],
};

// Given-name cohort by birth day: born before 1950 / 1950–1989 / 1990 on.
const COHORT_STARTS = [daysFromCivil(1950, 1, 1), daysFromCivil(1990, 1, 1)];
const cohortOf = (day) => (day < COHORT_STARTS[0] ? 0 : day < COHORT_STARTS[1] ? 1 : 2);

// Every "姓　名" and "セイ　メイ" combination, built once: FULL_NAMES[sex][cohort][surname][given].
const FULL_NAMES = Object.fromEntries(Object.entries(GIVEN_NAMES).map(([sex, cohorts]) => [
  sex,
  cohorts.map((given) => SURNAMES.map(([sn, sk]) =>
    given.map(([gn, gk]) => [sn + NAME_SEP + gn, sk + NAME_SEP + gk]))),
]));

const KANJI_DIGITS = ['一', '二', '三', '四', '五', '六', '七', '八', '九'];
// Some building names carry a comma or double quote, as real address fields do.
const BUILDINGS = [
  'メゾン"さくら"', 'コーポ松,梅', 'ハイツ緑風', 'サンライズ駅前', 'グリーンパレス',
  'レジデンス"楓"', 'アーバンコート,つくし', 'パークサイド若葉',
];

// Household size 1..8: share of PEOPLE living in a household of that size, by age group
// (国勢調査 2020, approximate). Children never live alone; the old often do.
const HOUSEHOLD_BY_AGE = [
  { maxAge: 19, w: [0, 4, 22, 44, 20, 7, 2, 1] },
  { maxAge: 39, w: [24, 25, 22, 20, 6, 2, 0.6, 0.4] },
  { maxAge: 64, w: [12, 27, 25, 24, 8, 3, 0.7, 0.3] },
  { maxAge: 79, w: [18, 47, 17, 9, 5, 3, 0.7, 0.3] },
  { maxAge: Infinity, w: [27, 37, 16, 9, 6, 4, 0.7, 0.3] },
];

// Care certification rate by age (5-year bands from 40; 0 below 40: not insured under 介護保険).
const CARE_LEVELS = ['非該当', '要支援1', '要支援2', '要介護1', '要介護2', '要介護3', '要介護4', '要介護5'];
const CARE_LEVEL_MIX = [14, 14, 21, 17, 13, 12, 8]; // among the certified, national average
function careRate(age) {
  if (age < 40) return 0;
  if (age < 65) return 0.004;
  if (age < 70) return 0.03;
  if (age < 75) return 0.06;
  if (age < 80) return 0.12;
  if (age < 85) return 0.26;
  if (age < 90) return 0.48;
  if (age < 95) return 0.72;
  return 0.88;
}
// Heavier levels at older ages: the weight of level i (0 = 要支援1 … 6 = 要介護5) is multiplied by
// tilt^(i − 3), with tilt 0.85 below 75, 1 at 75–84, 1.12 at 85–94 and 1.25 from 95.
const CARE_MIX_CUM = [0.85, 1.0, 1.12, 1.25].map((tilt) =>
  cumulative(CARE_LEVEL_MIX.map((w, i) => w * powi(tilt, i - 3))));
const careMixIndex = (age) => (age < 75 ? 0 : age < 85 ? 1 : age < 95 ? 2 : 3);

// Mean yearly medical cost (yen) per 5-year band (国民医療費 令和3年度, approximate).
const MEDICAL_MEAN = [
  225e3, 120e3, 95e3, 80e3, 85e3, 100e3, 115e3, 130e3, 150e3, 180e3, 230e3,
  280e3, 360e3, 460e3, 580e3, 740e3, 910e3, 1060e3, 1150e3, 1200e3, 1200e3,
];
const MEDICAL_SIGMA = 1.2;
const MEDICAL_CAP = 50e6;
// Cost multiplier by care level (index into CARE_LEVELS).
const CARE_COST_FACTOR = [1, 1.2, 1.3, 1.5, 1.7, 1.9, 2.1, 2.3];
const zeroCostRate = (age) => (age < 15 ? 0.03 : age < 45 ? 0.08 : age < 65 ? 0.04 : 0.02);

// BMI mean/sd by sex and decade from 40 (40s, 50s, 60s, 70+).
const BMI_MEAN = { 男: [24.3, 24.3, 23.9, 23.3], 女: [22.1, 22.5, 22.7, 23.0] };
const BMI_SD = { 男: 3.4, 女: 3.7 };
// Systolic blood pressure mean by sex and decade from 40.
const SBP_MEAN = { 男: [124, 131, 136, 139], 女: [116, 125, 131, 136] };
const SBP_SD = 15;
const decadeIndex = (age) => clamp(Math.floor(age / 10) - 4, 0, 3);

// Notes (備考): mostly empty; real exports carry commas, quotes and line breaks here.
const NOTES_ALONE = ['日中独居,見守り希望', '独居,安否確認希望', '独居\n近隣に長女'];
const NOTES_CARE = ['要連絡\n(家族)', '車椅子利用,段差注意', '本人希望により"郵送不可"', '耳が遠い,筆談可', 'デイサービス利用中\n月・木'];
const NOTES_OTHER = ['転入予定', '緊急連絡先：長男', '"旧姓"併記希望', '郵便物は勤務先へ,平日のみ', '電話連絡は夕方以降'];

// ---------------------------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------------------------

/** Upper bound on rows: keeps resident numbers within 10 digits. */
export const MAX_ROWS = 100_000_000;

function validateOptions({ rows = 20000, seed = 1, wareki = false } = {}) {
  if (!Number.isInteger(rows) || rows < 0 || rows > MAX_ROWS) {
    throw new RangeError(`rows must be an integer in [0, ${MAX_ROWS}], got ${rows}`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_POW_32) {
    throw new RangeError(`seed must be an integer in [0, 2^32), got ${seed}`);
  }
  return { rows, seed, wareki: Boolean(wareki) };
}

/** Rows per district: fixed-size districts first, the rest by weight (largest remainder). */
function districtSizes(rows) {
  const sizes = DISTRICTS.map(() => 0);
  let rest = rows;
  DISTRICTS.forEach((d, i) => {
    if (d.fixedSize !== null) {
      sizes[i] = Math.min(d.fixedSize, rest);
      rest -= sizes[i];
    }
  });
  const totalWeight = DISTRICTS.reduce((s, d) => s + d.weight, 0);
  const remainders = [];
  let assigned = 0;
  DISTRICTS.forEach((d, i) => {
    if (d.fixedSize !== null) return;
    const q = rest * d.weight; // integers: exact
    sizes[i] = Math.floor(q / totalWeight);
    assigned += sizes[i];
    remainders.push({ i, r: q % totalWeight });
  });
  remainders.sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; k < rest - assigned; k++) sizes[remainders[k].i]++;
  return sizes;
}

// Per-district lookup tables.
const DISTRICT_TABLES = DISTRICTS.map((d) => {
  const profile = PROFILES[d.profile];
  return {
    ...d,
    bandCum: cumulative(profile.bands),
    householdCum: HOUSEHOLD_BY_AGE.map(({ w }) =>
      cumulative(w.map((x, k) => x * powi(profile.household, k)))),
  };
});

// Expected care-cost factor per band, so that each band's mean cost stays at MEDICAL_MEAN.
const CARE_COST_NORM = NATIONAL_BANDS.map((_, b) => {
  const age = b * 5 + 2;
  const p = careRate(age);
  const cum = CARE_MIX_CUM[careMixIndex(age)];
  const total = cum[cum.length - 1];
  let certified = 0;
  for (let i = 0; i < cum.length; i++) {
    certified += ((cum[i] - (i ? cum[i - 1] : 0)) / total) * CARE_COST_FACTOR[i + 1];
  }
  return (1 - p) + p * certified;
});

// Log-normal μ of the medical cost per age band and care level: E[cost] = e^(μ + σ²/2) is the
// band mean × care factor, normalised so that each band's overall mean stays at MEDICAL_MEAN.
const MEDICAL_MU = MEDICAL_MEAN.map((mean, b) => CARE_COST_FACTOR.map((f) =>
  ln((mean * f) / CARE_COST_NORM[b]) - (MEDICAL_SIGMA * MEDICAL_SIGMA) / 2));

// Log-normal parameters of BMI with the tabulated mean and sd, per sex and decade.
const BMI_LOG = Object.fromEntries(Object.entries(BMI_MEAN).map(([sex, means]) => [sex, means.map((m) => {
  const cv = BMI_SD[sex] / m;
  const sigma = Math.sqrt(ln(1 + cv * cv));
  return { mu: ln(m) - (sigma * sigma) / 2, sigma };
})]));

/**
 * One resident of district `d` (an entry of DISTRICT_TABLES) as a row of 14 strings.
 * Kept out of the generator so that the engine optimises it early.
 */
function makeResident(rng, d, residentNo, wareki) {
  // Age and sex.
  const band = rng.pick(d.bandCum);
  const age = band < BAND_COUNT - 1 ? band * 5 + rng.int(5) : 100 + Math.floor(rng.float() * rng.float() * 6);
  const sex = rng.chance(FEMALE_SHARE[band]) ? '女' : '男';

  // Birth date: uniform over the days on which someone is exactly `age` at the reference date.
  const first = daysFromCivil(REF_Y - age - 1, REF_M, REF_D) + 1;
  const last = daysFromCivil(REF_Y - age, REF_M, REF_D);
  const birthDay = first + rng.int(last - first + 1);

  // Name and reading.
  const bySurname = FULL_NAMES[sex][cohortOf(birthDay)][rng.pick(SURNAME_CUM)];
  const [name, kana] = bySurname[rng.int(bySurname.length)];

  // Address.
  const town = d.towns[rng.int(d.towns.length)];
  let address;
  if (d.kind === 'chome') {
    address = `${CITY_PREFIX}${town}${KANJI_DIGITS[rng.int(5)]}丁目${1 + rng.int(30)}番${1 + rng.int(25)}号`;
    if (rng.chance(0.06)) {
      const room = (1 + rng.int(6)) * 100 + 1 + rng.int(8);
      address += ` ${BUILDINGS[rng.int(BUILDINGS.length)]} ${room}号`;
    }
  } else {
    address = `${CITY_PREFIX}大字${town}${1 + rng.int(2500)}番地`;
    if (rng.chance(0.3)) address += `${1 + rng.int(9)}`;
  }

  // Household size.
  const hhGroup = HOUSEHOLD_BY_AGE.findIndex((g) => age <= g.maxAge);
  const household = 1 + rng.pick(d.householdCum[hhGroup]);

  // Care level.
  const rate = Math.min(careRate(age) * (sex === '女' ? 1.05 : 0.9), 0.97);
  const care = rng.chance(rate) ? 1 + rng.pick(CARE_MIX_CUM[careMixIndex(age)]) : 0;

  // Medical cost: log-normal around the band mean, scaled by care level.
  let cost = 0;
  if (!rng.chance(zeroCostRate(age))) {
    const mu = MEDICAL_MU[band][care];
    cost = Math.min(Math.round(exp(mu + MEDICAL_SIGMA * rng.normal()) / 10) * 10, MEDICAL_CAP);
  }

  // Health checkup (40+ only; about half of those screened).
  let bmi = '';
  let sbp = '';
  let hba1c = '';
  if (age >= 40 && rng.chance(age < 75 ? 0.55 : 0.3)) {
    const dec = decadeIndex(age);
    const { mu, sigma } = BMI_LOG[sex][dec];
    const bmiValue = clamp(exp(mu + sigma * rng.normal()), 14, 48);
    const sbpValue = clamp(SBP_MEAN[sex][dec] + (bmiValue - 23) + SBP_SD * rng.normal(), 85, 220);
    const pDiabetes = (sex === '男' ? 1 : 0.55) * (0.07 + 0.004 * Math.min(age - 40, 40))
      * clamp(1 + 0.12 * (bmiValue - 23), 0.5, 2.5);
    const a1c = rng.chance(pDiabetes)
      ? 6.0 + exp(-0.3 + 0.6 * rng.normal())
      : 5.5 + 0.008 * Math.min(age - 40, 40) + 0.3 * rng.normal();
    bmi = oneDecimal(bmiValue);
    sbp = SMALL_INTS[Math.round(sbpValue)];
    hba1c = oneDecimal(clamp(a1c, 4.2, 14.0));
  }

  // Notes.
  let note = '';
  if (household === 1 && age >= 75 && rng.chance(0.25)) note = NOTES_ALONE[rng.int(NOTES_ALONE.length)];
  else if (care > 0 && rng.chance(0.12)) note = NOTES_CARE[rng.int(NOTES_CARE.length)];
  else if (rng.chance(0.015)) note = NOTES_OTHER[rng.int(NOTES_OTHER.length)];

  return [
    residentNo,
    name,
    kana,
    birthString(birthDay, wareki),
    sex,
    address,
    d.name,
    SMALL_INTS[household],
    CARE_LEVELS[care],
    `${cost}`,
    bmi,
    sbp,
    hba1c,
    note,
  ];
}

/**
 * Yields the city's rows one at a time (arrays of 14 strings, '' for missing), in resident-number
 * order with districts interleaved. Memory stays O(rows) bytes (one byte per row for the
 * district order), so it suits streaming a million rows to a file.
 */
export function* generateRows(options) {
  const { rows, seed, wareki } = validateOptions(options);
  const rng = new Rng(seed);

  // District of each row, shuffled (Fisher–Yates) so districts interleave like a real export.
  const sizes = districtSizes(rows);
  const order = new Uint8Array(rows);
  let pos = 0;
  sizes.forEach((n, i) => { order.fill(i, pos, pos + n); pos += n; });
  for (let i = rows - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }

  let residentNo = 10_000_000 + rng.int(1_000_000);
  for (let r = 0; r < rows; r++) {
    residentNo += 1 + rng.int(30); // ascending with gaps, like numbers freed by moves and deaths
    yield makeResident(rng, DISTRICT_TABLES[order[r]], `00${residentNo}`.slice(-10), wareki);
  }
}

/**
 * Generates the whole sample city in memory.
 * @param {{rows?: number, seed?: number, wareki?: boolean}} [options]
 *   rows: number of data rows (default 20000); seed: integer in [0, 2^32) (default 1);
 *   wareki: birth dates as 和暦 (昭和45年3月1日) instead of ISO (1970-03-01).
 * @returns {{header: string[], rows: string[][]}}
 */
export function generateCity(options = {}) {
  return { header: [...HEADER], rows: Array.from(generateRows(options)) };
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180)
// ---------------------------------------------------------------------------------------------

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field: quoted (with doubled quotes) only if it contains a comma, quote, CR or LF. */
export function csvField(value) {
  const s = String(value);
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV record including its CRLF terminator. */
export function csvRecord(cells) {
  // Fast path: most records need no quoting at all. Joining with a tab (harmless here) lets one
  // regex scan tell whether any cell holds a comma, quote, CR or LF.
  if (!NEEDS_QUOTES.test(cells.join('\t'))) return `${cells.join(',')}\r\n`;
  return `${cells.map(csvField).join(',')}\r\n`;
}

/** The city as RFC 4180 CSV: header first, every record (the last one too) ends with CRLF, no BOM. */
export function cityToCsv(city) {
  const parts = [csvRecord(city.header)];
  for (const row of city.rows) parts.push(csvRecord(row));
  return parts.join('');
}
