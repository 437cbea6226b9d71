// The dashboard in a real browser: Debian's Chromium, headless, driven by
// playwright-core, against a real corridord and corridor-web, with data
// filed through the real corridorctl. Saves a screenshot of each view.
//
//   node dashboard_test.mjs BIN_DIR WEB_DIR SCREENSHOT_DIR
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
// playwright-core is installed with the dashboard's own packages.
const require = createRequire(join(here, '../../../clients/web/package.json'));
const { chromium } = require('playwright-core');
const SwaggerParser = require('@apidevtools/swagger-parser');
const axeSource = require.resolve('axe-core/axe.min.js');

const [binDir, webDir, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'corridor-web-test-'));
const children = [];

function start(binary, args, portFile) {
  const child = spawn(join(binDir, binary), [...args, `--port_file=${portFile}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk) => { log += chunk; });
  child.log = () => log;
  children.push(child);
  return child;
}

async function addressIn(portFile, child) {
  for (let i = 0; i < 600; i++) {
    if (existsSync(portFile)) {
      const text = readFileSync(portFile, 'utf8').trim();
      if (text) return text;
    }
    if (child.exitCode !== null) throw new Error(`${child.spawnfile} exited:\n${child.log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${child.spawnfile} did not start`);
}

const data = join(work, 'data');
const corridord = start('corridord', ['--listen=127.0.0.1:0', `--data_dir=${data}`], join(work, 'grpc.port'));
const server = await addressIn(join(work, 'grpc.port'), corridord);
const web = start('corridor-web', ['--listen=127.0.0.1:0', `--target=${server}`, `--assets=${webDir}`],
  join(work, 'web.port'));
const url = `http://${await addressIn(join(work, 'web.port'), web)}/`;

function ctl(tokenFile, ...args) {
  return execFileSync(join(binDir, 'corridorctl'), [`--server=${server}`, `--token-file=${tokenFile}`, ...args],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
const admin = join(data, 'credentials', 'admin.token');
const coordinatorFile = join(work, 'coordinator.token');
ctl(admin, 'admin', 'token', 'create', '--role=coordinator', '--name=dashboard-test', `--out=${coordinatorFile}`);
const token = readFileSync(coordinatorFile, 'utf8').trim();

// The gateway's OpenAPI description is a valid OpenAPI 3.0 document (the
// schema check and every $ref resolved), and names each RPC's roles.
{
  const response = await fetch(`${url}api/v1/openapi.json`);
  assert.equal(response.status, 200);
  const openapi = await response.json();
  const checked = await SwaggerParser.validate(structuredClone(openapi));
  assert.equal(checked.openapi, '3.0.3');
  const submit = openapi.paths['/api/v1/ConvoyService/SubmitConvoyRequest'].post;
  assert.deepEqual(submit['x-corridor-roles'], ['coordinator', 'partner']);
  assert.ok(Object.keys(openapi.paths).length > 40, 'every unary RPC the gateway serves');
  console.log(`openapi: ${Object.keys(openapi.paths).length} paths, valid OpenAPI 3.0`);
}

async function gateway(method, body) {
  const response = await fetch(`${url}api/v1/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

// The reference data has no Arabic community names (data/reference/README.md);
// an admin records one, as an operator would.
ctl(admin, 'areas', 'update', 'EG-DUMA', '--name-ar=دوما');

// Denials for the chart, filed before the page opens.
const party = 'Syrian government and affiliated militias';
for (const [area, day, category] of [['EG-DUMA', '2016-09-03', 'movement-restriction'],
  ['EG-DUMA', '2016-09-20', 'violence'], ['ALP-EAST', '2016-10-02', 'movement-restriction']]) {
  ctl(coordinatorFile, 'denials', 'record', `--party=${party}`, `--area=${area}`, `--category=${category}`,
    `--at=${day}`, '--description=held at the checkpoint', '--source=dashboard test');
}

// An agreement for the compliance view: the Castello Road terms of the
// 9 September 2016 arrangement (TASS-27SEP16), and a report breaching them
// filed for the test (not a historical report).
const agreementFile = join(work, 'castello.json');
writeFileSync(agreementFile, JSON.stringify({
  id: 'us-russia-2016-09-09',
  name: 'US-Russia arrangement on Aleppo, 9 September 2016',
  parties: ['Syrian government and allies', 'Armed opposition'],
  in_force_from: { year: 2016, month: 9, day: 12 },
  terms: [{ id: 'castello-demilitarized', consequence: 'Each Side reserves the right to withdraw.',
    route_kept_open: { route_id: 'castello-road' } }],
  sources: [{ citation: 'TASS, 27 Sep 2016' }],
}));
ctl(admin, 'agreements', 'create', `--file=${agreementFile}`);
ctl(coordinatorFile, 'routes', 'report', 'castello-road', '--status=closed', '--at=2016-09-22',
  '--party=Syrian government and allies', '--source=dashboard test (not a historical report)');

// Incidents for the incidents view and the map: the Urum al-Kubra convoy
// attack of 19 Sep 2016 with each source's figures (RESEARCH-siege-facts.md
// §3.3), and a barrel-bomb strike filed for the test (not a historical one).
ctl(coordinatorFile, 'incidents', 'record', '--type=attack_on_convoy', '--at=2016-09-19',
  '--lat=36.1477873', '--lon=36.9474545', '--place=Urum al-Kubra', '--killed=10', '--injured=22',
  '--sources=BOI-S/2016/1093 killed=10 injured=22; UN-SPOX-30SEP16 killed=18',
  '--description=UN/SARC convoy struck while unloading');
ctl(coordinatorFile, 'incidents', 'record', '--type=air_strike', '--at=2016-10-03', '--area=ALP-EAST',
  '--weapons=barrel_bomb', '--party=Syrian government', '--confidence=low', '--basis=one report',
  '--description=barrel bombs (test record)', '--sources=dashboard test');

// An agreement over incidents, for the test (not a historical one): no
// barrel bombs in eastern Aleppo. Its id sorts after the Castello one, which
// stays the compliance view's first choice.
const weaponsFile = join(work, 'weapons.json');
writeFileSync(weaponsFile, JSON.stringify({
  id: 'weapons-test-2016', name: 'No barrel bombs in eastern Aleppo (test agreement)',
  parties: ['Syrian government'], in_force_from: { year: 2016, month: 9, day: 12 },
  terms: [{ id: 'no-barrel-bombs', consequence: 'Referral to the task force',
    no_weapons_used: { weapons: ['WEAPON_BARREL_BOMB'], area_ids: ['ALP-EAST'] } }],
  sources: [{ citation: 'dashboard test' }],
}));
ctl(admin, 'agreements', 'create', `--file=${weaponsFile}`);

const outside = [];
let failed = false;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  // Nothing may come from the internet: record and refuse any such request.
  await page.route('**/*', (route) => {
    const target = new URL(route.request().url());
    if (target.hostname !== '127.0.0.1') { outside.push(target.href); return route.abort(); }
    return route.continue();
  });
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await page.goto(url);
  await page.fill('#token', token);
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('body[data-ready=true]', { timeout: 20000 });

  // --- the map: every area with coordinates is a point, the others listed.
  const areas = (await gateway('AreaService/ListAreas', { page: { page_size: 500 } })).body.areas;
  const located = areas.filter((a) => a.location).length;
  assert.ok(located > 0 && located < areas.length, 'the reference data has areas with and without coordinates');
  // Each located area is a point or counted in a cluster, once.
  const drawnAreas = () => page.evaluate(() => document.querySelectorAll('#map .areas > circle').length
    + [...document.querySelectorAll('#map .cluster')].reduce((n, c) => n + Number(c.dataset.count), 0));
  assert.equal(await drawnAreas(), located);
  const clustersAtFirst = await page.locator('#map .cluster').count();
  assert.ok(clustersAtFirst > 0, 'the Damascus suburbs are too close to draw apart at the country scale');
  assert.equal(await page.locator('#unplaced li').count(), areas.length - located);
  assert.equal(await page.locator('#map .governorates path').count(), 14);
  assert.ok(await page.locator('#map .road[data-route-id=castello-road]').count() >= 1);
  await page.locator('#map-section').screenshot({ path: join(shots, 'map.png') });
  // Selecting a cluster zooms in on it: more of its areas are drawn apart,
  // and none is lost.
  const singlesAtFirst = await page.locator('#map .areas > circle').count();
  await page.locator('#map .cluster').first().dispatchEvent('click');
  assert.equal(await page.getAttribute('#map', 'data-zoom'), '2.50');
  assert.ok(await page.locator('#map .areas > circle').count() > singlesAtFirst, 'zooming in splits clusters');
  assert.equal(await drawnAreas(), located);
  await page.click('#zoom-in');
  assert.equal(await page.getAttribute('#map', 'data-zoom'), '5.00');
  await page.locator('#map-section').screenshot({ path: join(shots, 'map-zoomed.png') });
  await page.click('#zoom-reset');
  assert.equal(await page.getAttribute('#map', 'data-zoom'), '1.00');
  assert.equal(await page.locator('#map .cluster').count(), clustersAtFirst);

  // An area's page, from the access report's table: its facts, its status
  // history, and its place in the address.
  await page.waitForSelector('#access tr[data-area-id=ALP-EAST] button.link');
  await page.click('#access tr[data-area-id=ALP-EAST] button.link');
  await page.waitForSelector('#area-page[open] #area-history li');
  assert.match(await page.textContent('#area-page-title'), /Aleppo/);
  assert.match(await page.textContent('#area-facts'), /P-code/);
  assert.match(await page.textContent('#area-facts'), /No delivery recorded/);
  assert.match(page.url(), /[?&]area=ALP-EAST/);
  await page.waitForFunction(() => document.querySelectorAll('#area-denials tr.record').length === 1);
  await page.locator('#area-page').screenshot({ path: join(shots, 'area-page.png') });
  await page.click('#area-close');
  // The dialog's close event, which clears the address, is dispatched in a
  // task of its own after the click.
  await page.waitForFunction(() => !location.search.includes('area='));
  assert.doesNotMatch(page.url(), /area=/);

  // --- road status, live: a report filed with the CLI appears without reload.
  await page.waitForSelector('#live[data-live=on]', { timeout: 10000 });
  await page.evaluate(() => { window.notReloaded = true; });
  ctl(coordinatorFile, 'routes', 'report', 'castello-road', '--status=under-fire', '--source=dashboard test');
  await page.waitForSelector('#roads tr[data-route-id=castello-road] .badge[data-status=ROUTE_STATUS_UNDER_FIRE]',
    { timeout: 10000 });
  assert.equal(await page.evaluate(() => window.notReloaded), true);
  // ... and says so to a screen reader.
  assert.equal(await page.textContent('#road-announcer'), 'Castello Road is now Under fire.');
  await page.locator('#roads-section').screenshot({ path: join(shots, 'roads.png') });

  // --- the access report: one row per area, the never reached on top.
  await page.waitForSelector('#access tbody tr');
  assert.equal(await page.locator('#access tbody tr').count(), areas.length);
  assert.equal(await page.locator('#access tbody tr').first().getAttribute('class'), 'never');
  // The columns sort from the keyboard too.
  await page.focus('#access th[data-key=area]');
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('#access th[data-key=area]', 'aria-sort'), 'descending');
  await page.keyboard.press(' ');
  assert.equal(await page.getAttribute('#access th[data-key=area]', 'aria-sort'), 'ascending');
  await page.click('#access th[data-key=days]');
  await page.locator('#access-section').screenshot({ path: join(shots, 'access-report.png') });

  // --- denials over time: the filed denials, by month, and their export.
  await page.waitForSelector('#denials-chart rect.bar');
  const september = await page.locator('#denials-table tr[data-month="2016-09"] td').last().textContent();
  assert.equal(september, '2');
  const october = await page.locator('#denials-table tr[data-month="2016-10"] td').last().textContent();
  assert.equal(october, '1');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-hxl')]);
  const exported = readFileSync(await download.path(), 'utf8');
  assert.match(exported, /#date\+occurred/);
  assert.equal(exported.trim().split('\n').length, 2 + 3, 'header, hashtags and three denials');
  // The records behind the counts: the three, each opening its revisions.
  await page.waitForFunction(() => document.querySelectorAll('#denial-records tr.record').length === 3);
  await page.click('#denial-records tr.record button');
  await page.waitForSelector('#denial-records tr.detail .revisions li');
  // Dates are written in the page's language: "27 Nov 2026", not the browser's.
  assert.match(await page.textContent('#denial-records tr.detail'), /Revision 1, \d{1,2} [A-Z][a-z]{2,3} \d{4}, by dashboard-test/);
  await page.locator('#denials-section').screenshot({ path: join(shots, 'denials.png') });
  // A bar of the chart opens the records it counts: September's two.
  await page.locator('#denials-chart rect.bar[data-month="2016-09"]').first().dispatchEvent('click');
  await page.waitForFunction(() => document.querySelectorAll('#denial-records tr.record').length === 2);
  assert.match(await page.textContent('#denial-records-filter'), /September 2016/);
  // The list exports what it shows.
  const [listed] = await Promise.all([page.waitForEvent('download'),
    page.click('#denials-section .list-foot button[data-i18n=export_csv]')]);
  const listedCsv = readFileSync(await listed.path(), 'utf8').trim().split('\r\n');
  assert.equal(listedCsv.length, 1 + 2, 'the header and the two records shown');
  assert.match(listedCsv[0], /Record,When,Party/);

  // A view's filters are in its address: the records of one area, and the
  // same view again after a reload.
  // A category keeps its colour whatever else is shown: violence, second of
  // two categories, and then alone.
  const violence = '#denials-chart rect.bar[data-series=Violence]';
  await page.selectOption('#denials-form select[name=split]', 'category');
  await page.click('#denials-form button[type=submit]');
  await page.waitForSelector(violence);
  const colour = await page.getAttribute(violence, 'fill');
  const fills = await page.evaluate(() => {
    const bySeries = {};
    for (const bar of document.querySelectorAll('#denials-chart rect.bar')) bySeries[bar.dataset.series] = bar.getAttribute('fill');
    return bySeries;
  });
  assert.equal(new Set(Object.values(fills)).size, Object.keys(fills).length, `one colour per category: ${JSON.stringify(fills)}`);
  await page.selectOption('#denials-form select[name=category]', 'ACCESS_CONSTRAINT_VIOLENCE');
  await page.click('#denials-form button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#denial-records tr.record').length === 1);
  assert.equal(await page.getAttribute(violence, 'fill'), colour, 'a category keeps its colour');
  await page.selectOption('#denials-form select[name=category]', '');
  await page.selectOption('#denials-form select[name=split]', 'party');
  await page.selectOption('#denials-form select[name=area]', 'ALP-EAST');
  await page.click('#denials-form button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#denial-records tr.record').length === 1);
  assert.match(page.url(), /denials-form\.area=ALP-EAST/);
  await page.reload();
  await page.waitForSelector('body[data-ready=true]', { timeout: 20000 });
  assert.equal(await page.inputValue('#denials-form select[name=area]'), 'ALP-EAST');
  await page.waitForFunction(() => document.querySelectorAll('#denial-records tr.record').length === 1);
  await page.selectOption('#denials-form select[name=area]', '');
  await page.click('#denials-form button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#denial-records tr.record').length === 3);

  // --- the convoy form. A missing field is caught by the page, beside the
  // field, and nothing is sent.
  const submits = [];
  page.on('request', (r) => { if (r.url().endsWith('/SubmitConvoyRequest')) submits.push(r); });
  // A request for Douma whose unit is one byte over the contract's limit.
  const fillOversizeUnit = async (agency) => {
    await page.fill('#convoy-form input[name=agency]', agency);
    await page.selectOption('#convoy-form select[name=area_id]', 'EG-DUMA');
    await page.fill('#convoy-form input[name=planned_date]', '2016-10-01');
    await page.fill('#convoy-form input[name=item]', 'wheat flour');
    await page.selectOption('#convoy-form select[name=cargo_category]', 'CARGO_CATEGORY_FOOD');
    await page.fill('#convoy-form input[name=quantity]', '12');
    await page.fill('#convoy-form input[name=unit]', 'tonnes'.padEnd(51, 's'));
    await page.fill('#convoy-form input[name=beneficiaries_requested]', '5000');
    await page.click('#convoy-form button[type=submit]');
  };
  await fillOversizeUnit('');
  await page.waitForSelector('#convoy-form input[name=agency][aria-invalid=true]');
  assert.equal(await page.textContent('#convoy-form input[name=agency] + .field-error'), 'Required.');
  assert.equal(submits.length, 0, 'nothing is sent while a required field is empty');

  // What only the service can judge comes back as its own message, and its
  // field violation is shown beside the field it names.
  await page.fill('#convoy-form input[name=agency]', 'WFP');
  await page.click('#convoy-form button[type=submit]');
  await page.waitForSelector('#convoy-form [data-field="manifest[0].unit"][aria-invalid=true]');
  const shown = await page.textContent('#convoy-message');
  const direct = await gateway('ConvoyService/SubmitConvoyRequest', {
    agency: 'WFP', area_id: 'EG-DUMA', planned_date: { year: 2016, month: 10, day: 1 },
    beneficiaries_requested: 5000, idempotency_key: 'direct',
    manifest: [{ item: 'wheat flour', category: 'CARGO_CATEGORY_FOOD', quantity: 12, unit: 'tonnes'.padEnd(51, 's') }],
  });
  assert.equal(direct.status, 400);
  assert.equal(direct.body.error.fieldViolations[0].field, 'manifest[0].unit');
  assert.equal(shown, direct.body.error.message);
  assert.match(await page.textContent('#convoy-form [data-field="manifest[0].unit"] + .field-error'), /limit is 50/);
  await page.locator('#convoy-form').screenshot({ path: join(shots, 'convoy-form-rejected.png') });

  // ... and a good one, with a second cargo line typed in Arabic-Indic
  // digits, is recorded, as the CLI then shows.
  await page.fill('#convoy-form input[name=unit]', 'tonnes');
  await page.fill('#convoy-form input[name=requested_on]', '2016-09-20');
  await page.selectOption('#convoy-form select[name=mode]', 'DELIVERY_MODE_ROAD');
  await page.click('#add-cargo-line');
  const second = '#cargo-lines .cargo-line:nth-child(2)';
  await page.fill(`${second} input[name=item]`, 'insulin');
  await page.selectOption(`${second} select[name=cargo_category]`, 'CARGO_CATEGORY_HEALTH');
  await page.fill(`${second} input[name=quantity]`, '٣٠٠');
  await page.fill(`${second} input[name=unit]`, 'vials');
  await page.click('#convoy-form button[type=submit]');
  await page.waitForSelector('#convoy-message.ok');
  const id = /cv-[0-9a-f]+/.exec(await page.textContent('#convoy-message'))[0];
  assert.match(ctl(coordinatorFile, 'convoys', 'get', id), /WFP/);
  const recorded = await gateway('ConvoyService/GetConvoy', { id });
  assert.deepEqual(recorded.body.manifest.map((l) => [l.item, Number(l.quantity)]),
    [['wheat flour', 12], ['insulin', 300]]);
  assert.equal(await page.locator('#cargo-lines .cargo-line').count(), 1, 'the form is reset');
  await page.waitForSelector(`#convoys tr[data-id="${id}"]`);

  // ... and its approval, from the step form.
  await page.selectOption('#step-form select[name=convoy_id]', id);
  await page.selectOption('#step-form select[name=action]', 'approve');
  await page.fill('#step-form input[name=beneficiaries_approved]', '5000');
  await page.click('#step-form button[type=submit]');
  await page.waitForSelector('#step-message.ok');
  assert.match(ctl(coordinatorFile, 'convoys', 'get', id), /status\s+approved/);
  assert.match(ctl(coordinatorFile, 'convoys', 'get', id), /mode\s+road/);

  // A denial of the convoy with nothing filled in, and a count no service
  // would take, are caught beside their fields before anything is sent.
  await page.selectOption('#step-form select[name=action]', 'deny');
  await page.click('#step-form button[type=submit]');
  for (const field of ['denying_party', 'reason', 'category']) {
    await page.waitForSelector(`#step-form [data-field=${field}][aria-invalid=true], #step-form [name=${field}][aria-invalid=true]`);
  }
  await page.selectOption('#step-form select[name=action]', 'approve');
  await page.fill('#step-form input[name=beneficiaries_approved]', '99999999999999999999');
  await page.click('#step-form button[type=submit]');
  await page.waitForSelector('#step-form input[name=beneficiaries_approved][aria-invalid=true]');
  assert.match(await page.textContent('#step-form input[name=beneficiaries_approved] + .field-error'), /whole number, at most 100,000,000/);
  await page.fill('#step-form input[name=beneficiaries_approved]', '');

  // ... one of the approval's steps, with who answered and when.
  await page.selectOption('#step-form select[name=action]', 'approval_step');
  await page.fill('#step-form input[name=step_name]', 'facilitation letter');
  await page.click('#step-form button[type=submit]');
  await page.waitForSelector('#step-form input[name=authority][aria-invalid=true]');
  await page.fill('#step-form input[name=authority]', party);
  await page.fill('#step-form input[name=asked_on]', '2016-09-21');
  await page.selectOption('#step-form select[name=step_outcome]', 'STEP_OUTCOME_GRANTED');
  await page.fill('#step-form input[name=answered_on]', '2016-09-24');
  await page.click('#step-form button[type=submit]');
  await page.waitForSelector('#step-message.ok');
  const stepped = (await gateway('ConvoyService/GetConvoy', { id })).body.approval_steps;
  assert.deepEqual(stepped.map((s) => [s.step, s.authority, s.outcome, s.answered_on.day]),
    [['facilitation letter', party, 'STEP_OUTCOME_GRANTED', 24]]);

  // ... and a figure typed wrong, corrected with its reason.
  await page.selectOption('#step-form select[name=action]', 'correct');
  await page.fill('#step-form input[name=beneficiaries_approved]', '4000');
  await page.fill('#step-form input[name=reason]', 'the approval letter says 4,000');
  await page.click('#step-form button[type=submit]');
  await page.waitForSelector('#step-message.ok');
  assert.match(ctl(coordinatorFile, 'convoys', 'get', id), /beneficiaries approved\s+4,000/);
  assert.match(ctl(coordinatorFile, 'convoys', 'history', id), /CORRECTED/);

  // A step whose answer is lost on the way back: the page says so, and the
  // next click sends the same request id, which the server answers from
  // what it kept instead of recording the dispatch twice (or refusing it).
  await page.selectOption('#step-form select[name=action]', 'dispatch');
  let lost = 0;
  await page.route('**/api/v1/ConvoyService/DispatchConvoy', async (route) => {
    await route.fetch();  // the server records it ...
    lost += 1;
    await route.abort('connectionreset');  // ... and the answer never arrives
  }, { times: 1 });
  await page.click('#step-form button[type=submit]');
  await page.waitForFunction(() => !document.querySelector('#step-message').classList.contains('ok'));
  assert.equal(lost, 1);
  await page.click('#step-form button[type=submit]');
  await page.waitForSelector('#step-message.ok');
  assert.match(ctl(coordinatorFile, 'convoys', 'get', id), /status\s+dispatched/);
  const history = await gateway('ConvoyService/GetConvoyHistory', { convoy_id: id });
  assert.equal(history.status, 200);
  const dispatches = history.body.events.filter((e) => e.previous_status !== 'CONVOY_STATUS_DISPATCHED'
    && e.status === 'CONVOY_STATUS_DISPATCHED');
  assert.equal(dispatches.length, 1, 'the dispatch was recorded once');

  // The outcome, with what was taken off each cargo line at the checkpoint.
  await page.selectOption('#step-form select[name=action]', 'outcome');
  await page.selectOption('#step-form select[name=outcome]', 'CONVOY_STATUS_PARTIALLY_DELIVERED');
  await page.fill('#step-form input[name=beneficiaries_reached]', '3500');
  await page.fill('#step-form input[name=party]', party);
  await page.selectOption('#step-form select[name=category]', 'ACCESS_CONSTRAINT_MOVEMENT_RESTRICTION');
  await page.fill('#losses [name=removed_1]', '١٢٠');
  await page.fill('#losses [name=refused_0]', '2');
  // The dispatch's "ok" is still on the page: wait for the outcome's own
  // answer, not for a message that is already there.
  const outcomeAnswered = page.waitForResponse((r) => r.url().endsWith('/api/v1/ConvoyService/RecordConvoyOutcome'));
  await page.click('#step-form button[type=submit]');
  assert.equal((await outcomeAnswered).status(), 200);
  await page.waitForSelector('#step-message.ok');
  const delivered = (await gateway('ConvoyService/GetConvoy', { id })).body;
  assert.equal(delivered.status, 'CONVOY_STATUS_PARTIALLY_DELIVERED');
  assert.deepEqual(delivered.manifest.map((l) => [Number(l.quantity_removed || 0), Number(l.quantity_refused || 0)]),
    [[0, 2], [120, 0]]);

  // The convoy's record in the list: its lines with their losses, its
  // steps and its whole history.
  await page.waitForSelector(`#convoys tr[data-id="${id}"] td .badge[data-status=CONVOY_STATUS_PARTIALLY_DELIVERED]`);
  await page.click(`#convoys tr[data-id="${id}"] button.link`);
  // The history comes last, after its own call.
  await page.waitForSelector('#convoys tr.detail ol.history li');
  const convoyDetail = await page.textContent('#convoys tr.detail');
  assert.match(convoyDetail, /facilitation letter/);
  assert.match(convoyDetail, /insulin.*120/s);
  for (const status of ['Requested', 'Approved', 'Dispatched', 'Partially delivered']) {
    assert.match(convoyDetail, new RegExp(status), `the history shows ${status}`);
  }

  // Two clicks in a row send one request: one convoy, not two.
  await page.fill('#convoy-form input[name=agency]', 'UNHCR');
  await page.selectOption('#convoy-form select[name=area_id]', 'EG-DUMA');
  await page.fill('#convoy-form input[name=planned_date]', '2016-11-02');  // outside the October report below
  await page.fill('#convoy-form input[name=requested_on]', '2016-09-25');
  await page.fill('#convoy-form input[name=item]', 'blankets');
  await page.selectOption('#convoy-form select[name=cargo_category]', 'CARGO_CATEGORY_SHELTER');
  await page.fill('#convoy-form input[name=quantity]', '300');
  await page.fill('#convoy-form input[name=unit]', 'bales');
  await page.fill('#convoy-form input[name=beneficiaries_requested]', '900');
  const before = await page.textContent('#convoy-message');
  await page.evaluate(() => {
    const button = document.querySelector('#convoy-form button[type=submit]');
    button.click();
    button.click();
  });
  await page.waitForFunction((previous) => {
    const box = document.querySelector('#convoy-message');
    return box.textContent !== previous;
  }, before);
  assert.ok(await page.locator('#convoy-message.ok').count(), await page.textContent('#convoy-message'));
  const unhcr = await gateway('ConvoyService/ListConvoys', { agency: 'UNHCR' });
  assert.equal(unhcr.status, 200);
  assert.equal(unhcr.body.convoys.length, 1, 'a double click made one convoy');
  assert.equal(await page.inputValue('#convoy-form input[name=agency]'), '', 'the form is reset');

  // The convoy list's filters are in the address: one agency's requests.
  await page.fill('#convoys-filter input[name=agency]', 'unhcr');
  await page.click('#convoys-filter button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#convoys tr.record').length === 1);
  assert.match(page.url(), /convoys-filter\.agency=unhcr/);
  await page.fill('#convoys-filter input[name=agency]', '');
  await page.click('#convoys-filter button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#convoys tr.record').length === 2);
  // Sorted by planned date as dates: 1 Oct before 2 Nov.
  await page.click('#convoys th[data-key=planned]');
  assert.deepEqual(await page.locator('#convoys tr.record td:nth-child(4)').allTextContents(), ['1 Oct 2016', '2 Nov 2016']);
  // Any convoy, however old, is chosen for the step form from its record.
  await page.click(`#convoys tr[data-id="${id}"] button.link`);
  await page.click('#convoys tr.detail button:has-text("Record a step for this convoy")');
  assert.equal(await page.inputValue('#step-form select[name=convoy_id]'), id);
  await page.click(`#convoys tr[data-id="${id}"] button.link`);

  // The access report's totals: the people share, for the period.
  await page.fill('#access-form input[name=from]', '2016-10-01');
  await page.fill('#access-form input[name=to]', '2016-10-31');
  await page.click('#access-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#access-totals tbody tr td:nth-child(2)')?.textContent === '1');
  assert.match(await page.textContent('#access-totals tbody'), /All aid deliveries/);
  await page.locator('#convoys-section').screenshot({ path: join(shots, 'convoys.png') });

  // --- compliance: the party that broke the arrangement, with the evidence.
  const breaker = '#compliance-parties tr[data-party="Syrian government and allies"]';
  for (let i = 0; i < 100 && !(await page.locator(`${breaker} td.breached`).count()); ++i) {
    await page.click('#compliance-form button[type=submit]');  // the evaluation runs behind
    await page.waitForTimeout(100);
  }
  assert.match(await page.textContent(`${breaker} td.breached`), /castello-demilitarized/);
  assert.match(await page.textContent('#compliance-parties tr[data-party="Armed opposition"]'),
    /castello-demilitarized/, 'the other party kept the term');
  assert.match(await page.textContent('#compliance-violations tbody'), /castello-road reported CLOSED on 2016-09-22/);
  // The violations one by one, each naming the journal entry it rests on.
  await page.click('#violations-form button[type=submit]');
  assert.doesNotMatch(page.url(), /include_superseded/, 'an unchecked box is not in the address');
  await page.waitForSelector('#violations tr.record');
  await page.click('#violations tr.record button.link');
  await page.waitForSelector('#violations tr.detail .revisions li');
  assert.match(await page.textContent('#violations tr.detail'), /routes\/\d+ · Journal entry \d+/);
  // The enforcement gap: a consequence applied to the violation, recorded
  // by an admin, is counted beside the consequences due.
  const violationId = (await gateway('AgreementService/ListViolations',
    { agreement_id: 'us-russia-2016-09-09' })).body.violations.find((v) => v.party_id === 'syrian-government').id;
  ctl(admin, 'agreements', 'consequence', violationId, '--applied=yes', '--what=withdrawal from the arrangement',
    '--by=United States', '--on=2016-10-03', '--source=dashboard test (not a historical record)');
  await page.click('#compliance-form button[type=submit]');
  await page.waitForFunction((selector) => document.querySelector(selector)?.children[5]?.textContent === '1',
    `${breaker}`);
  assert.equal(await page.textContent(`${breaker} td:nth-child(7)`), '0', 'no violation left without consequence');
  assert.match(await page.textContent('#compliance-violations tbody'), /applied 3 Oct 2016 by United States/);
  await page.locator('#compliance-section').screenshot({ path: join(shots, 'compliance.png') });
  // The agreement over incidents: the barrel bomb's LOW attribution is an
  // allegation, shown and not counted as established.
  await page.selectOption('#compliance-form select[name=agreement_id]', 'weapons-test-2016');
  for (let i = 0; i < 100 && !/attribution: low/.test(await page.textContent('#compliance-violations tbody')); ++i) {
    await page.click('#compliance-form button[type=submit]');
    await page.waitForTimeout(100);
  }
  assert.match(await page.textContent('#compliance-violations tbody'), /attribution: low; one report\): used barrel bomb at ALP-EAST/);
  assert.match(await page.textContent('#compliance-violations tbody'), /unconfirmed: not counted as established/);
  assert.match(await page.textContent('#compliance-parties tbody'), /no-barrel-bombs \(unconfirmed\)/);
  assert.match(await page.textContent('#compliance-parties tbody'), /1 \(1 unconfirmed\)/);
  assert.match(await page.textContent('#compliance-violations tbody'), /incidents\/in-/);
  await page.locator('#compliance-section').screenshot({ path: join(shots, 'compliance-incidents.png') });
  await page.selectOption('#compliance-form select[name=agreement_id]', 'us-russia-2016-09-09');
  await page.click('#compliance-form button[type=submit]');
  await page.waitForFunction(() => /castello-road/.test(document.querySelector('#compliance-violations tbody').textContent));

  // --- incidents: by weapon over time, the records, and the map.
  await page.waitForSelector('#incidents-table tbody tr[data-incident-id]');
  assert.equal(await page.locator('#incidents-table tbody tr').count(), 2);
  assert.match(await page.textContent('#incidents-table tbody'), /Barrel bomb/);
  assert.match(await page.textContent('#incidents-table tbody'), /Eastern Aleppo city/, 'the area by its name');
  assert.match(await page.textContent('#incidents-table tbody'), /Syrian Government \(Low\)/);
  assert.match(await page.textContent('#incidents-legend'), /Barrel bomb/);
  assert.match(await page.textContent('#incidents-legend'), /no weapon stated/);
  assert.ok(await page.locator('#incidents-chart rect.bar').count() >= 2, 'a bar per month with incidents');
  assert.equal(await page.locator('#map .incident').count(), 2, 'both incidents are on the map');
  await page.selectOption('#incidents-form select[name=split]', 'party');
  await page.click('#incidents-form button[type=submit]');
  await page.waitForFunction(() => /Syrian Government/.test(document.querySelector('#incidents-legend').textContent));
  await page.locator('#incidents-section').screenshot({ path: join(shots, 'incidents.png') });

  // The reports on a road, one by one; a coordinator withdraws one filed
  // in error, with the reason, and the road's record says so.
  await page.selectOption('#road-reports-form select[name=route_id]', 'castello-road');
  await page.click('#road-reports-form button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#road-reports tr.record').length >= 2);
  const underFire = '#road-reports tr.record:has(.badge[data-status=ROUTE_STATUS_UNDER_FIRE])';
  await page.click(`${underFire} button.link`);
  await page.click('#road-reports tr.detail form.withdraw button[type=submit]');
  await page.waitForSelector('#road-reports tr.detail form.withdraw input[aria-invalid=true]');
  await page.fill('#road-reports tr.detail form.withdraw input[name=reason]', 'filed by the test for the live view');
  await page.click('#road-reports tr.detail form.withdraw button[type=submit]');
  await page.waitForFunction(() => [...document.querySelectorAll('#road-reports tr.record')]
    .some((row) => /withdrawn/.test(row.textContent)));
  const castello = await gateway('RouteService/GetRouteHistory', { route_id: 'castello-road' });
  // A live change and the reload after the withdrawal both refresh the
  // list: it shows each report once.
  await page.waitForTimeout(500);
  assert.equal(await page.locator('#road-reports tr.record').count(), castello.body.reports.length);
  assert.match(await page.textContent('#roads-section .list-foot .message.ok'), /Withdrawn/);
  const withdrawal = castello.body.reports.find((r) => r.withdrawal);
  assert.equal(withdrawal.correction_reason, 'filed by the test for the live view');
  assert.equal((await gateway('RouteService/GetRoute', { id: 'castello-road' })).body.status, 'ROUTE_STATUS_CLOSED',
    'the report before the withdrawn one stands again');
  // ... and corrects one: a new report in its place, the old one kept.
  await page.locator('#road-reports tr.record:has(.badge[data-status=ROUTE_STATUS_CLOSED]) button.link').first().click();
  await page.click('#road-reports tr.detail button:has-text("Correct this report")');
  const fix = '#road-reports tr.detail form.correction';
  assert.equal(await page.inputValue(`${fix} input[name=observed_at]`), '2016-09-22');
  await page.fill(`${fix} input[name=checkpoint]`, 'Castello roundabout');
  await page.fill(`${fix} input[name=reason]`, 'the checkpoint was left out');
  await page.click(`${fix} button[type=submit]`);
  await page.waitForSelector('#roads-section .list-foot .message.ok:has-text("Corrected")');
  const fixed = (await gateway('RouteService/GetRouteHistory', { route_id: 'castello-road' })).body.reports
    .find((r) => r.correction_reason === 'the checkpoint was left out');
  assert.equal(fixed.checkpoint, 'Castello roundabout');
  assert.equal(fixed.status, 'ROUTE_STATUS_CLOSED');

  // --- a road report from the page, read back through the API.
  await page.selectOption('#road-form select[name=route_id]', 'ramouseh-road');
  await page.selectOption('#road-form select[name=status]', 'ROUTE_STATUS_OPEN');
  await page.fill('#road-form input[name=observed_at]', '2016-10-05');
  await page.fill('#road-form input[name=checkpoint]', 'Ramouseh roundabout');
  await page.fill('#road-form input[name=source]', 'dashboard test (not a historical report)');
  await page.click('#road-form button[type=submit]');
  await page.waitForSelector('#road-message.ok');
  const ramouseh = await gateway('RouteService/GetRoute', { id: 'ramouseh-road' });
  assert.equal(ramouseh.body.status, 'ROUTE_STATUS_OPEN');

  // --- a stand-alone denial from the page: the records list shows it.
  await page.fill('#denial-form input[name=party]', party);
  await page.selectOption('#denial-form select[name=area_id]', 'EG-DUMA');
  await page.fill('#denial-form input[name=checkpoint]', 'Wafideen');
  await page.fill('#denial-form input[name=occurred_at]', '2016-10-15');
  await page.selectOption('#denial-form select[name=category]', 'ACCESS_CONSTRAINT_VIOLENCE');
  await page.fill('#denial-form input[name=people_affected]', '٤٠');
  await page.fill('#denial-form input[name=description]', 'medical supplies removed from the trucks');
  await page.fill('#denial-form input[name=source]', 'dashboard test (not a historical report)');
  await page.fill('#denial-form input[name=evidence_uri]', 'https://example.org/report-17');
  await page.click('#denial-form button[type=submit]');
  await page.waitForSelector('#denial-message.ok');
  await page.waitForFunction(() => document.querySelectorAll('#denial-records tr.record').length === 4);
  const duma = await gateway('DenialService/ListDenials', { area_id: 'EG-DUMA', category: 'ACCESS_CONSTRAINT_VIOLENCE' });
  const filed = duma.body.denials.find((d) => d.facts.checkpoint === 'Wafideen');
  assert.equal(Number(filed.facts.people_affected), 40);
  assert.equal(filed.facts.evidence[0].uri, 'https://example.org/report-17');

  // ... and withdrawn from its record, as recorded in error: the list, the
  // chart and the API no longer count it; its history keeps it.
  await page.click(`#denial-records tr[data-id="${filed.id}"] button.link`);
  await page.fill('#denial-records tr.detail form.withdraw input[name=reason]', 'entered twice');
  await page.click('#denial-records tr.detail form.withdraw button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#denial-records tr.record').length === 3);
  const after = await gateway('DenialService/ListDenials', { area_id: 'EG-DUMA', category: 'ACCESS_CONSTRAINT_VIOLENCE' });
  assert.ok(!after.body.denials.some((d) => d.id === filed.id), 'a withdrawn denial is not listed');
  const revisions = await gateway('DenialService/GetDenialHistory', { denial_id: filed.id });
  assert.deepEqual(revisions.body.revisions.map((r) => [Boolean(r.withdrawn), r.correction_reason || '']),
    [[false, ''], [true, 'entered twice']]);

  // A partner's report counts as unconfirmed until a coordinator, having
  // checked it, confirms it from its record.
  const partnerFile = join(work, 'partner.token');
  ctl(admin, 'admin', 'token', 'create', '--role=partner', '--agency=SARC', '--name=sarc-field', `--out=${partnerFile}`);
  const sarc = /cv-[0-9a-f]+/.exec(ctl(partnerFile, 'convoys', 'submit', '--agency=SARC', '--area=EG-DUMA',
    '--planned=2016-10-20', '--requested=2016-10-10', '--beneficiaries=800', '--cargo=flour:food:5:tonnes'))[0];
  ctl(partnerFile, 'convoys', 'deny', sarc, `--party=${party}`, '--reason=held for six hours',
    '--category=movement-restriction');
  const unconfirmedRow = '#denial-records tr.record:has-text("not yet confirmed")';
  // The denial reaches the denials service through the convoys' outbox.
  for (let i = 0; i < 100 && !(await page.locator(unconfirmedRow).count()); ++i) {
    await page.click('#denials-form button[type=submit]');
    await page.waitForTimeout(100);
  }
  const partnerDenial = await page.getAttribute(unconfirmedRow, 'data-id');
  await page.click(`${unconfirmedRow} button.link`);
  await page.fill('#denial-records tr.detail form.withdraw:has-text("How it was checked") input', 'called the SARC branch');
  await page.click('#denial-records tr.detail form.withdraw:has-text("How it was checked") button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#denial-records tr.record').length === 4
    && !/not yet confirmed/.test(document.querySelector('#denial-records tbody').textContent));
  const confirmed = (await gateway('DenialService/GetDenial', { id: partnerDenial })).body;
  assert.ok(!confirmed.awaiting_confirmation, 'confirmed');
  assert.equal(confirmed.correction_reason, 'called the SARC branch');
  // ... and corrects a figure of it, from the same record, with the reason.
  await page.click(`#denial-records tr[data-id="${partnerDenial}"] button.link`);
  await page.click('#denial-records tr.detail button:has-text("Correct this denial")');
  const correction = '#denial-records tr.detail form.correction';
  assert.match(await page.inputValue(`${correction} input[name=description]`), /was denied: held for six hours$/);
  await page.fill(`${correction} input[name=people_affected]`, '300');
  await page.click(`${correction} button[type=submit]`);
  await page.waitForSelector(`${correction} input[name=reason][aria-invalid=true]`);
  await page.fill(`${correction} input[name=reason]`, 'the branch counted 300 people');
  await page.click(`${correction} button[type=submit]`);
  await page.waitForSelector('#denials-section .list-foot .message.ok:has-text("Corrected")');
  const corrected = (await gateway('DenialService/GetDenial', { id: partnerDenial })).body;
  assert.equal(Number(corrected.facts.people_affected), 300);
  assert.match(corrected.facts.description, /was denied: held for six hours$/, 'what the form did not change stays');
  assert.equal(corrected.correction_reason, 'the branch counted 300 people');

  // --- Arabic: right to left, with the areas' Arabic names.
  await page.click('#lang-ar');
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  assert.match(await page.textContent('#access tr[data-area-id=EG-DUMA]'), /دوما/);
  // Douma is drawn in a cluster at the country's scale; the cluster names it.
  assert.ok(await page.evaluate(() => [...document.querySelectorAll('#map .areas title')]
    .some((title) => title.textContent.includes('دوما'))), 'the map names Douma in Arabic');
  assert.match(await page.textContent('#convoys tr td:nth-child(3)'), /دوما/);
  assert.match(await page.textContent('#compliance-summary'), /[\u0600-\u06ff]/, 'the compliance summary is redrawn');
  assert.match(await page.textContent('#incidents-table tbody'), /هجوم على قافلة/, 'incident types in Arabic');
  assert.match(await page.textContent('#incidents-legend'), /لم تُسمَّ جهة/, 'the chart legend is redrawn in Arabic');
  assert.match(await page.textContent('#compliance-violations tbody'), /طُبّقت/, 'the consequence in Arabic');
  // Dates in Arabic month names (Levantine, as used in Syria), digits Western.
  await page.waitForFunction(() => /(أيلول|تشرين الأول) 2016/.test(document.querySelector('#denial-records tbody').textContent));
  // A refusal of the service, in Arabic, with its English message isolated.
  await fillOversizeUnit('WFP');
  await page.waitForSelector('#convoy-form [data-field="manifest[0].unit"][aria-invalid=true]');
  const arabicError = await page.textContent('#convoy-message');
  assert.match(arabicError, /^قيمة غير مقبولة في حقل\. \(\u2068.*limit is 50.*\u2069\)$/);
  await page.click('#access tr[data-area-id=EG-DUMA] button.link');
  await page.waitForSelector('#area-page[open] #area-history li');
  assert.equal(await page.textContent('#area-page-title'), 'دوما');
  await page.screenshot({ path: join(shots, 'area-page-ar.png') });
  await page.click('#area-close');
  await page.screenshot({ path: join(shots, 'arabic.png'), fullPage: true });
  await page.click('#lang-en');
  await page.screenshot({ path: join(shots, 'dashboard.png'), fullPage: true });

  // --- accessibility (axe-core, WCAG 2.1 A and AA rules) in both languages:
  // nothing serious or critical. axe is injected, which the page's Content
  // Security Policy rightly refuses, so it runs in a second tab that
  // bypasses it, signed in the same way, with the same data.
  const audit = await (await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 1000 } }))
    .newPage();
  await audit.goto(url);
  await audit.fill('#token', token);
  await audit.click('#signin button[type=submit]');
  await audit.waitForSelector('body[data-ready=true]', { timeout: 20000 });
  await audit.addScriptTag({ path: axeSource });
  // An oversight body reads; it is offered no entry form.
  const oversightFile = join(work, 'oversight.token');
  ctl(admin, 'admin', 'token', 'create', '--role=oversight', '--name=dashboard-oversight', `--out=${oversightFile}`);
  const reader = await browser.newPage();
  await reader.goto(url);
  await reader.fill('#token', readFileSync(oversightFile, 'utf8').trim());
  await reader.click('#signin button[type=submit]');
  await reader.waitForSelector('body[data-ready=true]', { timeout: 20000 });
  for (const form of ['#convoy-form', '#step-form', '#road-form', '#denial-form']) {
    assert.equal(await reader.isVisible(form), false, `${form} is not offered to oversight`);
  }
  await reader.close();
  for (const lang of ['en', 'ar']) {
    await audit.click(`#lang-${lang}`);
    const found = await audit.evaluate(async () => {
      const result = await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      });
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes[0].target.join(' ')}`);
    });
    assert.deepEqual(found, [], `axe in ${lang}`);
  }

  // --- a phone (390 × 844): every view fits the width; wide tables scroll
  // in their own box, not the page.
  await audit.setViewportSize({ width: 390, height: 844 });
  for (const lang of ['en', 'ar']) {
    await audit.click(`#lang-${lang}`);
    const overflow = await audit.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    // On failure, name the elements that stick out (outside a scroll box).
    const wide = overflow <= 0 ? [] : await audit.evaluate(() => [...document.querySelectorAll('body *')]
      .filter((e) => !e.closest('.table-box') && e.getClientRects().length
        && (e.getBoundingClientRect().right > window.innerWidth + 1 || e.getBoundingClientRect().left < -1))
      .slice(0, 8).map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className?.baseVal ?? e.className}`));
    assert.ok(overflow <= 0, `${lang}: the page is ${overflow} px wider than a 390 px phone: ${wide.join(', ')}`);
    await audit.screenshot({ path: join(shots, `phone-${lang}.png`), fullPage: true });
  }
  // Every view at both sizes and in both languages, for the artefacts.
  const views = ['map', 'roads', 'access', 'denials', 'incidents', 'convoys', 'compliance'];
  for (const [size, viewport] of [['phone', { width: 390, height: 844 }], ['desktop', { width: 1280, height: 1000 }]]) {
    await audit.setViewportSize(viewport);
    for (const lang of ['en', 'ar']) {
      await audit.click(`#lang-${lang}`);
      await audit.waitForFunction(() => document.querySelector('#denial-records tbody').children.length > 0);
      for (const view of views) {
        await audit.locator(`#${view}-section`).screenshot({ path: join(shots, `${size}-${lang}-${view}.png`) });
      }
    }
  }
  console.log('accessibility: no serious or critical axe findings in English or Arabic; '
    + 'no horizontal scroll at 390 px');

  assert.deepEqual(outside, [], 'the page asked for something outside this machine');
  assert.deepEqual(pageErrors, [], 'the page raised errors');
  console.log(`dashboard test passed; screenshots in ${shots}`);
} catch (error) {
  failed = true;
  console.error(error);
  console.error(`corridor-web log:\n${web.log()}`);
} finally {
  await browser.close();
  await Promise.all(children.map((child) => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.on('exit', resolve);
    child.kill('SIGTERM');
  })));
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
