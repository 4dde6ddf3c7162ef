/*
 * The printable report: one standalone HTML document (its own <style>, no scripts, no
 * external references, a CSP that forbids everything but inline style) that staff can hand
 * to their privacy officer. Every text value — district names and category values are
 * resident data — goes through escapeHtml().
 *
 * The wording helpers here are shared with the on-page report (web/report-view.js), so the
 * page and the printed report say the same thing.
 */
import { messages } from './i18n.js';

/** Escapes a value for HTML text and attribute context. */
export function escapeHtml(value) {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A translator bound to `lang` ('ja' or 'en'): tr(key, values) fills {placeholders}. */
export function translator(lang) {
  const table = messages[lang] ?? messages.ja;
  return (key, values = {}) => {
    const text = table[key] ?? messages.ja[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : `{${name}}`));
  };
}

const locale = (lang) => (lang === 'en' ? 'en-US' : 'ja-JP');

/** A number for people: grouped digits, at most `digits` decimals. */
export function fmt(value, lang, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (typeof value !== 'number') return String(value);
  return value.toLocaleString(locale(lang), { maximumFractionDigits: digits });
}

/** A share (0–1) as a percentage with two decimals. */
export function pct(value) {
  return typeof value === 'number' ? `${(value * 100).toFixed(2)}%` : '—';
}

/** Decimals that a column's unit (1, 0.1, 0.01 …) needs. */
export function unitDigits(unit) {
  return unit > 0 && unit < 1 ? Math.min(6, Math.ceil(-Math.log10(unit) - 1e-9)) : 0;
}

/** ✓ / ✗ / ≈ (kept in expectation only, not a check) for one column of one district. */
export function columnMark(column) {
  if (column.kind === 'category' && column.exactByDesign === false) return '≈';
  const ok = typeof column.match === 'object' && column.match !== null
    ? Object.values(column.match).every(Boolean)
    : Boolean(column.match);
  return ok ? '✓' : '✗';
}

export const mark = (ok) => (ok ? '✓' : '✗');

const countStatus = (summary, status) => summary.clusters.filter((c) => c.status === status).length;

/** The summary cards: [{label, value, ok?}]. */
export function cardItems(summary, lang) {
  const tr = translator(lang);
  const checks = summary.aggregates?.summary;
  const cards = [
    { label: tr('rp_cardRows'), value: `${fmt(summary.rowsIn, lang)} → ${fmt(summary.rowsOut, lang)}` },
    {
      label: tr('rp_cardDistricts'),
      value: tr('rp_cardDistrictsValue', {
        released: countStatus(summary, 'released'),
        merged: countStatus(summary, 'merged'),
        suppressed: countStatus(summary, 'suppressed'),
      }),
    },
    {
      label: tr('rp_cardColumns'),
      value: tr('rp_cardColumnsValue', { written: summary.columnsOut.length, dropped: summary.dropped.length }),
    },
  ];
  if (checks) {
    const ok = checks.failed === 0;
    cards.push({
      label: tr('rp_cardChecks'),
      value: `${ok ? '✓ ' : '✗ '}${tr('rp_cardChecksValue', { checks: fmt(checks.checks, lang), failed: fmt(checks.failed, lang) })}`,
      ok,
    });
  }
  return cards;
}

/** Merged and suppressed districts: [{label, status, into, reason}]. */
export function mergeItems(summary, lang) {
  const tr = translator(lang);
  return summary.clusters
    .filter((c) => c.status !== 'released')
    .map((c) => ({
      label: c.label,
      rowsIn: c.rowsIn,
      status: tr(`status_${c.status}`, c),
      reason: c.reason ? (lang === 'en' ? c.reason.en : c.reason.ja) : '',
    }));
}

const interval = (pair) => (Array.isArray(pair) ? ` (${pct(pair[0])}–${pct(pair[1])})` : '');

