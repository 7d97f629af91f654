import type { EChartsOption } from 'echarts';
import { lazy, Suspense } from 'react';

export interface ChartClick {
  dataType?: string;
  data?: unknown;
}

export interface ChartProps {
  option: EChartsOption;
  height?: number;
  onClick?: (params: ChartClick) => void;
  testId?: string;
  /** Set to a function that draws the chart as a PNG data URL (ECharts getDataURL), for export. */
  pngRef?: { current: ((background: string) => string) | null };
  /** GeoJSON of the maps the option draws, by the name its map series use (registered on first use). */
  maps?: Record<string, object>;
}

const EChart = lazy(() => import('./echart'));

/**
 * A chart. ECharts is the app's largest library (about 590 KB): it loads when a page first draws
 * a chart, so the page itself shows at once and its chart follows in a box of the same height.
 */
export function Chart(props: ChartProps) {
  return (
    <Suspense fallback={<div style={{ height: props.height ?? 300, width: '100%' }} />}>
      <EChart {...props} />
    </Suspense>
  );
}
