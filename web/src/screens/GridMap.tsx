import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';

// The officer's map of grid outlines, drawn from the grids' own GeoJSON on a plain background: no
// tiles, so the app asks no other host for anything. Loaded on its own (React.lazy): the phone's
// first screen does not pay for Leaflet.

export interface MapGrid {
  id: string;
  name: string;
  kind: string;
  boundary: { type: string; coordinates: number[][][] } | null;
  openIncidents: number;
}

type Health = 'problem' | 'incidents' | 'ok';
const COLOURS: Record<Health, string> = { problem: '#b03a2e', incidents: '#b9770e', ok: '#1e8449' };

export default function GridMap({
  grids,
  problems,
}: {
  grids: MapGrid[];
  problems: Record<string, { kind: string; description: string }[]>;
}) {
  const { t } = useTranslation();
  const element = useRef<HTMLDivElement>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const health = (g: MapGrid): Health => (problems[g.id]?.length ? 'problem' : g.openIncidents > 0 ? 'incidents' : 'ok');
  const drawn = grids.filter((g) => g.boundary);
  // Total grids first, so the basic grids inside them lie on top and take the clicks.
  const ordered = [...drawn].sort((a, b) => Number(b.kind === 'TOTAL') - Number(a.kind === 'TOTAL'));
  const key = ordered.map((g) => `${g.id}:${health(g)}`).join(',');

  useEffect(() => {
    if (!element.current || ordered.length === 0) return;
    const map = L.map(element.current, { attributionControl: false, zoomControl: false, zoomSnap: 0.25 });
    L.control.zoom({ zoomInTitle: t('map.zoomIn'), zoomOutTitle: t('map.zoomOut') }).addTo(map);
    const layers = ordered.map((g) => {
      const total = g.kind === 'TOTAL';
      const layer = L.polygon(
        g.boundary!.coordinates.map((ring) => ring.map(([lng, lat]) => [lat, lng] as [number, number])),
        {
          color: COLOURS[health(g)],
          weight: total ? 2 : 3,
          dashArray: total ? '6 4' : undefined,
          fillOpacity: total ? 0.04 : 0.3,
          className: 'grid-outline',
        },
      );
      layer.on('click', () => setSelected(g.id));
      layer.bindTooltip(g.name);
      return { g, layer };
    });
    // The view first: Leaflet draws a layer only once the map has one.
    map.fitBounds(L.featureGroup(layers.map((l) => l.layer)).getBounds(), { padding: [16, 16] });
    for (const { g, layer } of layers) {
      layer.addTo(map);
      layer.getElement()?.setAttribute('data-grid-id', g.id);
    }
    return () => {
      map.remove();
    };
    // Redrawn when the grids or their colours change, not on every render.
  }, [key]);

  const chosen = grids.find((g) => g.id === selected);
  return (
    <figure className="card map-card" aria-labelledby="map-title">
      <figcaption>
        <h2 id="map-title">{t('map.title', { n: drawn.length })}</h2>
      </figcaption>
      <div ref={element} className="grid-map" role="region" aria-label={t('map.label')} />
      <ul className="map-legend" aria-label={t('map.legend')}>
        {(['problem', 'incidents', 'ok'] as const).map((h) => (
          <li key={h}>
            <span className="swatch" style={{ background: COLOURS[h] }} aria-hidden="true" /> {t(`map.${h}`)}
          </li>
        ))}
      </ul>
      {/* The same grids as buttons: the keyboard's way to the map's details. */}
      <ul className="map-grids" aria-label={t('map.grids')}>
        {drawn.map((g) => (
          <li key={g.id}>
            <button type="button" aria-pressed={selected === g.id} onClick={() => setSelected(g.id)}>
              {g.name}（{t(`map.${health(g)}`)}）
            </button>
          </li>
        ))}
      </ul>
      {chosen && (
        <section className="map-details" aria-labelledby="map-chosen" aria-live="polite">
          <h4 id="map-chosen">{chosen.name}</h4>
          <p>{t('map.openIncidents', { n: chosen.openIncidents })}</p>
          {problems[chosen.id]?.length ? (
            <ul aria-label={t('map.problems')}>
              {problems[chosen.id].map((p, n) => (
                <li key={n}>
                  {t(`gridProblem.${p.kind}`)} <small>{p.description}</small>
                </li>
              ))}
            </ul>
          ) : (
            <p>{t('map.noProblems')}</p>
          )}
        </section>
      )}
    </figure>
  );
}
