// The HTML report as a reader sees it: a tiny comparison is run and reported, then the report is opened from
// disk in headless Chromium (Debian's package, driven by playwright-core from web/package-lock.json; no tool
// downloads a browser) and checked: no console error or warning, no network request at all, every chart
// drawn (the expected number, each a non-empty SVG with marks), and the figures in the page equal to the
// store's (`wijksim show --format json` and `wijksim export`). The screenshot and a PDF print are kept in
// the artefact directory.
//
// Usage: node html_report_test.mjs WIJKSIM SOURCE_DIR NODE_MODULES ARTEFACT_DIR
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [wijksim, source, nodeModules, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node html_report_test.mjs WIJKSIM SOURCE_DIR NODE_MODULES ARTEFACT_DIR');
  process.exit(2);
}
const chromium = process.env.WIJKSIM_CHROMIUM || '/usr/bin/chromium';
let passed = 0;
let failed = 0;
function check(ok, what, detail) {
  if (ok) {
    passed++;
    console.log(`ok: ${what}`);
  } else {
    failed++;
    console.log(`FAIL: ${what}${detail === undefined ? '' : `: ${detail}`}`);
  }
  return ok;
}
function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const store = join(out, 'results.db');
const report = join(out, 'report.html');

// ---- The command line ----
function run(args, expect) {
  const r = spawnSync(wijksim, args, { cwd: source, encoding: 'utf8' });
  check(r.status === expect, `wijksim ${args.join(' ')} exits ${expect}`, `exit ${r.status}: ${r.stderr}`);
  return r;
}
run(['compare', 'scenarios/pilot.yaml', '-r', '2', '-y', '1', '--draws', '3', '--threads', '2', '--sensitivity',
  '--grid', '3', '--store', store, '--report', report], 0);
if (!check(existsSync(report), 'compare --report wrote the report')) finish();
run(['report', '1', '--store', store, '-o', join(out, 'again.html')], 0);
check(readFileSync(join(out, 'again.html')).equals(readFileSync(report)),
  '`wijksim report` writes the same file as `compare --report`');
let r = run(['report', '9', '--store', store, '-o', join(out, 'none.html')], 1);
check(/has no run 9/.test(r.stderr), 'an unknown run is named in the message', r.stderr);
r = run(['report', '1', '--store', join(out, 'missing.db'), '-o', join(out, 'none.html')], 1);
check(/no results store/.test(r.stderr), 'a missing store is named in the message', r.stderr);
check(!existsSync(join(out, 'none.html')), 'a refused report writes no file');
r = run(['compare', 'scenarios/pilot.yaml', '-r', '1', '-y', '1', '--no-store', '--report', join(out, 'none.html')], 2);
check(/--report/.test(r.stderr), '--report without a store contradicts itself: a usage error (exit 2) before anything runs', r.stderr);

// A run without comparators is reported too: each scenario on its own.
const alone = join(out, 'alone.html');
run(['run', 'scenarios/pilot.yaml', '-r', '2', '-y', '1', '--store', join(out, 'alone.db')], 0);
run(['report', '1', '--store', join(out, 'alone.db'), '-o', alone], 0);

const stored = JSON.parse(execFileSync(wijksim, ['show', '1', '--store', store, '--format', 'json'], { encoding: 'utf8' }));
execFileSync(wijksim, ['export', '1', '--store', store, '--csv', join(out, 'csv')], { stdio: 'ignore' });
function csv(name) {
  const [head, ...lines] = readFileSync(join(out, 'csv', name), 'utf8').trim().split('\n');
  const keys = head.split(',');
  // These files have no quoted fields.
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i], v])));
}
const scenarios = csv('scenarios.csv');
const runs = csv('runs.csv')[0];
const draws = Number(runs.draws);

