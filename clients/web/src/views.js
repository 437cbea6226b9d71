// The record lists an analyst reads: convoys, denials, road reports and
// violations, each paged, sortable, exportable, and opening a record's full
// detail and history. From a record, a coordinator corrects or withdraws a
// denial or a road report recorded in error, and confirms a denial a
// partner reported; coordinators and partners open a convoy's next step.
import { call, errorText, listAll } from './api.js';
import { enter, numberOrText, sendOnce } from './forms.js';
import { enumLabel, formatDay, formatNumber, t } from './i18n.js';
import { RecordList, element, facts } from './lists.js';
import { statusClass } from './map.js';

// What the views need from the page: the signed-in role and agency, the
// names of areas and parties, what to do after a correction, and how to
// open the step form for a convoy.
const page = {
  role: '', agency: '', areaLabel: (id) => id, afterChange: () => {}, onConvoyStep: null,
  partyLabel: (id, text) => text,  // the registry's name of a party in the chosen language
};

export function configureViews(options) { Object.assign(page, options); }

function badge(status) {
  const span = element('span', enumLabel(status), `badge status-${statusClass(status)}`);
  span.dataset.status = status || '';
  return span;
}

// A Date message as "2016-09-03", for exports.
function isoDay(date) {
  if (!date?.year) return '';
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

function pageOf(method, request, field) {
  return async (token) => {
    const reply = await call(method, { ...request, page: { page_size: 50, page_token: token } });
    return { records: reply[field] || [], next: reply.next_page_token };
  };
}

function byLine(principal, at) {
  const name = principal?.name || '';
  return [name, formatDay(at)].filter(Boolean).join(', ');
}

// A small form under a record: the reason, then one button. `send(reason,
// requestId)` makes the call; sent once, as every entry form is. `words`:
// the i18n keys of the button, the reason's label and the success message.
function actionForm(words, send) {
  const [label, reasonKey, done] = words;
  const form = element('form', undefined, 'withdraw');
  form.noValidate = true;
  const reasonLabel = element('label');
  const reason = element('input');
  reason.name = 'reason';
  reason.required = true;
  reasonLabel.append(element('span', t(reasonKey)), ' ', reason);
  const button = element('button', t(label));
  button.type = 'submit';
  const message = element('p', '', 'message');
  message.setAttribute('role', 'alert');
  message.hidden = true;
  form.append(reasonLabel, button, message);
  form.addEventListener('input', () => { delete form.dataset.requestId; });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!reason.value.trim()) {
      reason.setAttribute('aria-invalid', 'true');
      message.textContent = t('required');
      message.hidden = false;
      return;
    }
    reason.removeAttribute('aria-invalid');
    await sendOnce(form, async (requestId) => {
      try {
        await send(reason.value.trim(), requestId);
        message.textContent = t(done);
        message.classList.add('ok');
        message.hidden = false;
        page.afterChange();
        return true;
      } catch (error) {
        message.textContent = errorText(error);
        message.hidden = false;
        return false;
      }
    });
  });
  return form;
}

function list(items, className = 'revisions') {
  const ol = element('ol', undefined, className);
  for (const text of items) ol.append(element('li', text));
  return ol;
}

// ---------------------------------------------------------------- convoys

function manifestTable(convoy) {
  const table = element('table', undefined, 'inner');
  const head = element('tr');
  for (const key of ['item', 'cargo_category', 'quantity', 'unit', 'removed', 'refused']) {
    head.append(element('th', t(key)));
  }
  table.append(head);
  for (const line of convoy.manifest || []) {
    const row = element('tr');
    for (const value of [line.item, enumLabel(line.category), line.quantity, line.unit,
      line.quantity_removed || 0, line.quantity_refused || 0]) row.append(element('td', value ?? ''));
    table.append(row);
  }
  return table;
}

