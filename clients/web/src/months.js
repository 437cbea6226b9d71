// Months as the filters write them ("2016-09"), for the charts by month.

// "2016-09" -> { year: 2016, month: 9 }, as the services take a month.
export function yearMonth(text) {
  const [year, month] = text.split('-').map(Number);
  return { year, month };
}

// Every month from `from` to `to`, both included.
export function monthsBetween(from, to) {
  const out = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1; if (m === 13) { m = 1; y += 1; }
  }
  return out;
}

// "2016-12" -> "2017-01".
export function nextMonth(month) {
  const [year, m] = month.split('-').map(Number);
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
}
