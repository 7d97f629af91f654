import { BarChart, GaugeChart, GraphChart, LineChart, MapChart, PieChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { ChartClick, ChartProps } from './chart';
import { reducedMotion } from './ui/motion';

echarts.use([
  BarChart,
  GaugeChart,
  GraphChart,
  LineChart,
  MapChart,
  PieChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

/** ECharts with only the charts the app draws, so the bundle stays small; loaded by chart.tsx on first use. */
export default function EChart({ option, height = 300, onClick, testId, pngRef, maps }: ChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const click = useRef(onClick);
  useEffect(() => {
    click.current = onClick;
  }, [onClick]);
  useEffect(() => {
    const chart = echarts.init(ref.current!);
    chart.on('click', (params) => click.current?.(params as ChartClick));
    if (pngRef) {
      pngRef.current = (background) => chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: background });
    }
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
      if (pngRef) pngRef.current = null;
    };
  }, []);
  useEffect(() => {
    for (const [name, geoJson] of Object.entries(maps ?? {})) {
      if (!echarts.getMap(name)) echarts.registerMap(name, geoJson as Parameters<typeof echarts.registerMap>[1]);
    }
    echarts.getInstanceByDom(ref.current!)?.setOption(reducedMotion ? { ...option, animation: false } : option, true);
  }, [option, maps]);
  return <div ref={ref} style={{ height, width: '100%' }} data-testid={testId} />;
}