function eventLine(event) {
  const parts = [formatDay(event.occurred_on), enumLabel(event.status)];
  if (event.approval_step) {
    parts.push(`${event.approval_step.step} (${event.approval_step.authority}): `
      + enumLabel(event.approval_step.outcome));
  }
  if (event.responsible_party) parts.push(event.responsible_party);
  if (event.correction) parts.push(t('correction'));
  if (event.reason) parts.push(event.reason);
  if (event.note) parts.push(event.note);
  parts.push(`${t('recorded_by')} ${byLine(event.recorded_by, event.recorded_at)}`);
  return parts.join(' · ');
}

async function convoyDetail(convoy, cell) {
  cell.append(facts([
    ['kind', enumLabel(convoy.kind)], ['mode', enumLabel(convoy.mode)], ['col_road', convoy.route_id],
    ['requested_on', formatDay(convoy.requested_on)], ['approved_on', formatDay(convoy.approved_on)],
    ['beneficiaries_approved', formatNumber(convoy.beneficiaries_approved)],
    ['beneficiaries_reached', formatNumber(convoy.beneficiaries_reached)],
    ['dispatched_on', formatDay(convoy.dispatched_date)], ['outcome_on', formatDay(convoy.outcome_date)],
    ['responsible_party', convoy.responsible_party], ['category', enumLabel(convoy.constraint_category)],
    ['reason', convoy.denial_reason], ['denial_id', convoy.denial_id], ['note', convoy.note],
  ]));
  const box = element('div', undefined, 'table-box');
  box.append(manifestTable(convoy));
  cell.append(element('h4', t('cargo')), box);
  if ((convoy.approval_steps || []).length) {
    cell.append(element('h4', t('approval_steps')), list(convoy.approval_steps.map((s) =>
      `${s.step} · ${s.authority} · ${t('asked_on')} ${formatDay(s.requested_on)}`
      + ` · ${enumLabel(s.outcome)}${s.answered_on ? ` ${formatDay(s.answered_on)}` : ''}`)));
  }
  const events = await listAll('ConvoyService/GetConvoyHistory', { convoy_id: convoy.id }, 'events');
  cell.append(element('h4', t('history')), list(events.map(eventLine), 'revisions history'));
  // A partner records steps of its own agency's convoys only.
  const own = page.role === 'ROLE_COORDINATOR'
    || (page.role === 'ROLE_PARTNER' && convoy.agency.toLowerCase() === page.agency.toLowerCase());
  if (page.onConvoyStep && own) {
    const step = element('button', t('record_step_for'));
    step.type = 'button';
    step.addEventListener('click', () => page.onConvoyStep(convoy));
    cell.append(step);
  }
}

export function convoyList(table) {
  return new RecordList(table, {
    name: 'convoys',
    idOf: (c) => c.id,
    columns: [
      { key: 'id', label: 'convoy', value: (c) => c.id },
      { key: 'agency', label: 'agency', value: (c) => c.agency },
      { key: 'area', label: 'col_area', value: (c) => page.areaLabel(c.area_id) },
      { key: 'planned', label: 'planned_date', value: (c) => formatDay(c.planned_date), csv: (c) => isoDay(c.planned_date),
        sortValue: (c) => (c.planned_date?.year || 0) * 10000 + (c.planned_date?.month || 0) * 100
          + (c.planned_date?.day || 0) },
      { key: 'status', label: 'col_status', value: (c) => badge(c.status), sortValue: (c) => enumLabel(c.status) },
      { key: 'requested', label: 'beneficiaries_requested', value: (c) => c.beneficiaries_requested, number: true },
      { key: 'reached', label: 'beneficiaries_reached', value: (c) => c.beneficiaries_reached ?? '', number: true },
    ],
    detail: convoyDetail,
  });
}

export function convoyPages(request) { return pageOf('ConvoyService/ListConvoys', request, 'convoys'); }

// ---------------------------------------------------------------- denials

