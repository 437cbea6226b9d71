// The Corridor dashboard: one page for coordinators and oversight officers.
// Everything comes from corridor-web's JSON gateway with the user's token;
// the services' roles decide what each user may see and do.
import {
  ApiError, call, download, enums, errorText, follow, listAll, session,
} from './api.js';
import { openArea, redrawArea, setUpAreaPage } from './area.js';
import { assignColours, colourOfName, drawLegend, drawStackedBars } from './chart.js';
import { downloadCsv, rowsOfTable } from './csv.js';
import {
  chooseForStep, loadConvoyList, loadConvoys, renderConvoys, setUpConvoyEntries, useAgency,
  useConvoyList,
} from './convoy_entries.js';
import {
  dateOf, enter, keepInUrl, restoreFromUrl, showMessage,
} from './forms.js';
import {
  areaName, enumLabel, formatDay, formatNumber, initialLanguage, language, setLanguage, t,
} from './i18n.js';
import { configureIncidents, loadIncidents, renderIncidents } from './incidents.js';
import { makeSortable } from './lists.js';
import { monthsBetween, nextMonth, yearMonth } from './months.js';
import { drawMap, resetMap, statusClass, zoomMap } from './map.js';
import {
  configureViews, convoyList, denialFactsOf, denialList, denialPages, roadReportList,
  roadReportPages, violationList, violationPages,
} from './views.js';

const $ = (selector) => document.querySelector(selector);

const state = {
  enums: {},
  areas: [],
  routes: [],
  geojson: null,
  access: null,
  compliance: null,  // the compliance report last read
  accessSort: { key: 'days', descending: true },
  stopFollowing: null,
  lists: {},  // the record lists (views.js), made once the page starts
  who: null,  // the signed-in token, as WhoAmI describes it
  parties: [],  // the party registry
};

// A party's name in the chosen language, from the registry when `id` names
// one of its parties; else the text as recorded.
function partyLabel(id, text) {
  const party = state.parties.find((p) => p.id === id);
  if (!party) return text || id || '';
  return language() === 'ar' && party.name_ar ? party.name_ar : party.name;
}

// ---------------------------------------------------------------- helpers

function banner(text) { showMessage($('#banner'), text); }

function cell(row, text, className) {
  const td = document.createElement('td');
  const bare = className === 'number' && /^-?\d+(\.\d+)?$/.test(String(text ?? ''));
  td.textContent = bare ? formatNumber(text) : (text ?? '');
  if (bare) td.dataset.value = String(text);  // exported without separators
  if (className) td.className = className;
  row.append(td);
  return td;
}

function badge(status) {
  const span = document.createElement('span');
  span.className = `badge status-${statusClass(status)}`;
  span.dataset.status = status || '';
  span.textContent = enumLabel(status);
  return span;
}

function areaById(id) { return state.areas.find((a) => a.id === id); }

function fillEnumSelects() {
  for (const select of document.querySelectorAll('select[data-enum]')) {
    const previous = select.value;
    select.replaceChildren();
    if (select.dataset.any) select.append(new Option('—', ''));
    const only = select.dataset.only?.split(',');
    for (const name of state.enums[select.dataset.enum] || []) {
      if (name.endsWith('_UNSPECIFIED')) continue;
      if (only && !only.some((o) => name.endsWith(`_${o}`))) continue;
      select.append(new Option(enumLabel(name), name));
    }
    if (previous) select.value = previous;
  }
  for (const select of document.querySelectorAll('select[data-areas]')) {
    const previous = select.value;
    select.replaceChildren(new Option('—', ''));
    for (const area of [...state.areas].sort((a, b) => areaName(a).localeCompare(areaName(b)))) {
      select.append(new Option(`${areaName(area)} (${area.id})`, area.id));
    }
    select.value = previous;
  }
  for (const select of document.querySelectorAll('select[data-routes]')) {
    const previous = select.value;
    select.replaceChildren(new Option('—', ''));
    for (const route of state.routes) select.append(new Option(route.name, route.id));
    select.value = previous;
  }
}

