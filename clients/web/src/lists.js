// Record lists: a page of records at a time, "More" for the next, headers
// that sort what is loaded (by mouse or keyboard), a row that opens the
// record's detail, and an export of exactly what is shown. Every list of
// the dashboard (convoys, denials, road reports, violations) is one of these.
import { errorText } from './api.js';
import { downloadCsv } from './csv.js';
import { formatNumber, t } from './i18n.js';

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function textOf(value) {
  if (value instanceof Node) return value.textContent;
  return value === undefined || value === null ? '' : String(value);
}

// Makes `th` sort on click, Enter or Space, as a button would.
export function makeSortable(th, sort) {
  th.tabIndex = 0;
  th.addEventListener('click', sort);
  th.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      sort();
    }
  });
}

export class RecordList {
  // `table`: an empty <table> inside a .table-box. `columns`: [{key, label
  // (an i18n key), value(record) → text or a Node, sortValue(record)
  // (default: the value's text), number}]; the first column opens the
  // detail. `detail(record, cell)` fills the opened row (may be async).
  // `name` names the export file and the count ("convoys").
  constructor(table, { columns, detail, idOf, name }) {
    this.table = table;
    this.columns = columns;
    this.detail = detail;
    this.idOf = idOf;
    this.name = name;
    this.records = [];
    this.fetchPage = null;
    this.token = '';
    this.sort = null;  // {key, descending}
    this.generation = 0;  // a newer load discards what an older one fetches
    this.noticeAt = 0;  // when notify() last spoke
    table.append(element('thead'), element('tbody'));
    const foot = element('div', undefined, 'list-foot');
    this.count = element('p', '', 'note');
    this.count.setAttribute('aria-live', 'polite');
    this.moreButton = element('button', t('more'));
    this.moreButton.type = 'button';
    this.moreButton.dataset.i18n = 'more';
    this.moreButton.hidden = true;
    this.moreButton.addEventListener('click', () => this.more().catch((e) => this.fail(e)));
    this.exportButton = element('button', t('export_csv'));
    this.exportButton.type = 'button';
    this.exportButton.dataset.i18n = 'export_csv';
    this.exportButton.addEventListener('click', () => this.exportShown());
    this.message = element('p', '', 'message');
    this.message.setAttribute('role', 'alert');
    this.message.hidden = true;
    foot.append(this.count, this.moreButton, this.exportButton, this.message);
    table.closest('.table-box').after(foot);
    this.renderHead();
  }

  // Replaces the list with the first page `fetchPage(token)` gives; it
  // returns {records, next}.
  async load(fetchPage) {
    this.generation += 1;
    // A notice stays through the reloads that follow what it reports (the
    // list's own, a live change's), not through the next search.
    if (!(Date.now() - this.noticeAt < 5000)) this.message.hidden = true;
    this.fetchPage = fetchPage;
    this.records = [];
    this.token = '';
    this.render();
    try {
      await this.more();
    } catch (error) {
      this.fail(error);
    }
  }

  async more() {
    const generation = this.generation;
    if (!this.message.classList.contains('ok')) this.message.hidden = true;
    this.table.setAttribute('aria-busy', 'true');
    try {
      const { records, next } = await this.fetchPage(this.token);
      // Two loads in flight (a filter, then a live change): only the
      // newest one's rows are shown, never both.
      if (generation !== this.generation) return;
      this.records.push(...records);
      this.token = next || '';
    } finally {
      if (generation === this.generation) this.table.removeAttribute('aria-busy');
    }
    this.render();
  }

  // Says what just happened (a withdrawal, a confirmation) under the list.
  notify(text) {
    this.noticeAt = Date.now();
    this.message.textContent = text;
    this.message.classList.add('ok');
    this.message.hidden = false;
  }

  // An error replaces what was shown: nothing stale stays under it.
  fail(error) {
    this.records = [];
    this.token = '';
    this.render();
    this.message.textContent = errorText(error);
    this.message.classList.remove('ok');
    this.message.hidden = !this.message.textContent;
  }

