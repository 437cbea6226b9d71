// The records behind the counts: the denials a chart counts, listed page by
// page, each opening its full record and every revision of it.
import { call } from './api.js';
import { areaName, enumLabel, t } from './i18n.js';

const list = { request: null, token: '', areas: () => [] };

function text(tag, value, className) {
  const element = document.createElement(tag);
  element.textContent = value ?? '';
  if (className) element.className = className;
  return element;
}

function dayOf(timestamp) { return timestamp ? String(timestamp).slice(0, 10) : ''; }

function areaLabel(id) {
  const area = list.areas().find((a) => a.id === id);
  return area ? areaName(area) : id;
}

// The denials matching `request` (a ListDenialsRequest without its page),
// replacing the list; `areas()` gives the loaded areas, for their names.
export async function listDenials(request, areas) {
  list.request = request;
  list.token = '';
  list.areas = areas;
  document.querySelector('#denial-records tbody').replaceChildren();
  await more();
}

// The next page of the list.
export async function more() {
  const reply = await call('DenialService/ListDenials',
    { ...list.request, page: { page_size: 50, page_token: list.token } });
  list.token = reply.next_page_token || '';
  const body = document.querySelector('#denial-records tbody');
  for (const denial of reply.denials || []) body.append(row(denial));
  document.querySelector('#denial-records-more').hidden = !list.token;
  document.querySelector('#denial-records-count').textContent =
    t('records_shown', body.querySelectorAll('tr.record').length, Boolean(list.token));
}

function row(denial) {
  const facts = denial.facts || {};
  const tr = document.createElement('tr');
  tr.className = 'record';
  tr.dataset.denialId = denial.id;
  const open = text('button', denial.id, 'link');
  open.type = 'button';
  open.setAttribute('aria-expanded', 'false');
  open.addEventListener('click', () => toggle(tr, denial, open));
  const first = document.createElement('td');
  first.append(open);
  tr.append(first, text('td', dayOf(facts.occurred_at)), text('td', facts.party),
    text('td', areaLabel(facts.area_id)), text('td', enumLabel(facts.category)),
    text('td', facts.people_affected ?? '', 'number'), text('td', facts.description));
  return tr;
}

async function toggle(tr, denial, button) {
  const next = tr.nextElementSibling;
  if (next?.classList.contains('detail')) {
    next.remove();
    button.setAttribute('aria-expanded', 'false');
    return;
  }
  const detail = document.createElement('tr');
  detail.className = 'detail';
  const cell = document.createElement('td');
  cell.colSpan = 7;
  detail.append(cell);
  tr.after(detail);
  button.setAttribute('aria-expanded', 'true');
  const facts = denial.facts || {};
  const list_ = document.createElement('dl');
  const add = (label, value) => {
    if (value === undefined || value === '') return;
    list_.append(text('dt', t(label)), text('dd', value));
  };
  add('checkpoint', facts.checkpoint);
  add('col_road', facts.route_id);
  add('convoy', facts.convoy_id);
  add('source', facts.source?.citation);
  for (const evidence of facts.evidence || []) add('evidence', evidence.uri || evidence.sha256);
  add('reported_by', denial.reported_by?.name);
  add('recorded_at', dayOf(denial.recorded_at));
  cell.append(list_);
  try {
    const history = await call('DenialService/GetDenialHistory', { denial_id: denial.id });
    const revisions = document.createElement('ol');
    revisions.className = 'revisions';
    for (const revision of history.revisions || []) {
      revisions.append(text('li', t('revision_line', revision.revision, dayOf(revision.recorded_at),
        revision.recorded_by?.name || '', revision.correction_reason || '')));
    }
    cell.append(text('h4', t('revisions')), revisions);
  } catch (error) {
    cell.append(text('p', error.message, 'message'));
  }
}
