// The HTML report as a reader sees it: a tiny comparison is run and reported, then the report is opened from
// disk in headless Chromium (Debian's package, driven by playwright-core from web/package-lock.json; no tool
// downloads a browser) and checked: no console error or warning, no network request at all, every chart
// drawn (the expected number, each a non-empty SVG with marks), and the figures in the page equal to the
// store's (`wijksim show --format json` and `wijksim export`). Then as a policy advisor reads it on A4: every
// compared scenario side by side, the efficiency frontier with its ICERs, EVPI and EVPPI, every agency's wait,
// a one-sentence caption under each chart, and nothing wider than the printed page. The screenshot, A4
// screenshots (the whole page at A4 width and one PNG per A4 page) and a PDF print are kept in the artefact
// directory.
//
// Usage: node html_report_test.mjs WIJKSIM SOURCE_DIR NODE_MODULES ARTEFACT_DIR
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
// 30 draws: the fewest for the regression of EVPPI (analysis/evppi.h, kMinEvppiDraws).
run(['compare', 'scenarios/pilot.yaml', '-r', '2', '-y', '1', '--draws', '30', '--threads', '2', '--sensitivity',
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

// The default comparison (README): three coach scenarios, two decisions, one of them with two options besides
// its comparator, so it has an efficiency frontier of its own.
const all = join(out, 'all.html');
run(['compare', 'scenarios/pilot.yaml', 'scenarios/scaleup.yaml', 'scenarios/scaleup-funded.yaml', '-r', '2', '-y',
  '1', '--draws', '3', '--threads', '2', '--store', join(out, 'all.db'), '--report', all], 0);

// A PSA of three options from 20 draws on: every probability with its count and bound, three columns side by
// side (their nowrap probabilities pushed the table and In short past the A4 page; a policy advisor's reading).
const wide = join(out, 'wide.html');
for (const [name, fte] of [['pilot-more', 8], ['pilot-less', 3]])
  writeFileSync(join(out, `${name}.yaml`),
    `extends: ${join(source, 'scenarios', 'pilot.yaml')}\nname: ${name}\ncoaches: {fte: ${fte}}\n`);
run(['compare', 'scenarios/pilot.yaml', join(out, 'pilot-more.yaml'), join(out, 'pilot-less.yaml'), '-r', '1', '-y',
  '1', '--draws', '20', '--threads', '2', '--store', join(out, 'wide.db'), '--report', wide], 0);

// A PSA whose EVPPI is not 0 throughout (the pilot valued at € 3.000 a problem-free household-year, near its
// ICER): the EVPPI chart drawn, each bar pale exactly where its table says its fit is not beyond chance.
const evppi = join(out, 'evppi.html');
writeFileSync(join(out, 'pilot-wtp.yaml'),
  `extends: ${join(source, 'scenarios', 'pilot.yaml')}\nname: pilot-wtp\neconomics: {willingness_to_pay: 3000}\n`);
run(['compare', join(out, 'pilot-wtp.yaml'), '-r', '1', '-y', '1', '--draws', '30', '--threads', '2', '--store',
  join(out, 'evppi.db'), '--report', evppi], 0);

// Long names and labels, as a file may give them (outside attack 44): scenario names of about 100 characters
// put a chart's legend in one row twice its width (printed at 59%), payers' and agencies' labels of 200
// characters widened a chart to 22% and, with no space in them, a table past the page (2,840 px).
const long = join(out, 'long.html');
{
  const letters = (tail) => 'G'.repeat(199) + tail;
  const words = (tail) => ('Gemeentelijke '.repeat(14)).slice(0, 199) + tail;
  const labels = `payers:\n  municipality: {label: ${letters('M')}}\n  health_insurers: {label: "${words('H')}"}\n` +
    `agencies:\n  social_services: {label: ${letters('S')}}\n  debt_counselling: {label: "${words('D')}"}\n`;
  writeFileSync(join(out, 'long-base.yaml'), `extends: ${join(source, 'scenarios', 'baseline-velve.yaml')}\n` +
    `name: "Uitgangssituatie Velve-Lindenhof zonder wijkcoaches, gefragmenteerde hulp (vergelijking, variant B)"\n${labels}`);
  writeFileSync(join(out, 'long.yaml'), `extends: ${join(source, 'scenarios', 'pilot.yaml')}\n` +
    `name: "Pilot wijkcoaches Velve-Lindenhof met extra geld van gemeente, corporaties en fonds (variant B, 2025)"\n` +
    `comparator: ${join(out, 'long-base.yaml')}\n${labels}`);
  run(['compare', join(out, 'long.yaml'), '-r', '2', '-y', '1', '--store', join(out, 'long.db'), '--report', long], 0);
}

// A run without comparators is reported too: each scenario on its own.
const alone = join(out, 'alone.html');
run(['run', 'scenarios/pilot.yaml', '-r', '2', '-y', '1', '--store', join(out, 'alone.db')], 0);
run(['report', '1', '--store', join(out, 'alone.db'), '-o', alone], 0);
// One replication: no interval anywhere, so no band or whisker (their empty layers gave Vega "Infinite extent"
// warnings and marks described as "lo: NaN; hi: NaN").
const one = join(out, 'one.html');
run(['compare', 'scenarios/pilot.yaml', '-r', '1', '-y', '1', '--store', join(out, 'one.db'), '--report', one], 0);

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
// Not where every EVPPI is 0: a chart of no bars is said in a sentence instead.
const evppiDrawn = (t) => t.rows.some((r) => r.cells.evppi_household && r.cells.evppi_household.mean !== 0);
expected += tables('value_of_information').filter(evppiDrawn).length;
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
  // No axis labels two of its ticks alike: the ladder's axis read "4,32, 4,32, 4,33" in steps of 0,005
  // printed with two decimals (an analyst's reading); the labels' decimals now follow the ticks' step.
  // The years' axis: every tick with the step's decimals ("0, 0,25, 0,5" mixed them; an analyst's reading).
  const yearAxes = await page.$$eval('.chart svg g[class*="role-axis"]', (axes) => axes
    .filter((a) => [...a.querySelectorAll('g[class*="role-axis-title"] text')].some((t) => t.textContent === 'years since the policy start'))
    .map((a) => [...a.querySelectorAll('g[class*="role-axis-label"] text')].map((t) => t.textContent))
    .filter((labels) => labels.length > 0));
  check(yearAxes.length > 0 && yearAxes.every((labels) => new Set(labels.map((l) => (l.split(',')[1] || '').length)).size === 1),
    'the years\' axes write every tick with the same decimals', yearAxes.map((l) => l.join(' ')).slice(0, 2).join(' | '));
  const repeated = await page.$$eval('.chart svg g[class*="role-axis"]', (axes) => axes.flatMap((a) => {
    const labels = [...a.querySelectorAll('g[class*="role-axis-label"] text')].map((t) => t.textContent);
    return labels.some((l, i) => i > 0 && l === labels[i - 1]) ? [labels.join(' | ')] : [];
  }));
  check(repeated.length === 0, 'no chart axis gives two neighbouring ticks the same label', repeated.join('\n'));

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
  // `columnEuro`: the decimals of a column's euro scale where the page writes a whole column in one (the
  // EVPPI table, as the terminal's: whole euros from 100, else cents if any figure is not whole).
  const printed = (c, columnEuro) => {
    if ('text' in c) return c.text;
    // A probability counted over fewer than 20 runs or draws is a count: "2 of 3 draws".
    if (c.counted && c.n < 20) {
      const k = c.mean * c.n;
      return `${Number.isInteger(Math.round(k * 1e9) / 1e9) ? dutch(Math.round(k), 0) : dutch(k, 1)} of ${c.n} ${c.counted}`;
    }
    // Euros: whole, but cents under 100 when not whole (an amount per household).
    const euroDecimals = columnEuro !== undefined ? columnEuro : Math.abs(c.mean) >= 100 || Number.isInteger(c.mean) ? 0 : 2;
    const d = { euro: euroDecimals, share: 1, share_points: 1, weeks: 1, per_1000_households_per_year: 1, households_per_fte: 1,
      trust_0_1: 2, rung: 2, years: 3 }[c.unit];
    let decimals = d !== undefined ? d : (Number.isInteger(c.mean) && c.lo === null) || Math.abs(c.mean) >= 100 ? 0 : 1;
    // A figure stored with more decimals than its unit's ("decimals": the efficiency frontier's effects, so
    // that its ICERs follow from them) is printed with them, euros aside.
    if (c.unit !== 'euro' && Number.isInteger(c.decimals)) decimals = Math.max(decimals, c.decimals);
    const percent = c.unit === 'share' || c.unit === 'share_points';
    // A figure few draws know ("significant": an EVPI from fewer than 30 draws) to that many significant
    // digits, as many decimals as they need: 73,63 as 74, 13.993 as 14.000, 0,0044 as 0,0044, 0 as 0.
    const sig = Number.isInteger(c.significant) && c.significant > 0 ? c.significant : 0;
    const plain = (x) => {
      if (!sig || !Number.isFinite(x)) return dutch(percent ? 100 * x : x, decimals);
      if (x === 0) return dutch(0, 0);
      const v = Number(x.toPrecision(sig));
      return dutch(v, Math.max(0, sig - 1 - Math.floor(Math.log10(Math.abs(v)))));
    };
    // No spread (the same in every run, up to rounding in sums): "(same in all runs)". A spread narrower than
    // the last decimal takes up to four more decimals, for the mean and both ends: never "28,3 (28,3 to 28,3)";
    // a percentage one more at most, to hundredths of a percent (never "100,003%").
    const spread = c.lo !== null && c.hi !== null;
    const none = spread && Math.abs(c.hi - c.lo) <= 1e-9 * Math.max(1, Math.abs(c.mean));
    const widest = percent ? 1 : 4;
    if (spread && !none) for (let more = 0; more < widest && plain(c.lo) === plain(c.hi); ++more) ++decimals;
    // A difference of shares in percentage points: "2,0 pp".
    // An end that is not zero takes the decimals that show it, up to twelve more: "(0,03 to 1,2)", not "(0,0 to".
    const end = (x) => {
      let e = plain(x);
      for (let more = 1; more <= 12 && x !== 0 && !/[1-9]/.test(e); ++more) e = dutch(percent ? 100 * x : x, decimals + more);
      return e;
    };
    // The mean too where its interval lies on one side of zero (never "0,0 (0,02 to 0,04)").
    const m = c.lo !== null && c.hi !== null && (c.lo > 0 || c.hi < 0) ? end(c.mean) : plain(c.mean);
    let s = c.unit === 'euro' ? `€ ${m}` : c.unit === 'share' ? `${m}%`
      : c.unit === 'share_points' ? `${m} pp` : m;
    // From 20 to 999 runs or draws, a counted share also gives its count and the exact 95% interval it allows:
    // "46,7% (14 of 30 draws; 95%: 28,3 to 65,7%)"; all or none of them at any number, their bound. Counts in
    // Dutch notation.
    const k = c.counted ? Math.round(c.mean * c.n) : NaN;
    // All or none of them: with the exact (Clopper-Pearson) 95% bound, 0.025^(1/n).
    if (c.counted && Math.abs(c.mean * c.n - k) < 1e-6 && (k === 0 || k === c.n)) {
      const bound = 100 * Math.pow(0.025, 1 / c.n);
      return `${s} (${dutch(k, 0)} of ${dutch(c.n, 0)} ${c.counted}; 95%: ${k === 0 ? 'at most' : 'at least'} ${dutch(k === 0 ? 100 - bound : bound, 1)}%)`;
    }
    // The others with both ends of that interval, found here by bisection on the binomial's exact sums:
    // the p at which P(X >= k) = 0.025 and the p at which P(X <= k) = 0.025.
    if (c.counted && c.n < 1000 && Math.abs(c.mean * c.n - k) < 1e-6) {
      const binom = (i, n) => { let b = 1; for (let j = 1; j <= i; ++j) b = b * (n - i + j) / j; return b; };
      const cdf = (x, n, p) => { let t = 0; for (let i = 0; i <= x; ++i) t += binom(i, n) * p ** i * (1 - p) ** (n - i); return t; };
      const bisect = (f) => { let lo = 0, hi = 1; for (let i = 0; i < 100; ++i) { const m = (lo + hi) / 2; if (f(m)) hi = m; else lo = m; } return (lo + hi) / 2; };
      const low = bisect((p) => 1 - cdf(k - 1, c.n, p) >= 0.025), high = bisect((p) => cdf(k, c.n, p) <= 0.025);
      return `${s} (${dutch(k, 0)} of ${dutch(c.n, 0)} ${c.counted}; 95%: ${dutch(100 * low, 1)} to ${dutch(100 * high, 1)}%)`;
    }
    // The page writes an interval "(L to H)", where the text tables write "(L–H)".
    // A value given or derived once (an EVPPI of 0) is not over runs: "(an interval of no width)".
    if (none) s += c.one_value ? ' (an interval of no width)' : ' (same in all runs)';
    // An end set at what the figure can be, the plain interval passing it, is marked "*" (cut: 1 low, 2 high).
    else if (spread) s += ` (${end(c.lo)}${c.cut & 1 ? '*' : ''} to ${end(c.hi)}${c.cut & 2 ? '*' : ''})`;
    return s;
  };
  // Every span.figure of the page against the stored table it names.
  async function figuresAreStored(stored, what) {
    // The page binds "€" to its number with a no-break space (a line of A4 broke between them); the
    // stored text has a space. Every "€" of the page's text is so bound: none is followed by a plain space and a figure.
    const pageText = await page.evaluate(() => {
      const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      let t = '';
      for (let n = w.nextNode(); n; n = w.nextNode()) if (!n.parentElement.closest('script, style, svg, .chart')) t += n.textContent;
      return t;
    });
    check(!/€ [-0-9]/.test(pageText) && /€\u00a0[0-9]/.test(pageText),
      `${what}: every "€" keeps its number on its line (a no-break space)`, (pageText.match(/.{0,30}€ [-0-9].{0,10}/) || [''])[0]);
    // An option of the command line ("--draws") in the page's text is kept whole (the A4 page broke "(--"
    // from "draws).").
    const loose = await page.evaluate(() => {
      const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const found = [];
      for (let n = w.nextNode(); n; n = w.nextNode())
        if (!n.parentElement.closest('script, style, svg, .chart, .nobr') && /(^|[\s(])--[a-z]/.test(n.textContent)) found.push(n.textContent.slice(0, 80));
      return found;
    });
    check(loose.length === 0, `${what}: every option of the command line in the text is kept whole`, loose.slice(0, 3).join(' | '));
    const figures = await page.$$eval('span.figure', (els) => els.map((e) => ({ ...e.dataset, text: e.textContent.replace(/\u00a0/g, ' ') })));
    check(figures.length >= 10, `${what}: the page shows the key figures`, figures.length);
    let same = 0;
    for (const f of figures) {
      const t = stored.tables.find((x) => x.id === f.table && x.scenario === f.scenario && x.comparator === f.comparator);
      const row = t && t.rows.find((x) => x.key === f.row);
      const cell = row && row.cells[f.column];
      if (!cell) {
        check(false, `${what}: figure ${f.table}/${f.row}/${f.column} of ${f.scenario} is in the store`);
        continue;
      }
      const value = f.value === undefined ? undefined : Number(f.value);
      let columnEuro;
      if (f.table === 'value_of_information' && f.column === 'evppi_household') {
        const ends = t.rows.map((r) => r.cells.evppi_household).filter((x) => x && !('text' in x))
          .flatMap((x) => [x.mean, x.lo, x.hi]).filter((x) => x !== null && x !== undefined);
        columnEuro = ends.some((x) => Math.abs(x) >= 100) ? 0 : ends.some((x) => !Number.isInteger(x)) ? 2 : 0;
      }
      const ok = ('text' in cell ? f.text === cell.text : value === cell.mean) && f.text === printed(cell, columnEuro);
      if (!ok) check(false, `${what}: figure ${f.table}/${f.row}/${f.column} of ${f.scenario} equals the store's`,
        `page ${f.value} "${f.text}", store ${cell.mean} "${printed(cell)}"`);
      else same++;
    }
    check(same === figures.length, `${what}: all ${figures.length} key figures equal the stored ones, as the tables print them`);
  }
  await figuresAreStored(stored, 'the report');

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
  check(who.rows.every((row, i) => bars[i].mean === row.cells.nominal.mean && bars[i].lo === row.cells.nominal.lo),
    'who pays, who saves: each payer\'s bar is the stored nominal difference and interval, as the glance gives it');
  const cumulative = table('budget_impact', I, C).rows.find((x) => x.key === 'cumulative');
  check(chart('payback', I).data.values[0].mean === cumulative.cells.year_1.mean, 'the payback line is the stored cumulative difference');
  // The tooltips name the interval the whiskers and the band are: under 30 draws the lowest to the highest
  // draw, not a "95% interval" (an independent check).
  const spread = draws === 0 ? '95% interval' : draws >= 40 ? '2,5th to 97,5th percentile of the draws' : 'lowest to highest draw';
  const titles = ['who_pays', 'payback'].map((k) => JSON.stringify(chart(k, I)));
  check(titles[0].includes(`"difference (${spread})"`) && titles[1].includes(`"cumulative difference (${spread})"`),
    `the who-pays and payback tooltips name their interval, ${spread}`);
  // The chart marks the year its verdict names ("breaks even in year N", "saves from year N"), with the
  // verdict's words, and nothing when the verdict names no year.
  const named = cumulative.cells.total.text.match(/^(breaks even in year|saves from year) (\d+)/);
  const markText = chart('payback', I).layer.filter((l) => l.mark && l.mark.type === 'text').map((l) => l.encoding.text.value);
  check(named ? markText.length === 1 && markText[0] === `${named[1]} ${named[2]}` : markText.length === 0,
    'the payback chart marks the year its verdict names, and only that', `${cumulative.cells.total.text} / ${markText}`);
  const budget = table('budget', I).rows.find((x) => x.key === 'municipality/total').cells.year_1.mean;
  check(chart('payer_costs', I).data.values.some((v) => v.series === I && v.group === '1' && v.mean === budget),
    'each payer\'s cost per year is the stored budget table');

  // Caseload per FTE in week 10: the mean over all runs of the weekly rows.
  const weekly = csv('weekly.csv').filter((w) => w.scenario === intervention.scenario && w.week === '10');
  const expectedCaseload = weekly.reduce((a, w) => a + Number(w.coach_caseload_per_fte), 0) / weekly.length;
  const week10 = chart('caseload', I).data.values.find((v) => v.series.endsWith('all teams') && Math.abs(v.year * 52 - 10) < 1e-9);
  check(week10 && near(week10.mean, expectedCaseload) && week10.runs === weekly.length,
    `caseload per FTE in week 10 is the mean of the ${weekly.length} runs' stored weeks`, week10 && `${week10.mean} vs ${expectedCaseload}`);

  // The ladder's own chart redrawn in the page over rungs of a narrow range, 4,320 to 4,360 (a city's two
  // years): its axis labels tell every tick apart (they read "4,32, 4,32, 4,33" in steps of 0,005 when the
  // format fixed two decimals; an analyst's reading).
  const narrow = JSON.parse(JSON.stringify(chart('ladder', I)));
  const narrowRows = (narrow.data && narrow.data.values) || narrow.layer.find((l) => l.data && l.data.values).data.values;
  narrowRows.forEach((v, i) => { v.mean = 4.32 + 0.04 * (i % 11) / 10; if ('lo' in v) { v.lo = v.mean; v.hi = v.mean; } });
  const narrowLabels = await page.evaluate(async (spec) => {
    const div = document.createElement('div');
    document.body.appendChild(div);
    await vegaEmbed(div, spec, { renderer: 'svg', actions: false, formatLocale: { decimal: ',', thousands: '.', grouping: [3], currency: ['\u20ac ', ''], minus: '-', percent: '%' } });
    const axes = [...div.querySelectorAll('g[class*="role-axis"]')].map((a) => [...a.querySelectorAll('g[class*="role-axis-label"] text')].map((t) => t.textContent));
    div.remove();
    return axes;
  }, narrow);
  const yLabels = narrowLabels.find((a) => a.some((l) => l.startsWith('4,3'))) || [];
  check(yLabels.length >= 4 && new Set(yLabels).size === yLabels.length,
    'the ladder\'s axis over a narrow range of rungs labels each tick apart', yLabels.join(' | '));

  // The two-way cost map: its note says what a cell is (a mean without its interval, as the terminal says),
  // and the figures on its darkest cells are white (black on the deepest blue was hard to read; an analyst's
  // reading).
  const costMap = await page.$$eval('.chart[data-kind="two_way_cost"]', (els) => els.map((el) => {
    const figure = el.closest('figure');
    const texts = [...el.querySelectorAll('g[class*="mark-text"] text')].map((t) => ({ text: t.textContent, fill: t.getAttribute('fill') }));
    return { note: figure.querySelector('.chart-note').textContent, texts };
  }));
  const costCells = tables('two_way_cost').flatMap((t) => t.rows.flatMap((r) => Object.values(r.cells)));
  if (costCells.length > 0) {
    check(costMap.length === 1 && costMap[0].note.includes('without its interval'),
      'the two-way cost map says its cells are means without their intervals', costMap.map((m) => m.note).join(' | '));
    // Its colour words as its cells are: "blue where it saves" stood above a map that saved nowhere.
    const saves = costCells.some((c) => c.mean < 0), more = costCells.some((c) => c.mean > 0);
    const caption = await page.$eval('.chart[data-kind="two_way_cost"]', (el) => el.closest('figure').querySelector('.chart-note').textContent);
    check(caption.startsWith(saves && more ? 'Blue where it saves money, orange where it costs more.'
      : saves ? 'It saves money in every cell' : more ? 'It costs more in every cell' : 'Discounted'),
      'the two-way cost map\'s colour words match its cells', caption.slice(0, 80));
    const extreme = costCells.reduce((a, b) => (Math.abs(b.mean) > Math.abs(a.mean) ? b : a));
    const middle = costCells.reduce((a, b) => (Math.abs(b.mean) < Math.abs(a.mean) ? b : a));
    const fill = (c) => (costMap[0].texts.find((t) => t.text === printed(c)) || {}).fill;
    check(Math.abs(extreme.mean) === 0 || (fill(extreme) === '#ffffff' && fill(middle) === '#000000'),
      'the two-way cost map writes white on its darkest cell and black on its lightest',
      `${printed(extreme)}: ${fill(extreme)}, ${printed(middle)}: ${fill(middle)}`);
  }

  // The preferred-option map's labels in black or white by the contrast with their cell's colour (WCAG
  // relative luminance, computed here on its own): white on the comparator's amber read at 2,25:1 (an
  // analyst's reading).
  const preferred = specs.find((c) => c.spec.usermeta.kind === 'two_way');
  if (preferred) {
    const layers = preferred.spec.layer;
    const fills = layers[0].encoding.color.scale, labels = layers[1].encoding.color.scale;
    const luminance = (hex) => {
      const ch = (i) => { const c = parseInt(hex.slice(i, i + 2), 16) / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * ch(1) + 0.7152 * ch(3) + 0.0722 * ch(5);
    };
    const better = (hex) => ((luminance(hex) + 0.05) / 0.05 >= 1.05 / (luminance(hex) + 0.05) ? '#000000' : '#ffffff');
    const drawn = await page.$$eval('.chart[data-kind="two_way"] g.mark-text.role-mark text', (ts) => ts.map((t) => t.getAttribute('fill')));
    check(drawn.length > 0 && drawn.every((f) => f === '#000000' || f === '#ffffff'),
      'the preferred-option map\'s labels are drawn in black or white, not in their cells\' colours', [...new Set(drawn)].join(', '));
    check(JSON.stringify(labels.domain) === JSON.stringify(fills.domain) &&
      fills.range.every((fill, i) => labels.range[i] === better(fill)) && labels.range.includes('#000000'),
      'the preferred-option map writes each label in the colour that reads better on its cell', JSON.stringify(labels));
  }

  // The planning curves: each panel holds its threshold's stored grid, point for point (the grid's rows are
  // found by their keys, "<threshold>/<i>"), and the list above them says in how many replications each
  // threshold is crossed, as the terminal's 'crossed in' (an analyst's reading: the report left it out).
  const thresholdRows = tables('thresholds').flatMap((t) => t.rows).filter((r) => r.key.startsWith(`${I}/`));
  if (thresholdRows.length > 0) {
    const curveRows = tables('threshold_curves').flatMap((t) => t.rows);
    const panels = chart('thresholds', I).vconcat;
    check(panels.length === thresholdRows.length && thresholdRows.every((r, k) => {
      const grid = curveRows.filter((g) => g.key.startsWith(`${r.key}/`) && /^\d+$/.test(g.key.slice(r.key.length + 1)));
      const drawn = panels[k].data.values;
      return grid.length >= 2 && drawn.length === grid.length &&
        grid.every((g, i) => drawn[i].x === g.cells.x.mean && drawn[i].y === g.cells.mean.mean);
    }), `each planning curve of ${I} is its threshold's stored grid`);
    const listed = await page.$$eval('li', (items) => items.map((li) => li.textContent));
    const crossedIn = (c) => `crossed in ${Math.round(c.mean * c.n)} of ${c.n} runs`;
    check(thresholdRows.every((r) => listed.some((l) => l.startsWith(r.cells.parameter.text) && l.includes(crossedIn(r.cells.crossed)))),
      `each threshold of ${I} says in how many replications it is crossed`, listed.filter((l) => l.includes('crossed')).join(' | '));
  }

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
  const survey = chart('professionals', I).data.values.find((v) => v.group === '0' && v.series.startsWith('baseline survey (N = '));
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
  const beforeOne = messages.length;
  await page.goto(pathToFileURL(one).href);
  await page.waitForSelector('body[data-charts-drawn]', { timeout: 60000 });
  check(Number(await page.getAttribute('body', 'data-charts-failed')) === 0, 'one replication: every chart drawn');
  check(messages.length === beforeOne, 'one replication: no console errors or warnings', messages.slice(beforeOne).join('\n'));
  const nanLabels = await page.evaluate(() => [...document.querySelectorAll('[aria-label]')]
    .map((e) => e.getAttribute('aria-label')).filter((l) => l.includes('NaN')).length);
  check(nanLabels === 0, 'one replication: no mark described with NaN', nanLabels);
  const aloneRequests = requests.filter((u) => u !== url && u !== pathToFileURL(alone).href && u !== pathToFileURL(one).href);
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
  await page.emulateMedia({ media: 'screen' });

  // ---- What the steering group decides on, as a policy advisor reads it ----
  async function decides(stored, what) {
    const tablesOf = (id) => stored.tables.filter((t) => t.id === id);
    const count = async (selector) => (await page.$$(selector)).length;
    // Every compared scenario side by side: a column each, and in it the stored decision, cash and waits.
    const headlines = tablesOf('headline');
    const grids = await page.$$eval('table.side-by-side', (ts) => ts.map((t) => {
      const head = [...t.tHead.rows[0].cells].slice(1).map((c) => c.textContent.trim());
      const rows = [];
      let group = '';
      for (const tr of [...t.tBodies].flatMap((b) => [...b.rows])) {
        if (tr.classList.contains('group')) {
          group = tr.textContent.trim();
          continue;
        }
        const [label, ...cells] = [...tr.cells];
        rows.push({ group, label: label.textContent.trim(), cells: cells.map((c) => ({
          text: c.firstChild ? c.firstChild.textContent.replace(/\u00a0/g, ' ') : '',
          value: c.dataset.value === undefined ? undefined : Number(c.dataset.value) })) });
      }
      return { head, rows };
    }));
    check(grids.length === 1, `${what}: one table of every compared scenario side by side`, grids.length);
    const grid = grids[0] || { head: [], rows: [] };
    check(JSON.stringify(grid.head) === JSON.stringify(headlines.map((h) => h.scenario)),
      `${what}: the side-by-side table has a column for each of the ${headlines.length} compared scenarios`, grid.head.join(', '));
    // A row by its label; a row of euros names its unit after it ("Municipality (EUR million)").
    const line = (group, label) => grid.rows.find((r) => r.group.startsWith(group) &&
      (r.label === label || r.label.startsWith(`${label} (EUR`)));
    headlines.forEach((h, i) => {
      const ce = stored.tables.find((t) => t.id === 'cost_effectiveness' && t.comparator === h.comparator).rows.find((r) => r.key === h.scenario).cells;
      const icer = line('Is it worth the money?', 'ICER');
      // In short (economic_text.h, icer_short_text): the stored text's amount or quadrant, which it begins
      // with, and how often the quadrant holds, which it holds; the mean cost and effect are the rows above.
      const storedHead = ce.icer.text.split(/ per | \(mean: /)[0];
      const storedShare = (ce.icer.text.match(/\d+ of \d+ (runs|draws)|[\d.,]+% of (runs|draws)/) || [''])[0];
      check(icer && icer.cells[i].text.startsWith(storedHead) && icer.cells[i].text.includes(storedShare) &&
        icer.cells[i].text.length <= ce.icer.text.length,
        `${what}: side by side, the ICER of ${h.scenario} is the stored one, in short`,
        icer && `"${icer.cells[i].text}" vs "${ce.icer.text}"`);
      const cost = line('Is it worth the money?', 'extra cost');
      check(cost && cost.cells[i].value === ce.delta_cost.mean, `${what}: side by side, the extra cost of ${h.scenario} is the stored one`);
      for (const r of h.rows.filter((x) => x.key.startsWith('cash_') || x.key.startsWith('wait_'))) {
        const cash = r.key.startsWith('cash_');
        const l = line(cash ? 'Who pays?' : 'Who waits longer?', r.label.replace(/^(cash|wait): /, '').replace(/ \((EUR|weeks)\)$/, ''));
        check(l && l.cells[i].value === r.cells.change.mean, `${what}: side by side, ${r.label} of ${h.scenario} is the stored change`,
          l && `${l.cells[i].value} vs ${r.cells.change.mean}`);
      }
    });
    // The efficiency frontier with its ICERs: the stored frontier where a decision has one, else the one ICER.
    for (const f of tablesOf('efficiency_frontier'))
      for (const r of f.rows) {
        const at = (column) => `table.frontier span.figure[data-table="efficiency_frontier"][data-scenario="${f.scenario}"][data-row="${r.key}"][data-column="${column}"]`;
        check(await count(at('status')) === 1 && (!r.cells.icer || await count(at('icer')) === 1),
          `${what}: the efficiency frontier of ${f.scenario} shows ${r.key}, with its ICER where it has one`);
      }
    for (const ce of tablesOf('cost_effectiveness'))
      if (!tablesOf('efficiency_frontier').some((f) => f.scenario === ce.comparator))
        check(await count(`section.decision span.figure[data-table="cost_effectiveness"][data-comparator="${ce.comparator}"][data-column="icer"]`) === ce.rows.length,
          `${what}: the decision against ${ce.comparator} (one option) gives the ICER of its frontier`);
    // EVPI at every willingness to pay, the scenario's threshold marked; EVPPI wherever the store has it.
    for (const a of tablesOf('acceptability')) {
      if (!a.columns.some((c) => c.key === 'evpi_household')) {
        check((await page.content()).includes('No EVPI'), `${what}: without draws the page says why there is no EVPI`);
        continue;
      }
      let shown = 0;
      for (const r of a.rows)
        shown += await count(`table.evpi span.figure[data-table="acceptability"][data-scenario="${a.scenario}"][data-row="${r.key}"][data-column="evpi_household"]`);
      check(shown === a.rows.length, `${what}: EVPI against ${a.scenario} at each of the ${a.rows.length} amounts of willingness to pay`, shown);
      check(await count('table.evpi tr.threshold') >= 1, `${what}: the EVPI table marks the scenario's threshold`);
    }
    // Beside the raw EVPI, the part that is the households' luck and the regression EVPI without it, where the
    // run measured them (a policy advisor read the raw EVPI as the value of research).
    for (const n of tablesOf('value_of_information_noise'))
      check(await count(`span.figure[data-table="value_of_information_noise"][data-scenario="${n.scenario}"][data-row="regression_evpi"]`) >= 1 &&
        await count(`span.figure[data-table="value_of_information_noise"][data-scenario="${n.scenario}"][data-row="inflation"]`) >= 1,
        `${what}: the EVPI against ${n.scenario} is said with its luck and the regression EVPI`);
    // ... and its table is on the page, the replications advice with it (its note was in a caption, its figures
    // nowhere; an analyst's reading).
    for (const n of tablesOf('value_of_information_noise')) {
      const advised = n.rows.find((r) => r.key === 'advised_replications');
      const shown = await page.$$eval('h4 + table.params tr', (trs) => trs.map((tr) => tr.textContent));
      check(advised && shown.some((t) => t.startsWith('replications per draw advised') &&
        t.endsWith('text' in advised.cells.value ? advised.cells.value.text : String(advised.cells.value.mean))),
        `${what}: the luck and replications table against ${n.scenario} is on the page`, shown.filter((t) => t.startsWith('replications')).join(' | '));
    }
    // ... called the better estimate of what research is worth only where the fit of all parameters is beyond
    // chance (it was beside 'no (p 0,130)'; a policy advisor's reading of a PSA).
    for (const n of tablesOf('value_of_information_noise')) {
      const all = tablesOf('value_of_information').find((v) => v.scenario === n.scenario)?.rows.find((r) => r.key === 'all');
      if (!all || !all.cells.beyond_chance) continue;
      const content = await page.content();
      // Nor after the correction for the rows' many tests (Holm; docs/model.md 14.9).
      const notBeyond = all.cells.beyond_chance.text.startsWith('no') || all.cells.beyond_chance.text.includes('not after correction');
      check(content.includes('its fit is not beyond chance (the value of information table)') === notBeyond &&
        content.includes('the better estimate of what research is worth') === !notBeyond,
        `${what}: the regression EVPI against ${n.scenario} is called the better estimate only if its fit is beyond chance (${all.cells.beyond_chance.text})`);
    }
    for (const v of tablesOf('value_of_information').filter((t) => t.rows.some((r) => r.cells.evppi_household)))
    {
      if (evppiDrawn(v))
        check(await count(`.chart[data-kind="evppi"][data-scenario="${v.scenario}"]`) === 1, `${what}: EVPPI against ${v.scenario} is drawn`);
      else
        check(await count(`.chart[data-kind="evppi"][data-scenario="${v.scenario}"]`) === 0 &&
          (await page.content()).includes('EVPPI is €&nbsp;0 for all') &&
          (await page.content()).includes('EVPPI: expected value of partial perfect information.'),
          `${what}: an EVPPI of 0 throughout against ${v.scenario} is said, not drawn, with the method's note`);
      // ... with each bar's figures and whether it is beyond chance in a table under it (the page had the
      // bars only; a policy advisor read a bar not beyond chance as a research priority).
      // A row's key path breaks after its dots and underscores, not within a word on A4.
      const label = v.rows.find((r) => r.cells.evppi_household && r.label.includes('.')).label;
      check((await page.content()).includes(`<td>${label.replace(/([._])/g, '$1<wbr>')}</td>`),
        `${what}: the EVPPI row ${label} breaks between its parts`);
      const bars = v.rows.filter((r) => r.cells.evppi_household).length;
      check(await count(`table.evppi span.figure[data-table="value_of_information"][data-scenario="${v.scenario}"][data-column="beyond_chance"]`) === bars,
        `${what}: the EVPPI table against ${v.scenario} says for each of its ${bars} bars whether it is beyond chance`);
    }
    // Every agency's wait, in every scenario and (paired) its difference from the comparator.
    for (const t of [...tablesOf('agencies'), ...tablesOf('agencies_difference')]) {
      let shown = 0;
      for (const r of t.rows)
        shown += await count(`table.waits span.figure[data-table="${t.id}"][data-scenario="${t.scenario}"][data-comparator="${t.comparator}"][data-row="${r.key}"][data-column="wait_weeks"]`) > 0 ? 1 : 0;
      check(shown === t.rows.length, `${what}: the wait at each of the ${t.rows.length} agencies (${t.id}, ${t.scenario})`, shown);
    }
    // Each chart under a caption that says in one sentence what it shows.
    const captions = await page.$$eval('figure.chart-figure', (fs) => fs.map((f) => ({
      id: f.querySelector('.chart').id, text: (f.querySelector('figcaption') || { textContent: '' }).textContent.trim() })));
    for (const c of captions)
      check(c.text.length > 20 && /[.?]$/.test(c.text) && !/[.?!:;]\s+[A-Z]/.test(c.text),
        `${what}: chart ${c.id} has a one-sentence caption`, `"${c.text}"`);
  }

  // ---- On A4: nothing wider than the printed page; screenshots at its width ----
  const a4 = { width: 794, height: 1123 };  // CSS pixels of 210 x 297 mm
  async function onA4(what, name) {
    // The contents list stands between sections, never inside a sentence: it was put at a byte offset of the
    // page before the page's text was made breakable, and so landed mid-word once that text had grown.
    check(await page.evaluate(() => {
      const nav = document.querySelector('nav.contents');
      return nav !== null && nav.parentElement === document.body && nav.previousElementSibling !== null &&
        nav.previousElementSibling.tagName === 'SECTION';
    }), `${what}: the contents list stands between two sections of the page`);
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize(a4);
    // The page's own @page margins become the body's padding, so the screen lays out the printed width; the
    // <details> open as they do when printed (the page's beforeprint handler).
    const margin = await page.evaluate(() => {
      for (const sheet of document.styleSheets)
        for (const rule of sheet.cssRules)
          for (const inner of rule.cssRules || [])
            if (inner instanceof CSSPageRule) return [inner.style.marginLeft, inner.style.marginRight];
      return null;
    });
    if (!check(margin && margin[0] && margin[1], `${what}: the page's print style has @page margins`, margin)) return;
    await page.addStyleTag({ content: `body { padding-left: ${margin[0]} !important; padding-right: ${margin[1]} !important; }` });
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
    const fit = await page.evaluate(() => {
      const b = document.body;
      const cs = getComputedStyle(b);
      const r = b.getBoundingClientRect();
      const left = r.left + parseFloat(cs.paddingLeft);
      const right = r.right - parseFloat(cs.paddingRight);
      const wide = [];
      for (const el of b.querySelectorAll('header, nav, section, table, figure, .chart, .chart svg, pre, dl, p, ul, h1, h2, h3, h4')) {
        const e = el.getBoundingClientRect();
        if (e.width === 0) continue;
        const scrolls = el instanceof HTMLElement && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== 'table';
        if (e.left < left - 1 || e.right > right + 1 || scrolls) {
          const where = el.closest('[id]');
          wide.push(`${el.tagName.toLowerCase()}.${el.getAttribute('class') || ''} in #${where ? where.id : ''}: ${Math.round(e.left)}-${Math.round(e.right)} px`);
        }
      }
      // How much of its drawn size each chart keeps: its text shrinks with it.
      const scale = [...b.querySelectorAll('.chart svg')].map((s) => ({
        id: s.closest('.chart').id, kind: s.closest('.chart').dataset.kind,
        scale: s.getBoundingClientRect().width / Number(s.getAttribute('width')) }));
      return { wide, width: right - left, page: document.documentElement.scrollWidth, scale };
    });
    check(fit.page <= a4.width, `${what}: on A4 the page is no wider than the paper (${a4.width} px)`, fit.page);
    check(fit.wide.length === 0, `${what}: on A4 no table, chart or text is wider than the printed body (${Math.round(fit.width)} px)`,
      fit.wide.slice(0, 12).join('; '));
    const smallest = fit.scale.reduce((m, s) => (s.scale < m.scale ? s : m), { scale: Infinity });
    // At 70% an axis label of 11 px prints at about 6 pt, the smallest a reader holds at arm's length.
    check(smallest.scale >= 0.7, `${what}: on A4 every chart keeps at least 70% of its size, so its labels stay readable`,
      `${smallest.id} (${smallest.kind}) at ${Math.round(100 * smallest.scale)}%`);
    // The whole page at A4 width, and the same cut into A4 pages for a person to leaf through (report.pdf is
    // the paginated print).
    await page.screenshot({ path: join(out, `${name}-a4.png`), fullPage: true });
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    const pages = Math.ceil(height / a4.height);
    for (let k = 0; k < pages; k++) {
      // The viewport is one A4 page: scroll it to each in turn (the last page is the bottom of the report).
      await page.evaluate((y) => window.scrollTo(0, y), k * a4.height);
      await page.screenshot({ path: join(out, `${name}-a4-page-${String(k + 1).padStart(2, '0')}.png`) });
    }
    check(existsSync(join(out, `${name}-a4.png`)) && existsSync(join(out, `${name}-a4-page-01.png`)),
      `${what}: A4 screenshots kept: ${join(out, `${name}-a4.png`)} and ${pages} pages ${name}-a4-page-NN.png`);
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1100, height: 900 });
  }

  check(tables('value_of_information').some((t) => t.rows.some((r) => r.cells.evppi_household)),
    'the report\'s run has EVPPI (30 draws), so the page must draw it');
  await decides(stored, 'the report');
  // The command that made the run, as stored (what a reader copies), with each option kept on one line: on A4
  // "--years 2" broke after its "--" (a policy advisor's reading of a PSA).
  const command = await page.$eval('section.reproduce pre.cmd', (e) => ({
    text: e.textContent, options: [...e.querySelectorAll('span.option')].map((o) => o.textContent),
    nowrap: [...e.querySelectorAll('span.option')].every((o) => getComputedStyle(o).whiteSpace === 'nowrap') }));
  check(command.text === runs.command_line, 'the report gives the run\'s command line as stored', command.text);
  // In short says what its intervals are over: here the lowest to the highest of the 30 draws (its transfer's
  // spread over the draws stood beside the budget table's interval of the mean with nothing to tell them apart).
  check((await page.content()).includes(`excludes zero (the lowest to the highest of the ${draws} parameter draws (too few for a 95% interval), as in brackets below)`),
    'In short says what its intervals are over');
  // The agencies' waits of a PSA say what their interval is over (the terminal's table did, the page did not).
  check((await page.content()).includes(`with its 95% interval of the mean over all ${draws * Number(runs.replications)} runs, which leaves out how the ${draws} parameter draws differ`),
    'the agencies\' waits of a PSA say their interval is of the mean over all runs, the draws\' spread left out');
  check(command.options.includes('--draws') && command.options.includes('--years') === runs.command_line.includes(' --years') &&
    command.nowrap, 'the command\'s options are each kept on one line', JSON.stringify(command.options));
  await onA4('the report', 'report');

  const storedAll = JSON.parse(execFileSync(wijksim, ['show', '1', '--store', join(out, 'all.db'), '--format', 'json'], { encoding: 'utf8' }));
  check(storedAll.tables.some((t) => t.id === 'efficiency_frontier'), 'the default comparison has an efficiency frontier');
  const beforeAll = messages.length;
  await page.goto(pathToFileURL(all).href);
  await page.waitForSelector('body[data-charts-drawn]', { timeout: 60000 });
  check(Number(await page.getAttribute('body', 'data-charts-failed')) === 0, 'the default comparison: every chart drawn');
  await figuresAreStored(storedAll, 'the default comparison');
  await decides(storedAll, 'the default comparison');
  await onA4('the default comparison', 'all');
  // Each scale-up's own glance says how often it is the best of its options, not only worth the money against
  // the comparator (the unfunded scale-up's 100% beside best in 6 of 30 draws; a policy advisor's reading).
  check((await page.content()).split('Probability it is the best of its options at €&nbsp;20.000 per problem-free household-year (all compared with baseline-enschede; over the parameter draws)').length - 1 === 2,
    'the default comparison: both scale-ups\' glances give the probability each is the best of its options');
  check(messages.length === beforeAll, 'the default comparison: no console errors or warnings', messages.slice(beforeAll).join('\n'));
  await page.goto(pathToFileURL(wide).href);
  await page.waitForSelector('body[data-charts-drawn]', { timeout: 60000 });
  check((await page.content()).includes('of 20 draws; 95%: '), 'a PSA of three options from 20 draws: its probabilities carry their bounds');
  await onA4('a PSA of three options from 20 draws', 'wide');
  {
    const stored = JSON.parse(execFileSync(wijksim, ['show', '1', '--store', join(out, 'evppi.db'), '--format', 'json'], { encoding: 'utf8' }));
    const v = stored.tables.find((t) => t.id === 'value_of_information');
    const verdicts = v.rows.filter((r) => r.cells.evppi_household).map((r) => r.cells.beyond_chance.text);
    const pale = verdicts.filter((t) => t.startsWith('no') || t.includes('not after correction')).length;
    await page.goto(pathToFileURL(evppi).href);
    await page.waitForSelector('body[data-charts-drawn]', { timeout: 60000 });
    const content = await page.content();
    check(await page.$$eval('.chart[data-kind="evppi"]', (e) => e.length) === 1 &&
      content.split('"chance":"not beyond chance"').length - 1 === pale &&
      content.split('"chance":"beyond chance"').length - 1 === verdicts.length - pale && pale > 0,
      `a PSA with EVPPI: its chart drawn, ${pale} of its ${verdicts.length} bars pale as their fits are not beyond chance`);
  }
  await page.goto(pathToFileURL(long).href);
  await page.waitForSelector('body[data-charts-drawn]', { timeout: 60000 });
  check(Number(await page.getAttribute('body', 'data-charts-failed')) === 0, 'a report of long names and labels: every chart drawn');
  await onA4('a report of long names and labels', 'long');
  const reports = new Set([url, pathToFileURL(alone).href, pathToFileURL(one).href, pathToFileURL(all).href, pathToFileURL(wide).href,
    pathToFileURL(long).href, pathToFileURL(evppi).href]);
  const outside = requests.filter((u) => !reports.has(u));
  check(outside.length === 0, 'no network request from any of the reports', outside.join(', '));
} finally {
  await context.close();
}
finish();
