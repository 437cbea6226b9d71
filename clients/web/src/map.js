// The map: governorate boundaries (OCHA admin 1, from the reference data),
// every area with coordinates as a point coloured by status, and each road
// as a marker beside the areas it serves, coloured by its status. Drawn as
// plain SVG from local files: it works with no internet connection. It
// zooms (buttons, or a cluster selected) and pans (dragged); areas closer
// than a marker's width at the current zoom are drawn as one cluster with
// their count, which zooms in when selected.
import { el, clear } from './svg.js';
import { areaName, enumLabel } from './i18n.js';

const WIDTH = 640;

function projection(geojson) {
  let minLon = Infinity, maxLon = -Infinity, minLat = Infinity, maxLat = -Infinity;
  const visit = (coords) => {
    if (typeof coords[0] === 'number') {
      minLon = Math.min(minLon, coords[0]); maxLon = Math.max(maxLon, coords[0]);
      minLat = Math.min(minLat, coords[1]); maxLat = Math.max(maxLat, coords[1]);
    } else coords.forEach(visit);
  };
  geojson.features.forEach((f) => visit(f.geometry.coordinates));
  // Equirectangular, shrunk east-west by the cosine of the middle latitude.
  const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const scale = WIDTH / ((maxLon - minLon) * k);
  const height = (maxLat - minLat) * scale;
  return {
    height,
    point: (lon, lat) => [(lon - minLon) * k * scale, (maxLat - lat) * scale],
  };
}

