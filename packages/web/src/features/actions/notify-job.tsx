import type { CommandDetail } from '@labmgr/protocol';
import { Anchor, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Link } from 'wouter';
import { paths } from '../../app/paths.js';
import { plural } from './wording.js';

/** The toast once a job exists: what was sent, how many could not be reached, and a link to follow it. */
export function notifyJobStarted(job: CommandDetail, title: string): void {
  const unreachable = job.runs.filter((r) => r.status === 'unreachable').length;
  const id = `job-${job.id}`;
  notifications.show({
    id,
    color: unreachable === job.runs.length && unreachable > 0 ? 'orange' : 'teal',
    title,
    autoClose: 8000,
    message: (
      <Stack gap={2}>
        {unreachable > 0 && <Text size="sm">{plural(unreachable, 'computer')} could not be reached.</Text>}
        <Anchor
          component={Link}
          href={paths.command(job.id)}
          size="sm"
          onClick={() => notifications.hide(id)}
        >
          View the job
        </Anchor>
      </Stack>
    ),
  });
}
