import { Button, Group, Pagination, Stack } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { type CommandListParams, useCommands } from '../../api/commands.js';
import { useLiveEvents } from '../../api/LiveProvider.js';
import { NoMatch } from '../../components/NoMatch.js';
import { PageError } from '../../components/PageError.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useActions } from '../../features/actions/index.js';
import { CommandsEmpty, CommandsSkeleton } from './CommandsStates.js';
import { CommandsTable } from './CommandsTable.js';
import { type CommandFilters, CommandsToolbar, hasFilters, NO_FILTERS } from './CommandsToolbar.js';
import { touchesJobs } from './job-model.js';
import { useTargetNames } from './useTargetNames.js';

const PAGE_SIZE = 50;
/** Live run changes refresh the page at most this often (a 1,000-computer job sends thousands). */
const REFRESH_MS = 1000;

/** The job history: every command sent, who sent it, where, and how each computer answered. */
export function CommandsPage() {
  const actions = useActions();
  const names = useTargetNames();
  const [filters, setFilters] = useState<CommandFilters>(NO_FILTERS);
  const [page, setPage] = useState(1);
  const [text] = useDebouncedValue(filters.text.trim(), 300);

  const params: CommandListParams = {
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
    ...(text !== '' ? { q: text } : {}),
    ...(filters.kind ? { kind: filters.kind } : {}),
    ...(filters.status !== 'all' ? { status: filters.status } : {}),
    ...(filters.who ? { createdBy: filters.who } : {}),
  };
  const commands = useCommands(params);
  const items = commands.data?.items;
  const ids = useMemo(() => new Set((items ?? []).map((j) => j.id)), [items]);

  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // A refresh still pending when the page closes is not needed any more.
  useEffect(() => () => clearTimeout(refreshTimer.current), []);
  useLiveEvents((events) => {
    const touched = touchesJobs(events, ids);
    // A job started elsewhere shows up on the first page only; others keep their place.
    if (touched === 'listed' || (touched === 'new' && page === 1)) {
      if (refreshTimer.current !== undefined) return;
      refreshTimer.current = setTimeout(() => {
        refreshTimer.current = undefined;
        void commands.refetch();
      }, REFRESH_MS);
    }
  });

  const changeFilters = (next: CommandFilters) => {
    setFilters(next);
    setPage(1);
  };

  let body: ReactNode;
  // The empty state offers its own "New command"; one such button on the page is enough.
  const empty = commands.data?.total === 0 && !hasFilters(filters) && page === 1;
  if (commands.isPending) {
    body = <CommandsSkeleton />;
  } else if (!commands.data) {
    body = (
      <PageError
        title="Could not load the commands"
        error={commands.error}
        retrying={commands.isFetching}
        onRetry={() => void commands.refetch()}
      />
    );
  } else if (empty) {
    body = <CommandsEmpty onNew={actions.canRun ? () => actions.open() : undefined} />;
  } else {
    const pages = Math.max(1, Math.ceil(commands.data.total / PAGE_SIZE));
    body = (
      <Stack gap="sm">
        <CommandsToolbar filters={filters} onChange={changeFilters} total={commands.data.total} />
        {commands.data.items.length > 0 ? (
          <CommandsTable jobs={commands.data.items} names={names} />
        ) : (
          <NoMatch
            title="No commands match"
            description="Try other words or filters."
            onClear={() => changeFilters(NO_FILTERS)}
          />
        )}
        {pages > 1 && (
          <Group justify="center">
            <Pagination
              total={pages}
              value={page}
              onChange={setPage}
              getControlProps={(control) => ({ 'aria-label': `${control} page` })}
            />
          </Group>
        )}
      </Stack>
    );
  }

  return (
    <Stack gap="lg">
      <PageHeader
        title="Commands"
        description="Everything sent to the computers, and how each one answered."
        align="flex-start"
        gap="md"
        action={
          actions.canRun &&
          !empty && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => actions.open()}>
              New command
            </Button>
          )
        }
      />
      {body}
      {actions.dialog}
    </Stack>
  );
}