// The facts the denial form (#denial-form, or its copy under a record)
// states, over `base` (the facts corrected, so that what the form does not
// show, such as a second piece of evidence, is kept).
export function denialFactsOf(fields, base = {}) {
  const facts = { ...base,
    party: fields.party.value.trim(),
    area_id: fields.area_id.value,
    route_id: fields.route_id.value || undefined,
    checkpoint: fields.checkpoint.value.trim() || undefined,
    // A time of day the form cannot show is kept when the day is unchanged.
    occurred_at: base.occurred_at?.startsWith(fields.occurred_at.value) ? base.occurred_at
      : `${fields.occurred_at.value}T00:00:00Z`,
    category: fields.category.value,
    people_affected: numberOrText(fields.people_affected.value),
    description: fields.description.value.trim(),
    source: { ...base.source, citation: fields.source.value.trim() },
  };
  delete facts.party_id;  // the service names the party from the text
  const uri = fields.evidence_uri.value.trim();
  const evidence = [...(base.evidence || [])];
  if (uri && evidence[0]?.uri !== uri) evidence[0] = { uri };
  if (!uri && evidence[0]?.uri) evidence.shift();
  facts.evidence = evidence;
  return facts;
}

// A copy of an entry form (`template`, e.g. '#denial-form') under a
// record, filled in by `fill(fields)`, plus the reason: a correction. The
// service's field paths of the copy start with `prefix` (e.g. "report.").
// `send(fields, reason, requestId)` makes the call; `list_` is reloaded.
function correctionForm(template, titleKey, { fill, prefix = '', send, list_ }) {
  const form = document.querySelector(template).cloneNode(true);
  form.removeAttribute('id');
  form.hidden = false;
  form.classList.add('correction');
  for (const note of form.querySelectorAll('.field-error')) note.remove();
  form.querySelector('h3').textContent = t(titleKey);
  for (const control of form.querySelectorAll('[name]')) {
    control.dataset.field = prefix + (control.dataset.field || control.name);
  }
  fill(form.elements);
  const reason = element('label');
  const input = element('input');
  input.name = 'reason';
  input.dataset.required = '';
  reason.append(element('span', t('correction_reason')), ' ', input);
  const button = form.querySelector('button[type=submit]');
  button.textContent = t('correct');
  button.before(reason);
  const box = form.querySelector('.message');
  box.removeAttribute('id');
  form.addEventListener('input', () => { delete form.dataset.requestId; });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await enter(form, box, async (requestId) => {
      await send(form.elements, input.value.trim(), requestId);
      await list_.load(list_.fetchPage);
      list_.notify(t('corrected'));
      page.afterChange();
      return t('corrected');
    });
  });
  return form;
}

// A button under a record that opens its correction form in its place.
function correctButton(titleKey, makeForm) {
  const open = element('button', t(titleKey));
  open.type = 'button';
  open.addEventListener('click', () => open.replaceWith(makeForm()));
  return open;
}

// The denial's entry form, filled with its facts: a new revision with the
// corrected facts (the earlier ones stay in its history).
function denialCorrection(denial, list_) {
  const f = denial.facts || {};
  return correctionForm('#denial-form', 'correct_denial', {
    list_,
    fill: (fields) => {
      fields.party.value = f.party || '';
      fields.area_id.value = f.area_id || '';
      fields.route_id.value = f.route_id || '';
      fields.checkpoint.value = f.checkpoint || '';
      fields.occurred_at.value = (f.occurred_at || '').slice(0, 10);
      fields.category.value = f.category || '';
      fields.people_affected.value = f.people_affected ?? '';
      fields.description.value = f.description || '';
      fields.source.value = f.source?.citation || '';
      fields.evidence_uri.value = f.evidence?.[0]?.uri || '';
    },
    send: (fields, reason, requestId) => call('DenialService/CorrectDenial', { denial_id: denial.id,
      expected_revision: Number(denial.revision), facts: denialFactsOf(fields, f), reason,
      request_id: requestId }),
  });
}

