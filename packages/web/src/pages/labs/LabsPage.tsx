import type { ComputerSummary, Lab } from '@labmgr/protocol';
import { Button, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { type ReactNode, useCallback, useDeferredValue, useMemo, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import { useLiveState } from '../../api/LiveProvider.js';
import { useComputers, useLabList } from '../../api/queries.js';
import { paths } from '../../app/paths.js';
import { isAdmin, useRole } from '../../app/use-role.js';
import { NoMatch } from '../../components/NoMatch.js';
import { PageError } from '../../components/PageError.js';
import { PageHeader } from '../../components/PageHeader.js';
import { SearchInput } from '../../components/SearchInput.js';
import { DeleteLabModal } from './DeleteLabModal.js';
import { LabCard } from './LabCard.js';
import { LabFormModal } from './LabFormModal.js';
import { LAB_GRID_COLS, LabsEmpty, LabsSkeleton } from './LabsStates.js';
import { computersByLab, filterLabs, reuseUnchanged } from './lab-model.js';

const NONE: readonly ComputerSummary[] = [];

/** The form's lab: none for a new one. Kept after closing so the title does not change while it fades out. */
type Editing = { kind: 'create' } | { kind: 'edit'; lab: Lab };

/** The labs page: every room as a card with its live figures; administrators create, edit and delete. */
export function LabsPage() {
  const role = useRole();
  const canEdit = isAdmin(role);
  const [, navigate] = useLocation();
  const labs = useLabList();
  const computers = useComputers(useLiveState());
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search);
  const [editing, setEditing] = useState<Editing>({ kind: 'create' });
  const [formOpened, setFormOpened] = useState(false);
  const [deleting, setDeleting] = useState<Lab | null>(null);

  const previousByLab = useRef(new Map<string, ComputerSummary[]>());
  const byLab = useMemo(() => {
    previousByLab.current = reuseUnchanged(
      previousByLab.current,
      computersByLab(computers.data?.items ?? NONE),
    );
    return previousByLab.current;
  }, [computers.data]);
  const shown = useMemo(
    () => filterLabs(labs.data?.items ?? [], deferredSearch),
    [labs.data, deferredSearch],
  );
  const onEdit = useCallback((lab: Lab) => {
    setEditing({ kind: 'edit', lab });
    setFormOpened(true);
  }, []);
  const onDelete = useCallback((lab: Lab) => setDeleting(lab), []);
  const create = () => {
    setEditing({ kind: 'create' });
    setFormOpened(true);
  };

  let body: ReactNode;
  if (labs.isPending) {
    body = <LabsSkeleton />;
  } else if (!labs.data) {
    body = (
      <PageError
        title="Could not load the labs"
        error={labs.error}
        retrying={labs.isFetching}
        onRetry={() => void labs.refetch()}
      />
    );
  } else if (labs.data.items.length === 0) {
    body = <LabsEmpty canCreate={canEdit} onCreate={create} />;
  } else {
    const total = labs.data.items.length;
    body = (
      <Stack gap="sm">
        <Group justify="space-between" gap="sm">
          <SearchInput
            aria-label="Search labs"
            placeholder="Search name, building or room…"
            value={search}
            onSearch={setSearch}
            clearOnEscape
            w={{ base: '100%', xs: 320 }}
            spellCheck={false}
            autoComplete="off"
          />
          <Text size="sm" c="dimmed" aria-live="polite">
            {shown.length === total
              ? `${total} ${total === 1 ? 'lab' : 'labs'}`
              : `${shown.length} of ${total} labs`}
          </Text>
        </Group>
        {shown.length === 0 ? (
          <NoMatch
            title="No labs match"
            description="Try another name, building or room."
            clearLabel="Clear search"
            onClear={() => setSearch('')}
          />
        ) : (
          <SimpleGrid cols={LAB_GRID_COLS} spacing="md">
            {shown.map((lab) => (
              <LabCard
                key={lab.id}
                lab={lab}
                computers={byLab.get(lab.id) ?? NONE}
                canEdit={canEdit}
                onEdit={onEdit}
                onDelete={onDelete}
              />
            ))}
          </SimpleGrid>
        )}
      </Stack>
    );
  }

  return (
    <Stack gap="lg">
      <PageHeader
        title="Labs"
        description="Rooms and their seat plans; open one to watch and act on the whole room."
        action={
          canEdit && (
            <Button leftSection={<IconPlus size={16} />} onClick={create}>
              New lab
            </Button>
          )
        }
      />
      {body}
      <LabFormModal
        opened={formOpened}
        lab={editing.kind === 'edit' ? editing.lab : undefined}
        onClose={() => setFormOpened(false)}
        onSaved={(lab) => {
          if (editing.kind === 'create') navigate(paths.lab(lab.id));
        }}
      />
      <DeleteLabModal
        lab={deleting}
        computerCount={deleting ? (byLab.get(deleting.id)?.length ?? deleting.computerCount) : 0}
        onClose={() => setDeleting(null)}
      />
    </Stack>
  );
}
