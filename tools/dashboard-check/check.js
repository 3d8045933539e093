// Checks a Grafana dashboard against Grafana's own dashboard schema, as published in @grafana/schema (the TypeScript
// types generated from the CUE schema Grafana validates dashboards with). The JSON is written out as a TypeScript
// object literal typed as `Dashboard` and compiled with --strict: a field of the wrong type, a value outside its
// allowed set, or a field the schema does not have (an object literal's excess properties) fails the compile.
// Usage: node check.js <dashboard.json>. Exit 1 on any error.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const file = process.argv[2];
const dashboard = JSON.parse(fs.readFileSync(file, 'utf8'));
const work = fs.mkdtempSync(path.join(__dirname, '.check-'));
let compiled = true;
try {
  fs.writeFileSync(path.join(work, 'dashboard.ts'),
    `import type { Dashboard } from '@grafana/schema';\nexport const dashboard: Dashboard = ${JSON.stringify(dashboard, null, 2)};\n`);
  const tsc = path.join(__dirname, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--moduleResolution', 'bundler', '--module', 'esnext',
    '--target', 'es2022', path.join(work, 'dashboard.ts')], { stdio: 'inherit', cwd: __dirname });
} catch (e) {
  compiled = false;
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
if (!compiled) { console.log(`${file}: does not match Grafana's dashboard schema`); process.exit(1); }
// What the types cannot say: panel ids are unique, and every query names a data source.
const panels = (dashboard.panels ?? []).flatMap(p => [p, ...(p.panels ?? [])]);
const ids = panels.map(p => p.id);
const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
if (duplicate !== undefined) { console.log(`${file}: panel id ${duplicate} is used twice`); process.exit(1); }
const unsourced = panels.filter(p => p.type !== 'row' && (p.targets ?? []).some(t => !t.datasource && !p.datasource));
if (unsourced.length) { console.log(`${file}: panel "${unsourced[0].title}" has a query without a data source`); process.exit(1); }
console.log(`${file}: ok (${panels.filter(p => p.type !== 'row').length} panels, Grafana dashboard schema ${require('@grafana/schema/package.json').version})`);
