import type { Lab } from '@labmgr/protocol';
import { Paper } from '@mantine/core';
import type { ReactNode } from 'react';
import { StatusDot } from '../../components/StatusDot.js';
import { formatPercent, USAGE_COLOR, usageLevel } from '../../format/percent.js';
import { type LabStats, seatCount } from './lab-model.js';
import classes from './RoomSummary.module.css';

function Stat({
  label,
  value,
  icon,
  testId,
}: {
  label: string;
  value: ReactNode;
  icon?: ReactNode;
  testId?: string;
}) {
  return (
    <div className={classes.stat}>
      <div className={classes.label}>{label}</div>
      <div className={classes.value} data-testid={testId}>
        {icon}
        {value}
      </div>
    </div>
  );
}

/** The room in figures: who is online, who is signed in, how loaded, how full. */
export function RoomSummary({ lab, stats }: { lab: Pick<Lab, 'rows' | 'cols'>; stats: LabStats }) {
  const { seats } = seatCount(lab, stats.seated);
  const cpuColor = stats.averageCpu === null ? 'gray' : USAGE_COLOR[usageLevel(stats.averageCpu)];
  return (
    <Paper withBorder className={classes.strip} aria-label="Room summary" role="group">
      <Stat
        label="Online"
        testId="room-online"
        icon={<StatusDot color="var(--mantine-color-green-6)" />}
        value={
          <>
            {stats.online}
            <span className={classes.of}>of {stats.total}</span>
          </>
        }
      />
      <Stat
        label="Offline"
        testId="room-offline"
        icon={<StatusDot color="var(--mantine-color-gray-5)" />}
        value={stats.offline}
      />
      <Stat label="Users signed in" testId="room-users" value={stats.usersLoggedIn} />
      <Stat
        label="Need a look"
        value={stats.needingLook}
        icon={stats.needingLook > 0 ? <StatusDot color="var(--mantine-color-orange-6)" /> : undefined}
      />
      <Stat
        label="Average CPU"
        value={
          stats.averageCpu === null ? (
            <span className={classes.of}>no samples</span>
          ) : (
            <span style={{ color: `var(--mantine-color-${cpuColor}-text)` }}>
              {formatPercent(stats.averageCpu)}
            </span>
          )
        }
      />
      <Stat
        label="Seats taken"
        testId="room-seats"
        value={
          <>
            {stats.seated}
            <span className={classes.of}>of {seats}</span>
          </>
        }
      />
    </Paper>
  );
}
