import { Stack, Text, Title } from '@mantine/core';
import { type ReactNode, useCallback, useDeferredValue, useMemo, useState } from 'react';
import { useLiveState } from '../../api/LiveProvider.js';
import { useComputers } from '../../api/queries.js';
import { ComputerTable } from './ComputerTable.js';
import { FleetEmpty, FleetError, FleetNoMatch, FleetSkeleton } from './FleetStates.js';
import { FleetToolbar } from './FleetToolbar.js';
import {
  DEFAULT_SORT,
  filterComputers,
  nextSort,
  type SortKey,
  type SortState,
  type StatusFilter,
  sortComputers,
  summarize,
} from './fleet-model.js';
import { SummaryCards } from './SummaryCards.js';

function PageTitle() {
  return (
    <div>
      <Title order={2} fz={24}>
        Fleet
      </Title>
      <Text c="dimmed" size="sm">
        Every enrolled computer, updated live.
      </Text>
    </div>
  );
}

/** The fleet dashboard: summary cards, filters and the live computer table. */
export function FleetPage() {
  const live = useLiveState();
  const computers = useComputers(live);
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<StatusFilter>('all');
  const [sort, setSort] = useState<SortState>(DEFAULT_SORT);
  // Typing stays responsive on a big fleet: the table catches up a moment later.
  const deferredSearch = useDeferredValue(search);

  const items = computers.data?.items;
  const summary = useMemo(() => summarize(items ?? []), [items]);
  const rows = useMemo(
    () => sortComputers(filterComputers(items ?? [], { search: deferredSearch, status }), sort),
    [items, deferredSearch, status, sort],
  );
  const onSort = useCallback((key: SortKey) => setSort((current) => nextSort(current, key)), []);

  let body: ReactNode;
  if (computers.isPending) {
    body = <FleetSkeleton />;
  } else if (!computers.data) {
    body = (
      <FleetError
        message={computers.error?.message ?? 'Unknown error.'}
        retrying={computers.isFetching}
        onRetry={() => void computers.refetch()}
      />
    );
  } else if (computers.data.items.length === 0) {
    body = (
      <Stack gap="lg">
        <SummaryCards summary={summary} />
        <FleetEmpty />
      </Stack>
    );
  } else {
    body = (
      <Stack gap="lg">
        <SummaryCards summary={summary} />
        <Stack gap="sm">
          <FleetToolbar
            search={search}
            onSearchChange={setSearch}
            status={status}
            onStatusChange={setStatus}
            summary={summary}
            shown={rows.length}
          />
          {rows.length > 0 ? (
            <ComputerTable computers={rows} sort={sort} onSort={onSort} />
          ) : (
            <FleetNoMatch
              onClear={() => {
                setSearch('');
                setStatus('all');
              }}
            />
          )}
        </Stack>
      </Stack>
    );
  }

  return (
    <Stack gap="lg">
      <PageTitle />
      {body}
    </Stack>
  );
}