// ---------------------------------------------------------------- map and roads

function renderMap() {
  const unplaced = drawMap($('#map'), state.geojson, state.areas, state.routes,
    { onArea: showArea, labels: { cluster: (n) => t('cluster', n) } });
  const placed = state.areas.length - unplaced.length;
  $('#map-caption').textContent = t('map_caption', placed, state.areas.length);
  const list = $('#unplaced');
  list.replaceChildren();
  for (const area of unplaced) {
    const li = document.createElement('li');
    li.dataset.areaId = area.id;
    li.append(areaButton(area.id, areaName(area)), ' ', badge(area.status));
    list.append(li);
  }
  const legend = $('#map-legend');
  legend.replaceChildren();
  const statuses = [...new Set(state.areas.map((a) => a.status))];
  for (const status of statuses) legend.append(badge(status), ' ');
  // The roads' markers (diamonds) take their own status colours.
  for (const status of new Set(state.routes.map((r) => r.status))) {
    const road = badge(status);
    road.classList.add('road-key');
    legend.append(road, ' ');
  }
}

function showArea(areaId) {
  openArea(areaId, state.areas).catch((e) => banner(errorText(e)));
}

// An area's name that opens its page.
function areaButton(areaId, name) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link area-link';
  button.textContent = name;
  button.setAttribute('aria-label', t('open_area', name));
  button.addEventListener('click', () => showArea(areaId));
  return button;
}

function renderRoads(changedId) {
  const body = $('#roads tbody');
  body.replaceChildren();
  for (const route of state.routes) {
    const row = document.createElement('tr');
    row.dataset.routeId = route.id;
    cell(row, route.name);
    cell(row, '').append(badge(route.status));
    cell(row, formatDay(route.status_observed_at));
    cell(row, partyLabel(route.controlling_party_id, route.controlling_party));
    cell(row, (route.serves_area_ids || []).map((id) => areaName(areaById(id)) || id).join(', '));
    cell(row, route.reports);
    if (route.id === changedId) {
      row.classList.add('changed');
      $('#road-announcer').textContent = t('road_changed', route.name, enumLabel(route.status));
    }
    body.append(row);
  }
}

async function loadRoutes(changedId) {
  state.routes = await listAll('RouteService/ListRoutes', {}, 'routes');
  renderRoads(changedId);
  if (state.geojson) renderMap();
}

function followRoutes() {
  state.stopFollowing?.();
  const live = $('#live');
  const setLive = (on) => {
    live.dataset.live = on ? 'on' : 'off';
    live.dataset.i18n = on ? 'live_on' : 'live_off';
    live.textContent = t(live.dataset.i18n);
  };
  state.stopFollowing = follow('routes', {
    onReady: () => setLive(true),
    onDown: () => setLive(false),
    onChange: (change) => {
      const route = change.records.find((r) => r.table === 'route_reports')?.record?.route_id;
      loadRoutes(route).catch((e) => banner(errorText(e)));
      if (route && route === $('#road-reports-form').route_id.value) loadRoadReports();
    },
  });
}

// ---------------------------------------------------------------- access report

function accessValue(row, key) {
  switch (key) {
    case 'area': return row.area_name;
    case 'status': return row.area_status;
    case 'need': return Number(row.people_in_need ?? -1);
    case 'requests': return Number(row.requests);
    case 'approved': return Number(row.approved);
    case 'delivered': return Number(row.delivered);
    case 'reached': return Number(row.beneficiaries_reached);
    case 'people':
      return Number(row.beneficiaries_requested);
    case 'share':
      return shareOf(row.beneficiaries_reached, row.beneficiaries_requested) ?? -1;
    // Never reached sorts above any number of days.
    case 'days': return row.days_since_last_delivery === undefined
      ? Number.MAX_SAFE_INTEGER : Number(row.days_since_last_delivery);
    default: return 0;
  }
}

