import type { EChartsOption } from 'echarts';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Chart } from '../chart';
import boundariesUrl from './jinan-districts.json?url';

export interface DistrictPoint {
  label: string;
  value: number;
  /** The district's GB/T 2260 code: what the map joins on. */
  code?: string;
}

interface Boundaries {
  features: Array<{ properties: { adcode: string; name: string } }>;
}

let loading: Promise<Boundaries> | null = null;
/**
 * Jinan's district boundaries (about 150 KB; their source and how they were made: docs/cockpit.md,
 * "District map") are fetched with the first map drawn, not with the page, and kept.
 */
function boundaries(): Promise<Boundaries> {
  loading ??= fetch(boundariesUrl).then((r) => {
    if (!r.ok) throw new Error(`${r.status} ${boundariesUrl}`);
    return r.json() as Promise<Boundaries>;
  });
  loading.catch(() => (loading = null));
  return loading;
}

/** A map of the city's districts, each coloured by its value; a district without one stays grey. */
export function DistrictMap({
  points,
  dark,
  height,
  pngRef,
}: {
  points: DistrictPoint[];
  dark: boolean;
  height: number;
  pngRef: { current: ((background: string) => string) | null };
}) {
  const { t } = useTranslation();
  const [geo, setGeo] = useState<Boundaries | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    boundaries().then(
      (g) => live && setGeo(g),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, []);
  const option = useMemo(
    () => geo && mapOption(geo, points, dark, (name, value) => t('cockpit.mapTip', { name, value })),
    [geo, points, dark, t],
  );
  if (failed) return <div style={{ height }}>{t('cockpit.noValue')}</div>;
  if (!option || !geo) return <div style={{ height }} />;
  return <Chart option={option} height={height} pngRef={pngRef} maps={{ jinan: geo }} testId="district-map" />;
}

function mapOption(
  geo: Boundaries,
  points: DistrictPoint[],
  dark: boolean,
  tip: (name: string, value: string) => string,
): EChartsOption {
  const text = dark ? '#cfe3ff' : '#595959';
  const names = new Map(geo.features.map((f) => [f.properties.adcode, f.properties.name]));
  const shown = points.filter((p) => p.code !== undefined && names.has(p.code));
  const max = Math.max(1, ...shown.map((p) => p.value));
  const nameOf = (code: string) => names.get(code) ?? code;
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const { name, value } = p as { name: string; value: unknown };
        return tip(nameOf(name), typeof value === 'number' && !Number.isNaN(value) ? value.toLocaleString() : '—');
      },
    },
    visualMap: {
      min: 0,
      max,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 90,
      textStyle: { color: text },
      inRange: { color: dark ? ['#16365c', '#36cfc9'] : ['#e6f4ff', '#0958d9'] },
    },
    series: [
      {
        type: 'map',
        map: 'jinan',
        nameProperty: 'adcode',
        top: 8,
        bottom: 44,
        label: { show: window.innerWidth >= 600, color: text, fontSize: 10, formatter: (p) => nameOf(p.name) },
        itemStyle: { areaColor: dark ? '#22324d' : '#f0f0f0', borderColor: dark ? '#0b1a33' : '#ffffff' },
        emphasis: { label: { show: true, color: text }, itemStyle: { areaColor: '#faad14' } },
        data: shown.map((p) => ({ name: p.code!, value: p.value })),
      },
    ],
  };
}