async function denialDetail(denial, cell, list_) {
  const f = denial.facts || {};
  cell.append(facts([
    ['checkpoint', f.checkpoint], ['col_road', f.route_id], ['convoy', f.convoy_id],
    ['source', f.source?.citation],
    ...(f.evidence || []).map((e) => ['evidence', e.uri || e.sha256]),
    ['reported_by', denial.reported_by?.name], ['recorded_at', formatDay(denial.recorded_at)],
  ]));
  const history = await listAll('DenialService/GetDenialHistory', { denial_id: denial.id }, 'revisions');
  cell.append(element('h4', t('revisions')), list(history.map((r) => t('revision_line', r.revision,
    formatDay(r.recorded_at), r.recorded_by?.name || '', r.correction_reason || ''))));
  if (page.role !== 'ROLE_COORDINATOR' || denial.withdrawn) return;
  const correct = (fields) => async (reason, requestId) => {
    await call('DenialService/CorrectDenial', { denial_id: denial.id,
      expected_revision: Number(denial.revision), reason, request_id: requestId, ...fields });
    await list_.load(list_.fetchPage);
    list_.notify(t(fields.confirm ? 'confirmed' : 'withdrew'));
  };
  // A partner's report counts as unconfirmed until a coordinator checks it.
  if (denial.awaiting_confirmation) {
    cell.append(actionForm(['confirm_denial', 'confirm_reason', 'confirmed'], correct({ confirm: true })));
  }
  cell.append(actionForm(['withdraw_denial', 'withdraw_reason', 'withdrew'], correct({ withdraw: true })));
  cell.append(correctButton('correct_denial', () => denialCorrection(denial, list_)));
}

export function denialList(table) {
  const denials = new RecordList(table, {
    name: 'denials',
    idOf: (d) => d.id,
    columns: [
      { key: 'id', label: 'col_id', value: (d) => d.id },
      { key: 'when', label: 'when', value: (d) => formatDay(d.facts?.occurred_at),
        sortValue: (d) => d.facts?.occurred_at || '', csv: (d) => d.facts?.occurred_at || '' },
      { key: 'party', label: 'party', value: (d) => page.partyLabel(d.facts?.party_id, d.facts?.party) },
      { key: 'area', label: 'col_area', value: (d) => page.areaLabel(d.facts?.area_id) },
      { key: 'category', label: 'category', value: (d) => enumLabel(d.facts?.category) },
      { key: 'people', label: 'col_people', value: (d) => d.facts?.people_affected ?? '', number: true },
      { key: 'what', label: 'col_description',
        value: (d) => `${d.facts?.description ?? ''}${d.awaiting_confirmation ? ` (${t('unconfirmed')})` : ''}` },
    ],
    detail: (denial, cell) => denialDetail(denial, cell, denials),
  });
  return denials;
}

export function denialPages(request) { return pageOf('DenialService/ListDenials', request, 'denials'); }

// ---------------------------------------------------------------- road reports

// A withdrawal, a report it withdrew, a report a later one corrected.
function reportState(report, reports) {
  if (report.withdrawal) return t('withdrawal_of', report.supersedes);
  const by = Number(report.superseded_by);
  if (!by) return '';
  const later = reports.records.find((r) => Number(r.position) === by);
  return later?.withdrawal ? t('withdrawn_by', by) : t('superseded_by', by);
}

async function reportDetail(report, cell, reports) {
  cell.append(facts([
    ['note', report.note], ['correction', report.correction_reason],
    ['recorded_by', byLine(report.recorded_by, report.recorded_at)],
    ['source', report.source?.citation],
  ]));
  const standing = !report.withdrawal && !Number(report.superseded_by);
  if (page.role === 'ROLE_COORDINATOR' && standing) {
    cell.append(correctButton('correct_report', () => reportCorrection(report, reports)));
    cell.append(actionForm(['withdraw_report', 'withdraw_reason', 'withdrew'], async (reason, requestId) => {
      await call('RouteService/CorrectRouteReport',
        { position: Number(report.position), withdraw: true, reason, request_id: requestId });
      await reports.load(reports.fetchPage);
      reports.notify(t('withdrew'));
    }));
  }
}