function pathOf(geometry, point) {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let d = '';
  for (const polygon of polygons) {
    for (const ring of polygon) {
      ring.forEach(([lon, lat], i) => {
        const [x, y] = point(lon, lat);
        d += `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
      });
      d += 'Z';
    }
  }
  return d;
}

// "AREA_STATUS_HARD_TO_REACH" → "hard-to-reach", for the stylesheet.
export function statusClass(status) {
  return (status || 'UNKNOWN').replace(/^(AREA|ROUTE|CONVOY)_STATUS_/, '')
    .toLowerCase().replaceAll('_', '-');
}


// The current view: a zoom factor and the centre, in map units.
const view = { zoom: 1, cx: WIDTH / 2, cy: 0, height: 0 };
let drawn = null;  // what drawMap was last given
// Incidents to draw as triangles: [{ id, lon, lat, title }].
let incidentMarks = [];

// Sets the incidents drawn over the areas (at their coordinates, else their
// area's) and redraws the markers.
export function setMapIncidents(marks) {
  incidentMarks = marks;
  if (drawn) drawMarkers(drawn.svg);
}

// Markers keep their size on screen: their radius is divided by the zoom.
const MARKER = 5;
// Clusters grow with their count: 22 px apart keeps their circles from
// covering each other's numbers.
const CLUSTER_DISTANCE = 22;

function setViewBox(svg) {
  const w = WIDTH / view.zoom, h = view.height / view.zoom;
  const x = Math.min(Math.max(view.cx - w / 2, 0), WIDTH - w);
  const y = Math.min(Math.max(view.cy - h / 2, 0), view.height - h);
  view.cx = x + w / 2;
  view.cy = y + h / 2;
  svg.setAttribute('viewBox', `${x.toFixed(1)} ${y.toFixed(1)} ${w.toFixed(1)} ${h.toFixed(1)}`);
}

// Map units per pixel of marker: markers keep their size on screen whatever
// the zoom, and on a phone, where the map is drawn at half its width, they
// stay as large as on a desktop (and as easy to touch).
function markerUnit() {
  const shown = drawn.svg.getBoundingClientRect().width || WIDTH;
  return Math.max(1, WIDTH / shown) / view.zoom;
}

// Groups points closer than the cluster distance at this zoom, greedily in
// a fixed order, so that the same view always draws the same clusters.
function clusters(points) {
  const distance = CLUSTER_DISTANCE * markerUnit();
  const groups = [];
  for (const p of points) {
    const near = groups.find((g) => Math.hypot(g.x - p.x, g.y - p.y) < distance);
    if (near) {
      near.members.push(p);
      near.x = near.members.reduce((s, m) => s + m.x, 0) / near.members.length;
      near.y = near.members.reduce((s, m) => s + m.y, 0) / near.members.length;
    } else {
      groups.push({ x: p.x, y: p.y, members: [p] });
    }
  }
  return groups;
}

// The most urgent status among a cluster's areas gives its colour.
const URGENCY = ['AREA_STATUS_BESIEGED', 'AREA_STATUS_HARD_TO_REACH', 'AREA_STATUS_WATCHLIST'];
function urgentStatus(members) {
  for (const status of URGENCY) if (members.some((m) => m.area.status === status)) return status;
  return members[0].area.status;
}

function drawMarkers(svg) {
  const { areas, routes, point, onArea, labels } = drawn;
  svg.querySelector('g.areas')?.remove();
  svg.querySelector('g.roads')?.remove();
  const located = areas.filter((a) => a.location).map((area) => {
    const [x, y] = point(area.location.longitude, area.location.latitude);
    return { area, x, y };
  });
  const at = new Map();
  const points = el('g', { class: 'areas' });
  const unit = markerUnit();
  const r = MARKER * unit;
  for (const group of clusters(located)) {
    for (const m of group.members) at.set(m.area.id, [group.x, group.y]);
    // Not in the tab order: 51 stops before the forms helped no one; the
    // access report's table lists every area to a keyboard or a screen reader.
    if (group.members.length === 1) {
      const { area } = group.members[0];
      const dot = el('circle', {
        cx: group.x.toFixed(2), cy: group.y.toFixed(2), r: r.toFixed(2),
        class: `area status-${statusClass(area.status)}`, 'data-area-id': area.id,
      });
      dot.append(el('title', {}, `${areaName(area)} — ${enumLabel(area.status)}`));
      dot.addEventListener('click', () => onArea?.(area.id));
      points.append(dot);
      continue;
    }
    const n = group.members.length;
    const cluster = el('g', { class: `cluster status-${statusClass(urgentStatus(group.members))}`,
      'data-count': n });
    cluster.append(el('circle', { cx: group.x.toFixed(2), cy: group.y.toFixed(2),
      r: ((MARKER + 2 + Math.log2(n) * 1.5) * unit).toFixed(2) }));
    cluster.append(el('text', { x: group.x.toFixed(2), y: (group.y + 3.5 * unit).toFixed(2),
      'font-size': (10 * unit).toFixed(2), 'text-anchor': 'middle' }, String(n)));
    cluster.append(el('title', {}, `${labels.cluster(n)}: ${group.members.map((m) => areaName(m.area)).join(', ')}`));
    cluster.addEventListener('click', () => zoomMap(2.5, [group.x, group.y]));
    points.append(cluster);
  }
  svg.append(points);

  const roads = el('g', { class: 'roads' });
  const besideCount = new Map();  // roads drawn beside each place
  const done = new Set();  // one marker per road per place, clustered or not
  for (const route of routes) {
    for (const areaId of route.serves_area_ids || []) {
      const place = at.get(areaId);
      if (!place) continue;
      const key = place.join(',');
      if (done.has(`${route.id}@${key}`)) continue;
      done.add(`${route.id}@${key}`);
      const k = besideCount.get(key) || 0;
      besideCount.set(key, k + 1);
      const s = unit;
      const [x, y] = [place[0] + (14 + k * 16) * s, place[1] - (10 + k * 4) * s];
      const marker = el('g', { class: `road status-${statusClass(route.status)}`, 'data-route-id': route.id });
      marker.append(el('line', { x1: place[0], y1: place[1], x2: x, y2: y }));
      marker.append(el('rect', { x: x - 5 * s, y: y - 5 * s, width: 10 * s, height: 10 * s,
        transform: `rotate(45 ${x} ${y})` }));
      marker.append(el('title', {}, `${route.name} — ${enumLabel(route.status)}`));
      roads.append(marker);
    }
  }
  svg.append(roads);

  svg.querySelector('g.incidents')?.remove();
  const incidents = el('g', { class: 'incidents' });
  for (const mark of incidentMarks) {
    const [x, y] = point(mark.lon, mark.lat);
    const s = 4.5 * unit;
    const triangle = el('path', {
      d: `M${x.toFixed(2)},${(y - s).toFixed(2)}L${(x + s).toFixed(2)},${(y + s * 0.8).toFixed(2)}` +
        `L${(x - s).toFixed(2)},${(y + s * 0.8).toFixed(2)}Z`,
      class: 'incident', 'data-incident-id': mark.id,
    });
    triangle.append(el('title', {}, mark.title));
    incidents.append(triangle);
  }
  svg.append(incidents);
}

// Zooms by `factor` (above 1: closer), about `centre` in map units (the
// view's centre by default); the zoom stays between 1 and 40.
export function zoomMap(factor, centre) {
  if (!drawn) return;
  view.zoom = Math.min(40, Math.max(1, view.zoom * factor));
  if (centre) [view.cx, view.cy] = centre;
  setViewBox(drawn.svg);
  drawMarkers(drawn.svg);
  drawn.svg.dataset.zoom = view.zoom.toFixed(2);
}

export function resetMap() {
  view.zoom = 1;
  view.cx = WIDTH / 2;
  view.cy = view.height / 2;
  zoomMap(1);
}

// Dragging pans; a drag does not count as selecting what it started on.
function makePannable(svg) {
  let from = null;
  svg.addEventListener('pointerdown', (event) => {
    from = { x: event.clientX, y: event.clientY, cx: view.cx, cy: view.cy, moved: false };
  });
  svg.addEventListener('pointermove', (event) => {
    if (!from || view.zoom === 1) return;
    const unit = (WIDTH / view.zoom) / svg.getBoundingClientRect().width;
    const dx = event.clientX - from.x, dy = event.clientY - from.y;
    if (Math.hypot(dx, dy) < 4 && !from.moved) return;
    from.moved = true;
    view.cx = from.cx - dx * unit;
    view.cy = from.cy - dy * unit;
    setViewBox(svg);
  });
  svg.addEventListener('pointerup', () => {
    if (from?.moved) drawMarkers(svg);
    from = null;
  });
  svg.addEventListener('click', (event) => {
    if (from?.moved) event.stopPropagation();
  }, true);
  // A phone turned sideways: markers and clusters follow the new width.
  let pending = null;
  window.addEventListener('resize', () => {
    clearTimeout(pending);
    pending = setTimeout(() => drawMarkers(svg), 150);
  });
}

// Draws the map; returns the areas that have no coordinates, for listing
// beside it. `onArea(id)` opens an area's page; `labels.cluster(n)` names a
// cluster of n areas in the chosen language.
export function drawMap(svg, geojson, areas, routes, { onArea, labels } = {}) {
  clear(svg);
  const { height, point } = projection(geojson);
  if (view.height !== height) {
    view.height = height;
    view.cy = height / 2;
  }
  const governorates = el('g', { class: 'governorates' });
  for (const feature of geojson.features) {
    const path = el('path', { d: pathOf(feature.geometry, point), 'data-pcode': feature.properties.pcode });
    path.append(el('title', {}, document.documentElement.lang === 'ar'
      ? feature.properties.name_ar : feature.properties.name_en));
    governorates.append(path);
  }
  svg.append(governorates);
  drawn = { svg, areas, routes, point, onArea, labels: labels ?? { cluster: (n) => String(n) } };
  if (!svg.dataset.pannable) {
    makePannable(svg);
    svg.dataset.pannable = 'true';
  }
  setViewBox(svg);
  drawMarkers(svg);
  svg.dataset.zoom = view.zoom.toFixed(2);
  return areas.filter((a) => !a.location);
}
