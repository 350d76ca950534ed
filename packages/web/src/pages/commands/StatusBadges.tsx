import type { CommandKind, CommandSummary, RunStatus } from '@labmgr/protocol';
import { Badge, Group, Loader } from '@mantine/core';
import {
  IconBolt,
  IconFileCode,
  IconMessage,
  IconPower,
  IconSunrise,
  IconTerminal2,
} from '@tabler/icons-react';
import {
  JOB_STATE,
  jobState,
  KIND_NAME,
  RUN_STATUS_COLOR,
  RUN_STATUS_LABEL,
  statusCounts,
} from './job-model.js';

const KIND_ICON: Record<CommandKind, typeof IconTerminal2> = {
  shell: IconTerminal2,
  exec: IconBolt,
  script: IconFileCode,
  power: IconPower,
  message: IconMessage,
  wake: IconSunrise,
};

export function KindBadge({ kind }: { kind: CommandKind }) {
  const Icon = KIND_ICON[kind];
  return (
    <Badge variant="default" radius="sm" leftSection={<Icon size={12} stroke={1.8} />} tt="none" fw={500}>
      {KIND_NAME[kind]}
    </Badge>
  );
}

export function RunStatusBadge({ status }: { status: RunStatus }) {
  return (
    <Badge
      variant="light"
      color={RUN_STATUS_COLOR[status]}
      radius="sm"
      tt="none"
      leftSection={status === 'running' ? <Loader size={10} color={RUN_STATUS_COLOR[status]} /> : undefined}
    >
      {RUN_STATUS_LABEL[status]}
    </Badge>
  );
}

/** "28 Succeeded · 2 Failed" as small coloured badges, problems first. */
export function StatusCountBadges({ counts }: { counts: Record<string, number> }) {
  const items = statusCounts(counts);
  return (
    <Group gap={4} wrap="wrap">
      {items.map(({ status, count }) => (
        <Badge
          key={status}
          size="sm"
          variant="light"
          color={RUN_STATUS_COLOR[status]}
          radius="sm"
          tt="none"
          data-status={status}
          data-tooltip={`${count} ${RUN_STATUS_LABEL[status].toLowerCase()}`}
        >
          {count} {RUN_STATUS_LABEL[status].toLowerCase()}
        </Badge>
      ))}
    </Group>
  );
}

export function JobStateBadge({ job }: { job: Pick<CommandSummary, 'status' | 'counts'> }) {
  const state = jobState(job);
  const { label, color } = JOB_STATE[state];
  return (
    <Badge
      variant={state === 'running' ? 'light' : 'filled'}
      color={color}
      radius="sm"
      tt="none"
      data-testid="job-state"
      leftSection={state === 'running' ? <Loader size={10} color={color} /> : undefined}
    >
      {label}
    </Badge>
  );
}