// The road-report form, filled with the report: a new report in its place,
// the corrected one kept and marked superseded.
function reportCorrection(report, reports) {
  return correctionForm('#road-form', 'correct_report', {
    list_: reports,
    prefix: 'report.',
    fill: (fields) => {
      fields.route_id.value = report.route_id;
      fields.route_id.disabled = true;  // a correction stays on its road
      fields.status.value = report.status || '';
      fields.observed_at.value = (report.observed_at || '').slice(0, 10);
      fields.checkpoint.value = report.checkpoint || '';
      fields.controlling_party.value = report.controlling_party || '';
      fields.source.value = report.source?.citation || '';
      fields.note.value = report.note || '';
    },
    send: (fields, reason, requestId) => call('RouteService/CorrectRouteReport', {
      position: Number(report.position), reason, request_id: requestId,
      report: { status: fields.status.value, observed_at: `${fields.observed_at.value}T00:00:00Z`,
        checkpoint: fields.checkpoint.value.trim(), controlling_party: fields.controlling_party.value.trim(),
        source: { citation: fields.source.value.trim() }, note: fields.note.value },
    }),
  });
}

export function roadReportList(table) {
  const reports = new RecordList(table, {
    name: 'road-reports',
    idOf: (r) => r.position,
    columns: [
      { key: 'position', label: 'position', value: (r) => r.position, number: true },
      { key: 'observed', label: 'col_observed', value: (r) => formatDay(r.observed_at),
        sortValue: (r) => r.observed_at || '', csv: (r) => r.observed_at || '' },
      { key: 'status', label: 'col_status', value: (r) => (r.withdrawal ? '' : badge(r.status)),
        sortValue: (r) => enumLabel(r.status) },
      { key: 'checkpoint', label: 'checkpoint', value: (r) => r.checkpoint },
      { key: 'party', label: 'col_controlled_by', value: (r) => r.controlling_party },
      { key: 'source', label: 'source', value: (r) => r.source?.citation },
      { key: 'state', label: 'state', value: (r) => reportState(r, reports) },
    ],
    detail: (report, cell) => reportDetail(report, cell, reports),
  });
  return reports;
}

export function roadReportPages(routeId) {
  return pageOf('RouteService/GetRouteHistory', { route_id: routeId }, 'reports');
}

// ---------------------------------------------------------------- violations

function violationDetail(violation, cell) {
  cell.append(facts([
    ['why', violation.why], ['consequences_due', violation.consequence], ['source', violation.source],
    ['days_late', violation.days_late], ['correction', violation.superseded_because],
  ]));
  cell.append(element('h4', t('evidence')), list((violation.evidence || []).map((e) =>
    `${e.summary || ''} · ${e.service}/${e.record_id} · ${t('journal_entry')} ${e.journal_index ?? 0}`)));
}

export function violationList(table) {
  return new RecordList(table, {
    name: 'violations',
    idOf: (v) => v.id,
    columns: [
      { key: 'when', label: 'when', value: (v) => formatDay(v.occurred_at), sortValue: (v) => v.occurred_at || '',
        csv: (v) => v.occurred_at || '' },
      { key: 'term', label: 'term', value: (v) => v.term_id },
      { key: 'party', label: 'party', value: (v) => v.party },
      { key: 'state', label: 'state', value: (v) => enumLabel(v.state) },
      { key: 'why', label: 'why', value: (v) => v.why },
    ],
    detail: violationDetail,
  });
}

export function violationPages(request) {
  return pageOf('AgreementService/ListViolations', request, 'violations');
}
