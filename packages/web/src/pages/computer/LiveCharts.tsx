import { Alert, Center, SimpleGrid, Text } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { useMemo } from 'react';
import { CoreHeatmap } from '../../components/charts/CoreHeatmap.js';
import { type ChartSeries, TimeSeriesChart } from '../../components/charts/TimeSeriesChart.js';
import { ChartCard } from './ChartCard.js';
import { LIVE_WINDOW_SEC } from './live-buffer.js';
import type { LiveComputer } from './useLiveComputer.js';

const CPU_SERIES: ChartSeries[] = [
  { label: 'Total', color: 'indigo', fill: true },
  { label: 'User', color: 'teal' },
  { label: 'System', color: 'orange' },
  { label: 'I/O wait', color: 'red', dashed: true },
];
const MEMORY_SERIES: ChartSeries[] = [
  { label: 'Used', color: 'indigo', fill: true },
  { label: 'Cache', color: 'cyan' },
  { label: 'Available', color: 'teal', dashed: true },
  { label: 'Swap used', color: 'orange' },
];
const DISK_SERIES: ChartSeries[] = [
  { label: 'Read', color: 'teal', fill: true },
  { label: 'Write', color: 'orange', fill: true },
];
const NET_SERIES: ChartSeries[] = [
  { label: 'Received', color: 'cyan', fill: true },
  { label: 'Sent', color: 'grape', fill: true },
];

const LOAD_SERIES: ChartSeries[] = [
  { label: '1 min', color: 'indigo', fill: true },
  { label: '5 min', color: 'teal' },
  { label: '15 min', color: 'gray', dashed: true },
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
      cpu: buffer.columns(
        (p) => p.cpu,
        (p) => p.cpuUser,
        (p) => p.cpuSystem,
        (p) => p.cpuIowait,
      ),
      memory: buffer.columns(
        (p) => p.memUsed,
        (p) => p.memCached,
        (p) => p.memAvailable,
        (p) => p.swapUsed,
      ),
      disk: buffer.columns(
        (p) => p.diskRead,
        (p) => p.diskWrite,
      ),
      net: buffer.columns(
        (p) => p.netRx,
        (p) => p.netTx,
      ),
      load: buffer.columns(
        (p) => p.load1,
        (p) => p.load5,
        (p) => p.load15,
      ),
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
        <ChartCard title="CPU" aside="last 5 minutes, every second">
          <TimeSeriesChart
            label="CPU use over the last five minutes"
            testId="live-cpu-chart"
            data={charts.cpu}
            series={CPU_SERIES}
            unit="percent"
            xRange={charts.xRange}
            syncKey={SYNC}
            emptyText={waiting}
          />
        </ChartCard>
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
        <ChartCard title="Memory">
          <TimeSeriesChart
            label="Memory over the last five minutes"
            data={charts.memory}
            series={MEMORY_SERIES}
            unit="bytes"
            xRange={charts.xRange}
            syncKey={SYNC}
            emptyText={waiting}
          />
        </ChartCard>
        <ChartCard title="Network" aside="all interfaces">
          <TimeSeriesChart
            label="Network throughput over the last five minutes"
            data={charts.net}
            series={NET_SERIES}
            unit="bitsFromBytesPerSec"
            xRange={charts.xRange}
            syncKey={SYNC}
            emptyText={waiting}
          />
        </ChartCard>
        <ChartCard title="Disk I/O" aside="all disks">
          <TimeSeriesChart
            label="Disk reads and writes over the last five minutes"
            data={charts.disk}
            series={DISK_SERIES}
            unit="bytesPerSec"
            xRange={charts.xRange}
            syncKey={SYNC}
            emptyText={waiting}
          />
        </ChartCard>
        <ChartCard title="Load average">
          <TimeSeriesChart
            label="Load average over the last five minutes"
            data={charts.load}
            series={LOAD_SERIES}
            unit="load"
            xRange={charts.xRange}
            syncKey={SYNC}
            emptyText={waiting}
          />
        </ChartCard>
      </SimpleGrid>
    </>
  );
}
