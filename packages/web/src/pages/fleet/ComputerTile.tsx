import type { ComputerSummary } from '@labmgr/protocol';
import { memo } from 'react';
import { Link } from 'wouter';
import { paths } from '../../app/paths.js';
import { formatPercent, USAGE_COLOR, usageLevel, usagePercent } from '../../format/percent.js';
import { formatUptime } from '../../format/time.js';
import classes from './FleetTiles.module.css';
import { conditionOf, shownName } from './fleet-model.js';

const CONDITION_LABEL = { ok: 'Online', busy: 'Busy', alerting: 'Alerting' } as const;

function MiniBar({ label, percent }: { label: string; percent: number | null }) {
  return (
    <div className={classes.mini}>
      <span className={classes.miniLabel}>{label}</span>
      <span className={classes.miniTrack} aria-hidden="true">
        <span
          className={classes.miniFill}
          style={{
            '--bar-value': Math.min(100, Math.max(0, percent ?? 0)) / 100,
            '--bar-color': `var(--mantine-color-${USAGE_COLOR[usageLevel(percent ?? 0)]}-filled)`,
          }}
        />
      </span>
      <span className={classes.miniValue}>{percent === null ? '–' : formatPercent(percent, 0)}</span>
    </div>
  );
}

/**
 * One computer as a tile: its state as the tile's colour, name, who is
 * logged in, CPU / memory / disk. Memoised like the table rows: the live
 * cache replaces a computer object only when that computer changed.
 */
export const ComputerTile = memo(function ComputerTile({
  computer,
  selected,
  onToggle,
}: {
  computer: ComputerSummary;
  selected: boolean;
  onToggle: (id: string, extend: boolean) => void;
}) {
  const m = computer.metrics;
  const condition = conditionOf(computer);
  const state = condition ?? 'offline';
  const name = shownName(computer);
  return (
    <li
      className={classes.tile}
      data-state={state}
      data-selected={selected || undefined}
      data-computer-id={computer.id}
      data-hostname={computer.hostname}
    >
      <div className={classes.top}>
        <input
          type="checkbox"
          className={classes.check}
          checked={selected}
          aria-label={`Select ${name}`}
          onChange={(e) => onToggle(computer.id, (e.nativeEvent as MouseEvent).shiftKey === true)}
        />
        <Link href={paths.computer(computer.id)} className={classes.name} title={computer.hostname}>
          {name}
        </Link>
        <span className={classes.state}>{condition ? CONDITION_LABEL[condition] : 'Offline'}</span>
      </div>
      <div className={classes.line}>
        <span className={classes.user} title={computer.loggedInUsers.join(', ')}>
          {computer.loggedInUsers.length > 0 ? computer.loggedInUsers.join(', ') : 'nobody logged in'}
        </span>
        {m && computer.status === 'online' && (
          <span className={classes.foot}>up {formatUptime(m.uptimeSec)}</span>
        )}
      </div>
      {m && computer.status === 'online' ? (
        <div className={classes.bars}>
          <MiniBar label="CPU" percent={m.cpuPercent} />
          <MiniBar label="Mem" percent={usagePercent(m.memUsedBytes, m.memTotalBytes)} />
          <MiniBar label="Disk" percent={usagePercent(m.diskUsedBytes, m.diskTotalBytes)} />
        </div>
      ) : (
        <div className={classes.offlineNote}>{computer.osName ?? 'No report yet'}</div>
      )}
    </li>
  );
});
