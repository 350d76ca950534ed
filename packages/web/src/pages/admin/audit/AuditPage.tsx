import { EmptyState, Group, Pagination, Paper, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconListCheck } from '@tabler/icons-react';
import { type ReactNode, useMemo, useState } from 'react';
import { useAuditLog } from '../../../api/admin.js';
import { NoMatch } from '../../../components/NoMatch.js';
import { PageError } from '../../../components/PageError.js';
import { PageHeader } from '../../../components/PageHeader.js';
import { TableSkeleton } from '../../../components/TableSkeleton.js';
import { AdminOnly } from '../shared/AdminOnly.js';
import { AuditFilterBar } from './AuditFilterBar.js';
import { AuditTable } from './AuditTable.js';
import { type AuditFilters, auditRequest, hasFilters, NO_FILTERS, pageCount } from './audit-model.js';

const TITLE = 'Audit log';
const DESCRIPTION = 'Every change and sign-in: who did what, to what, when and from where.';

/** The audit log (admins), filtered and paged by the server. */
export function AuditPage() {
  return (
    <AdminOnly title={TITLE} description={DESCRIPTION} what="The audit log">
      <AuditLog />
    </AdminOnly>
  );
}

function AuditLog() {
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const [page, setPage] = useState(1);
  // Typing a name sends one request when the typing pauses, not one per key.
  const [debounced] = useDebouncedValue(filters, 300);
  const request = useMemo(() => auditRequest(debounced, page), [debounced, page]);
  const log = useAuditLog(request);

  const changeFilters = (next: AuditFilters) => {
    setFilters(next);
    setPage(1);
  };

  let body: ReactNode;
  if (log.isPending) {
    body = <TableSkeleton rows={10} label="Loading the audit log" />;
  } else if (!log.data) {
    body = (
      <PageError
        title="Could not load the audit log"
        error={log.error}
        retrying={log.isFetching}
        onRetry={() => void log.refetch()}
      />
    );
  } else if (log.data.items.length === 0) {
    body = hasFilters(debounced) ? (
      <NoMatch title="No entries match" description="Try another actor, action, target or date range." />
    ) : (
      <Paper withBorder py={48} px="lg">
        <EmptyState
          variant="light"
          icon={<IconListCheck size={26} stroke={1.7} />}
          title="Nothing recorded yet"
          description="Sign-ins and every change to users, tokens, relays and computers are recorded here."
        />
      </Paper>
    );
  } else {
    const { total, items } = log.data;
    const first = request.offset + 1;
    const last = request.offset + items.length;
    body = (
      <Stack gap="sm">
        <AuditTable
          entries={items}
          onFilterActor={(actor) => changeFilters({ ...filters, actor })}
          onFilterTarget={(target) => changeFilters({ ...filters, target })}
        />
        <Group justify="space-between" gap="sm">
          <Text size="sm" c="dimmed" aria-live="polite" data-testid="audit-range">
            {first.toLocaleString()}–{last.toLocaleString()} of {total.toLocaleString()} entries
          </Text>
          <Pagination
            total={pageCount(total)}
            value={page}
            onChange={setPage}
            hideWithOnePage
            withEdges
            size="sm"
            getControlProps={(control) => ({ 'aria-label': `${control} page` })}
          />
        </Group>
      </Stack>
    );
  }

  return (
    <Stack gap="lg">
      <PageHeader title={TITLE} description={DESCRIPTION} />
      <AuditFilterBar filters={filters} onChange={changeFilters} />
      {body}
    </Stack>
  );
}
