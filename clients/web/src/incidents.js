// The incidents view: incidents per month split by weapon or by the party
// held responsible (IncidentStats counters), the incidents themselves
// (ListIncidents, newest first), and their places on the map.
import { call, errorText } from './api.js';
import { colourOfName, drawLegend, drawStackedBars } from './chart.js';
import { enumLabel, formatDay, language, t } from './i18n.js';
import { showMessage } from './forms.js';
import { setMapIncidents } from './map.js';
import { monthsBetween, nextMonth, yearMonth } from './months.js';

const $ = (selector) => document.querySelector(selector);
const SERIES = 6;  // groups drawn apart; the rest are "other"

let shown = { months: [], series: [], incidents: [] };
let context = {
  partyLabel: (id, name) => name || id, areaById: () => null, areaLabel: (id) => id || '',
};

// `partyLabel(id, name)` and `areaLabel(id)` name a party and an area in
// the chosen language; `areaById(id)` finds an area, for placing incidents
// without coordinates.
export function configureIncidents(options) {
  context = { ...context, ...options };
}

function countsByMonth(stats) {
  const counts = {};
  for (const row of stats.rows || []) counts[row.group] = Number(row.incidents);
  return counts;
}

// The chart's series: the largest groups, each counted by month.
async function seriesOf(base, split) {
  const groupBy = split === 'party' ? 'INCIDENT_STATS_DIMENSION_PARTY' : 'INCIDENT_STATS_DIMENSION_WEAPON';
  const groups = await call('IncidentService/IncidentStats', { ...base, group_by: groupBy });
  const series = [];
  for (const group of (groups.rows || []).slice(0, SERIES)) {
    const filter = split === 'party' ? { party: group.group } : { weapon: group.weapon };
    // Incidents held against no party, or stating no weapon, have no filter
    // of their own: they are the "other" bar.
    if (!group.group) continue;
    const byMonth = await call('IncidentService/IncidentStats',
      { ...base, ...filter, group_by: 'INCIDENT_STATS_DIMENSION_MONTH' });
    series.push({
      group: group.group,
      // Named when drawn, in the language then chosen.
      name: split === 'party' ? () => context.partyLabel(group.group, group.party_name || group.group)
        : () => enumLabel(group.group),
      colour: colourOfName(group.group),
      counts: countsByMonth(byMonth),
    });
  }
  return series;
}

export async function loadIncidents() {
  const form = $('#incidents-form');
  const box = $('#incidents-message');
  showMessage(box, '');
  const base = { from: yearMonth(form.from.value), to: yearMonth(form.to.value) };
  try {
    const [series, all, list] = await Promise.all([
      seriesOf(base, form.split.value),
      call('IncidentService/IncidentStats', { ...base, group_by: 'INCIDENT_STATS_DIMENSION_MONTH' }),
      call('IncidentService/ListIncidents', {
        since: `${form.from.value}-01T00:00:00Z`,
        until: `${nextMonth(form.to.value)}-01T00:00:00Z`,
        page: { page_size: 200 },
      }),
    ]);
    const totals = countsByMonth(all);
    const withData = Object.keys(totals).sort();
    const months = withData.length ? monthsBetween(withData[0], withData.at(-1)) : [];
    // By weapon, an incident with two weapons is in two bars: "other" is
    // what the drawn groups leave of the month's count, never below zero.
    const other = {};
    for (const month of months) {
      const rest = (totals[month] || 0) - series.reduce((sum, s) => sum + (s.counts[month] || 0), 0);
      if (rest > 0) other[month] = rest;
    }
    if (Object.keys(other).length) {
      const key = form.split.value === 'weapon' ? 'no_weapon_stated' : 'no_party_named';
      series.push({ name: () => t(key), colour: '#6e6e6e', counts: other });
    }
    shown = { months, series, incidents: list.incidents || [] };
    renderIncidents();
    if (!months.length) showMessage(box, t('no_incidents'), true);
  } catch (error) {
    shown = { months: [], series: [], incidents: [] };
    renderIncidents();
    showMessage(box, errorText(error));
  }
}

function count(value) {
  return value === undefined || value === null ? '' : String(value);
}

// Drawn again on a language switch, from what was last read.
export function renderIncidents() {
  for (const s of shown.series) s.label = s.name();
  drawStackedBars($('#incidents-chart'), shown.months, shown.series, { rtl: language() === 'ar' });
  drawLegend($('#incidents-legend'), shown.series);
  const body = $('#incidents-table tbody');
  body.replaceChildren();
  const marks = [];
  for (const incident of shown.incidents) {
    const f = incident.facts || {};
    const row = document.createElement('tr');
    row.dataset.incidentId = incident.id;
    const cells = [
      formatDay(f.occurred_at),
      enumLabel(f.type),
      (f.weapons || []).map(enumLabel).join(', '),
      f.place_name || context.areaLabel(f.area_id) || f.route_id || '',
      f.party ? `${context.partyLabel(f.party_id, f.party)} (${enumLabel(f.attribution_confidence)})`
        : t('no_party_named'),
      count(f.casualties?.total?.killed),
      count(f.casualties?.total?.injured),
      String((f.sources || []).length),
    ];
    cells.forEach((text, i) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (i >= 5) td.className = 'number';
      row.append(td);
    });
    body.append(row);
    const area = f.location ? null : context.areaById(f.area_id);
    const where = f.location || area?.location;
    if (where) {
      marks.push({ id: incident.id, lon: where.longitude, lat: where.latitude,
        title: `${enumLabel(f.type)} — ${formatDay(f.occurred_at)} — ${cells[3]}` });
    }
  }
  setMapIncidents(marks);
}
