import type { CommandDetail } from '@labmgr/protocol';
import { Code, Group, Progress, Stack, Text } from '@mantine/core';
import { formatUptime } from '../../format/time.js';
import { jobProgress, RUN_STATUS_COLOR, RUN_STATUS_LABEL, statusCounts } from './job-model.js';
import { StatusCountBadges } from './StatusBadges.js';

/** What exactly was sent: the full command, the script's values, the power action's notice. */
export function JobSpec({ job }: { job: CommandDetail }) {
  if (job.kind === 'shell' || job.kind === 'exec') {
    const text = job.kind === 'exec' ? (job.argv ?? []).join(' ') : job.command;
    // The title already shows a short one-line command in full.
    if (!text.includes('\n') && text.length <= 70) return null;
    return (
      <Code
        block
        fz="sm"
        data-testid="job-command-full"
        style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}
      >
        {text}
      </Code>
    );
  }
  if (job.script) {
    const params = Object.entries(job.script.params);
    return (
      <Text size="sm">
        Script <b>{job.script.name}</b>, version {job.script.version}
        {params.length > 0 && (
          <>
            {' with '}
            {params.map(([k, v], i) => (
              <span key={k}>
                {i > 0 && ', '}
                <Code>{k}</Code> = <Code>{v}</Code>
              </span>
            ))}
          </>
        )}
      </Text>
    );
  }
  if (job.power) {
    return (
      <Text size="sm">
        {job.power.delaySec > 0 ? `After ${formatUptime(job.power.delaySec)}` : 'Right away'}
        {job.power.message ? `, telling users “${job.power.message}”` : ', without a notice'}.
      </Text>
    );
  }
  if (job.notice) {
    return (
      <Stack gap={2}>
        <Text size="sm" fw={600}>
          {job.notice.title}
        </Text>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {job.notice.text}
        </Text>
      </Stack>
    );
  }
  if (job.wake) {
    return (
      <Text size="sm">
        Magic packets on UDP port {job.wake.port}
        {job.wake.broadcast ? ` to ${job.wake.broadcast}` : ''}.
      </Text>
    );
  }
  return null;
}

/** How far the job got: a bar split by status, and the counts. */
export function JobProgressBar({ job }: { job: CommandDetail }) {
  const { total, done } = jobProgress(job.counts);
  const parts = statusCounts(job.counts);
  return (
    <Stack gap={6}>
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={500} data-testid="job-progress">
          {done} of {total} {total === 1 ? 'computer' : 'computers'} done
        </Text>
        <StatusCountBadges counts={job.counts} />
      </Group>
      <Progress.Root size="md" aria-label={`${done} of ${total} done`}>
        {parts.map(({ status, count }) => (
          <Progress.Section
            key={status}
            value={total === 0 ? 0 : (count / total) * 100}
            color={RUN_STATUS_COLOR[status]}
            animated={status === 'running'}
            striped={status === 'running' || status === 'sent' || status === 'queued'}
            title={`${count} ${RUN_STATUS_LABEL[status].toLowerCase()}`}
          />
        ))}
      </Progress.Root>
    </Stack>
  );
}
