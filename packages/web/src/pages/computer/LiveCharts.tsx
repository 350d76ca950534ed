import { Alert, Center, SimpleGrid, Text } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { useMemo } from 'react';
import { CoreHeatmap } from '../../components/charts/CoreHeatmap.js';
import type { ChartUnit } from '../../components/charts/chart-units.js';
import { type ChartSeries, TimeSeriesChart } from '../../components/charts/TimeSeriesChart.js';
import { ChartCard } from './ChartCard.js';
import { type Columns, LIVE_WINDOW_SEC, type LivePoint } from './live-buffer.js';
import type { LiveComputer } from './useLiveComputer.js';

type Pick = (p: LivePoint) => number;

/** One live chart: what it plots from each point, and how it is titled and drawn. */
interface LiveChartDef {
  title: string;
  aside?: string;
  /** The chart's accessible name. */
  label: string;
  testId?: string;
  series: ChartSeries[];
  unit: ChartUnit;
  /** One column a series, in the order of `series`. */
  columns: readonly Pick[];
}

const CPU_CHART: LiveChartDef = {
  title: 'CPU',
  aside: 'last 5 minutes, every second',
  label: 'CPU use over the last five minutes',
  testId: 'live-cpu-chart',
  series: [
    { label: 'Total', color: 'indigo', fill: true },
    { label: 'User', color: 'teal' },
    { label: 'System', color: 'orange' },
    { label: 'I/O wait', color: 'red', dashed: true },
  ],
  unit: 'percent',
  columns: [(p) => p.cpu, (p) => p.cpuUser, (p) => p.cpuSystem, (p) => p.cpuIowait],
};

/** The charts after the per-core heatmap, in the grid's order. */
const MORE_CHARTS: readonly LiveChartDef[] = [
  {
    title: 'Memory',
    label: 'Memory over the last five minutes',
    series: [
      { label: 'Used', color: 'indigo', fill: true },
      { label: 'Cache', color: 'cyan' },
      { label: 'Available', color: 'teal', dashed: true },
      { label: 'Swap used', color: 'orange' },
    ],
    unit: 'bytes',
    columns: [(p) => p.memUsed, (p) => p.memCached, (p) => p.memAvailable, (p) => p.swapUsed],
  },
  {
    title: 'Network',
    aside: 'all interfaces',
    label: 'Network throughput over the last five minutes',
    series: [
      { label: 'Received', color: 'cyan', fill: true },
      { label: 'Sent', color: 'grape', fill: true },
    ],
    unit: 'bitsFromBytesPerSec',
    columns: [(p) => p.netRx, (p) => p.netTx],
  },
  {
    title: 'Disk I/O',
    aside: 'all disks',
    label: 'Disk reads and writes over the last five minutes',
    series: [
      { label: 'Read', color: 'teal', fill: true },
      { label: 'Write', color: 'orange', fill: true },
    ],
    unit: 'bytesPerSec',
    columns: [(p) => p.diskRead, (p) => p.diskWrite],
  },
  {
    title: 'Load average',
    label: 'Load average over the last five minutes',
    series: [
      { label: '1 min', color: 'indigo', fill: true },
      { label: '5 min', color: 'teal' },
      { label: '15 min', color: 'gray', dashed: true },
    ],
    unit: 'load',
    columns: [(p) => p.load1, (p) => p.load5, (p) => p.load15],
  },
];

const SYNC = 'computer-live';

/** The last five minutes, one point a second, fed by `computer.sample` events. */
export function LiveCharts({ live, cores }: { live: LiveComputer; cores: number | null }) {
  const { buffer, version } = live;
  // The buffer is mutated in place; `version` says when to read it again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: version stands for the buffer's content
  const charts = useMemo(() => {
    const end = buffer.latest?.t ?? Date.now() / 1000;
    return {
      xRange: [end - LIVE_WINDOW_SEC, end] as const,
      cpu: buffer.columns(...CPU_CHART.columns),
      more: MORE_CHARTS.map((chart) => ({ chart, data: buffer.columns(...chart.columns) })),
      perCore: buffer.perCore(),
    };
  }, [buffer, version]);

  const waiting = live.mode.kind === 'offline' ? 'Offline: no live data' : 'Waiting for the first sample…';
  return (
    <>
      {live.mode.kind === 'error' && (
        <Alert color="red" variant="light" title="Live charts are not updating">
          {live.mode.message}
        </Alert>
      )}
      {live.mode.kind === 'offline' && buffer.size > 0 && (
        <Alert color="gray" variant="light" icon={<IconPlugConnectedX size={18} />}>
          The computer went offline; the charts show its last minutes.
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <LiveChart chart={CPU_CHART} data={charts.cpu} xRange={charts.xRange} emptyText={waiting} />
        <ChartCard
          title="CPU per core"
          aside={cores ? `${charts.perCore.cores.length || cores} cores` : undefined}
        >
          {charts.perCore.cores.length > 0 ? (
            <CoreHeatmap
              times={charts.perCore.times}
              cores={charts.perCore.cores}
              windowSec={LIVE_WINDOW_SEC}
            />
          ) : (
            <Center h={170}>
              <Text size="sm" c="dimmed">
                {waiting}
              </Text>
            </Center>
          )}
        </ChartCard>
        {charts.more.map(({ chart, data }) => (
          <LiveChart key={chart.title} chart={chart} data={data} xRange={charts.xRange} emptyText={waiting} />
        ))}
      </SimpleGrid>
    </>
  );
}

function LiveChart({
  chart,
  data,
  xRange,
  emptyText,
}: {
  chart: LiveChartDef;
  data: Columns;
  xRange: readonly [number, number];
  emptyText: string;
}) {
  return (
    <ChartCard title={chart.title} aside={chart.aside}>
      <TimeSeriesChart
        label={chart.label}
        testId={chart.testId}
        data={data}
        series={chart.series}
        unit={chart.unit}
        xRange={xRange}
        syncKey={SYNC}
        emptyText={emptyText}
      />
    </ChartCard>
  );
}