  renderHead() {
    const row = element('tr');
    for (const column of this.columns) {
      const th = element('th', t(column.label));
      th.dataset.key = column.key;
      th.dataset.i18n = column.label;
      const sorted = this.sort?.key === column.key;
      th.setAttribute('aria-sort', sorted ? (this.sort.descending ? 'descending' : 'ascending') : 'none');
      th.classList.toggle('sorted', sorted);
      makeSortable(th, () => {
        const again = this.sort?.key === column.key;
        this.sort = { key: column.key, descending: again ? !this.sort.descending : false };
        this.render();
      });
      row.append(th);
    }
    this.table.tHead.replaceChildren(row);
  }

  sortValue(column, record) {
    if (column.sortValue) return column.sortValue(record);
    const text = textOf(column.value(record));
    return column.number ? Number(text) || 0 : text;
  }

  // The loaded records, in the order shown.
  shown() {
    if (!this.sort) return this.records;
    const column = this.columns.find((c) => c.key === this.sort.key);
    return [...this.records].sort((a, b) => {
      const x = this.sortValue(column, a), y = this.sortValue(column, b);
      const order = typeof x === 'string' ? x.localeCompare(y) : x - y;
      return this.sort.descending ? -order : order;
    });
  }

  render() {
    this.renderHead();
    const body = this.table.tBodies[0];
    body.replaceChildren();
    for (const record of this.shown()) body.append(this.row(record));
    this.moreButton.hidden = !this.token;
    if (!this.fetchPage) this.count.textContent = '';
    else if (!this.records.length) this.count.textContent = t('none_yet');
    else this.count.textContent = t('rows_shown', this.records.length, Boolean(this.token));
    this.exportButton.hidden = !this.records.length;
  }

  row(record) {
    const tr = element('tr', undefined, 'record');
    tr.dataset.id = this.idOf(record);
    this.columns.forEach((column, i) => {
      const td = element('td', undefined, column.number ? 'number' : undefined);
      const value = column.value(record);
      if (i === 0 && this.detail) {
        const open = element('button', textOf(value), 'link');
        open.type = 'button';
        open.setAttribute('aria-expanded', 'false');
        open.addEventListener('click', () => this.toggle(tr, record, open));
        td.append(open);
      } else if (value instanceof Node) {
        td.append(value);
      } else {
        // Shown with thousands separators; exported as the bare number.
        td.textContent = column.number ? formatNumber(value) : textOf(value);
      }
      tr.append(td);
    });
    return tr;
  }

  async toggle(tr, record, button) {
    const next = tr.nextElementSibling;
    if (next?.classList.contains('detail')) {
      next.remove();
      button.setAttribute('aria-expanded', 'false');
      return;
    }
    const detail = element('tr', undefined, 'detail');
    const cell = element('td');
    cell.colSpan = this.columns.length;
    detail.append(cell);
    tr.after(detail);
    button.setAttribute('aria-expanded', 'true');
    try {
      await this.detail(record, cell);
    } catch (error) {
      cell.append(element('p', errorText(error), 'message'));
    }
  }

  exportShown() {
    const rows = [this.columns.map((c) => t(c.label))];
    // Dates as ISO days and numbers bare, whatever the page shows.
    for (const record of this.shown()) {
      rows.push(this.columns.map((c) => (c.csv ? c.csv(record) : textOf(c.value(record)))));
    }
    downloadCsv(`corridor-${this.name}.csv`, rows);
  }
}

// A definition list of label/value pairs, the values left out when empty.
export function facts(pairs) {
  const list = element('dl');
  for (const [label, value] of pairs) {
    if (value === undefined || value === null || value === '') continue;
    list.append(element('dt', t(label)));
    const dd = element('dd');
    if (value instanceof Node) dd.append(value); else dd.textContent = String(value);
    list.append(dd);
  }
  return list;
}

export { element };