// The charts the page must have: per coach scenario against its comparator 11 (9 without coaches), per
// decision one acceptability curve, per scenario without a comparator 6 (8 with coaches).
let expected = 0;
const comparators = new Set();
for (const s of scenarios) {
  const coaches = Number(s.coach_fte) > 0 ? 2 : 0;
  if (s.comparator !== '') {
    expected += 9 + coaches;
    comparators.add(s.comparator);
  } else if (s.role !== 'comparator') {
    expected += 6 + coaches;
  }
}
expected += comparators.size;
// The sensitivity analyses (compare --sensitivity): per intervention a tornado and, where it has thresholds,
// their planning curves; per decision with draws the acceptability frontier, the expected incremental benefit
// and the convergence; EVPPI where there are enough draws; the two-way maps of preference and cost.
const tables = (id) => stored.tables.filter((t) => t.id === id);
expected += tables('tornado').length;
for (const t of tables('thresholds'))
  expected += new Set(t.rows.map((r) => r.key.split('/')[0])).size;
if (draws > 0) expected += 3 * comparators.size;
expected += tables('value_of_information').filter((t) => t.rows.some((r) => r.cells.evppi_household)).length;
expected += tables('two_way').length * (tables('two_way_cost').length > 0 ? 2 : 1);
check(tables('tornado').length > 0 && tables('two_way').length > 0 && tables('thresholds').length > 0,
  'compare --sensitivity stored a tornado, a two-way grid and thresholds');