function renderAccess() {
  if (!state.access) return;
  const { key, descending } = state.accessSort;
  const rows = [...(state.access.areas || [])].sort((a, b) => {
    const x = accessValue(a, key), y = accessValue(b, key);
    const order = typeof x === 'string' ? x.localeCompare(y) : x - y;
    return descending ? -order : order;
  });
  const body = $('#access tbody');
  body.replaceChildren();
  let never = 0;
  for (const area of rows) {
    const row = document.createElement('tr');
    row.dataset.areaId = area.area_id;
    const neverReached = area.days_since_last_delivery === undefined;
    if (neverReached) { never += 1; row.classList.add('never'); }
    cell(row, '').append(areaButton(area.area_id, areaName(areaById(area.area_id)) || area.area_name));
    cell(row, '').append(badge(area.area_status));
    cell(row, area.people_in_need ?? '—', 'number');
    cell(row, area.requests, 'number');
    cell(row, area.approved, 'number');
    cell(row, area.delivered, 'number');
    cell(row, area.beneficiaries_requested, 'number');
    cell(row, area.beneficiaries_reached, 'number');
    cell(row, percent(shareOf(area.beneficiaries_reached, area.beneficiaries_requested)), 'number');
    cell(row, neverReached ? t('never') : area.days_since_last_delivery, 'number');
    body.append(row);
  }
  $('#access-summary').textContent = t('access_summary', rows.length, never);
  renderAccessTotals(state.access);
  for (const th of document.querySelectorAll('#access th')) {
    th.classList.toggle('sorted', th.dataset.key === key);
    th.setAttribute('aria-sort', th.dataset.key === key ? (descending ? 'descending' : 'ascending') : 'none');
  }
}

function shareOf(part, whole) {
  return Number(whole) > 0 ? Number(part || 0) / Number(whole) : undefined;
}

// One decimal, as the UN's monthly reports quote the share of people reached.
function percent(share) {
  if (share === undefined) return '—';
  return `${(100 * share).toLocaleString(language() === 'ar' ? 'ar-SY-u-nu-latn' : 'en', {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1
  })}%`;
}

function renderAccessTotals(report) {
  const body = $('#access-totals tbody');
  body.replaceChildren();
  const add = (label, totals = {}) => {
    const row = document.createElement('tr');
    cell(row, label);
    for (const key
             of ['requests', 'pending', 'approved', 'denied', 'delivered', 'people_requested']) {
      cell(row, totals[key] ?? 0, 'number');
    }
    cell(row, totals.people_reached ?? 0, 'number');
    cell(row, percent(totals.share_people_reached), 'number');
    body.append(row);
  };
  add(t('all_aid'), report.totals);
  for (const group of report.by_area_status || []) {
    const status = group.area_status && group.area_status !== 'AREA_STATUS_UNSPECIFIED' ?
        enumLabel(group.area_status) :
        t('other_statuses');
    add(`${status} (${t('areas_count', group.areas ?? 0)})`, group.totals);
  }
  for (const mode of report.by_mode || []) {
    add(mode.mode && mode.mode !== 'DELIVERY_MODE_UNSPECIFIED' ? enumLabel(mode.mode) :
                                                                 t('mode_not_recorded'),
        mode.totals);
  }
  add(t('evacuations'), report.evacuations);
}

async function loadAccess() {
  const form = $('#access-form');
  state.access = await call('ConvoyService/GetAccessReport', {
    from: dateOf(form.from.value), to: dateOf(form.to.value),
  });
  renderAccess();
}

// ---------------------------------------------------------------- denials

function denialFilters() {
  const form = $('#denials-form');
  return {
    from: form.from.value, to: form.to.value, split: form.split.value,
    party: form.party.value.trim(), category: form.category.value, area: form.area.value,
  };
}