/** The risk measures in plain words: [{title, sentence, compare}]. */
export function riskItems(summary, lang) {
  const tr = translator(lang);
  const risk = summary.risk;
  if (!risk) return [];
  const say = (m) => (lang === 'en' ? m.en : m.ja) ?? '';
  const items = [];
  if (risk.copiedRows) {
    const m = risk.copiedRows;
    items.push({ title: tr('rp_copiedRows'), sentence: say(m), compare: tr('rp_vsChance', { value: pct(m.share), chance: pct(m.chance) }) });
  }
  if (risk.replicatedUniques) {
    const m = risk.replicatedUniques;
    items.push({
      title: tr('rp_replicatedUniques'),
      sentence: say(m),
      compare: tr('rp_repU', { uniques: fmt(m.originalUniques, lang), replicated: fmt(m.replicated, lang), percent: `${fmt(m.percent, lang, 2)}%` }),
    });
  }
  if (risk.recordLinkage) {
    const m = risk.recordLinkage;
    items.push({
      title: tr('rp_recordLinkage'),
      sentence: say(m),
      compare: tr('rp_vsChance', { value: pct(m.rate) + interval(m.interval), chance: pct(m.chance) + interval(m.chanceInterval) }),
    });
  }
  for (const m of risk.attributeInference ?? []) {
    items.push({
      title: tr('rp_attributeInference', { column: m.column }),
      sentence: say(m),
      compare: tr('rp_vsBaseline', { value: pct(m.accuracy) + interval(m.interval), baseline: pct(m.baseline) + interval(m.baselineInterval) }),
    });
  }
  if (risk.kAnonymity) items.push({ title: tr('rp_kAnonymity'), sentence: kAnonymitySentence(risk, lang), compare: '' });
  if (risk.dcr) items.push({ title: tr('rp_dcr'), sentence: dcrSentence(risk.dcr, lang), compare: '' });
  return items;
}

/** k-anonymity of the released quasi-identifier combinations, in one sentence. */
export function kAnonymitySentence(risk, lang) {
  const tr = translator(lang);
  const k = risk.kAnonymity;
  const below = (n) => k.belowK?.find((b) => b.k === n) ?? { classes: 0, records: 0 };
  return tr('rp_kAnonymitySentence', {
    qi: (risk.quasiIdentifiers ?? []).join(lang === 'en' ? ', ' : '・'),
    classes: fmt(k.classes, lang),
    k2: fmt(below(2).classes, lang),
    r2: fmt(below(2).records, lang),
    k3: fmt(below(3).classes, lang),
    r3: fmt(below(3).records, lang),
    k5: fmt(below(5).classes, lang),
    r5: fmt(below(5).records, lang),
  });
}

/** Distance to the closest record, in one sentence. */
export function dcrSentence(dcr, lang) {
  return translator(lang)('rp_dcrSentence', {
    synthetic: fmt(dcr.medianSynthetic, lang, 3),
    random: fmt(dcr.medianRandom, lang, 3),
    score: fmt(dcr.score, lang, 2),
    zero: pct(dcr.atZero),
  });
}

/** Notes on the numeric columns: log scale, sd not kept, fallbacks. */
export function numericNotes(summary, lang) {
  const tr = translator(lang);
  const notes = [];
  for (const c of summary.numericColumns ?? []) {
    if (c.groupsLogScale > 0) notes.push(tr('rp_noteLogScale', { name: c.name, count: c.groupsLogScale, groups: c.groups }));
    if (c.groupsSdInexact > 0) {
      notes.push(tr('rp_noteSdInexact', { name: c.name, count: c.groupsSdInexact, error: fmt(c.maxSdRelativeError, lang, 6) }));
    }
    if (c.groupsFellBack > 0) notes.push(tr('rp_noteFellBack', { name: c.name, count: c.groupsFellBack }));
    if (c.note) notes.push(`「${c.name}」: ${c.note}`);
  }
  return notes;
}

/** The recipe as shown to a privacy officer: [label, value] pairs. Never the seed. */
export function recipeItems(summary, lang) {
  const tr = translator(lang);
  const r = summary.recipe ?? {};
  // The seed is deliberately left out: the printable report is shared with a privacy
  // officer, and whoever holds the seed together with the input can redo the conversion.
  return [
    [tr('rp_preset'), tr(`preset${String(r.preset ?? '').replace(/^./, (c) => c.toUpperCase())}`)],
    [tr('rp_clusterKey'), (r.cluster ?? []).join(', ')],
    [tr('rp_minSize'), r.minClusterSize !== undefined ? fmt(r.minClusterSize, lang) : '—'],
    [tr('rp_smallClusters'), r.smallClusters ? tr(r.smallClusters === 'suppress' ? 'smallSuppress' : 'smallMerge') : '—'],
    [tr('rp_referenceDate'), r.referenceDate ?? '—'],
    [tr('rp_dropped'), (r.drop ?? summary.dropped ?? []).join(', ') || '—'],
  ];
}

/** Leaves of a nested object as [path, value] rows (for figures whose schema may grow). */
export function flatten(value, path = '', rows = [], limit = 400) {
  if (rows.length >= limit) return rows;
  if (value === null || typeof value !== 'object') {
    rows.push([path, typeof value === 'number' ? value : String(value)]);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const name = item && typeof item === 'object' && (item.label ?? item.name ?? item.column);
      flatten(item, `${path}[${name ?? i}]`, rows, limit);
    });
  } else {
    for (const [key, item] of Object.entries(value)) flatten(item, path ? `${path}.${key}` : key, rows, limit);
  }
  return rows;
}

