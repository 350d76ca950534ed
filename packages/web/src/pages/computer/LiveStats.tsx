import { type LatestMetrics, type MetricSample, networkTotals } from '@labmgr/protocol';
import { Card, SimpleGrid, Text, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { UsageBar } from '../../components/UsageBar.js';
import { formatBitRate, formatGiBPair, MISSING } from '../../format/bytes.js';
import { formatLoad, formatPercent, usagePercent } from '../../format/percent.js';
import { formatUptime } from '../../format/time.js';

function Stat({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Card padding="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={4}>
        {label}
      </Text>
      <Text
        fw={650}
        size="lg"
        component="div"
        data-testid={testId}
        style={{ fontVariantNumeric: 'tabular-nums' }}
      >
        {children}
      </Text>
    </Card>
  );
}

/**
 * The headline figures: from the latest live sample, else from the last
 * figures the fleet view has (an offline computer keeps its last ones).
 */
export function LiveStats({
  sample,
  metrics,
}: {
  sample: MetricSample | null;
  metrics: LatestMetrics | null;
}) {
  const cpu = sample?.cpu.percent ?? metrics?.cpuPercent;
  const memUsed = sample?.memory.usedBytes ?? metrics?.memUsedBytes;
  const memTotal = sample?.memory.totalBytes ?? metrics?.memTotalBytes;
  const load1 = sample?.load[0] ?? metrics?.load1;
  const uptime = sample?.uptimeSec ?? metrics?.uptimeSec;
  const net = sample ? networkTotals(sample.network) : undefined;
  const rx = net?.rx ?? metrics?.netRxBytesPerSec;
  const tx = net?.tx ?? metrics?.netTxBytesPerSec;
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
      <Stat label="CPU" testId="stat-cpu">
        {cpu === undefined ? MISSING : <UsageBar percent={cpu}>{formatPercent(cpu)}</UsageBar>}
      </Stat>
      <Stat label="Memory">
        {memUsed === undefined || memTotal === undefined ? (
          MISSING
        ) : (
          <UsageBar percent={usagePercent(memUsed, memTotal)}>{formatGiBPair(memUsed, memTotal)}</UsageBar>
        )}
      </Stat>
      <Stat label="Swap">
        {sample && sample.memory.swapTotalBytes > 0 ? (
          <UsageBar percent={usagePercent(sample.memory.swapUsedBytes, sample.memory.swapTotalBytes)}>
            {formatGiBPair(sample.memory.swapUsedBytes, sample.memory.swapTotalBytes)}
          </UsageBar>
        ) : sample ? (
          'none'
        ) : (
          MISSING
        )}
      </Stat>
      <Stat label="Load">
        {load1 === undefined ? MISSING : formatLoad(load1)}
        {sample && (
          <Text span size="xs" c="dimmed" fw={400} ml={6}>
            5 min {formatLoad(sample.load[1])} · 15 min {formatLoad(sample.load[2])}
          </Text>
        )}
      </Stat>
      <Stat label="Network">
        {rx === undefined || tx === undefined ? (
          MISSING
        ) : (
          <>
            <div>
              <span aria-hidden="true">↓ </span>
              <VisuallyHidden>received </VisuallyHidden>
              {formatBitRate(rx)}
            </div>
            <div>
              <span aria-hidden="true">↑ </span>
              <VisuallyHidden>sent </VisuallyHidden>
              {formatBitRate(tx)}
            </div>
          </>
        )}
      </Stat>
      <Stat label="Uptime">
        {uptime === undefined ? MISSING : formatUptime(uptime)}
        {sample && (
          <Text span size="xs" c="dimmed" fw={400} ml={6}>
            {sample.processCount} processes
          </Text>
        )}
      </Stat>
    </SimpleGrid>
  );
}
