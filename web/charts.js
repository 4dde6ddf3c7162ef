/*
 * The report's charts (step 5, Check): rows per district, a population pyramid for a chosen
 * district, the 65+ / under-10 ratio per district, mean age against the share of heavy care,
 * and a cohort table by district and 5-year age band. Original and pseudo side by side.
 *
 * Chart.js is bundled into the single file (no network). It draws on canvases and sets
 * element.style from script only (allowed by the CSP); it injects no <style> and uses no eval.
 * District names are resident data: text goes through textContent / Chart.js canvas text only.
 */
import { Chart, registerables } from 'chart.js';

Chart.register(...registerables);

/** Charts drawn by the last renderCharts call, destroyed before the next one. */
let active = [];
/** The district chosen in the pyramid, kept across re-renders (language toggle). */
let chosenDistrict = null;
/** Where chartFigure puts new figures: canvases are in the document before Chart.js measures. */
let grid = null;

const COLORS = {
  original: '#2f5f9e',
  pseudo: '#e08a2c',
  menOriginal: '#2f5f9e',
  menPseudo: '#8fb3df',
  womenOriginal: '#b5345a',
  womenPseudo: '#eb9bb2',
};

const BAND = 5;
const TOP_BAND = 100; // 100 and over in one band

export function destroyCharts() {
  for (const chart of active) chart.destroy();
  active = [];
}

function make(tag, { cls, text, testid } = {}, ...children) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  if (testid) node.dataset.testid = testid;
  node.append(...children);
  return node;
}

