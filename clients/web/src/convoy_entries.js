// The convoy entries: a request with its cargo lines, then each step of its
// life (approval steps, approval, denial, dispatch, outcome with what was
// lost per line, corrections), and the list of convoy requests they feed.
import { call } from './api.js';
import {
  dateOf, enter, newRequestId, numberOrText,
} from './forms.js';
import { enumLabel, t } from './i18n.js';
import { convoyPages } from './views.js';

const $ = (selector) => document.querySelector(selector);

const convoys = {
  recent: [],  // the step form's choices: the 50 most recently planned
  idempotencyKey: null,  // the convoy request being entered
  list: null,  // the list of convoy requests (views.js)
  onChange: () => {},  // after each entry recorded
  agency: '',  // a partner's agency: its convoys only
};

// ---------------------------------------------------------------- convoys

// The step form's convoys: the 50 most recently planned.
export function renderConvoys() {
  const select = $('#step-form').convoy_id;
  const previous = select.value;
  select.replaceChildren();
  for (const convoy of convoys.recent) {
    select.append(new Option(`${convoy.id} · ${convoy.agency} · ${enumLabel(convoy.status)}`, convoy.id));
  }
  if (previous) select.value = previous;
  renderLosses();
}

export async function loadConvoys() {
  const reply = await call('ConvoyService/ListConvoys',
    { agency: convoys.agency || undefined, page: { page_size: 50 } });
  convoys.recent = reply.convoys || [];
  renderConvoys();
}

function convoyFilter() {
  const form = $('#convoys-filter');
  const request = {};
  if (form.area_id.value) request.area_id = form.area_id.value;
  if (form.agency.value.trim()) request.agency = form.agency.value.trim();
  if (form.status.value) request.status = form.status.value;
  if (form.planned_from.value) request.planned_from = dateOf(form.planned_from.value);
  if (form.planned_to.value) request.planned_to = dateOf(form.planned_to.value);
  return request;
}

export function loadConvoyList() { return convoys.list.load(convoyPages(convoyFilter())); }

// The outcome's losses: a removed and a refused quantity for each cargo
// line of the chosen convoy.
function renderLosses() {
  const box = $('#losses');
  for (const line of box.querySelectorAll('.loss-line')) line.remove();
  const convoy = convoys.recent.find((c) => c.id === $('#step-form').convoy_id.value);
  (convoy?.manifest || []).forEach((line, i) => {
    const row = document.createElement('div');
    row.className = 'loss-line';
    row.dataset.line = i;
    const title = document.createElement('p');
    title.textContent = t('line_of', i + 1, `${line.item} (${line.quantity ?? ''} ${line.unit ?? ''})`);
    row.append(title);
    for (const kind of ['removed', 'refused']) {
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.name = `${kind}_${i}`;
      input.inputMode = 'decimal';
      const span = document.createElement('span');
      span.textContent = t(kind);
      label.append(span, ' ', input);
      row.append(label);
    }
    box.append(row);
  });
}

function losses(form) {
  const out = [];
  for (const row of form.querySelectorAll('.loss-line')) {
    const line = Number(row.dataset.line);
    const removed = numberOrText(row.querySelector(`[name=removed_${line}]`).value);
    const refused = numberOrText(row.querySelector(`[name=refused_${line}]`).value);
    if (removed || refused) out.push({ line, removed: removed || 0, refused: refused || 0 });
  }
  return out;
}

// ---------------------------------------------------------------- cargo lines

function cargoLines() { return [...document.querySelectorAll('#cargo-lines .cargo-line')]; }

// Each line's number, and its controls' field paths (manifest[i].item...),
// which is where the service's errors about a line are shown.
function renumberCargoLines() {
  cargoLines().forEach((line, i) => {
    line.querySelector('.line-number').textContent = String(i + 1);
    for (const control of line.querySelectorAll('[name]')) {
      const field = control.name === 'cargo_category' ? 'category' : control.name;
      control.dataset.field = `manifest[${i}].${field}`;
    }
  });
}