// ---------------------------------------------------------------- the HTML document

const STYLE = `
body { font-family: "IPAGothic", "Hiragino Sans", "Yu Gothic", "Meiryo", sans-serif; color: #1d2430;
  margin: 1.5rem auto; max-width: 60rem; padding: 0 1rem; font-size: 10.5pt; line-height: 1.5; }
h1 { font-size: 16pt; margin: 0 0 0.25rem; }
h2 { font-size: 13pt; border-bottom: 2px solid #0b5cad; margin: 1.5rem 0 0.5rem; }
h3 { font-size: 11pt; margin: 1rem 0 0.25rem; }
.meta, .note { color: #5a6472; }
.cards { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0.5rem 0; }
.card { border: 1px solid #d6dbe3; border-radius: 4px; padding: 0.4rem 0.8rem; min-width: 10rem; }
.card .label { font-size: 9pt; color: #5a6472; }
.card .value { font-weight: bold; font-size: 12pt; }
table { border-collapse: collapse; margin: 0.25rem 0 0.75rem; font-size: 9.5pt; }
th, td { border: 1px solid #c9d0da; padding: 0.15rem 0.45rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #1b7a3a; font-weight: bold; }
.bad { color: #b3261e; font-weight: bold; }
.risk dt { font-weight: bold; margin-top: 0.5rem; }
.risk dd { margin: 0.1rem 0 0 1rem; }
.compare { color: #5a6472; font-size: 9.5pt; }
.district { break-inside: avoid; page-break-inside: avoid; }
@page { size: A4; margin: 15mm 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 9.5pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}`;

const el = (tag, text, cls) => `<${tag}${cls ? ` class="${cls}"` : ''}>${escapeHtml(text)}</${tag}>`;
const markCell = (m) => `<td class="${m === '✗' ? 'bad' : 'ok'}">${escapeHtml(m)}</td>`;

function cardsHtml(summary, lang) {
  const cards = cardItems(summary, lang).map((c) =>
    `<div class="card"><div class="label">${escapeHtml(c.label)}</div><div class="value${c.ok === undefined ? '' : c.ok ? ' ok' : ' bad'}">${escapeHtml(c.value)}</div></div>`);
  return `<div class="cards">${cards.join('')}</div>`;
}

function recipeHtml(summary, lang) {
  const tr = translator(lang);
  const rows = recipeItems(summary, lang).map(([k, v]) => `<tr>${el('th', k)}${el('td', v)}</tr>`);
  return `${el('h2', tr('rp_recipe'))}<table>${rows.join('')}</table>${el('p', tr('rp_seedOmitted'), 'note')}`;
}

