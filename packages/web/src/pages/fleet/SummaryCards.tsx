import { Card, Group, SimpleGrid, ThemeIcon } from '@mantine/core';
import { IconCpu, IconDevicesPc, IconPlugConnected, IconPlugConnectedX } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { clampPercent, USAGE_COLOR, usageLevel } from '../../format/percent.js';
import type { FleetSummary } from './fleet-model.js';
import classes from './SummaryCards.module.css';

interface StatCardProps {
  label: string;
  value: ReactNode;
  icon: ReactNode;
  color: string;
  footer: ReactNode;
}

function StatCard({ label, value, icon, color, footer }: StatCardProps) {
  return (
    <Card className={classes.card} padding="md">
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

/** Total, online, offline and average CPU of the online machines. */
export function SummaryCards({ summary }: { summary: FleetSummary }) {
  const { total, online, offline, averageCpuOnline } = summary;
  const onlineShare = share(online, total);
  const cpuColor = averageCpuOnline === null ? 'gray' : USAGE_COLOR[usageLevel(averageCpuOnline)];
  return (
    <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md">
      <StatCard
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
        label="Online"
        value={online}
        color="green"
        icon={<IconPlugConnected size={20} stroke={1.7} />}
        footer={<div className={classes.hint}>{Math.round(onlineShare)} % of the fleet</div>}
      />
      <StatCard
        label="Offline"
        value={offline}
        color={offline > 0 ? 'red' : 'gray'}
        icon={<IconPlugConnectedX size={20} stroke={1.7} />}
        footer={
          <div className={classes.hint}>
            {offline === 0 ? 'Every computer is reporting' : 'Not heard from recently'}
          </div>
        }
      />
      <StatCard
        label="Average CPU"
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
            <div className={classes.hint}>No samples from online computers yet</div>
          ) : (
            <div className={classes.footer}>
              <div className={classes.hint}>
                across {online} online {online === 1 ? 'computer' : 'computers'}
              </div>
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