function addCargoLine() {
  const line = cargoLines()[0].cloneNode(true);
  for (const input of line.querySelectorAll('input')) input.value = '';
  for (const note of line.querySelectorAll('.field-error')) note.remove();
  for (const control of line.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
  $('#cargo-lines').append(line);
  renumberCargoLines();
  line.querySelector('input').focus();
}

function removeCargoLine(event) {
  const button = event.target.closest('.remove-line');
  if (!button || cargoLines().length < 2) return;
  button.closest('.cargo-line').remove();
  renumberCargoLines();
  cargoLines().at(-1).querySelector('input').focus();
}

function manifest(kind) {
  const lines = cargoLines().map((line) => {
    const value = (name) => line.querySelector(`[name=${name}]`).value;
    return {
      item: value('item').trim(),
      category: value('cargo_category'),
      quantity: numberOrText(value('quantity')),
      unit: value('unit').trim(),
    };
  });
  // An evacuation may carry nothing in: its empty cargo lines are left out.
  if (kind === 'REQUEST_KIND_MEDICAL_EVACUATION') {
    return lines.filter((l) => l.item || l.quantity !== undefined || l.unit);
  }
  return lines;
}

// ---------------------------------------------------------------- convoy entries

async function submitConvoy(event) {
  event.preventDefault();
  const form = event.target;
  await enter(form, $('#convoy-message'), (requestId) => sendConvoy(form, requestId));
}

async function sendConvoy(form, requestId) {
  convoys.idempotencyKey ??= newRequestId();
  const request = {
    agency: form.agency.value.trim(),
    area_id: form.area_id.value,
    planned_date: dateOf(form.planned_date.value),
    kind: form.kind.value || undefined,
    mode: form.mode.value || undefined,
    manifest: manifest(form.kind.value),
    beneficiaries_requested: numberOrText(form.beneficiaries_requested.value),
    idempotency_key: convoys.idempotencyKey,
    note: form.note.value,
    request_id: requestId,
  };
  if (form.route_id.value) request.route_id = form.route_id.value;
  if (form.requested_on.value) request.requested_on = dateOf(form.requested_on.value);
  const convoy = await call('ConvoyService/SubmitConvoyRequest', request);
  convoys.idempotencyKey = null;  // the next request is a new convoy
  form.reset();
  for (const extra of cargoLines().slice(1)) extra.remove();
  renumberCargoLines();
  await loadConvoys();
  $('#step-form').convoy_id.value = convoy.id;
  renderLosses();
  loadConvoyList();
  convoys.onChange();
  return t('submitted', convoy.id);
}

// The service names the party field after the step.
const PARTY_FIELD = { deny: 'denying_party', outcome: 'responsible_party',
  correct: 'correction.responsible_party' };

function showStepFields() {
  const form = $('#step-form');
  const action = form.action.value;
  for (const label of form.querySelectorAll('[data-for]')) {
    label.hidden = !label.dataset.for.split(' ').includes(action);
  }
  form.party.dataset.field = PARTY_FIELD[action] || 'party';
}

// Any convoy, however old, chosen from its record for the step form.
export function chooseForStep(convoy) {
  if (!convoys.recent.some((c) => c.id === convoy.id)) convoys.recent.push(convoy);
  renderConvoys();
  const form = $('#step-form');
  form.convoy_id.value = convoy.id;
  renderLosses();
  form.scrollIntoView({ block: 'start' });
  form.action.focus();
}

// A partner enters its own agency's convoys only.
export function useAgency(agency) {
  convoys.agency = agency;
  const field = $('#convoy-form').agency;
  field.value = agency;
  field.readOnly = Boolean(agency);
}

async function recordStep(event) {
  event.preventDefault();
  const form = event.target;
  await enter(form, $('#step-message'), (requestId) => sendStep(form, requestId));
}

function stepRequest(form) {
  const convoy = convoys.recent.find((c) => c.id === form.convoy_id.value);
  const common = {
    convoy_id: form.convoy_id.value,
    expected_version: convoy ? Number(convoy.version) : 0,
    occurred_on: dateOf(form.occurred_on.value),
    note: form.note.value,
  };
  const action = form.action.value;
  if (action === 'approve') {
    return ['ApproveConvoy',
      { ...common, beneficiaries_approved: numberOrText(form.beneficiaries_approved.value) }];
  }
  if (action === 'deny') {
    return ['DenyConvoy', { ...common, denying_party: form.party.value.trim(),
      reason: form.reason.value.trim(), category: form.category.value || undefined }];
  }
  if (action === 'dispatch') return ['DispatchConvoy', common];
  if (action === 'approval_step') {
    return ['RecordApprovalStep', { convoy_id: common.convoy_id, expected_version: common.expected_version,
      step: { step: form.step_name.value.trim(), authority: form.authority.value.trim(),
        requested_on: dateOf(form.asked_on.value), answered_on: dateOf(form.answered_on.value),
        outcome: form.step_outcome.value || undefined, note: common.note || undefined } }];
  }
  if (action === 'correct') {
    // Only the boxes filled in are corrected.
    const correction = {
      beneficiaries_approved: numberOrText(form.beneficiaries_approved.value),
      beneficiaries_reached: numberOrText(form.beneficiaries_reached.value),
      outcome: form.corrected_outcome.value || undefined,
      mode: form.corrected_mode.value || undefined,
      responsible_party: form.party.value.trim() || undefined,
      category: form.category.value || undefined,
    };
    return ['CorrectConvoy', { convoy_id: common.convoy_id,
      expected_version: common.expected_version, occurred_on: common.occurred_on,
      reason: form.reason.value.trim(), correction }];
  }
  return ['RecordConvoyOutcome', { ...common, outcome: form.outcome.value,
    beneficiaries_reached: numberOrText(form.beneficiaries_reached.value),
    responsible_party: form.party.value.trim(), category: form.category.value || undefined,
    losses: losses(form) }];
}

async function sendStep(form, requestId) {
  const [method, request] = stepRequest(form);
  request.request_id = requestId;
  const updated = await call(`ConvoyService/${method}`, request);
  // Ready for the next step of the same convoy.
  const convoyId = form.convoy_id.value;
  form.reset();
  await loadConvoys();
  form.convoy_id.value = convoyId;
  renderLosses();
  showStepFields();
  loadConvoyList();
  convoys.onChange();
  return t('stepped', updated.id, enumLabel(updated.status));
}

// The list of convoy requests the entries refresh.
export function useConvoyList(list) { convoys.list = list; }

// `onChange()` is called after each recorded entry.
export function setUpConvoyEntries(onChange) {
  convoys.onChange = onChange;
  $('#convoy-form').addEventListener('submit', submitConvoy);
  $('#convoy-form').addEventListener('input', () => {
    convoys.idempotencyKey = null;
    delete $('#convoy-form').dataset.requestId;
  });
  $('#step-form').addEventListener('input', () => { delete $('#step-form').dataset.requestId; });
  $('#add-cargo-line').addEventListener('click', addCargoLine);
  $('#cargo-lines').addEventListener('click', removeCargoLine);
  renumberCargoLines();
  $('#step-form').addEventListener('submit', recordStep);
  $('#step-form').action.addEventListener('change', showStepFields);
  $('#step-form').convoy_id.addEventListener('change', renderLosses);
  showStepFields();
}