function overviewHtml(summary, lang) {
  const tr = translator(lang);
  const aggs = summary.aggregates?.clusters ?? [];
  const names = aggs[0]?.columns.map((c) => c.name) ?? [];
  const head = [tr('clusterLabel'), tr('rowsOriginal'), tr('rowsPseudo'), ...names].map((h) => el('th', h)).join('');
  const body = aggs.map((a) => `<tr>${el('td', a.label)}${el('td', fmt(a.rows.original, lang), 'num')}${el('td', fmt(a.rows.pseudo, lang), 'num')}${
    a.columns.map((c) => markCell(columnMark(c))).join('')}</tr>`);
  return `${el('h2', tr('rp_aggregates'))}${el('p', tr('rp_aggregatesHelp'), 'note')}<table><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

function districtHtml(agg, lang) {
  const tr = translator(lang);
  const rows = [`<tr>${el('td', tr('rp_rows'))}${el('td', '')}${el('td', fmt(agg.rows.original, lang), 'num')}${el('td', fmt(agg.rows.pseudo, lang), 'num')}${markCell(mark(agg.rows.match))}</tr>`];
  for (const c of agg.columns) {
    if (c.kind === 'category') {
      for (const v of c.counts ?? []) {
        const m = c.exactByDesign === false ? '≈' : mark(v.original === v.pseudo);
        rows.push(`<tr>${el('td', c.name)}${el('td', v.value)}${el('td', fmt(v.original, lang), 'num')}${el('td', fmt(v.pseudo, lang), 'num')}${markCell(m)}</tr>`);
      }
    } else {
      const d = unitDigits(c.unit);
      for (const stat of ['n', 'sum', 'mean', 'sd', 'min', 'max']) {
        const digits = stat === 'n' ? 0 : stat === 'mean' || stat === 'sd' ? d + 3 : d;
        const flag = c.match && stat in c.match ? mark(c.match[stat]) : '';
        rows.push(`<tr>${el('td', c.name)}${el('td', tr(`rp_stat_${stat}`))}${el('td', fmt(c.original?.[stat], lang, digits), 'num')}${el('td', fmt(c.pseudo?.[stat], lang, digits), 'num')}${flag ? markCell(flag) : '<td></td>'}</tr>`);
      }
    }
  }
  for (const b of agg.blocks ?? []) {
    rows.push(`<tr>${el('td', b.columns.join(' × '))}${el('td', tr('rp_blockCells', { cells: fmt(b.cells, lang) }))}<td></td><td></td>${markCell(mark(b.match))}</tr>`);
  }
  const head = [tr('rp_column'), tr('rp_valueOrStat'), tr('rowsOriginal'), tr('rowsPseudo'), tr('match')].map((h) => el('th', h)).join('');
  return `<section class="district">${el('h3', agg.label)}<table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function mergesHtml(summary, lang) {
  const tr = translator(lang);
  const items = mergeItems(summary, lang);
  if (items.length === 0) return `${el('h2', tr('rp_merges'))}${el('p', tr('rp_noMerges'))}`;
  const head = [tr('clusterLabel'), tr('rowsOriginal'), tr('clusterStatus'), tr('rp_reason')].map((h) => el('th', h)).join('');
  const body = items.map((m) => `<tr>${el('td', m.label)}${el('td', fmt(m.rowsIn, lang), 'num')}${el('td', m.status)}${el('td', m.reason)}</tr>`);
  return `${el('h2', tr('rp_merges'))}<table><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

function riskHtml(summary, lang) {
  const tr = translator(lang);
  const items = riskItems(summary, lang);
  if (items.length === 0) return '';
  const body = items.map((r) => `${el('dt', r.title)}<dd>${escapeHtml(r.sentence)}${r.compare ? `<br>${el('span', r.compare, 'compare')}` : ''}</dd>`);
  return `${el('h2', tr('rp_risk'))}${el('p', tr('rp_riskHelp'), 'note')}<dl class="risk">${body.join('')}</dl>`;
}

function numericHtml(summary, lang) {
  const tr = translator(lang);
  const notes = numericNotes(summary, lang);
  const body = notes.length ? `<ul>${notes.map((n) => el('li', n)).join('')}</ul>` : el('p', tr('rp_noNumericNotes'));
  return `${el('h2', tr('rp_numeric'))}${body}`;
}

function utilityHtml(summary, lang) {
  if (!summary.utility) return '';
  const tr = translator(lang);
  const rows = flatten(summary.utility).map(([k, v]) => `<tr>${el('td', k)}${el('td', typeof v === 'number' ? fmt(v, lang, 4) : v, 'num')}</tr>`);
  return `${el('h2', tr('rp_utility'))}<table><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The printable report as a complete standalone HTML document.
 * @param {object} summary the engine's summary JSON (docs/report.md)
 * @param {'ja'|'en'} lang the report's language
 * @param {{createdAt?: string|Date, fileName?: string}} meta when the run was made and on which file
 * @returns {string} the HTML text (UTF-8), with no scripts and no external references
 */
export function reportHtml(summary, lang = 'ja', meta = {}) {
  const tr = translator(lang);
  const created = meta.createdAt instanceof Date ? meta.createdAt : new Date(meta.createdAt ?? Date.now());
  const when = Number.isNaN(created.getTime()) ? String(meta.createdAt ?? '') : created.toLocaleString(locale(lang));
  const title = tr('rp_htmlTitle');
  const parts = [
    '<!doctype html>',
    `<html lang="${lang === 'en' ? 'en' : 'ja'}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}${meta.fileName ? ` — ${escapeHtml(meta.fileName)}` : ''}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    el('h1', title),
    `<p class="meta">${escapeHtml(tr('rp_createdAt'))}: ${escapeHtml(when)}<br>${escapeHtml(tr('rp_fileName'))}: ${escapeHtml(meta.fileName ?? '—')}</p>`,
    cardsHtml(summary, lang),
    recipeHtml(summary, lang),
    mergesHtml(summary, lang),
    riskHtml(summary, lang),
    numericHtml(summary, lang),
    utilityHtml(summary, lang),
    overviewHtml(summary, lang),
    el('h2', tr('rp_districtDetails')),
    ...(summary.aggregates?.clusters ?? []).map((a) => districtHtml(a, lang)),
    el('p', tr('offline'), 'note'),
    '</body>',
    '</html>',
    '',
  ];
  return parts.join('\n');
}
