#!/usr/bin/env node
// Writes the made-up sample city (web/sample-city.js) to a CSV file, e.g. for benchmarks:
//   node tools/gen-city.mjs --rows 1000000 --encoding shift_jis -o bench-data/city-1m.csv
// Rows are generated and written in chunks, so memory stays modest at any size. The file is
// written under a temporary name and renamed at the end: a failed run leaves no partial file.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import iconv from 'iconv-lite';
import { HEADER, MAX_ROWS, csvRecord, generateRows } from '../web/sample-city.js';

const USAGE = `usage: node tools/gen-city.mjs [--rows N] [--seed S] [--encoding utf-8|utf-8-bom|shift_jis] [--wareki] -o FILE
  --rows N       data rows (default 20000, at most ${MAX_ROWS})
  --seed S       integer seed in [0, 4294967295] (default 1)
  --encoding E   utf-8 (default), utf-8-bom, or shift_jis (written as CP932)
  --wareki       birth dates as 和暦 (昭和45年3月1日) instead of ISO (1970-03-01)
  -o, --output   output file (required)`;

const ENCODINGS = ['utf-8', 'utf-8-bom', 'shift_jis'];
const BLOCK_BYTES = 1 << 20;

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = { rows: 20000, seed: 1, encoding: 'utf-8', wareki: false, output: null };
  const parseInteger = (name, text, max) => {
    if (!/^\d+$/.test(text ?? '')) throw new UsageError(`${name} needs a non-negative integer, got ${JSON.stringify(text ?? '')}`);
    const n = Number(text);
    if (n > max) throw new UsageError(`${name} must be at most ${max}, got ${text}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const takeValue = () => {
      if (value !== undefined) return value;
      if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case '--rows': opts.rows = parseInteger('--rows', takeValue(), MAX_ROWS); break;
      case '--seed': opts.seed = parseInteger('--seed', takeValue(), 0xffffffff); break;
      case '--encoding': {
        const e = takeValue().toLowerCase();
        if (!ENCODINGS.includes(e)) throw new UsageError(`--encoding must be one of ${ENCODINGS.join(', ')}, got ${JSON.stringify(e)}`);
        opts.encoding = e;
        break;
      }
      case '--wareki':
        if (value !== undefined) throw new UsageError('--wareki takes no value');
        opts.wareki = true;
        break;
      case '-o':
      case '--output': opts.output = takeValue(); break;
      case '-h':
      case '--help': opts.help = true; break;
      default: throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}`);
    }
  }
  if (!opts.help && !opts.output) throw new UsageError('missing -o FILE');
  return opts;
}

/**
 * Collects CSV text and writes it to `fd` in blocks of about 1 MiB. UTF-8 is written straight
 * into a reused buffer; CP932 goes through iconv-lite one block of text at a time.
 */
class BlockWriter {
  constructor(fd, encoding) {
    this.fd = fd;
    this.cp932 = encoding === 'shift_jis';
    this.buf = Buffer.allocUnsafe(BLOCK_BYTES);
    this.used = 0; // bytes in buf (UTF-8)
    this.texts = []; // pending text (CP932)
    this.chars = 0;
    this.bytes = 0;
  }

  write(text) {
    if (this.cp932) {
      this.texts.push(text);
      this.chars += text.length;
      if (this.chars >= BLOCK_BYTES / 2) this.flush();
      return;
    }
    if (this.used + 3 * text.length > this.buf.length) { // 3 bytes per UTF-16 unit at most
      this.flush();
      if (3 * text.length > this.buf.length) {
        this.#out(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.used += this.buf.write(text, this.used, 'utf8');
  }

  flush() {
    if (this.cp932) {
      if (this.texts.length) this.#out(iconv.encode(this.texts.join(''), 'cp932'));
      this.texts = [];
      this.chars = 0;
    } else if (this.used) {
      this.#out(this.buf.subarray(0, this.used));
      this.used = 0;
    }
  }

  #out(bytes) {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.bytes += bytes.length;
  }
}

/** Writes the city to `output` (via a temporary file renamed at the end); returns the byte count. */
function writeCity({ rows, seed, wareki, encoding, output }) {
  const tmp = `${output}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    const out = new BlockWriter(fd, encoding);
    if (encoding === 'utf-8-bom') out.write('\uFEFF');
    out.write(csvRecord(HEADER));
    for (const row of generateRows({ rows, seed, wareki })) out.write(csvRecord(row));
    out.flush();
    closeSync(fd);
    renameSync(tmp, output);
    return out.bytes;
  } catch (err) {
    try { closeSync(fd); } catch { /* already closed */ }
    rmSync(tmp, { force: true });
    throw err;
  }
}

function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`gen-city: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const start = performance.now();
  let bytes;
  try {
    bytes = writeCity(opts);
  } catch (err) {
    process.stderr.write(`gen-city: cannot write ${opts.output}: ${err.message}\n`);
    process.exit(1);
  }
  const seconds = (performance.now() - start) / 1000;
  process.stderr.write(
    `gen-city: ${opts.rows} rows, ${bytes} bytes (${opts.encoding}), ${seconds.toFixed(2)} s -> ${opts.output}\n`,
  );
}

main();
