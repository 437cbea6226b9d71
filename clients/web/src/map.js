// The map: governorate boundaries (OCHA admin 1, from the reference data),
// every area with coordinates as a point coloured by status, and each road
// as a marker beside the areas it serves, coloured by its status. Drawn as
// plain SVG from local files: it works with no internet connection.
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

// Returns the areas that have no coordinates, for listing beside the map.
export function drawMap(svg, geojson, areas, routes) {
  clear(svg);
  const { height, point } = projection(geojson);
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${height.toFixed(0)}`);
  const governorates = el('g', { class: 'governorates' });
  for (const feature of geojson.features) {
    const path = el('path', { d: pathOf(feature.geometry, point), 'data-pcode': feature.properties.pcode });
    path.append(el('title', {}, document.documentElement.lang === 'ar'
      ? feature.properties.name_ar : feature.properties.name_en));
    governorates.append(path);
  }
  svg.append(governorates);

  const placed = new Map();
  const unplaced = [];
  const points = el('g', { class: 'areas' });
  for (const area of areas) {
    if (!area.location) { unplaced.push(area); continue; }
    const [x, y] = point(area.location.longitude, area.location.latitude);
    placed.set(area.id, [x, y]);
    // Not in the tab order: 51 stops before the forms helped no one; the
    // access report's table lists every area to a keyboard or a screen reader.
    const dot = el('circle', {
      cx: x.toFixed(1), cy: y.toFixed(1), r: 5,
      class: `area status-${statusClass(area.status)}`, 'data-area-id': area.id,
    });
    dot.append(el('title', {}, `${areaName(area)} — ${enumLabel(area.status)}`));
    points.append(dot);
  }
  svg.append(points);

  const roads = el('g', { class: 'roads' });
  const besideCount = new Map();
  for (const route of routes) {
    for (const areaId of route.serves_area_ids || []) {
      const at = placed.get(areaId);
      if (!at) continue;
      const n = besideCount.get(areaId) || 0;
      besideCount.set(areaId, n + 1);
      const [x, y] = [at[0] + 14 + n * 16, at[1] - 10 - n * 4];
      const marker = el('g', { class: `road status-${statusClass(route.status)}`, 'data-route-id': route.id });
      marker.append(el('line', { x1: at[0], y1: at[1], x2: x, y2: y }));
      marker.append(el('rect', { x: x - 5, y: y - 5, width: 10, height: 10, transform: `rotate(45 ${x} ${y})` }));
      marker.append(el('title', {}, `${route.name} — ${enumLabel(route.status)}`));
      roads.append(marker);
    }
  }
  svg.append(roads);
  return unplaced;
}
