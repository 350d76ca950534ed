import {
  Alert,
  Button,
  Card,
  Group,
  Loader,
  SegmentedControl,
  SimpleGrid,
  Skeleton,
  Text,
} from '@mantine/core';
import { IconAlertTriangle, IconZoomReset } from '@tabler/icons-react';
import { type ComponentProps, useEffect, useMemo, useState } from 'react';
import { useComputerMetrics } from '../../api/computer.js';
import { type ChartSeries, TimeSeriesChart } from '../../components/charts/TimeSeriesChart.js';
import { RetryState } from '../../components/RetryState.js';
import { formatDateTime } from '../../format/time.js';
import { ChartCard } from './ChartCard.js';
import {
  HISTORY_RANGES,
  type HistoryRange,
  historyColumns,
  rangeWindow,
  resolutionLabel,
  type TimeWindow,
  zoomWindow,
} from './history-model.js';

const SYNC = 'computer-history';
/** An unzoomed range moves on to "now" this often. */
const FOLLOW_MS = 60_000;

const CPU_AVG: ChartSeries[] = [{ label: 'CPU', color: 'indigo', fill: true }];
const CPU_ROLLED: ChartSeries[] = [
  { label: 'Average', color: 'indigo', fill: true },
  { label: 'Peak', color: 'red', dashed: true },
];
const MEMORY: ChartSeries[] = [
  { label: 'Used', color: 'indigo', fill: true },
  { label: 'Installed', color: 'gray', dashed: true },
];
const LOAD: ChartSeries[] = [{ label: '1 min', color: 'teal', fill: true }];
const NETWORK: ChartSeries[] = [
  { label: 'Received', color: 'cyan', fill: true },
  { label: 'Sent', color: 'grape', fill: true },
];
const DISK: ChartSeries[] = [
  { label: 'Used', color: 'orange', fill: true },
  { label: 'Capacity', color: 'gray', dashed: true },
];

type HistoryColumns = ReturnType<typeof historyColumns>;

/** The smaller charts under the CPU one, in the order they are laid out. */
function historyPanels(c: HistoryColumns) {
  const t = c.times;
  return [
    {
      title: 'Memory',
      label: 'Memory use history',
      data: [t, c.memUsed, c.memTotal],
      series: MEMORY,
      unit: 'bytes',
    },
    { title: 'Load average', label: 'Load average history', data: [t, c.load1], series: LOAD, unit: 'load' },
    {
      title: 'Network',
      aside: 'all interfaces',
      label: 'Network throughput history',
      data: [t, c.netRx, c.netTx],
      series: NETWORK,
      unit: 'bitsFromBytesPerSec',
    },
    {
      title: 'Disk space',
      aside: 'all filesystems',
      label: 'Disk space history',
      data: [t, c.diskUsed, c.diskTotal],
      series: DISK,
      unit: 'bytes',
    },
  ] satisfies {
    title: string;
    aside?: string;
    label: string;
    data: ComponentProps<typeof TimeSeriesChart>['data'];
    series: ChartSeries[];
    unit: ComponentProps<typeof TimeSeriesChart>['unit'];
  }[];
}

/** Stored history over 1 h … 30 d; drag across a chart to zoom in (finer data is fetched), reset to go back. */
export function HistoryCharts({ computerId }: { computerId: string }) {
  const [range, setRange] = useState<HistoryRange>('1h');
  const [zoom, setZoom] = useState<TimeWindow | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (zoom) return undefined;
    const timer = setInterval(() => setNow(Date.now()), FOLLOW_MS);
    return () => clearInterval(timer);
  }, [zoom]);

  const span = zoom ?? rangeWindow(range, now);
  const metrics = useComputerMetrics(computerId, span.from, span.to);
  const columns = useMemo(() => (metrics.data ? historyColumns(metrics.data) : null), [metrics.data]);
  const xRange = useMemo(() => [span.from / 1000, span.to / 1000] as const, [span.from, span.to]);
  const onZoom = (from: number, to: number) => setZoom(zoomWindow(from, to));

  const controls = (
    <Group justify="space-between" gap="sm">
      <Group gap="sm">
        <SegmentedControl
          aria-label="History range"
          data-testid="history-range"
          value={range}
          onChange={(value) => {
            setRange(value as HistoryRange);
            setZoom(null);
            setNow(Date.now());
          }}
          data={HISTORY_RANGES.map((r) => ({ value: r.value, label: r.label }))}
        />
        {zoom && (
          <Button
            variant="light"
            size="xs"
            leftSection={<IconZoomReset size={16} />}
            onClick={() => setZoom(null)}
          >
            Reset zoom
          </Button>
        )}
        {metrics.isFetching && <Loader size="xs" aria-label="Loading history" />}
      </Group>
      <Text size="xs" c="dimmed" data-testid="history-caption">
        {formatDateTime(span.from)} – {formatDateTime(span.to)}
        {metrics.data && ` · ${resolutionLabel(metrics.data.resolution)}`}
        {!zoom && ' · drag across a chart to zoom'}
      </Text>
    </Group>
  );

  if (metrics.isPending) {
    return (
      <>
        {controls}
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" aria-busy="true">
          {[0, 1, 2, 3].map((i) => (
            <Skeleton key={i} height={238} radius="md" />
          ))}
        </SimpleGrid>
      </>
    );
  }
  if (!columns) {
    return (
      <>
        {controls}
        <Card py={40}>
          <RetryState
            icon={<IconAlertTriangle size={26} stroke={1.7} />}
            title="Could not load the history"
            message={metrics.error?.message ?? 'Unknown error.'}
            retrying={metrics.isFetching}
            onRetry={() => void metrics.refetch()}
          />
        </Card>
      </>
    );
  }

  const t = columns.times;
  const chart = { xRange, onZoom, syncKey: SYNC, emptyText: 'No samples stored in this period' };
  return (
    <>
      {controls}
      {metrics.isError && (
        <Alert color="red" variant="light" title="Could not refresh the history">
          {metrics.error.message}
        </Alert>
      )}
      <div data-testid="history-charts" data-resolution={metrics.data?.resolution}>
        <ChartCard title="CPU">
          <TimeSeriesChart
            label="CPU use history"
            testId="history-cpu-chart"
            data={columns.cpuMax ? [t, columns.cpu, columns.cpuMax] : [t, columns.cpu]}
            series={columns.cpuMax ? CPU_ROLLED : CPU_AVG}
            unit="percent"
            height={200}
            {...chart}
          />
        </ChartCard>
      </div>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        {historyPanels(columns).map((p) => (
          <ChartCard key={p.title} title={p.title} aside={p.aside}>
            <TimeSeriesChart label={p.label} data={p.data} series={p.series} unit={p.unit} {...chart} />
          </ChartCard>
        ))}
      </SimpleGrid>
    </>
  );
}