const locale = (lang) => (lang === 'en' ? 'en-US' : 'ja-JP');
const num = (value, lang, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString(locale(lang), { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '–';

/** A <figure> with a caption and a fixed-height box holding a labelled canvas. */
function chartFigure(testid, caption, boxClass = 'chart-box') {
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  const box = make('div', { cls: boxClass }, canvas);
  const figcaption = make('figcaption', { text: caption });
  const figure = make('figure', { cls: 'chart-figure', testid }, figcaption, box);
  grid.append(figure);
  return { figure, canvas, figcaption, box };
}

function baseOptions() {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { position: 'top' } },
  };
}

function draw(canvas, config) {
  const chart = new Chart(canvas, config);
  active.push(chart);
  return chart;
}

/* ---- data ---------------------------------------------------------------------------- */

const isInteger = (s) => /^\d{1,3}$/.test(String(s).trim());
const MALE = /^(男|男性|m|male|1)$/i;
const FEMALE = /^(女|女性|f|female|2)$/i;

/**
 * The sex × age block of one district: {men, women, bands} with per-band counts, or null.
 * The age column is the one whose values are all small integers; the other is sex.
 */
function pyramidOf(agg) {
  for (const block of agg.blocks ?? []) {
    if (block.columns?.length !== 2 || !block.counts?.length) continue;
    const ageIndex = [0, 1].find((i) => block.counts.every((c) => isInteger(c.values[i])));
    if (ageIndex === undefined) continue;
    const sexIndex = 1 - ageIndex;
    const sexes = [...new Set(block.counts.map((c) => String(c.values[sexIndex])))].sort();
    if (sexes.length < 1 || sexes.length > 2) continue;
    const men = sexes.find((s) => MALE.test(s)) ?? sexes.find((s) => !FEMALE.test(s)) ?? sexes[0];
    const women = sexes.find((s) => s !== men) ?? null;
    const bands = new Map();
    for (const c of block.counts) {
      const age = Number(c.values[ageIndex]);
      const band = Math.min(Math.floor(age / BAND) * BAND, TOP_BAND);
      const entry = bands.get(band) ?? { men: { original: 0, pseudo: 0 }, women: { original: 0, pseudo: 0 } };
      const side = String(c.values[sexIndex]) === men ? entry.men : entry.women;
      side.original += c.original ?? 0;
      side.pseudo += c.pseudo ?? 0;
      bands.set(band, entry);
    }
    return { men, women, bands };
  }
  return null;
}

/** All band starts 0, 5, … up to the highest present (at least 0–84). */
function bandStarts(pyramids) {
  let max = 80;
  for (const p of pyramids) for (const b of p.bands.keys()) max = Math.max(max, b);
  const out = [];
  for (let b = 0; b <= max; b += BAND) out.push(b);
  return out;
}

const bandLabel = (b, t) => (b >= TOP_BAND ? t('ch_bandTop', { from: b }) : t('ch_band', { from: b, to: b + BAND - 1 }));

/** 男/女 (or M/F, male/female) in the page's language; any other value as it is. */
const sexName = (value, t) =>
  value == null ? '' : MALE.test(value) ? t('ch_men') : FEMALE.test(value) ? t('ch_women') : value;

/** The widest side of the pyramid, for a symmetric axis. */
function pyramidMax(p) {
  let max = 1;
  for (const e of p.bands.values()) {
    max = Math.max(max, e.men.original, e.men.pseudo, e.women.original, e.women.pseudo);
  }
  const step = max > 100 ? 50 : max > 20 ? 10 : 5;
  return Math.ceil(max / step) * step;
}

const finite = (v) => (Number.isFinite(v) ? v : null);

/* ---- charts -------------------------------------------------------------------------- */

function districtRows(aggs, t, lang) {
  const { figure, canvas } = chartFigure('chart-districts', t('ch_rowsTitle'));
  canvas.setAttribute('aria-label', `${t('ch_rowsTitle')}. ${aggs
    .map((a) => t('ch_pair', { name: a.label, original: num(a.rows.original, lang), pseudo: num(a.rows.pseudo, lang) }))
    .join('; ')}`);
  draw(canvas, {
    type: 'bar',
    data: {
      labels: aggs.map((a) => a.label),
      datasets: [
        { label: t('ch_original'), data: aggs.map((a) => a.rows.original), backgroundColor: COLORS.original },
        { label: t('ch_pseudo'), data: aggs.map((a) => a.rows.pseudo), backgroundColor: COLORS.pseudo },
      ],
    },
    options: {
      ...baseOptions(),
      scales: {
        x: { ticks: { autoSkip: false, maxRotation: 60, minRotation: 30 } },
        y: { beginAtZero: true, title: { display: true, text: t('ch_people') } },
      },
    },
  });
  return figure;
}

function pyramidData(p, starts, t) {
  const rev = [...starts].reverse(); // oldest at the top
  const get = (b, side, series) => p.bands.get(b)?.[side][series] ?? 0;
  const menName = sexName(p.men, t);
  const womenName = sexName(p.women, t);
  return {
    labels: rev.map((b) => bandLabel(b, t)),
    datasets: [
      { label: `${menName} ${t('ch_original')}`, stack: 'original', backgroundColor: COLORS.menOriginal, data: rev.map((b) => -get(b, 'men', 'original')) },
      { label: `${womenName} ${t('ch_original')}`, stack: 'original', backgroundColor: COLORS.womenOriginal, data: rev.map((b) => get(b, 'women', 'original')) },
      { label: `${menName} ${t('ch_pseudo')}`, stack: 'pseudo', backgroundColor: COLORS.menPseudo, data: rev.map((b) => -get(b, 'men', 'pseudo')) },
      { label: `${womenName} ${t('ch_pseudo')}`, stack: 'pseudo', backgroundColor: COLORS.womenPseudo, data: rev.map((b) => get(b, 'women', 'pseudo')) },
    ],
  };
}

function pyramidLabel(label, p, starts, t, lang) {
  const parts = starts
    .filter((b) => p.bands.has(b))
    .map((b) => {
      const e = p.bands.get(b);
      return `${bandLabel(b, t)}: ${sexName(p.men, t)} ${num(e.men.original, lang)}/${num(e.men.pseudo, lang)}, ${sexName(p.women, t)} ${num(e.women.original, lang)}/${num(e.women.pseudo, lang)}`;
    });
  return `${t('ch_pyramidTitle', { district: label })}. ${t('ch_pyramidAlt')} ${parts.join('; ')}`;
}

function pyramid(aggs, t, lang) {
  const withBlock = aggs.map((a) => ({ label: a.label, p: pyramidOf(a) })).filter((d) => d.p);
  if (withBlock.length === 0) return null;
  const starts = bandStarts(withBlock.map((d) => d.p));
  if (!withBlock.some((d) => d.label === chosenDistrict)) chosenDistrict = withBlock[0].label;
  const current = () => withBlock.find((d) => d.label === chosenDistrict);

  const { figure, canvas, figcaption } = chartFigure('chart-pyramid', '', 'chart-box chart-box-tall');
  const select = make('select', { testid: 'pyramid-district' });
  select.id = 'pyramid-district';
  for (const d of withBlock) select.append(new Option(d.label, d.label, false, d.label === chosenDistrict));
  const label = make('label', { text: t('ch_pyramidSelect') });
  label.htmlFor = select.id;
  figure.insertBefore(make('div', { cls: 'chart-control' }, label, select), figcaption.nextSibling);

  const caption = () => {
    figcaption.textContent = t('ch_pyramidTitle', { district: chosenDistrict });
    canvas.setAttribute('aria-label', pyramidLabel(chosenDistrict, current().p, starts, t, lang));
  };
  caption();
  const abs = (v) => num(Math.abs(v), lang);
  const chart = draw(canvas, {
    type: 'bar',
    data: pyramidData(current().p, starts, t),
    options: {
      ...baseOptions(),
      indexAxis: 'y',
      scales: {
        x: { stacked: true, min: -pyramidMax(current().p), max: pyramidMax(current().p), ticks: { callback: (v) => abs(v) }, title: { display: true, text: t('ch_pyramidAxis') } },
        y: { stacked: true, title: { display: true, text: t('ch_ageBand') } },
      },
      plugins: {
        legend: { position: 'top' },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${abs(ctx.raw)}` } },
      },
    },
  });
  select.addEventListener('change', () => {
    chosenDistrict = select.value;
    chart.data = pyramidData(current().p, starts, t);
    chart.options.scales.x.min = -pyramidMax(current().p);
    chart.options.scales.x.max = pyramidMax(current().p);
    chart.update();
    caption();
  });
  return figure;
}

function ratio(districts, t, lang) {
  const { figure, canvas } = chartFigure('chart-ratio', t('ch_ratioTitle'));
  canvas.setAttribute('aria-label', `${t('ch_ratioTitle')}. ${districts
    .map((d) => t('ch_pair', { name: d.label, original: num(d.ratio65to10?.original, lang, 2), pseudo: num(d.ratio65to10?.pseudo, lang, 2) }))
    .join('; ')}`);
  draw(canvas, {
    type: 'bar',
    data: {
      labels: districts.map((d) => d.label),
      datasets: [
        { label: t('ch_original'), data: districts.map((d) => finite(d.ratio65to10?.original)), backgroundColor: COLORS.original },
        { label: t('ch_pseudo'), data: districts.map((d) => finite(d.ratio65to10?.pseudo)), backgroundColor: COLORS.pseudo },
      ],
    },
    options: {
      ...baseOptions(),
      scales: {
        x: { ticks: { autoSkip: false, maxRotation: 60, minRotation: 30 } },
        y: { beginAtZero: true, title: { display: true, text: t('ch_ratioAxis') } },
      },
      plugins: {
        legend: { position: 'top' },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${num(ctx.raw, lang, 2)}` } },
      },
    },
  });
  return figure;
}

