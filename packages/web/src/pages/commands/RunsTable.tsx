import type { CommandDetail, CommandRun, RunStatus } from '@labmgr/protocol';
import {
  ActionIcon,
  Anchor,
  Group,
  Pagination,
  Paper,
  Select,
  Table,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { Fragment, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { paths } from '../../app/paths.js';
import { DelegatedTooltip } from '../../components/DelegatedTooltip.js';
import { SearchInput } from '../../components/SearchInput.js';
import { formatDuration, isFinal, RUN_STATUS_LABEL, statusCounts, type TargetNames } from './job-model.js';
import { RunOutput } from './RunOutput.js';
import { RunStatusBadge } from './StatusBadges.js';

const PAGE_SIZE = 100;

function RunRow({
  run,
  kind,
  names,
  open,
  onToggle,
}: {
  run: CommandRun;
  kind: CommandDetail['kind'];
  names: TargetNames;
  open: boolean;
  onToggle: () => void;
}) {
  const live = !isFinal(run.status);
  const hasOutput = run.stdout !== '' || run.stderr !== '';
  return (
    <Fragment>
      <Table.Tr data-computer={run.computerName} data-status={run.status}>
        <Table.Td w={44}>
          <ActionIcon
            variant="subtle"
            size="md"
            color="gray"
            aria-label={`${open ? 'Hide' : 'Show'} output of ${run.computerName}`}
            aria-expanded={open}
            onClick={onToggle}
          >
            {open ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
          </ActionIcon>
        </Table.Td>
        <Table.Td>
          <Anchor component={Link} href={paths.computer(run.computerId)} size="sm" fw={500}>
            {run.computerName}
          </Anchor>
        </Table.Td>
        <Table.Td>
          <RunStatusBadge status={run.status} />
        </Table.Td>
        <Table.Td>
          <Text size="sm" ff="monospace" data-testid="exit-code">
            {run.exitCode ?? (run.signal ? run.signal : '–')}
          </Text>
        </Table.Td>
        <Table.Td>
          <Text size="sm">{formatDuration(run.durationMs)}</Text>
        </Table.Td>
        {kind === 'wake' && (
          <Table.Td>
            <Text size="sm">
              {run.executorId ? (names.computer(run.executorId) ?? 'another computer') : '–'}
            </Text>
          </Table.Td>
        )}
        <Table.Td>
          <Text
            size="sm"
            c="dimmed"
            truncate="end"
            data-tooltip={run.message ?? undefined}
            ff={run.message ? undefined : 'monospace'}
          >
            {run.message ?? (hasOutput ? firstLine(run.stdout || run.stderr) : live ? '…' : '')}
          </Text>
        </Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr>
          <Table.Td colSpan={kind === 'wake' ? 7 : 6} p={0}>
            <RunOutput run={run} live={live} />
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** Each computer's result; a row unfolds to its output. */
export function RunsTable({ job, names }: { job: CommandDetail; names: TargetNames }) {
  const [status, setStatus] = useState<RunStatus | null>(null);
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  // A job on one computer is about that computer's output: show it straight away.
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() =>
    job.runs.length === 1 && job.runs[0] ? new Set([job.runs[0].computerId]) : new Set(),
  );

  const rows = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return job.runs.filter(
      (r) =>
        (status === null || r.status === status) &&
        (needle === '' || r.computerName.toLowerCase().includes(needle)),
    );
  }, [job.runs, status, search]);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const shown = rows.slice((Math.min(page, pages) - 1) * PAGE_SIZE, Math.min(page, pages) * PAGE_SIZE);

  const toggle = (id: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <Paper withBorder>
      <Group justify="space-between" p="sm" gap="sm">
        {/* Filtering pays off on a room or a fleet, not on a handful of computers. */}
        {job.runs.length <= 5 ? (
          <Text fw={600} size="sm">
            Results
          </Text>
        ) : (
          <Group gap="sm">
            <SearchInput
              aria-label="Search computers"
              placeholder="Search computer…"
              value={search}
              onSearch={(value) => {
                setSearch(value);
                setPage(1);
              }}
              onClear={() => setSearch('')}
              w={220}
              spellCheck={false}
              autoComplete="off"
            />
            <Select
              aria-label="Run status"
              placeholder={`All statuses (${job.runs.length})`}
              clearable
              w={200}
              data={statusCounts(job.counts).map((c) => ({
                value: c.status,
                label: `${RUN_STATUS_LABEL[c.status]} (${c.count})`,
              }))}
              value={status}
              onChange={(v) => {
                setStatus(v as RunStatus | null);
                setPage(1);
              }}
            />
          </Group>
        )}
        <Text size="sm" c="dimmed">
          {rows.length === job.runs.length
            ? `${rows.length} ${rows.length === 1 ? 'computer' : 'computers'}`
            : `${rows.length} of ${job.runs.length} computers`}
        </Text>
      </Group>
      <DelegatedTooltip>
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label="Results per computer" layout="fixed">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={44}>
                  <VisuallyHidden>Output</VisuallyHidden>
                </Table.Th>
                <Table.Th w={200}>Computer</Table.Th>
                <Table.Th w={130}>Status</Table.Th>
                <Table.Th w={70}>Exit</Table.Th>
                <Table.Th w={90}>Duration</Table.Th>
                {job.kind === 'wake' && <Table.Th w={160}>Sent by</Table.Th>}
                <Table.Th>Output / reason</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((run) => (
                <RunRow
                  key={run.computerId}
                  run={run}
                  kind={job.kind}
                  names={names}
                  open={expanded.has(run.computerId)}
                  onToggle={() => toggle(run.computerId)}
                />
              ))}
              {shown.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={7}>
                    <Text size="sm" c="dimmed" ta="center" py="md">
                      No computer matches.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </DelegatedTooltip>
      {pages > 1 && (
        <Group justify="center" p="sm">
          <Pagination total={pages} value={Math.min(page, pages)} onChange={setPage} />
        </Group>
      )}
    </Paper>
  );
}
