import type { ApiToken } from '@labmgr/protocol';
import { Button, Stack } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconKey, IconPlus } from '@tabler/icons-react';
import { useApiTokens, useRevokeApiToken } from '../../../api/admin.js';
import { EmptyPanel } from '../../../components/EmptyPanel.js';
import { PageHeader } from '../../../components/PageHeader.js';
import { ConfirmModal } from '../shared/ConfirmModal.js';
import { QueryBody } from '../shared/QueryBody.js';
import { useConfirmedRemoval } from '../shared/use-confirmed-removal.js';
import { ApiTokenTable } from './ApiTokenTable.js';
import { CreateApiTokenModal } from './CreateApiTokenModal.js';

/** The signed-in user's API tokens (every role has its own). */
export function ApiTokensPage() {
  const tokens = useApiTokens();
  const revoke = useRevokeApiToken();
  const [createOpened, createModal] = useDisclosure(false);

  const revoking = useConfirmedRemoval<ApiToken>(revoke, {
    done: (t) => `API token “${t.name}” revoked.`,
    failed: () => 'Could not revoke the token',
  });

  const createButton = (
    <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
      Create token
    </Button>
  );

  const body = (
    <QueryBody
      query={tokens}
      rows={4}
      loading="Loading API tokens"
      errorTitle="Could not load your API tokens"
    >
      {(data) =>
        data.items.length === 0 ? (
          <EmptyPanel
            icon={IconKey}
            title="No API tokens yet"
            description="A token lets a script or another tool call the Lab Manager API as you, without your password."
            action={createButton}
          />
        ) : (
          <ApiTokenTable tokens={data.items} onRevoke={revoking.ask} />
        )
      }
    </QueryBody>
  );

  return (
    <Stack gap="lg">
      <PageHeader
        title="API tokens"
        description="Your personal tokens for scripts and tools that call the API as you."
        action={createButton}
      />
      {body}
      <CreateApiTokenModal opened={createOpened} onClose={createModal.close} />
      <ConfirmModal {...revoking.modal} title="Revoke API token?" confirmLabel="Revoke token">
        Anything still using “{revoking.item?.name}” is refused from now on. This cannot be undone.
      </ConfirmModal>
    </Stack>
  );
}