// The chart, its table and (unless `records` is false: a list that has
// just reloaded itself) the records it counts.
async function loadDenials({ records = true } = {}) {
  const f = denialFilters();
  const box = $('#denials-message');
  showMessage(box, '');
  const base = { from: yearMonth(f.from), to: yearMonth(f.to) };
  if (f.party) base.party = f.party;
  if (f.category) base.category = f.category;
  if (f.area) base.area_id = f.area;
  try {
    const split = f.split === 'party' ? 'STATS_DIMENSION_PARTY' : 'STATS_DIMENSION_CATEGORY';
    const groups = await call('DenialService/DenialStats', { ...base, group_by: split });
    const top = (groups.rows || []).slice(0, 6);
    const series = [];
    for (const group of top) {
      const filter = f.split === 'party' ? { party: group.group } : { category: group.category };
      const byMonth = await call('DenialService/DenialStats', { ...base, ...filter, group_by: 'STATS_DIMENSION_MONTH' });
      const counts = {};
      for (const row of byMonth.rows || []) counts[row.group] = Number(row.denials);
      // A party or a category keeps its colour whatever else is shown.
      series.push({ label: f.split === 'party' ? partyLabel(group.group, group.party_name || group.group) : enumLabel(group.group),
        group: group.group, colour: colourOfName(group.group), counts });
    }
    const all = await call('DenialService/DenialStats', { ...base, group_by: 'STATS_DIMENSION_MONTH' });
    const totals = {};
    for (const row of all.rows || []) totals[row.group] = Number(row.denials);
    // The chart spans the months that have denials, not the whole filter.
    const withData = Object.keys(totals).sort();
    const months = withData.length ? monthsBetween(withData[0], withData.at(-1)) : [];
    const other = {};
    for (const month of months) {
      const rest = (totals[month] || 0) - series.reduce((sum, s) => sum + (s.counts[month] || 0), 0);
      if (rest > 0) other[month] = rest;
    }
    if (Object.keys(other).length) series.push({ label: t('other'), colour: '#6e6e6e', counts: other });
    drawStackedBars($('#denials-chart'), months, series,
      { rtl: language() === 'ar', onBar: (month, s) => showBarRecords(month, s) });
    renderDenialTable(months, series, totals);
    if (!series.length) showMessage(box, t('no_denials'), true);
    // The records the chart counts.
    $('#denial-records-filter').textContent = '';
    if (records) await state.lists.denials.load(denialPages(denialRecordFilter(f, f.from, f.to)));
  } catch (error) {
    // Nothing stale stays under an error: the chart, the table and the
    // records it replaces are cleared.
    drawStackedBars($('#denials-chart'), [], [], { rtl: language() === 'ar' });
    renderDenialTable([], [], {});
    state.lists.denials.fail(new Error(''));
    showMessage(box, errorText(error));
  }
}

// The ListDenials filter of the view's filters, for the months [from, to].
function denialRecordFilter(f, from, to) {
  const records = { since: `${from}-01T00:00:00Z`, until: `${nextMonth(to)}-01T00:00:00Z` };
  if (f.party) records.party = f.party;
  if (f.category) records.category = f.category;
  if (f.area) records.area_id = f.area;
  return records;
}

// A bar of the chart (or a month of its table) opens the records it
// counts: that month, and that party or category when it is one.
function showBarRecords(month, s) {
  const f = denialFilters();
  const filter = denialRecordFilter(f, month, month);
  if (s?.group && f.split === 'party') filter.party = s.group;
  if (s?.group && f.split === 'category') filter.category = s.group;
  // "Other" has no filter of its own: the month's denials are all listed.
  $('#denial-records-filter').textContent = t('bar_records', formatMonth(month), s?.group ? s.label : t('all_of_month'));
  state.lists.denials.load(denialPages(filter));
  $('#denial-records').scrollIntoView({ block: 'nearest' });
}

