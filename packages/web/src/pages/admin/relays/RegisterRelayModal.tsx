import type { RelayCreated } from '@labmgr/protocol';
import { RelayCreate } from '@labmgr/protocol';
import { List, Modal, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useCreateRelay } from '../../../api/admin.js';
import { notifyError, notifySuccess } from '../../../components/notify.js';
import { CommandField } from '../shared/CopyField.js';
import { DoneAction, FormActions } from '../shared/ModalActions.js';
import { SecretReveal } from '../shared/SecretReveal.js';
import { relayStartCommand } from './relay-model.js';

function nameProblem(name: string): string | null {
  if (name === '') return 'Enter a name, e.g. the building or network it serves';
  return RelayCreate.safeParse({ name }).success
    ? null
    : 'Up to 64 letters, digits and . _ -, starting with a letter or digit';
}

/** Registers a relay: its service token once, and the command that starts it. */
export function RegisterRelayModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const create = useCreateRelay();
  const [name, setName] = useState('');
  const [touched, setTouched] = useState(false);
  const [created, setCreated] = useState<RelayCreated | null>(null);
  const problem = nameProblem(name.trim());

  const close = () => {
    onClose();
    setCreated(null);
    setName('');
    setTouched(false);
    create.reset();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (problem) return;
    create.mutate(name.trim(), {
      onSuccess: (relay) => {
        setCreated(relay);
        notifySuccess(`Relay ${relay.name} registered. Copy its token now: it is shown only once.`);
      },
      onError: (error) => notifyError(error, 'Could not register the relay'),
    });
  };

  const https = window.location.protocol === 'https:';

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? `Start relay ${created.name}` : 'Register a relay'}
      size={created ? 'xl' : 'md'}
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack gap="md">
          <SecretReveal
            ifLost="delete the relay and register it again under another name"
            secret={created.token}
            copyLabel="Copy relay token"
            testId="relay-token-secret"
          >
            {' '}
            It is the relay’s service token: pass it in the environment as below, not as --token (command
            lines are visible to every user of the machine).
          </SecretReveal>
          <CommandField
            title="Start the relay with it"
            value={relayStartCommand(window.location.origin, created.name, created.token)}
            copyLabel="Copy start command"
            testId="relay-start-command"
          />
          <List size="sm" spacing={4} c="dimmed">
            <List.Item>
              Agents connect on port 8081 (LABMGR_RELAY_PORT). The relay appears online here within 30
              seconds.
            </List.Item>
            <List.Item>
              On another machine than this server, also set LABMGR_RELAY_CONTROL_URL to the address where the
              server reaches the relay, e.g. http://relay-host:8081.
            </List.Item>
            {https && (
              <List.Item>
                This server uses HTTPS: with its own certificate, give the relay its CA file in
                LABMGR_RELAY_BACKEND_CA, and LABMGR_RELAY_TLS_CERT / LABMGR_RELAY_TLS_KEY to serve agents over
                WSS.
              </List.Item>
            )}
          </List>
          <DoneAction onDone={close} />
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <TextInput
              label="Relay name"
              description="Names the relay here and in its logs, e.g. building-a."
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={touched ? problem : undefined}
              maxLength={64}
              required
              data-autofocus
              autoComplete="off"
              spellCheck={false}
            />
            <FormActions submitLabel="Register relay" loading={create.isPending} onCancel={close} />
          </Stack>
        </form>
      )}
    </Modal>
  );
}