function scatter(districts, t, lang) {
  const { figure, canvas } = chartFigure('chart-scatter', t('ch_scatterTitle'));
  const pct = (v) => (Number.isFinite(v) ? v * 100 : null);
  canvas.setAttribute('aria-label', `${t('ch_scatterTitle')} ${districts
    .map((d) => t('ch_scatterPoint', { name: d.label, age: num(d.meanAge?.original, lang, 1), share: num(pct(d.heavyCareShare?.original), lang, 1) }))
    .join('; ')}`);
  const points = (series) => districts
    .map((d) => ({ x: finite(d.meanAge?.[series]), y: pct(d.heavyCareShare?.[series]), label: d.label }))
    .filter((p) => p.x !== null && p.y !== null);
  draw(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        // Pseudo as a ring around the original dot: both stay visible where they coincide.
        { label: t('ch_original'), data: points('original'), backgroundColor: COLORS.original, borderColor: COLORS.original, pointRadius: 4, pointHoverRadius: 6 },
        { label: t('ch_pseudo'), data: points('pseudo'), backgroundColor: 'rgba(0,0,0,0)', borderColor: COLORS.pseudo, borderWidth: 2.5, pointRadius: 9, pointHoverRadius: 11 },
      ],
    },
    options: {
      ...baseOptions(),
      scales: {
        x: { title: { display: true, text: t('ch_meanAge') } },
        y: { beginAtZero: true, title: { display: true, text: t('ch_heavyCare') } },
      },
      plugins: {
        legend: { position: 'top', labels: { usePointStyle: true } },
        tooltip: {
          callbacks: {
            label: (ctx) => `${ctx.raw.label} (${ctx.dataset.label}): ${num(ctx.raw.x, lang, 1)} / ${num(ctx.raw.y, lang, 1)}%`,
          },
        },
      },
    },
  });
  return figure;
}

