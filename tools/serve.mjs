#!/usr/bin/env node
// npm start (after setup and build): serves the app on localhost and prints its address.
//
//   /        dist/pseudocitizen.html — the single-file app, exactly as staff get it
//   /dev     index.html — the development page (page script and worker bundled in build/web/,
//            so a change to web/ needs `npm run build -- app` and a reload)
//
// Only files inside the repository are served, only to this machine (127.0.0.1).
// PORT=8123 npm start picks the port; by default the first free one from 8080.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.wasm': 'application/wasm',
};

function resolve(urlPath) {
  if (urlPath === '/') return join(root, 'dist/pseudocitizen.html');
  if (urlPath === '/dev' || urlPath === '/dev/') return join(root, 'index.html');
  if (urlPath === '/web/app.js') return join(root, 'build/web/app.js');
  const path = normalize(join(root, decodeURIComponent(urlPath)));
  return path.startsWith(root + sep) ? path : null;
}

const server = createServer((request, response) => {
  const path = resolve(new URL(request.url, 'http://localhost').pathname);
  let size = -1;
  try {
    if (path) size = statSync(path).isFile() ? statSync(path).size : -1;
  } catch {
    size = -1;
  }
  if (size < 0) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('not found\n');
    return;
  }
  response.writeHead(200, {
    'content-type': types[extname(path)] ?? 'application/octet-stream',
    'content-length': size,
    'cache-control': 'no-store',
  });
  createReadStream(path).pipe(response);
});

let port = Number(process.env.PORT ?? 8080);
const fixed = process.env.PORT !== undefined;
server.on('error', (error) => {
  if (error.code === 'EADDRINUSE' && !fixed && port < 8100) {
    port += 1;
    server.listen(port, '127.0.0.1');
    return;
  }
  console.error(`serve: ${error.message}`);
  process.exit(1);
});
server.on('listening', () => {
  console.log(`\nPseudocitizen: http://127.0.0.1:${port}/`);
  console.log('  サンプルは「サンプル（架空の市）で試す」ボタンから / the sample is one click away.');
  console.log(`  development page: http://127.0.0.1:${port}/dev   (Ctrl+C to stop)`);
});
server.listen(port, '127.0.0.1');
