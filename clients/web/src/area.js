// An area's page: what it is (P-code, governorate, population, who besieges
// it), how its status changed, the days since aid last reached it, and the
// convoys and denials recorded for it. Opened from the map, the access
// report or the list of areas without coordinates; kept in the address
// (?area=ID), so that it can be shared.
import { call, errorText, listAll } from './api.js';
import { areaName, enumLabel, formatDay, formatNumber, language, t } from './i18n.js';
import { element, facts } from './lists.js';
import { convoyList, convoyPages, denialList, denialPages } from './views.js';

let lists = null;  // the page's convoy and denial lists, made once
let boundaries = null;  // the governorates' GeoJSON, for their Arabic names

// The governorate's name in the chosen language: the boundary file (OCHA)
// has both; the area record has the English one.
function governorateName(unit) {
  if (!unit) return '';
  const feature = boundaries?.features.find((f) => f.properties.pcode === unit.pcode);
  return (language() === 'ar' ? feature?.properties.name_ar : feature?.properties.name_en) || unit.name;
}

// Text from the records (sources, notes), kept in its own direction inside
// the page's.
const isolated = (text) => `\u2068${text}\u2069`;

function dialog() { return document.querySelector('#area-page'); }

function setAddress(areaId) {
  const params = new URLSearchParams(location.search);
  if (areaId) params.set('area', areaId); else params.delete('area');
  history.replaceState(null, '', `${location.pathname}?${params}${location.hash}`);
}

// The area's page, from `areas` (the loaded areas).
export async function openArea(areaId, areas) {
  const area = areas.find((a) => a.id === areaId);
  if (!area) return;
  const box = dialog();
  lists ??= { convoys: convoyList(box.querySelector('#area-convoys')),
    denials: denialList(box.querySelector('#area-denials')) };
  box.dataset.areaId = areaId;
  box.querySelector('#area-page-title').textContent = areaName(area);
  const about = box.querySelector('#area-facts');
  about.replaceChildren(facts([
    ['col_status', `${enumLabel(area.status)}${area.status_since ? ` · ${formatDay(area.status_since)}` : ''}`],
    ['pcode', area.community_pcode], ['governorate', governorateName(area.governorate)],
    ['population', area.population?.as_reported || area.population?.count],
    ['besieged_by', area.besieging_party],
  ]));
  if (!box.open) {
    // Focus goes back where the page was opened from when it closes.
    box.opener = document.activeElement;
    box.showModal();
  }
  setAddress(areaId);
  const today = new Date();
  const day = { year: today.getUTCFullYear(), month: today.getUTCMonth() + 1, day: today.getUTCDate() };
  const history = box.querySelector('#area-history');
  history.replaceChildren();
  try {
    const [report, changes] = await Promise.all([
      call('ConvoyService/GetAccessReport', { from: { year: 2011, month: 3, day: 1 }, to: day, area_ids: [areaId] }),
      listAll('AreaService/GetAreaHistory', { area_id: areaId }, 'changes'),
    ]);
    const row = (report.areas || [])[0] || {};
    about.append(facts([['days_since_delivery', row.days_since_last_delivery === undefined
      ? t('never_delivered')
      : `${formatNumber(row.days_since_last_delivery)} (${formatDay(row.last_delivery)})`]]));
    for (const change of changes) {
      history.append(element('li', [formatDay(change.effective_date) || '—', enumLabel(change.status),
        change.source?.citation, change.note].filter(Boolean).map(isolated).join(' · ')));
    }
  } catch (error) {
    history.append(element('li', errorText(error), 'message'));
  }
  await Promise.all([lists.convoys.load(convoyPages({ area_id: areaId })),
    lists.denials.load(denialPages({ area_id: areaId }))]);
}

export function setUpAreaPage(areas, geojson) {
  boundaries = geojson;
  const box = dialog();
  box.querySelector('#area-close').addEventListener('click', () => box.close());
  box.addEventListener('close', () => {
    setAddress('');
    if (box.opener?.isConnected && box.opener !== document.body) box.opener.focus();
  });
  const fromAddress = new URLSearchParams(location.search).get('area');
  if (fromAddress) openArea(fromAddress, areas());
}

// Redrawn on a language switch.
export function redrawArea(areas) {
  const box = dialog();
  if (box.open && box.dataset.areaId) openArea(box.dataset.areaId, areas);
}