function cohortTable(aggs, t, lang) {
  const rows = aggs.map((a) => ({ label: a.label, p: pyramidOf(a) })).filter((d) => d.p);
  if (rows.length === 0) return null;
  const starts = bandStarts(rows.map((d) => d.p));
  const table = make('table', { cls: 'cohort-table', testid: 'cohort-table' });
  const head = table.createTHead().insertRow();
  for (const text of [t('clusterLabel'), t('ch_series')]) {
    const th = make('th', { text });
    th.scope = 'col';
    head.append(th);
  }
  for (const b of starts) {
    const th = make('th', { cls: 'num', text: bandLabel(b, t) });
    th.scope = 'col';
    head.append(th);
  }
  const total = (e, series) => (e ? e.men[series] + e.women[series] : 0);
  for (const { label, p } of rows) {
    const tbody = table.createTBody();
    tbody.dataset.district = label;
    for (const series of ['original', 'pseudo']) {
      const tr = tbody.insertRow();
      tr.dataset.series = series;
      if (series === 'original') {
        const th = make('th', { text: label });
        th.scope = 'rowgroup';
        th.rowSpan = 2;
        tr.append(th);
      }
      tr.append(make('td', { cls: 'series', text: t(series === 'original' ? 'ch_original' : 'ch_pseudo') }));
      for (const b of starts) {
        const e = p.bands.get(b);
        const value = total(e, series);
        const same = total(e, 'original') === total(e, 'pseudo');
        const td = make('td', { cls: series === 'pseudo' && !same ? 'num bad' : 'num', text: num(value, lang) });
        tr.append(td);
      }
    }
  }
  const figure = make('figure', { cls: 'chart-figure chart-wide', testid: 'chart-cohort' },
    make('figcaption', { text: t('ch_cohortTitle') }),
    make('div', { cls: 'table-scroll' }, table));
  grid.append(figure);
  return figure;
}

/**
 * Draws the charts into `container`, replacing what was there and destroying old charts.
 * @param {HTMLElement} container e.g. #report-charts
 * @param {object} summary the engine's summary JSON (docs/report.md)
 * @param {(key: string, values?: object) => string} t the page's translator
 * @param {'ja'|'en'} lang
 */
export function renderCharts(container, summary, t, lang) {
  destroyCharts();
  container.replaceChildren();
  const aggs = summary?.aggregates?.clusters ?? [];
  const districts = summary?.utility?.districts ?? [];
  if (aggs.length === 0 && districts.length === 0) {
    container.hidden = true;
    return;
  }
  container.hidden = false;
  const font = getComputedStyle(container).fontFamily;
  if (font) Chart.defaults.font.family = font; // the page's own font; nothing is fetched
  Chart.defaults.color = '#333';

  container.append(make('h3', { text: t('ch_heading') }), make('p', { cls: 'help', text: t('ch_help') }));
  grid = make('div', { cls: 'chart-grid' });
  container.append(grid);
  if (aggs.length) districtRows(aggs, t, lang);
  if (aggs.length) pyramid(aggs, t, lang);
  if (districts.length) ratio(districts, t, lang);
  if (districts.length) scatter(districts, t, lang);
  if (aggs.length) cohortTable(aggs, t, lang);
}
