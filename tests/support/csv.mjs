// A small, strict RFC 4180 reader for tests: checks what the engine wrote without using the engine.
// Returns {header: string[], rows: string[][]}; throws on a malformed file.
export function parseCsv(text, delimiter = ',') {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records = [];
  let record = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      field += c;
      i += 1;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      i += 1;
    } else if (c === delimiter) {
      record.push(field);
      field = '';
      i += 1;
    } else if (c === '\r' || c === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      i += 1;
    }
  }
  if (quoted) throw new Error('unclosed quote');
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header, ...rows] = records;
  for (const [n, row] of rows.entries()) {
    if (row.length !== header.length) throw new Error(`row ${n + 2} has ${row.length} fields, header ${header.length}`);
  }
  return { header, rows };
}

/** Map "cluster\u0000column\u0000value" -> count, for every column except the cluster's. */
export function clusterValueCounts({ header, rows }, clusterColumn, columns = header) {
  const k = header.indexOf(clusterColumn);
  if (k < 0) throw new Error(`no column ${clusterColumn}`);
  const counts = new Map();
  for (const name of columns) {
    const c = header.indexOf(name);
    if (c < 0) throw new Error(`no column ${name}`);
    for (const row of rows) {
      const key = `${row[k]}\u0000${name}\u0000${row[c]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Per-cluster aggregates computed independently of the engine, for the exactness checks (G3):
 * rows; for `categories` the count of every value; for `numbers` the count of non-empty cells and
 * their sum in integer units of 10^-scale (exact; parsed by hand, not with parseFloat).
 * `labelOf(row)` gives the cluster a row belongs to (e.g. its receiving cluster after a merge).
 */
export function clusterAggregates({ header, rows }, labelOf, categories, numbers) {
  const out = new Map();
  const index = (name) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`no column ${name}`);
    return i;
  };
  const cats = categories.map(index);
  const nums = numbers.map(({ name, scale }) => ({ i: index(name), scale }));
  for (const row of rows) {
    const label = labelOf(row);
    if (label === null) continue;
    if (!out.has(label)) out.set(label, { rows: 0, categories: new Map(), numbers: new Map() });
    const agg = out.get(label);
    agg.rows += 1;
    for (const [k, i] of cats.entries()) {
      const key = `${categories[k]}\u0000${row[i]}`;
      agg.categories.set(key, (agg.categories.get(key) ?? 0) + 1);
    }
    for (const [k, { i, scale }] of nums.entries()) {
      const cell = row[i];
      if (cell === '') continue;
      const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(cell);
      if (!match) throw new Error(`not a number: ${cell}`);
      const decimals = (match[3] ?? '').padEnd(scale, '0');
      if (decimals.length > scale) throw new Error(`more than ${scale} decimals: ${cell}`);
      const units = BigInt(match[2] + decimals) * (match[1] ? -1n : 1n);
      const name = numbers[k].name;
      const prev = agg.numbers.get(name) ?? { n: 0, sum: 0n };
      agg.numbers.set(name, { n: prev.n + 1, sum: prev.sum + units });
    }
  }
  return out;
}
