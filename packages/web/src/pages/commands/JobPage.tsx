import type { CommandDetail } from '@labmgr/protocol';
import { Anchor, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconArrowLeft } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link } from 'wouter';
import { ApiError } from '../../api/client.js';
import { commandKeys, useCommand } from '../../api/commands.js';
import { useLiveEvents, useLiveState } from '../../api/LiveProvider.js';
import { paths } from '../../app/paths.js';
import { DelegatedTooltip } from '../../components/DelegatedTooltip.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { RetryState } from '../../components/RetryState.js';
import { formatDateTime, formatUptime } from '../../format/time.js';
import { JobActions } from './JobActions.js';
import { JobProgressBar, JobSpec } from './JobDetails.js';
import { applyJobEvents, jobWhat, targetText } from './job-model.js';
import { RunsTable } from './RunsTable.js';
import { JobStateBadge, KindBadge } from './StatusBadges.js';
import { useTargetNames } from './useTargetNames.js';

function BackLink() {
  return (
    <Anchor component={Link} href={paths.commands} size="sm" c="dimmed">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} />
        Commands
      </Group>
    </Anchor>
  );
}

/** Follows the job live: run states and output from the socket, a reload on reconnect and at the end. */
function useLiveJob(id: string) {
  const queryClient = useQueryClient();
  const job = useCommand(id);
  const key = commandKeys.detail(id);

  useLiveEvents((events) => {
    const before = queryClient.getQueryData<CommandDetail>(key);
    if (!before) return;
    const after = applyJobEvents(before, events);
    if (after === before) return;
    queryClient.setQueryData(key, after);
    // The server has the finishing time and the final figures.
    if (before.status === 'running' && after.status === 'completed')
      void queryClient.invalidateQueries({ queryKey: key });
  });

  // Events missed while the socket was down are in the job as the server has it.
  const live = useLiveState();
  const openSince = live.kind === 'open' ? live.since : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload only when a new connection opens
  useEffect(() => {
    if (openSince !== null && queryClient.getQueryData(key))
      void queryClient.invalidateQueries({ queryKey: key });
  }, [openSince]);

  return job;
}

/** One job: what was sent, where, by whom, and each computer's result and output. */
export function JobPage({ params }: { params: { id: string } }) {
  const job = useLiveJob(params.id);
  const names = useTargetNames();

  if (job.isPending) {
    return (
      <Stack gap="lg" aria-busy="true" aria-label="Loading the job">
        <BackLink />
        <Skeleton height={56} width="60%" />
        <Skeleton height={120} />
        <Skeleton height={240} />
      </Stack>
    );
  }
  if (!job.data) {
    const notFound = job.error instanceof ApiError && job.error.status === 404;
    return (
      <Stack gap="lg">
        <BackLink />
        <Paper withBorder py={56} px="lg" role="alert">
          <RetryState
            icon={<IconAlertTriangle size={26} stroke={1.7} />}
            title={notFound ? 'No such command' : 'Could not load the command'}
            message={
              notFound ? 'It may have been removed, or the link is wrong.' : (job.error?.message ?? '')
            }
            retrying={job.isFetching}
            onRetry={() => void job.refetch()}
          />
        </Paper>
      </Stack>
    );
  }

  const data = job.data;
  return (
    <Stack gap="lg">
      <BackLink />
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="md">
        <Stack gap={6} style={{ minWidth: 0 }}>
          <Group gap="xs">
            <KindBadge kind={data.kind} />
            <JobStateBadge job={data} />
          </Group>
          <Title
            data-testid="job-command"
            order={2}
            fz={22}
            ff={data.kind === 'shell' || data.kind === 'exec' ? 'monospace' : undefined}
            style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
          >
            {jobWhat(data).split('\n')[0]}
          </Title>
          <DelegatedTooltip>
            <Text size="sm" c="dimmed">
              Sent by {data.createdBy?.username ?? 'a deleted user'} <RelativeTime value={data.createdAt} /> (
              {formatDateTime(data.createdAt)}) to <b>{targetText(data.targets, names)}</b>
              {data.kind === 'shell' || data.kind === 'exec' || data.kind === 'script'
                ? ` · ${data.shell ?? 'program'} · timeout ${formatUptime(data.timeoutSec)}`
                : ''}
              {data.runAs ? ` · as ${data.runAs}` : ''}
              {data.finishedAt ? ` · finished ${formatDateTime(data.finishedAt)}` : ''}
            </Text>
          </DelegatedTooltip>
          {data.rerunOf && (
            <Anchor component={Link} href={paths.command(data.rerunOf)} size="sm">
              Re-run of an earlier command
            </Anchor>
          )}
        </Stack>
        <JobActions job={data} />
      </Group>
      <Paper withBorder p="md">
        <Stack gap="md">
          <JobSpec job={data} />
          <JobProgressBar job={data} />
        </Stack>
      </Paper>
      <RunsTable job={data} names={names} />
    </Stack>
  );
}
