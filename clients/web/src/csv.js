// CSV files of what a view shows, made in the page. A cell that a
// spreadsheet would run as a formula (=, +, -, @, tab, carriage return
// first, OWASP's CSV-injection list) is prefixed with an apostrophe, as the
// server's exports do; numbers stay numbers.

function neutralised(text) {
  const value = String(text ?? '');
  if (/^[=+\-@\t\r]/.test(value) && !/^[+-]?\d+(\.\d+)?%?$/.test(value)) return `'${value}`;
  return value;
}

function quoted(text) {
  const value = neutralised(text);
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function toCsv(rows) {
  return `${rows.map((row) => row.map(quoted).join(',')).join('\r\n')}\r\n`;
}

// Saves `rows` (arrays of cells, the first the header) as `name`. The byte
// order mark lets spreadsheets read the Arabic text as UTF-8.
export function downloadCsv(name, rows) {
  const blob = new Blob(['\ufeff', toCsv(rows)], { type: 'text/csv;charset=utf-8' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

// The rows of a <table> as shown: its header row and every body row that
// is not an opened detail.
export function rowsOfTable(table) {
  const rows = [];
  for (const tr of table.querySelectorAll('thead tr, tbody tr:not(.detail)')) {
    // A cell may keep its bare value (a number without separators).
    rows.push([...tr.cells].map((cell) => cell.dataset.value ?? cell.textContent.trim()));
  }
  return rows;
}
