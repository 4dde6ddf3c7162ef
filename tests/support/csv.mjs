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
