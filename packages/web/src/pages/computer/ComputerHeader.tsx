import type { ComputerDetail, Lab } from '@labmgr/protocol';
import { Anchor, Badge, Group, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { paths } from '../../app/paths.js';
import { DelegatedTooltip } from '../../components/DelegatedTooltip.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { StatusDot } from '../../components/StatusDot.js';
import { shownName } from '../fleet/fleet-model.js';
import { PowerButtons } from './PowerButtons.js';
import type { LiveModeState } from './useLiveComputer.js';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Text size="sm" span>
      <Text span c="dimmed" size="sm">
        {label}{' '}
      </Text>
      {children}
    </Text>
  );
}

const LIVE_BADGE: Record<LiveModeState['kind'], { color: string; text: string } | null> = {
  on: { color: 'green', text: 'Live · 1 s' },
  starting: { color: 'gray', text: 'Starting live view…' },
  paused: { color: 'gray', text: 'Live paused (tab hidden)' },
  error: { color: 'red', text: 'Live view failed' },
  offline: null,
};

/** Who the computer is and where: name, status, lab and seat, OS, users, last contact, agent, samples lost, tags. */
export function ComputerHeader({
  computer,
  lab,
  liveMode,
}: {
  computer: ComputerDetail;
  lab: Lab | undefined;
  liveMode: LiveModeState['kind'];
}) {
  const online = computer.status === 'online';
  const name = shownName(computer);
  const live = LIVE_BADGE[liveMode];
  const place = computer.labId
    ? [lab?.name ?? computer.labId, computer.seat && `row ${computer.seat.row}, seat ${computer.seat.col}`]
        .filter(Boolean)
        .join(' · ')
    : null;
  return (
    <Stack gap={6}>
      <Anchor component={Link} href={paths.fleet} size="sm" c="dimmed" w="fit-content">
        <Group gap={4}>
          <IconArrowLeft size={14} />
          Fleet
        </Group>
      </Anchor>
      <Group justify="space-between" align="flex-start" gap="md">
        <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
          <Group gap="sm" wrap="nowrap">
            <Title order={2} fz={24} data-testid="computer-name" style={{ overflowWrap: 'anywhere' }}>
              {name}
            </Title>
            <Badge
              variant="light"
              color={online ? 'green' : 'gray'}
              leftSection={
                <StatusDot color={`var(--mantine-color-${online ? 'green-6' : 'gray-5'})`} pulse={online} />
              }
              data-testid="computer-status"
            >
              {online ? 'Online' : 'Offline'}
            </Badge>
            {live && (
              <Badge variant="dot" color={live.color} data-testid="live-mode">
                {live.text}
              </Badge>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            The computer's live state, history, inventory and commands.
          </Text>
          <DelegatedTooltip>
            <Group gap="lg" mt={4} style={{ rowGap: 4 }}>
              {computer.displayName && <Fact label="Hostname">{computer.hostname}</Fact>}
              <Fact label="Lab">{place ?? 'none'}</Fact>
              <Fact label="OS">{computer.osName ?? 'unknown'}</Fact>
              <Fact label="Users">
                {computer.loggedInUsers.length > 0 ? computer.loggedInUsers.join(', ') : 'nobody logged in'}
              </Fact>
              <Fact label={online ? 'Last report' : 'Last seen'}>
                {computer.lastSeenAt ? <RelativeTime value={computer.lastSeenAt} /> : 'never'}
              </Fact>
              <Fact label="Agent">{computer.agentVersion ?? 'unknown'}</Fact>
              <Fact label="Samples lost">
                <span
                  data-testid="samples-lost"
                  title="Samples the agent's full buffer had to drop before the server stored them (gaps in the history)"
                >
                  {computer.samplesLost.toLocaleString()}
                  {computer.lastLossAt && (
                    <>
                      {' '}
                      (last <RelativeTime value={computer.lastLossAt} />)
                    </>
                  )}
                </span>
              </Fact>
            </Group>
          </DelegatedTooltip>
          {computer.tags.length > 0 && (
            <Group gap={6} mt={4} aria-label="Tags">
              {computer.tags.map((tag) => (
                <Badge key={tag} variant="outline" color="gray" size="sm" tt="none">
                  {tag}
                </Badge>
              ))}
            </Group>
          )}
        </Stack>
        <PowerButtons computer={computer} />
      </Group>
    </Stack>
  );
}
