// Runs the graphql-http audit suite, the conformance tests of the GraphQL
// over HTTP specification, against a running server:
//
//	node .ci/graphql-http/audit.mjs http://127.0.0.1:8080/graphql
//
// It prints every audit with its result, then a summary. It exits 1 if an
// audit of a MUST fails; failed SHOULD and MAY audits are printed as
// warnings and notices and do not fail. It exits 2 if the audit cannot run.
import { readFileSync } from 'node:fs';
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url || process.argv.length > 3) {
  console.error('usage: node audit.mjs URL   (for example http://127.0.0.1:8080/graphql)');
  process.exit(2);
}

if (typeof fetch !== 'function') {
  console.error(`graphql-http audit: needs Node 18 or later (for fetch); this is ${process.version}`);
  process.exit(2);
}

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const version = pkg.dependencies['graphql-http'];

// level is the requirement an audit checks, from the first word of its
// name ("MAY NOT ..." is a MAY).
function level(name) {
  return ['MUST', 'SHOULD', 'MAY'].find((l) => name.startsWith(l + ' ')) ?? 'OTHER';
}

// describe shows what the server answered to a failed audit.
async function describe(response) {
  if (!response) return '';
  let body = '';
  try {
    body = await response.text();
  } catch {
    body = '(body already read)';
  }
  if (body.length > 300) body = body.slice(0, 300) + '...';
  const type = response.headers.get('content-type') ?? 'no content-type';
  return `${response.status} ${type} ${body}`;
}

let results;
try {
  results = await auditServer({ url });
} catch (err) {
  console.error(`graphql-http audit: cannot audit ${url}: ${err?.stack ?? err}`);
  process.exit(2);
}

const label = { ok: 'pass', notice: 'NOTICE', warn: 'WARN', error: 'FAIL' };
const counts = {};
for (const r of results) {
  const l = level(r.name);
  counts[l] ??= { passed: 0, total: 0 };
  counts[l].total++;
  if (r.status === 'ok') counts[l].passed++;
  console.log(`${label[r.status].padEnd(6)} ${r.id} ${r.name}`);
  if (r.status !== 'ok') {
    console.log(`       ${r.reason}`);
    const got = await describe(r.response);
    if (got) console.log(`       got: ${got}`);
  }
}

const failed = results.filter((r) => r.status === 'error');
const summary = ['MUST', 'SHOULD', 'MAY', 'OTHER']
  .filter((l) => counts[l])
  .map((l) => `${l} ${counts[l].passed}/${counts[l].total}`)
  .join(', ');
console.log('');
console.log(`graphql-http ${version} audit of ${url}: ${summary} passed`);
for (const [status, what] of [['warn', 'SHOULD warnings'], ['notice', 'MAY notices']]) {
  const ids = results.filter((r) => r.status === status).map((r) => r.id);
  if (ids.length) console.log(`${what}: ${ids.join(', ')}`);
}
if (failed.length) {
  console.log(`${failed.length} MUST audit(s) failed: ${failed.map((r) => r.id).join(', ')}`);
  process.exit(1);
}
console.log('no MUST audit failed');
