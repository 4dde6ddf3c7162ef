/*
 * The on-page report (step 5, Check): summary cards, the per-district aggregates with a
 * match mark per column (figures on expand), merged and suppressed districts with their
 * reasons, the risk measures in plain words, and notes on the numeric columns.
 *
 * Built with createElement/textContent only: district names and category values are
 * resident data and never go through innerHTML. No inline styles (the CSP forbids them).
 */
import {
  cardItems, columnMark, flatten, fmt, mark, mergeItems, numericNotes, riskItems, unitDigits,
} from './report-html.js';
import { renderCharts } from './charts.js';

/** createElement with a class and text. */
function make(tag, { cls, text, testid } = {}, ...children) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  if (testid) node.dataset.testid = testid;
  node.append(...children);
  return node;
}

function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

const markClass = (m) => (m === '✗' ? 'bad' : m === '≈' ? 'warn' : 'ok');

function headRow(table, labels, numeric = []) {
  const tr = table.createTHead().insertRow();
  labels.forEach((label, i) => {
    const th = make('th', { text: label, cls: numeric.includes(i) ? 'num' : undefined });
    th.scope = 'col';
    tr.append(th);
  });
}

/** The one-line summary (#summary) — tests read the row counts from it. */
function fillSummaryLine(summary, t) {
  const count = (status) => summary.clusters.filter((c) => c.status === status).length;
  document.getElementById('summary').textContent = t('summary', {
    rowsIn: summary.rowsIn.toLocaleString(),
    rowsOut: summary.rowsOut.toLocaleString(),
    clusters: count('released'),
    merged: count('merged'),
    suppressed: count('suppressed'),
    columns: summary.columnsOut.length,
    dropped: summary.dropped.length,
  });
}

/** Residents per district (#cluster-table), with the outcome of every district. */
function fillClusterTable(summary, t, lang) {
  const tbody = document.getElementById('cluster-table').tBodies[0];
  tbody.replaceChildren();
  for (const cluster of summary.clusters) {
    const tr = tbody.insertRow();
    cell(tr, cluster.label);
    cell(tr, cluster.rowsIn.toLocaleString(), 'num');
    cell(tr, cluster.rowsOut.toLocaleString(), 'num');
    // A district that took in a small one has more rows out than in: say whose.
    const merged = summary.clusters.filter((c) => c.status === 'merged' && c.into === cluster.label);
    const status = cluster.status === 'released' && merged.length
      ? t('status_released_with', {
        from: merged.map((c) => c.label).join(lang === 'en' ? ', ' : '、'),
        n: merged.reduce((sum, c) => sum + c.rowsIn, 0).toLocaleString(),
      })
      : t(`status_${cluster.status}`, cluster);
    const outcome = cell(tr, status, cluster.status === 'released' ? 'ok' : 'warn');
    if (cluster.reason) outcome.title = lang === 'en' ? cluster.reason.en : cluster.reason.ja;
  }
}

function cards(summary, lang) {
  const box = make('div', { cls: 'report-cards', testid: 'report-cards' });
  for (const item of cardItems(summary, lang)) {
    const valueClass = item.ok === undefined ? 'card-value' : `card-value ${item.ok ? 'ok' : 'bad'}`;
    const card = make('div', { cls: 'report-card' },
      make('div', { cls: 'card-label', text: item.label }),
      make('div', { cls: valueClass, text: item.value }));
    if (item.ok !== undefined) card.dataset.testid = 'report-checks';
    box.append(card);
  }
  return box;
}

function overviewTable(summary, t, lang) {
  const aggs = summary.aggregates?.clusters ?? [];
  const names = aggs[0]?.columns.map((c) => c.name) ?? [];
  const table = make('table', { cls: 'aggregate-table', testid: 'aggregate-table' });
  headRow(table, [t('clusterLabel'), t('rowsOriginal'), t('rowsPseudo'), ...names], [1, 2]);
  const tbody = table.createTBody();
  for (const agg of aggs) {
    const tr = tbody.insertRow();
    cell(tr, agg.label);
    cell(tr, fmt(agg.rows.original, lang), 'num');
    cell(tr, fmt(agg.rows.pseudo, lang), `num ${agg.rows.match ? '' : 'bad'}`.trim());
    for (const column of agg.columns) {
      const m = columnMark(column);
      const td = cell(tr, m, `mark ${markClass(m)}`);
      td.title = column.name;
    }
  }
  return make('div', { cls: 'table-scroll report-full' }, table);
}

