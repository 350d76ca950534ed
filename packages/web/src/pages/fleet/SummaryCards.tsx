import { Card, Group, SimpleGrid, ThemeIcon, UnstyledButton } from '@mantine/core';
import {
  IconAlertTriangle,
  IconCpu,
  IconDevicesPc,
  IconFlame,
  IconPlugConnected,
  IconPlugConnectedX,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { CRITICAL_PERCENT, clampPercent, USAGE_COLOR, usageLevel } from '../../format/percent.js';
import { BUSY_CPU_PERCENT, type FleetSummary, type StatusFilter } from './fleet-model.js';
import classes from './SummaryCards.module.css';

interface StatCardProps {
  label: string;
  value: ReactNode;
  icon: ReactNode;
  color: string;
  footer: ReactNode;
  /** The status filter this card applies when clicked; none: not clickable. */
  filter?: StatusFilter;
  current: StatusFilter;
  onFilter: (filter: StatusFilter) => void;
}

function StatCard({ label, value, icon, color, footer, filter, current, onFilter }: StatCardProps) {
  const active = filter !== undefined && current === filter && filter !== 'all';
  const button =
    filter === undefined
      ? {}
      : {
          component: UnstyledButton,
          onClick: () => onFilter(active ? 'all' : filter),
          'aria-pressed': active,
          title: filter === 'all' ? 'Show every computer' : `Show only ${filter} computers`,
          'data-clickable': true,
          'data-active': active || undefined,
        };
  return (
    <Card className={classes.card} padding="md" {...button}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <div>
          <div className={classes.label}>{label}</div>
          <div className={classes.value}>{value}</div>
        </div>
        <ThemeIcon variant="light" color={color} size={38} radius="md" aria-hidden="true">
          {icon}
        </ThemeIcon>
      </Group>
      {footer}
    </Card>
  );
}

function share(part: number, whole: number): number {
  return whole > 0 ? (part / whole) * 100 : 0;
}

/**
 * Total, online, offline, busy, alerting and the average CPU of the online
 * machines. Each card filters the fleet to what it counts (click again to
 * show everything).
 */
export function SummaryCards({
  summary,
  status,
  onStatusChange,
}: {
  summary: FleetSummary;
  status: StatusFilter;
  onStatusChange: (status: StatusFilter) => void;
}) {
  const { total, online, offline, busy, alerting, averageCpuOnline } = summary;
  const onlineShare = share(online, total);
  const cpuColor = averageCpuOnline === null ? 'gray' : USAGE_COLOR[usageLevel(averageCpuOnline)];
  const filtering = { current: status, onFilter: onStatusChange };
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, xl: 6 }} spacing="md">
      <StatCard
        {...filtering}
        filter="all"
        label="Computers"
        value={total}
        color="indigo"
        icon={<IconDevicesPc size={20} stroke={1.7} />}
        footer={
          <div className={classes.footer}>
            <div className={classes.hint}>
              {online} online · {offline} offline
            </div>
            <div className={classes.split} aria-hidden="true">
              <span style={{ width: `${onlineShare}%`, background: 'var(--mantine-color-green-filled)' }} />
              <span
                style={{
                  width: `${total > 0 ? 100 - onlineShare : 0}%`,
                  background: 'var(--mantine-color-gray-filled)',
                  opacity: 0.5,
                }}
              />
            </div>
          </div>
        }
      />
      <StatCard
        {...filtering}
        filter="online"
        label="Online"
        value={online}
        color="green"
        icon={<IconPlugConnected size={20} stroke={1.7} />}
        footer={<div className={classes.hint}>{Math.round(onlineShare)} % of the fleet</div>}
      />
      <StatCard
        {...filtering}
        filter="offline"
        label="Offline"
        value={offline}
        color={offline > 0 ? 'red' : 'gray'}
        icon={<IconPlugConnectedX size={20} stroke={1.7} />}
        footer={
          <div className={classes.hint}>{offline === 0 ? 'All are reporting' : 'Not heard from lately'}</div>
        }
      />
      <StatCard
        {...filtering}
        filter="busy"
        label="Busy"
        value={busy}
        color={busy > 0 ? 'orange' : 'gray'}
        icon={<IconFlame size={20} stroke={1.7} />}
        footer={<div className={classes.hint}>CPU ≥ {BUSY_CPU_PERCENT} %</div>}
      />
      <StatCard
        {...filtering}
        filter="alerting"
        label="Alerting"
        value={alerting}
        color={alerting > 0 ? 'red' : 'gray'}
        icon={<IconAlertTriangle size={20} stroke={1.7} />}
        footer={<div className={classes.hint}>Memory or disk ≥ {CRITICAL_PERCENT} %</div>}
      />
      <StatCard
        {...filtering}
        filter="online"
        label="Avg. CPU"
        value={
          averageCpuOnline === null ? (
            '–'
          ) : (
            <>
              {averageCpuOnline.toFixed(1)}
              <span className={classes.unit}>%</span>
            </>
          )
        }
        color={cpuColor}
        icon={<IconCpu size={20} stroke={1.7} />}
        footer={
          averageCpuOnline === null ? (
            <div className={classes.hint}>No samples yet</div>
          ) : (
            <div className={classes.footer}>
              <div className={classes.hint}>of {online} online</div>
              <div className={classes.split} aria-hidden="true">
                <span
                  style={{
                    width: `${clampPercent(averageCpuOnline)}%`,
                    background: `var(--mantine-color-${cpuColor}-filled)`,
                  }}
                />
              </div>
            </div>
          )
        }
      />
    </SimpleGrid>
  );
}
