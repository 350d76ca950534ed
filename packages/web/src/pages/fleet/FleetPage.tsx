import type { ComputerSummary } from '@labmgr/protocol';
import { Stack, Text, Title } from '@mantine/core';
import { useLocalStorage } from '@mantine/hooks';
import { type ReactNode, useCallback, useDeferredValue, useMemo, useRef, useState } from 'react';
import { useLiveState } from '../../api/LiveProvider.js';
import { useComputers, useLabList } from '../../api/queries.js';
import { NoMatch } from '../../components/NoMatch.js';
import { PageError } from '../../components/PageError.js';
import { ComputerTable } from './ComputerTable.js';
import { FleetEmpty, FleetSkeleton } from './FleetStates.js';
import { FleetTiles } from './FleetTiles.js';
import { FleetToolbar, type FleetView } from './FleetToolbar.js';
import type { FleetFilter } from './fleet-model.js';
import {
  DEFAULT_SORT,
  filterChoices,
  filterComputers,
  nextSort,
  type SortKey,
  type SortState,
  sortComputers,
  summarize,
} from './fleet-model.js';
import { SelectionBar } from './SelectionBar.js';
import { SummaryCards } from './SummaryCards.js';
import { EMPTY_SELECTION, type Selection, toggle, toggleAll } from './selection.js';

function PageTitle() {
  return (
    <div>
      <Title order={2} fz={24}>
        Fleet
      </Title>
      <Text c="dimmed" size="sm">
        Every enrolled computer, updated live. Select computers to act on them together.
      </Text>
    </div>
  );
}

const NO_FILTER: Required<FleetFilter> = {
  search: '',
  status: 'all',
  lab: null,
  tag: null,
  os: null,
  lossy: null,
};

/** The fleet dashboard: summary cards, filters, the live computer table or tiles, bulk actions. */
export function FleetPage() {
  const live = useLiveState();
  const computers = useComputers(live);
  const labs = useLabList();
  const [filter, setFilter] = useState<Required<FleetFilter>>(NO_FILTER);
  const [sort, setSort] = useState<SortState>(DEFAULT_SORT);
  const [view, setView] = useLocalStorage<FleetView>({ key: 'labmgr.fleet.view', defaultValue: 'table' });
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  // Typing stays responsive on a big fleet: the table catches up a moment later.
  const deferredFilter = useDeferredValue(filter);

  const items = computers.data?.items;
  const summary = useMemo(() => summarize(items ?? []), [items]);
  const choices = useMemo(() => filterChoices(items ?? []), [items]);
  // Tiles keep their places (by name) so a wall of machines does not reshuffle
  // every second; the table sorts by whatever column was chosen.
  const order = view === 'tiles' ? DEFAULT_SORT : sort;
  const rows = useMemo(
    () => sortComputers(filterComputers(items ?? [], deferredFilter), order),
    [items, deferredFilter, order],
  );
  const onSort = useCallback((key: SortKey) => setSort((current) => nextSort(current, key)), []);
  const onFilterChange = useCallback(
    (change: Partial<FleetFilter>) => setFilter((current) => ({ ...current, ...change })),
    [],
  );

  // The toggles are stable for memoised rows; they read the order shown through
  // a ref, and list its ids only on a click (not on every render of the fleet).
  const shown = useRef(rows);
  shown.current = rows;
  const onToggle = useCallback(
    (id: string, extend: boolean) => setSelection((s) => toggle(s, id, extend, idsOf(shown.current))),
    [],
  );
  const onToggleAll = useCallback(() => setSelection((s) => toggleAll(s, idsOf(shown.current))), []);
  // Ids of computers that have since gone (retired) may stay in the selection:
  // only computers that exist are shown as selected or acted on.
  const selectedComputers = useMemo(
    () => (selection.ids.size === 0 ? [] : (items ?? []).filter((c) => selection.ids.has(c.id))),
    [items, selection],
  );

  let body: ReactNode;
  if (computers.isPending) {
    body = <FleetSkeleton />;
  } else if (!computers.data) {
    body = (
      <PageError
        title="Could not load the computers"
        error={computers.error}
        retrying={computers.isFetching}
        onRetry={() => void computers.refetch()}
      />
    );
  } else if (computers.data.items.length === 0) {
    body = (
      <Stack gap="lg">
        <SummaryCards
          summary={summary}
          status={filter.status}
          onStatusChange={(status) => onFilterChange({ status })}
        />
        <FleetEmpty />
      </Stack>
    );
  } else {
    body = (
      <Stack gap="lg">
        <SummaryCards
          summary={summary}
          status={filter.status}
          onStatusChange={(status) => onFilterChange({ status })}
        />
        <Stack gap="sm">
          <FleetToolbar
            filter={filter}
            onFilterChange={onFilterChange}
            labs={labs.data?.items ?? []}
            tags={choices.tags}
            osNames={choices.os}
            lossyCount={choices.lossy}
            view={view}
            onViewChange={setView}
            summary={summary}
            shown={rows.length}
          />
          {selectedComputers.length > 0 && (
            <SelectionBar computers={selectedComputers} onClear={() => setSelection(EMPTY_SELECTION)} />
          )}
          {rows.length === 0 ? (
            <NoMatch
              title="No computers match"
              description="Try another name or status."
              onClear={() => setFilter(NO_FILTER)}
            />
          ) : view === 'tiles' ? (
            <FleetTiles computers={rows} selected={selection.ids} onToggle={onToggle} />
          ) : (
            <ComputerTable
              computers={rows}
              sort={sort}
              onSort={onSort}
              selected={selection.ids}
              onToggle={onToggle}
              onToggleAll={onToggleAll}
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

function idsOf(computers: readonly ComputerSummary[]): string[] {
  return computers.map((c) => c.id);
}
