#!/usr/bin/env node
// Builds FerretDB (the embedded MongoDB-compatible engine) into .tools/bin with the machine's Go.
// Runs as part of `npm install`; quick when the binary is already built from the same sources.
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const sourceDir = path.join(root, 'tools', 'ferretdb');
const binDir = path.join(root, '.tools', 'bin');
const binary = path.join(binDir, 'ferretdb');
const stampFile = path.join(binDir, 'ferretdb.stamp');

function sourceStamp() {
  const hash = crypto.createHash('sha256');
  // Every Go source file counts, so a change to any of them rebuilds the wrapper.
  const goFiles = fs.readdirSync(sourceDir).filter((name) => name.endsWith('.go') && !name.endsWith('_test.go'));
  for (const name of ['go.mod', 'go.sum', ...goFiles.sort()]) {
    hash.update(name);
    hash.update(fs.readFileSync(path.join(sourceDir, name)));
  }
  return hash.digest('hex');
}

function main() {
  const stamp = sourceStamp();
  if (fs.existsSync(binary) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) {
    console.log('Embedded database: FerretDB is already built.');
    return 0;
  }
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    console.warn(
      'Embedded database: Go is not installed, so FerretDB was not built.\n' +
        'Install Go and run `npm install` again, or set MONGODB_URI (an existing MongoDB) or MONGOMS_SYSTEM_BINARY (a mongod binary).',
    );
    return 0;
  }
  console.log(`Embedded database: building FerretDB with ${go.stdout.trim()} (about a minute the first time)...`);
  fs.mkdirSync(binDir, { recursive: true });
  const build = (toolchain) =>
    spawnSync('go', ['build', '-trimpath', '-o', binary, '.'], {
      cwd: sourceDir,
      stdio: 'inherit',
      env: { ...process.env, GOTOOLCHAIN: toolchain, CGO_ENABLED: '0' },
    });
  // The machine's Go first; if it is older than go.mod needs, Go fetches a newer toolchain from its module proxy.
  let result = build('local');
  if (result.status !== 0) {
    console.log('Embedded database: retrying with a Go toolchain from the Go module proxy...');
    result = build('auto');
  }
  if (result.status !== 0) {
    console.error('Embedded database: building FerretDB failed (see above). Set MONGODB_URI to use an existing MongoDB instead.');
    return 1;
  }
  fs.writeFileSync(stampFile, stamp);
  console.log(`Embedded database: FerretDB built at ${path.relative(root, binary)}.`);
  return 0;
}

process.exitCode = main();