function formatMonth(month) {
  const [year, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat(language() === 'ar' ? 'ar-SY-u-nu-latn' : 'en-GB',
    { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(year, m - 1, 1)));
}

function renderDenialTable(months, series, totals) {
  drawLegend($('#denials-legend'), series);
  const head = $('#denials-table thead');
  const body = $('#denials-table tbody');
  head.replaceChildren();
  body.replaceChildren();
  const header = document.createElement('tr');
  for (const text of [t('month'), ...series.map((s) => s.label), t('total')]) {
    const th = document.createElement('th');
    th.textContent = text;
    header.append(th);
  }
  head.append(header);
  for (const month of months) {
    if (!totals[month]) continue;
    const row = document.createElement('tr');
    row.dataset.month = month;
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'link';
    open.textContent = formatMonth(month);
    open.title = t('month_records');
    open.addEventListener('click', () => showBarRecords(month, null));
    cell(row, '').append(open);
    for (const s of series) cell(row, s.counts[month] || 0, 'number');
    cell(row, totals[month], 'number');
    body.append(row);
  }
}

function lastDay(month) {
  const [y, m] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

async function exportDenials(format) {
  const f = denialFilters();
  const query = new URLSearchParams({ format, since: `${f.from}-01`, until: lastDay(f.to) });
  if (f.party) query.set('party', f.party);
  if (f.category) query.set('category', f.category);
  if (f.area) query.set('area', f.area);
  try {
    await download(`/api/v1/export/denials?${query}`, `corridor-denials.${format}.csv`);
  } catch (error) {
    showMessage($('#denials-message'), errorText(error));
  }
}

// ---------------------------------------------------------------- stand-alone denials

async function recordDenial(event) {
  event.preventDefault();
  const form = event.target;
  await enter(form, $('#denial-message'), async (requestId) => {
    const facts = denialFactsOf(form.elements);
    if (!facts.evidence.length) delete facts.evidence;
    // The request id also names the denial: a retry finds the same one.
    form.dataset.denialKey ||= `dashboard/${requestId}`;
    const denial = await call('DenialService/RecordDenial',
      { facts, idempotency_key: form.dataset.denialKey, request_id: requestId });
    delete form.dataset.denialKey;
    form.reset();
    await loadDenials();
    return t('denial_recorded', denial.id);
  });
}

// ---------------------------------------------------------------- road reports

async function reportRoad(event) {
  event.preventDefault();
  const form = event.target;
  await enter(form, $('#road-message'), async (requestId) => {
    const fields = form.elements;
    const reply = await call('RouteService/ReportRouteStatus', {
      route_id: fields.route_id.value,
      status: fields.status.value,
      observed_at: `${fields.observed_at.value}T00:00:00Z`,
      source: { citation: fields.source.value.trim() },
      checkpoint: fields.checkpoint.value.trim() || undefined,
      controlling_party: fields.controlling_party.value.trim() || undefined,
      note: fields.note.value || undefined,
      request_id: requestId,
    });
    form.reset();
    await loadRoutes(reply.route?.id);
    if ($('#road-reports-form').route_id.value === reply.route?.id) loadRoadReports();
    return t('road_reported', reply.route?.name ?? '', enumLabel(reply.report?.status));
  });
}

function loadRoadReports() {
  const routeId = $('#road-reports-form').route_id.value;
  if (!routeId) return Promise.resolve();
  return state.lists.roadReports.load(roadReportPages(routeId));
}

// ---------------------------------------------------------------- compliance

async function loadAgreements() {
  const agreements = await listAll('AgreementService/ListAgreements', {}, 'agreements');
  for (const select of [$('#compliance-form').agreement_id, $('#violations-form').agreement_id]) {
    const previous = select.value;
    select.replaceChildren(new Option('—', ''), ...agreements.map((a) => new Option(a.name || a.id, a.id)));
    const shared = new URLSearchParams(location.search).get(`${select.form.id}.agreement_id`);
    select.value = previous || shared || agreements[0]?.id || '';
  }
  showMessage($('#compliance-message'), agreements.length ? '' : t('no_agreements'), true);
  if (agreements.length) await Promise.all([loadCompliance(), loadViolations()]);
}

function loadViolations() {
  const form = $('#violations-form');
  const request = { agreement_id: form.agreement_id.value, party: form.party.value.trim(),
    include_superseded: form.include_superseded.checked };
  return state.lists.violations.load(violationPages(request));
}

async function loadCompliance() {
  const form = $('#compliance-form');
  const message = $('#compliance-message');
  if (!form.agreement_id.value) return;
  let report;
  try {
    report = await call('AgreementService/GetComplianceReport', {
      agreement_id: form.agreement_id.value,
      from: dateOf(form.from.value),
      to: dateOf(form.to.value),
    });
    showMessage(message, '');
  } catch (error) {
    state.compliance = null;
    for (const body of document.querySelectorAll('#compliance-section tbody')) body.replaceChildren();
    $('#compliance-summary').textContent = '';
    showMessage(message, errorText(error));
    return;
  }
  state.compliance = report;
  renderCompliance();
}

// A violation's latest consequence record, or why none is due yet.
function consequenceText(v) {
  const done = v.consequences || [];
  if (!done.length) return v.unconfirmed ? t('unconfirmed_allegation') : t('consequence_none');
  const last = done[done.length - 1];
  const on = formatDay(last.decided_on);
  return last.applied ? t('consequence_applied', on, last.applied_by) : t('consequence_not_applied', on);
}

// Drawn again on a language switch, from the report last read.
function renderCompliance() {
  const report = state.compliance;
  if (!report) return;
  $('#compliance-summary').textContent =
    t('compliance_summary', report.agreement_name, formatDay(report.from), formatDay(report.to));
  const parties = $('#compliance-parties tbody');
  const violations = $('#compliance-violations tbody');
  parties.replaceChildren();
  violations.replaceChildren();
  const all = [];
  for (const party of report.parties || []) {
    const row = document.createElement('tr');
    row.dataset.party = party.party;
    cell(row, party.party);
    // Terms breached only on unconfirmed grounds (a partner's report, a
    // low-confidence attribution) are shown as such, not as breached.
    const unconfirmedTerms = (party.terms_breached_unconfirmed || []).map((id) => t('term_unconfirmed', id));
    cell(row, [...(party.terms_breached || []), ...unconfirmedTerms].join(', '),
      (party.terms_breached || []).length ? 'breached' : '');
    cell(row, (party.terms_kept || []).join(', '));
    if (party.unconfirmed_violation_count) {
      cell(row, t('violations_unconfirmed', party.violation_count || 0, party.unconfirmed_violation_count), 'number');
    } else {
      cell(row, party.violation_count || 0, 'number');
    }
    cell(row, (party.consequences_due || []).join(' | '));
    cell(row, party.consequences_applied || 0, 'number');
    cell(row, party.violations_without_consequence || 0,
      party.violations_without_consequence ? 'number breached' : 'number');
    parties.append(row);
    all.push(...(party.violations || []));
  }
  all.sort((a, b) => String(a.occurred_at).localeCompare(String(b.occurred_at)));
  for (const v of all) {
    const row = document.createElement('tr');
    row.dataset.violationId = v.id;
    cell(row, formatDay(v.occurred_at));
    cell(row, v.term_id);
    cell(row, v.party);
    cell(row, v.why);
    cell(row, (v.evidence || []).map((e) =>
      `${e.service}/${e.record_id}${Number(e.journal_index) ? ` #${e.journal_index}` : ''}`).join(', '));
    cell(row, consequenceText(v));
    violations.append(row);
  }
  const steps = $('#compliance-steps tbody');
  steps.replaceChildren();
  for (const d of report.step_delays || []) {
    const row = document.createElement('tr');
    cell(row, d.step);
    cell(row, d.authority);
    cell(row, d.answered, 'number');
    cell(row, d.pending, 'number');
    cell(row, d.answered ? d.median_working_days : '', 'number');
    cell(row, d.worst_working_days, 'number');
    steps.append(row);
  }
}

// ---------------------------------------------------------------- start

function renderWhoAmI() {
  if (state.who) $('#whoami-text').textContent = t('signed_in_as', state.who.name, enumLabel(state.who.role));
}

function rerender() {
  setLanguage(language());
  renderWhoAmI();
  fillEnumSelects();
  if (state.geojson) renderMap();
  renderRoads();
  renderAccess();
  renderConvoys();
  renderCompliance();
  renderIncidents();
  for (const list of Object.values(state.lists)) list.render();
  redrawArea(state.areas);
  if ($('#denials-table tbody').children.length) loadDenials();
}

async function start() {
  const who = await call('TokenService/WhoAmI', {});
  state.who = who;
  renderWhoAmI();
  $('#signin').hidden = true;
  $('#signin-hint').hidden = true;
  $('#whoami').hidden = false;
  // Only the entries the signed-in role may make are offered.
  for (const form of document.querySelectorAll('form[data-roles]')) {
    form.hidden = !form.dataset.roles.split(' ').includes(who.role);
  }
  $('#app').hidden = false;
  banner('');
  useAgency(who.role === 'ROLE_PARTNER' ? who.agency || '' : '');
  configureViews({
    role: who.role,
    onConvoyStep: chooseForStep,
    agency: who.agency || '',
    partyLabel,
    areaLabel: (id) => areaName(areaById(id)) || id || '',
    // A withdrawal changes the road's status and the denials' counts.
    afterChange: () => {
      for (const box of ['#road-message', '#denial-message']) showMessage($(box), '');
      loadRoutes().catch((e) => banner(errorText(e)));
      loadDenials({ records: false });
    },
  });
  configureIncidents({ partyLabel, areaById, areaLabel: (id) => areaName(areaById(id)) || id || '' });
  state.lists.denials ??= denialList($('#denial-records'));
  state.lists.convoys ??= convoyList($('#convoys'));
  useConvoyList(state.lists.convoys);
  state.lists.roadReports ??= roadReportList($('#road-reports'));
  state.lists.violations ??= violationList($('#violations'));

  const [kinds, areas, geojson, parties] = await Promise.all([
    enums(),
    listAll('AreaService/ListAreas', {}, 'areas'),
    fetch('syria_admin1.geojson').then((r) => r.json()),
    listAll('PartyService/ListParties', {}, 'parties'),
  ]);
  state.enums = kinds;
  state.areas = areas;
  // Each party and each category its own colour in every chart.
  assignColours((kinds.AccessConstraintCategory || []).filter((c) => !c.endsWith('_UNSPECIFIED')));
  assignColours(parties.map((p) => p.id));
  state.parties = parties;
  state.geojson = geojson;
  // Any of a party's names is accepted; its registry names are suggested.
  $('#party-names').replaceChildren(...parties.flatMap((p) => [p.name, p.name_ar].filter(Boolean)
    .map((name) => Object.assign(document.createElement('option'), { value: name }))));
  await loadRoutes();
  fillEnumSelects();
  renderMap();
  followRoutes();

  const today = new Date().toISOString().slice(0, 10);
  for (const id of ['#access-form', '#denials-form', '#convoys-filter', '#violations-form', '#road-reports-form',
    '#compliance-form', '#incidents-form']) {
    restoreFromUrl($(id));
  }
  const reports = $('#road-reports-form');
  reports.route_id.value ||= state.routes[0]?.id || '';
  const access = $('#access-form');
  access.from.value ||= '2016-01-01';
  access.to.value ||= today;
  const denials = $('#denials-form');
  denials.from.value ||= '2016-01';
  denials.to.value ||= today.slice(0, 7);
  const incidents = $('#incidents-form');
  incidents.from.value ||= '2016-01';
  incidents.to.value ||= today.slice(0, 7);
  setUpAreaPage(() => state.areas, state.geojson);
  document.body.dataset.ready = 'true';
  await Promise.all([
    loadAccess().catch((e) => banner(errorText(e))),
    loadDenials(),
    loadIncidents(),
    loadConvoys().catch((e) => banner(errorText(e))),
    loadConvoyList(),
    loadRoadReports(),
    loadAgreements().catch((e) => showMessage($('#compliance-message'), errorText(e))),
  ]);
}

function signOut() {
  state.stopFollowing?.();
  session.token = '';
  location.reload();
}

document.addEventListener('DOMContentLoaded', () => {
  setLanguage(initialLanguage());
  $('#lang-en').addEventListener('click', () => { setLanguage('en'); rerender(); });
  $('#lang-ar').addEventListener('click', () => { setLanguage('ar'); rerender(); });
  $('#signin').addEventListener('submit', (event) => {
    event.preventDefault();
    session.token = $('#token').value.trim();
    $('#token').value = '';
    start().catch((error) => {
      if (error instanceof ApiError && error.status === 401) session.token = '';
      banner(`${t('bad_token')} ${errorText(error)}`);
    });
  });
  $('#signout').addEventListener('click', signOut);
  $('#access-form').addEventListener('submit', (event) => {
    event.preventDefault();
    keepInUrl(event.target);
    loadAccess().catch((e) => banner(errorText(e)));
  });
  for (const th of document.querySelectorAll('#access th')) {
    const sort = () => {
      const same = state.accessSort.key === th.dataset.key;
      state.accessSort = { key: th.dataset.key, descending: same ? !state.accessSort.descending : true };
      renderAccess();
    };
    makeSortable(th, sort);
  }
  $('#denials-form').addEventListener('submit', (event) => {
    event.preventDefault();
    keepInUrl(event.target);
    loadDenials();
  });
  const filterForms = [['#convoys-filter', () => loadConvoyList()], ['#incidents-form', () => loadIncidents()],
    ['#violations-form', () => loadViolations()], ['#road-reports-form', () => loadRoadReports()]];
  for (const [id, load] of filterForms) {
    $(id).addEventListener('submit', (event) => {
      event.preventDefault();
      keepInUrl(event.target);
      load();
    });
  }
  for (const button of document.querySelectorAll('.export-table')) {
    button.addEventListener('click', () => downloadCsv(`corridor-${button.dataset.table}.csv`,
      rowsOfTable($(`#${button.dataset.table}`))));
  }
  $('#zoom-in').addEventListener('click', () => zoomMap(2));
  $('#zoom-out').addEventListener('click', () => zoomMap(0.5));
  $('#zoom-reset').addEventListener('click', resetMap);
  for (const link of document.querySelectorAll('.exports a')) {
    link.addEventListener('click', (event) => { event.preventDefault(); exportDenials(link.dataset.format); });
  }
  $('#compliance-form').addEventListener('submit', (event) => {
    event.preventDefault();
    keepInUrl(event.target);
    loadCompliance();
  });
  $('#road-form').addEventListener('submit', reportRoad);
  $('#denial-form').addEventListener('submit', recordDenial);
  $('#denial-form').addEventListener('input', () => {
    delete $('#denial-form').dataset.requestId;
    delete $('#denial-form').dataset.denialKey;
  });
  $('#road-form').addEventListener('input', () => { delete $('#road-form').dataset.requestId; });
  // A convoy entry changes the access report's figures.
  setUpConvoyEntries(() => loadAccess().catch((e) => banner(errorText(e))));
  if (session.token) start().catch((error) => banner(errorText(error)));
});

