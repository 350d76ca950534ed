import type { CommandSummary } from '@labmgr/protocol';
import { Anchor, Paper, Table, Text } from '@mantine/core';
import { Link, useLocation } from 'wouter';
import { paths } from '../../app/paths.js';
import { DelegatedTooltip } from '../../components/DelegatedTooltip.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { jobProgress, jobWhat, type TargetNames, targetText } from './job-model.js';
import { JobStateBadge, KindBadge, StatusCountBadges } from './StatusBadges.js';

const MONO = new Set(['shell', 'exec']);

/** The job history, newest first; a row opens its job. */
export function CommandsTable({ jobs, names }: { jobs: readonly CommandSummary[]; names: TargetNames }) {
  const [, navigate] = useLocation();
  return (
    <Paper withBorder>
      <DelegatedTooltip>
        <Table.ScrollContainer minWidth={720}>
          <Table highlightOnHover aria-label="Commands" layout="fixed">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={105}>When</Table.Th>
                <Table.Th w={110} visibleFrom="md">
                  Who
                </Table.Th>
                <Table.Th w={110} visibleFrom="md">
                  Kind
                </Table.Th>
                <Table.Th>What</Table.Th>
                <Table.Th w={150}>Target</Table.Th>
                <Table.Th w={190}>Results</Table.Th>
                <Table.Th w={130}>State</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {jobs.map((job) => {
                const what = jobWhat(job);
                const { total, done } = jobProgress(job.counts);
                return (
                  <Table.Tr
                    key={job.id}
                    data-job-id={job.id}
                    style={{ cursor: 'pointer' }}
                    onClick={(e) => {
                      // The link handles its own clicks (and middle-clicks, new tabs).
                      if (!(e.target instanceof Element && e.target.closest('a')))
                        navigate(paths.command(job.id));
                    }}
                  >
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        <RelativeTime value={job.createdAt} />
                      </Text>
                    </Table.Td>
                    <Table.Td visibleFrom="md">
                      <Text size="sm" truncate="end">
                        {job.createdBy?.username ?? '–'}
                      </Text>
                    </Table.Td>
                    <Table.Td visibleFrom="md">
                      <KindBadge kind={job.kind} />
                    </Table.Td>
                    <Table.Td>
                      <Anchor
                        component={Link}
                        href={paths.command(job.id)}
                        size="sm"
                        ff={MONO.has(job.kind) ? 'monospace' : undefined}
                        c="var(--mantine-color-text)"
                        underline="hover"
                        display="block"
                        style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
                        data-tooltip={what.length > 60 ? what : undefined}
                      >
                        {what}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" truncate="end">
                        {targetText(job.targets, names)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <StatusCountBadges counts={job.counts} />
                    </Table.Td>
                    <Table.Td>
                      <JobStateBadge job={job} />
                      {job.status === 'running' && (
                        <Text size="xs" c="dimmed" mt={2}>
                          {done} of {total} done
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </DelegatedTooltip>
    </Paper>
  );
}
