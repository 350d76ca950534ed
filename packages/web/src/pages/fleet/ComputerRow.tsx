import type { ComputerSummary } from '@labmgr/protocol';
import { Anchor } from '@mantine/core';
import { memo } from 'react';
import { Link } from 'wouter';
import { paths } from '../../app/paths.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { StatusDot } from '../../components/StatusDot.js';
import { UsageBar } from '../../components/UsageBar.js';
import { formatBitRate, formatBytesPair, formatGiBPair, MISSING } from '../../format/bytes.js';
import { formatLoad, formatPercent, usagePercent } from '../../format/percent.js';
import { formatUptime } from '../../format/time.js';
import classes from './ComputerTable.module.css';
import { shownName } from './fleet-model.js';

const STATUS_COLOR = {
  online: 'var(--mantine-color-green-6)',
  offline: 'var(--mantine-color-gray-5)',
} as const;

const STATUS_LABEL = { online: 'Online', offline: 'Offline' } as const;

function Missing() {
  return <span className={classes.dimmed}>{MISSING}</span>;
}

function Users({ users }: { users: readonly string[] }) {
  const [first, ...rest] = users;
  if (first === undefined) return <Missing />;
  return (
    <span className={classes.users} data-tooltip={users.join(', ')}>
      <span className={classes.truncate}>{first}</span>
      {rest.length > 0 && <span className={classes.more}>+{rest.length}</span>}
    </span>
  );
}

/**
 * One computer. Plain table elements styled by the Mantine table around
 * them: this renders a thousand times a second on a big fleet, and is
 * memoised on the computer object, which the live cache replaces only when
 * that computer changed.
 */
export const ComputerRow = memo(function ComputerRow({
  computer,
  rowIndex,
  selected,
  onToggle,
}: {
  computer: ComputerSummary;
  /** 1-based position in the whole table (header row = 1), for assistive tech when rows are windowed. */
  rowIndex: number;
  selected: boolean;
  /** `extend`: shift was held, select the range from the last toggled row. */
  onToggle: (id: string, extend: boolean) => void;
}) {
  const m = computer.metrics;
  const online = computer.status === 'online';
  return (
    <tr
      data-computer-id={computer.id}
      data-hostname={computer.hostname}
      data-status={computer.status}
      aria-rowindex={rowIndex}
      aria-selected={selected}
      className={online ? undefined : classes.offline}
      data-selected={selected || undefined}
    >
      <td className={classes.select}>
        <input
          type="checkbox"
          className={classes.check}
          checked={selected}
          aria-label={`Select ${shownName(computer)}`}
          onChange={(e) => onToggle(computer.id, (e.nativeEvent as MouseEvent).shiftKey === true)}
        />
      </td>
      <td>
        <span className={classes.status}>
          <StatusDot color={STATUS_COLOR[computer.status]} />
          {STATUS_LABEL[computer.status]}
        </span>
      </td>
      <td>
        <Anchor
          component={Link}
          href={paths.computer(computer.id)}
          underline="hover"
          className={classes.hostname}
          data-tooltip={[computer.hostname, computer.agentVersion ? `agent ${computer.agentVersion}` : null]
            .filter(Boolean)
            .join(' · ')}
        >
          {shownName(computer)}
        </Anchor>
        {computer.osName && (
          <span className={`${classes.truncate} ${classes.osInline}`} data-tooltip={computer.osName}>
            {computer.osName}
          </span>
        )}
      </td>
      <td className={classes.osColumn}>
        {computer.osName ? (
          <span className={classes.truncate} data-tooltip={computer.osName}>
            {computer.osName}
          </span>
        ) : (
          <Missing />
        )}
      </td>
      <td>
        <Users users={computer.loggedInUsers} />
      </td>
      <td>
        {m ? (
          <UsageBar percent={m.cpuPercent}>
            <span data-testid="cpu-percent">{formatPercent(m.cpuPercent)}</span>
          </UsageBar>
        ) : (
          <Missing />
        )}
      </td>
      <td>
        {m ? (
          <UsageBar percent={usagePercent(m.memUsedBytes, m.memTotalBytes)}>
            {formatGiBPair(m.memUsedBytes, m.memTotalBytes)}
          </UsageBar>
        ) : (
          <Missing />
        )}
      </td>
      <td>
        {m ? (
          <UsageBar percent={usagePercent(m.diskUsedBytes, m.diskTotalBytes)}>
            {formatBytesPair(m.diskUsedBytes, m.diskTotalBytes)}
          </UsageBar>
        ) : (
          <Missing />
        )}
      </td>
      <td className={`${classes.right} ${classes.num} ${classes.wideColumn}`}>
        {m ? formatLoad(m.load1) : <Missing />}
      </td>
      <td className={`${classes.right} ${classes.wideColumn}`}>
        {m ? (
          <div className={classes.net}>
            <span className={classes.rx} aria-hidden="true">
              ↓
            </span>
            <span>
              <span className={classes.srOnly}>received </span>
              {formatBitRate(m.netRxBytesPerSec)}
            </span>
            <span className={classes.tx} aria-hidden="true">
              ↑
            </span>
            <span>
              <span className={classes.srOnly}>sent </span>
              {formatBitRate(m.netTxBytesPerSec)}
            </span>
          </div>
        ) : (
          <Missing />
        )}
      </td>
      <td className={`${classes.right} ${classes.num} ${classes.wideColumn}`}>
        {m && online ? formatUptime(m.uptimeSec) : <Missing />}
      </td>
      <td className={`${classes.right} ${classes.num}`}>
        {computer.lastSeenAt ? (
          <RelativeTime value={computer.lastSeenAt} />
        ) : (
          <span className={classes.dimmed}>never</span>
        )}
      </td>
    </tr>
  );
});