// ---- The page in a browser ----
const require = createRequire(join(nodeModules, 'noop.js'));
const { chromium: browserType } = require('playwright-core');
if (!check(existsSync(chromium), `Chromium at ${chromium} (setup.sh installs Debian's chromium)`)) finish();
// A fresh profile each time (the artefact directory was emptied above); playwright passes it to Chromium as
// --user-data-dir. The flags keep Chromium from reaching out on its own (updates, sync, QUIC).
const context = await browserType.launchPersistentContext(join(out, 'chromium-profile'), {
  executablePath: chromium,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1100, height: 900 },
});
try {
  const page = context.pages()[0] || await context.newPage();
  const messages = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') messages.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => messages.push(`page error: ${e.message}`));
  context.on('request', (q) => requests.push(q.url()));
  const url = pathToFileURL(report).href;
  await page.goto(url);
  await page.waitForSelector('body[data-charts-drawn]', { timeout: 60000 });

  check(messages.length === 0, 'no console errors or warnings', messages.join('\n'));
  const elsewhere = requests.filter((u) => u !== url);
  check(elsewhere.length === 0, 'no network request: the page loads nothing but itself', elsewhere.join(', '));

  const drawn = Number(await page.getAttribute('body', 'data-charts-drawn'));
  const failedCharts = Number(await page.getAttribute('body', 'data-charts-failed'));
  check(drawn === expected && failedCharts === 0, `all ${expected} charts drawn`, `${drawn} drawn, ${failedCharts} failed`);
  const shapes = await page.$$eval('.chart', (els) => els.map((el) => {
    const svg = el.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    const marks = svg ? svg.querySelectorAll('g[class*="mark-"] path, g[class*="mark-"] line, g[class*="mark-"] text').length : 0;
    return { id: el.id, kind: el.dataset.kind, width: box.width, height: box.height, marks };
  }));
  check(shapes.length === expected, `${expected} chart containers`, shapes.length);
  for (const s of shapes)
    check(s.width > 200 && s.height > 100 && s.marks > 3, `chart ${s.id} (${s.kind}) is a drawn SVG`,
      `${s.width}x${s.height}, ${s.marks} marks`);

  // ---- Figures: the page's against the store's ----
  const table = (id, scenario, comparator = '') =>
    stored.tables.find((t) => t.id === id && t.scenario === scenario && t.comparator === comparator);
  const decision = (id, comparator) => stored.tables.find((t) => t.id === id && t.comparator === comparator);
  const dutch = (x, d) => {
    const s = Math.abs(x).toFixed(d);
    const [whole, frac] = s.split('.');
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
    const text = frac ? `${grouped},${frac}` : grouped;
    return x < 0 && Number(s) !== 0 ? `-${text}` : text;
  };
  // As render.cpp's format_cell prints a cell (an independent implementation, to check the page's text).
  const printed = (c) => {
    if ('text' in c) return c.text;
    // A probability counted over fewer than 20 runs or draws is a count: "2 of 3 draws".
    if (c.counted && c.n < 20) {
      const k = c.mean * c.n;
      return `${Number.isInteger(Math.round(k * 1e9) / 1e9) ? dutch(Math.round(k), 0) : dutch(k, 1)} of ${c.n} ${c.counted}`;
    }
    // Euros: whole, but cents under 100 when not whole (an amount per household).
    const euroDecimals = Math.abs(c.mean) >= 100 || Number.isInteger(c.mean) ? 0 : 2;
    const d = { euro: euroDecimals, share: 1, weeks: 1, per_1000_households_per_year: 1, households_per_fte: 1,
      trust_0_1: 2, rung: 2, years: 3 }[c.unit];
    const decimals = d !== undefined ? d : (Number.isInteger(c.mean) && c.lo === null) || Math.abs(c.mean) >= 100 ? 0 : 1;
    const plain = (x) => dutch(c.unit === 'share' ? 100 * x : x, decimals);
    let s = c.unit === 'euro' ? `€ ${plain(c.mean)}` : c.unit === 'share' ? `${plain(c.mean)}%` : plain(c.mean);
    // The page writes an interval "(L to H)", where the text tables write "(L–H)".
    if (c.lo !== null && c.hi !== null) s += ` (${plain(c.lo)} to ${plain(c.hi)})`;
    return s;
  };
  const figures = await page.$$eval('span.figure', (els) => els.map((e) => ({ ...e.dataset, text: e.textContent })));
  check(figures.length >= 10, 'the page shows the key figures', figures.length);
  let same = 0;
  for (const f of figures) {
    const t = table(f.table, f.scenario, f.comparator);
    const row = t && t.rows.find((x) => x.key === f.row);
    const cell = row && row.cells[f.column];
    if (!check(cell, `figure ${f.table}/${f.row}/${f.column} of ${f.scenario} is in the store`)) continue;
    const value = f.value === undefined ? undefined : Number(f.value);
    const ok = ('text' in cell ? f.text === cell.text : value === cell.mean) && f.text === printed(cell);
    if (!ok) check(false, `figure ${f.table}/${f.row}/${f.column} of ${f.scenario} equals the store's`,
      `page ${f.value} "${f.text}", store ${cell.mean} "${printed(cell)}"`);
    else same++;
  }
  check(same === figures.length, `all ${figures.length} key figures equal the stored ones, as the tables print them`);

  // Chart data, read back from the page, against the store.
  const specs = await page.evaluate(() => JSON.parse(document.getElementById('wijksim-charts').textContent).charts);
  const chart = (kind, scenario) => specs.find((c) => c.spec.usermeta.kind === kind && c.spec.usermeta.scenario === scenario).spec;
  const near = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  const intervention = scenarios.find((s) => s.comparator !== '');
  const comparator = scenarios.find((s) => s.scenario === intervention.comparator);
  const I = intervention.name;
  const C = comparator.name;

  const who = table('who_pays_who_saves', I, C);
  const bars = chart('who_pays', I).data.values;
  check(who.rows.every((row, i) => bars[i].mean === row.cells.discounted.mean && bars[i].lo === row.cells.discounted.lo),
    'who pays, who saves: each payer\'s bar is the stored discounted difference and interval');
  const cumulative = table('budget_impact', I, C).rows.find((x) => x.key === 'cumulative');
  check(chart('payback', I).data.values[0].mean === cumulative.cells.year_1.mean, 'the payback line is the stored cumulative difference');
  const budget = table('budget', I).rows.find((x) => x.key === 'municipality/total').cells.year_1.mean;
  check(chart('payer_costs', I).data.values.some((v) => v.series === I && v.group === '1' && v.mean === budget),
    'each payer\'s cost per year is the stored budget table');

  // Caseload per FTE in week 10: the mean over all runs of the weekly rows.
  const weekly = csv('weekly.csv').filter((w) => w.scenario === intervention.scenario && w.week === '10');
  const expectedCaseload = weekly.reduce((a, w) => a + Number(w.coach_caseload_per_fte), 0) / weekly.length;
  const week10 = chart('caseload', I).data.values.find((v) => v.series.endsWith('all teams') && Math.abs(v.year * 52 - 10) < 1e-9);
  check(week10 && near(week10.mean, expectedCaseload) && week10.runs === weekly.length,
    `caseload per FTE in week 10 is the mean of the ${weekly.length} runs' stored weeks`, week10 && `${week10.mean} vs ${expectedCaseload}`);

  // The cost-effectiveness plane: one point per draw, the increments of the stored evaluation.
  // With draws, a draw's point is its mean over replications (replication -1); without, one per replication.
  const evaluation = csv('evaluation.csv').filter((e) => e.comparator === comparator.scenario && (e.replication === '-1') === (draws > 0));
  const points = chart('ce_plane', I).layer.filter((l) => l.mark.type === 'circle')[0].data.values;
  check(points.length === (draws > 0 ? draws : Number(runs.replications)), `the plane has one point per draw (${draws})`, points.length);
  const increments = [];
  for (const e of evaluation.filter((x) => x.option === intervention.scenario)) {
    const base = evaluation.find((x) => x.option === comparator.scenario && x.draw === e.draw && x.replication === e.replication);
    increments.push([Number(e.effect_per_household) - Number(base.effect_per_household),
      Number(e.cost_per_household) - Number(base.cost_per_household)]);
  }
  check(increments.length === points.length && points.every((p, i) => near(p.effect, increments[i][0]) && near(p.cost, increments[i][1])),
    'each point is the stored evaluation of the draw, intervention minus comparator');
  const ce = decision('cost_effectiveness', C).rows.find((x) => x.key === I).cells;
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  check(near(mean(points.map((p) => p.cost)), ce.delta_cost.mean) && near(mean(points.map((p) => p.effect)), ce.delta_effect.mean),
    'the points average to the stored incremental cost and effect');

  const acceptability = table('acceptability', C);
  const curve = chart('acceptability', C).data.values.filter((v) => v.series === I);
  check(acceptability.rows.every((row, i) => curve[i].p === row.cells[`p_${I}`].mean && curve[i].wtp === Number(row.key.slice(4))),
    'the acceptability curve is the stored table');
  const survey = chart('professionals', I).data.values.find((v) => v.group === '0' && v.series.startsWith('survey'));
  check(survey && survey.mean === 0.63, 'professionals per household stand next to the seeds\' survey (63% none)', survey && survey.mean);

  // ---- The report of a run without comparators ----
  const before = messages.length;
  await page.goto(pathToFileURL(alone).href);
  await page.waitForSelector('body[data-charts-drawn]', { timeout: 60000 });
  // The pilot alone: its costs, caseload, coach and agency waits, and four household charts.
  const aloneDrawn = Number(await page.getAttribute('body', 'data-charts-drawn'));
  check(aloneDrawn === 8 && Number(await page.getAttribute('body', 'data-charts-failed')) === 0,
    'a run without comparators: its 8 charts drawn', aloneDrawn);
  check(messages.length === before, 'a run without comparators: no console errors or warnings', messages.slice(before).join('\n'));
  const aloneRequests = requests.filter((u) => u !== url && u !== pathToFileURL(alone).href);
  check(aloneRequests.length === 0, 'a run without comparators: no network request', aloneRequests.join(', '));
  await page.goto(url);
  await page.waitForSelector('body[data-charts-drawn]', { timeout: 60000 });

  // ---- Artefacts for a person to look at ----
  await page.screenshot({ path: join(out, 'report.png'), fullPage: true });
  check(existsSync(join(out, 'report.png')), `screenshot kept: ${join(out, 'report.png')}`);
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: join(out, 'report.pdf'), format: 'A4', printBackground: true });
  check(messages.length === 0, 'printing raises no errors', messages.join('\n'));
  check(existsSync(join(out, 'report.pdf')), `print (A4 PDF) kept: ${join(out, 'report.pdf')}`);
} finally {
  await context.close();
}
finish();
