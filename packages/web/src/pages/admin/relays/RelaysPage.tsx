import type { RelaySummary } from '@labmgr/protocol';
import { Button, Group, Stack, Switch, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus, IconServer2 } from '@tabler/icons-react';
import { useState } from 'react';
import { useDeleteRelay, useRelays } from '../../../api/admin.js';
import { EmptyPanel } from '../../../components/EmptyPanel.js';
import { NoMatch } from '../../../components/NoMatch.js';
import { PageHeader } from '../../../components/PageHeader.js';
import { AdminOnly } from '../shared/AdminOnly.js';
import { ConfirmModal } from '../shared/ConfirmModal.js';
import { QueryBody } from '../shared/QueryBody.js';
import { useConfirmedRemoval } from '../shared/use-confirmed-removal.js';
import { RegisterRelayModal } from './RegisterRelayModal.js';
import { RelayTable } from './RelayTable.js';

const TITLE = 'Relays';
const DESCRIPTION = 'The relays that carry agents’ connections to this server, one per building or network.';

/** Relays (admins): status, agents, register and delete. */
export function RelaysPage() {
  return (
    <AdminOnly title={TITLE} description={DESCRIPTION} what="Managing relays">
      <RelaysAdmin />
    </AdminOnly>
  );
}

function RelaysAdmin() {
  const relays = useRelays();
  const remove = useDeleteRelay();
  const [registerOpened, registerModal] = useDisclosure(false);
  const [showDeleted, setShowDeleted] = useState(false);

  const deleting = useConfirmedRemoval<RelaySummary>(remove, {
    done: (r) => `Relay ${r.name} deleted: its token no longer works.`,
    failed: (r) => `Could not delete relay ${r.name}`,
  });

  const registerButton = (
    <Button leftSection={<IconPlus size={16} />} onClick={registerModal.open}>
      Register relay
    </Button>
  );

  const body = (
    <QueryBody query={relays} rows={3} loading="Loading relays" errorTitle="Could not load the relays">
      {(data) => {
        if (data.items.length === 0) {
          return (
            <EmptyPanel
              icon={IconServer2}
              title="No relays registered"
              description="Agents connect to a relay, which forwards their data here. Register one to get its token and start command."
              action={registerButton}
            />
          );
        }
        const all = data.items;
        const deleted = all.filter((r) => r.revokedAt !== null).length;
        const shown = showDeleted ? all : all.filter((r) => r.revokedAt === null);
        return (
          <Stack gap="sm">
            <Group justify="space-between" gap="sm">
              <Text size="sm" c="dimmed">
                {all.length - deleted} {all.length - deleted === 1 ? 'relay' : 'relays'} · status refreshes
                every 15 s
              </Text>
              {deleted > 0 && (
                <Switch
                  label={`Show deleted (${deleted})`}
                  checked={showDeleted}
                  onChange={(e) => setShowDeleted(e.currentTarget.checked)}
                />
              )}
            </Group>
            {shown.length > 0 ? (
              <RelayTable relays={shown} onDelete={deleting.ask} />
            ) : (
              <NoMatch
                icon={IconServer2}
                title="Every relay has been deleted"
                description="Register a relay for agents to connect to."
                py={40}
              />
            )}
          </Stack>
        );
      }}
    </QueryBody>
  );

  return (
    <Stack gap="lg">
      <PageHeader title={TITLE} description={DESCRIPTION} action={registerButton} />
      {body}
      <RegisterRelayModal opened={registerOpened} onClose={registerModal.close} />
      <ConfirmModal {...deleting.modal} title="Delete relay?" confirmLabel="Delete relay">
        Relay {deleting.item?.name}’s token stops working at once: it can no longer forward data or commands,
        and its {deleting.item?.connectedAgents ?? 0} connected agents lose their link to this server until
        they reach another relay. Its name cannot be reused.
      </ConfirmModal>
    </Stack>
  );
}
