// A stacked bar chart of denials by month, as plain SVG.
import { el, clear } from './svg.js';

// Ten hues dark enough to stand out on white (WCAG 1.4.11's 3:1 for
// graphics), told apart by most colour-blind readers in pairs; grey is
// kept for "other".
const PALETTE = ['#b2182b', '#2166ac', '#d95f02', '#1b7837', '#762a83', '#8c510a', '#01665e',
  '#c51b7d', '#253494', '#6b6b00'];

export function colourOf(index) { return PALETTE[index % PALETTE.length]; }

const assigned = new Map();

// Gives each of `names` (the registry's parties, the categories) its own
// colour, in order, for every chart and filter. With more names than
// colours, they repeat from the start.
export function assignColours(names) {
  names.forEach((name, i) => assigned.set(name, PALETTE[i % PALETTE.length]));
}

// A fixed colour for a name (a party's id, a category): the one assigned,
// else a hash of the name picks it.
export function colourOfName(name) {
  if (assigned.has(name)) return assigned.get(name);
  let hash = 0;
  for (const c of String(name)) hash = (hash * 31 + c.codePointAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

// `months`: ['2016-01', ...]; `series`: [{label, counts: {month: n}}].
// `onBar(month, series)`, when given, is called when a bar is selected:
// it opens the records the bar counts.
export function drawStackedBars(svg, months, series, { rtl = false, onBar } = {}) {
  clear(svg);
  const width = 720, height = 280, left = 40, bottom = 40, top = 10;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const totals = months.map((m) => series.reduce((sum, s) => sum + (s.counts[m] || 0), 0));
  const max = Math.max(1, ...totals);
  const plotWidth = width - left - 10;
  const step = plotWidth / Math.max(1, months.length);
  const barWidth = Math.max(2, step * 0.7);
  const y = (n) => top + (height - top - bottom) * (1 - n / max);
  // On a phone the chart is drawn at half its size or less: its text grows
  // to stay readable (at least 10 px on screen), and fewer months are named.
  const shrink = width / Math.max(1, svg.getBoundingClientRect().width || width);
  const font = `${(10 * Math.max(1, shrink)).toFixed(1)}px`;
  const labels = shrink > 1.4 ? 4 : 12;
  // Axis: 0, half and the maximum.
  for (const tick of [0, Math.round(max / 2), max]) {
    svg.append(el('line', { x1: left, x2: width - 10, y1: y(tick), y2: y(tick), class: 'grid' }));
    svg.append(el('text', { x: left - 4, y: y(tick) + 4, class: 'tick', 'text-anchor': 'end',
      'font-size': font }, String(tick)));
  }
  months.forEach((month, i) => {
    // Right-to-left pages read time from right to left.
    const slot = rtl ? months.length - 1 - i : i;
    const x = left + slot * step + (step - barWidth) / 2;
    let base = 0;
    series.forEach((s, k) => {
      const n = s.counts[month] || 0;
      if (!n) return;
      const bar = el('rect', {
        x: x.toFixed(1), y: y(base + n).toFixed(1), width: barWidth.toFixed(1),
        height: (y(base) - y(base + n)).toFixed(1), fill: s.colour ?? colourOf(k),
        class: 'bar', 'data-month': month, 'data-series': s.label, 'data-count': n,
      });
      bar.append(el('title', {}, `${month} · ${s.label}: ${n}`));
      if (onBar) bar.addEventListener('click', () => onBar(month, s));
      svg.append(bar);
      base += n;
    });
    const every = Math.ceil(months.length / labels);
    if (i % every === 0) {
      svg.append(el('text', { x: x + barWidth / 2, y: height - bottom + 16 * Math.max(1, shrink * 0.8),
        class: 'tick', 'text-anchor': 'middle', 'font-size': font }, month));
    }
  });
}

// The key of a chart's series: a swatch of each one's colour and its label.
export function drawLegend(box, series) {
  box.replaceChildren();
  series.forEach((s, k) => {
    const item = document.createElement('span');
    item.className = 'key';
    const swatch = document.createElement('i');
    swatch.className = 'swatch';
    swatch.style.background = s.colour ?? colourOf(k);
    item.append(swatch, s.label);
    box.append(item, ' ');
  });
}