function districtDetails(agg, t, lang) {
  const table = make('table', { cls: 'district-table' });
  headRow(table, [t('rp_column'), t('rp_valueOrStat'), t('rowsOriginal'), t('rowsPseudo'), t('match')], [2, 3]);
  const tbody = table.createTBody();
  const row = (name, what, original, pseudo, m) => {
    const tr = tbody.insertRow();
    cell(tr, name);
    cell(tr, what);
    cell(tr, original, 'num');
    cell(tr, pseudo, 'num');
    cell(tr, m, m ? `mark ${markClass(m)}` : undefined);
  };
  row(t('rp_rows'), '', fmt(agg.rows.original, lang), fmt(agg.rows.pseudo, lang), mark(agg.rows.match));
  for (const column of agg.columns) {
    if (column.kind === 'category') {
      for (const v of column.counts ?? []) {
        const m = column.exactByDesign === false ? '≈' : mark(v.original === v.pseudo);
        row(column.name, v.value, fmt(v.original, lang), fmt(v.pseudo, lang), m);
      }
      continue;
    }
    const d = unitDigits(column.unit);
    for (const stat of ['n', 'sum', 'mean', 'sd', 'min', 'max']) {
      const digits = stat === 'n' ? 0 : stat === 'mean' || stat === 'sd' ? d + 3 : d;
      const flag = column.match && stat in column.match ? mark(column.match[stat]) : '';
      row(column.name, t(`rp_stat_${stat}`), fmt(column.original?.[stat], lang, digits), fmt(column.pseudo?.[stat], lang, digits), flag);
    }
  }
  for (const block of agg.blocks ?? []) {
    row(block.columns.join(' × '), t('rp_blockCells', { cells: fmt(block.cells, lang) }), '', '', mark(block.match));
  }
  const allMatch = agg.rows.match && agg.columns.every((c) => columnMark(c) !== '✗');
  const summaryLine = make('summary', {}, make('span', { text: agg.label }), ' ',
    make('span', { cls: allMatch ? 'ok' : 'bad', text: allMatch ? '✓' : '✗' }));
  return make('details', { cls: 'district' }, summaryLine, make('div', { cls: 'table-scroll' }, table));
}

function merges(summary, t, lang) {
  const items = mergeItems(summary, lang);
  const box = make('div', { testid: 'report-merges' }, make('h3', { text: t('rp_merges') }));
  if (items.length === 0) {
    box.append(make('p', { cls: 'help', text: t('rp_noMerges') }));
    return box;
  }
  const list = make('ul', { cls: 'merge-list' });
  for (const item of items) {
    list.append(make('li', {},
      make('strong', { text: item.label }), ' ',
      make('span', { cls: 'warn', text: item.status }),
      make('br'),
      make('span', { text: item.reason })));
  }
  box.append(list);
  return box;
}

function risk(summary, t, lang) {
  const items = riskItems(summary, lang);
  if (items.length === 0) return null;
  const list = make('dl', { cls: 'risk-list' });
  for (const item of items) {
    const dd = make('dd', {}, make('span', { text: item.sentence }));
    if (item.compare) dd.append(make('span', { cls: 'risk-compare', text: item.compare }));
    list.append(make('dt', { text: item.title }), dd);
  }
  return make('div', { testid: 'report-risk' },
    make('h3', { text: t('rp_risk') }),
    make('p', { cls: 'help', text: t('rp_riskHelp') }),
    list);
}

function numeric(summary, t, lang) {
  const notes = numericNotes(summary, lang);
  const box = make('div', { testid: 'report-numeric' }, make('h3', { text: t('rp_numeric') }));
  if (notes.length === 0) box.append(make('p', { cls: 'help', text: t('rp_noNumericNotes') }));
  else box.append(make('ul', {}, ...notes.map((note) => make('li', { text: note }))));
  return box;
}

function utility(summary, t, lang) {
  const table = make('table');
  const tbody = table.createTBody();
  for (const [key, value] of flatten(summary.utility)) {
    const tr = tbody.insertRow();
    cell(tr, key);
    cell(tr, typeof value === 'number' ? fmt(value, lang, 4) : value, 'num');
  }
  return make('details', { testid: 'report-utility' },
    make('summary', { text: t('rp_utility') }),
    make('div', { cls: 'table-scroll' }, table));
}

/**
 * Renders the report into the report section.
 * @param {HTMLElement} container the `<section id="report">` element
 * @param {object} summary the engine's summary JSON (docs/report.md)
 * @param {(key: string, values?: object) => string} t the page's translator (i18n.js)
 * @param {'ja'|'en'} lang the current language
 */
export function renderReport(container, summary, t, lang) {
  fillSummaryLine(summary, t);
  fillClusterTable(summary, t, lang);

  const top = container.querySelector('#report-cards');
  top.replaceChildren(cards(summary, lang));

  const body = container.querySelector('#report-details');
  body.replaceChildren();
  body.append(merges(summary, t, lang));
  if (summary.aggregates) {
    body.append(
      make('h3', { text: t('rp_aggregates') }),
      make('p', { cls: 'help', text: t('rp_aggregatesHelp') }),
      overviewTable(summary, t, lang),
      make('h3', { text: t('rp_districtDetails') }),
      make('p', { cls: 'help', text: t('rp_detailsHelp') }),
      make('div', { cls: 'district-list', testid: 'district-details' },
        ...summary.aggregates.clusters.map((agg) => districtDetails(agg, t, lang))),
    );
  }
  const riskBox = risk(summary, t, lang);
  if (riskBox) body.append(riskBox);
  body.append(numeric(summary, t, lang));
  if (summary.utility) body.append(utility(summary, t, lang));
  container.hidden = false;
  // After unhiding: Chart.js measures the canvases' boxes.
  const charts = container.querySelector('#report-charts');
  if (charts) renderCharts(charts, summary, t, lang);
}
