// The generated city the benchmarks run on: bench-data/city-ROWS-ENCODING.csv, made by
// tools/gen-city.mjs on first use (Shift_JIS with 和暦 birth dates) and reused afterwards.
// bench-data/ is never committed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const dataDir = join(root, 'bench-data');

/** The path of the city with `rows` rows in `encoding`, generated if it is not there yet. */
export function benchCity(rows, encoding) {
  mkdirSync(dataDir, { recursive: true });
  const input = join(dataDir, `city-${rows}-${encoding}.csv`);
  if (!existsSync(input)) {
    const gen = spawnSync('node', [join(root, 'tools/gen-city.mjs'), '--rows', String(rows),
      '--encoding', encoding, ...(encoding === 'shift_jis' ? ['--wareki'] : []), '-o', input],
    { stdio: 'inherit' });
    if (gen.status !== 0) process.exit(1);
  }
  return input;
}
