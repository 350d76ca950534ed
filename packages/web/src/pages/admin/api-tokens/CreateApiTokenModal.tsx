import type { ApiTokenCreated, ApiTokenScope } from '@labmgr/protocol';
import { Modal, Radio, Select, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useCreateApiToken } from '../../../api/admin.js';
import { notifyError, notifySuccess } from '../../../components/notify.js';
import { CommandField } from '../shared/CopyField.js';
import { DoneAction, FormActions } from '../shared/ModalActions.js';
import { SecretReveal } from '../shared/SecretReveal.js';
import {
  DEFAULT_TOKEN_EXPIRY,
  exampleCall,
  expiresInSec,
  SCOPE_META,
  TOKEN_EXPIRY_CHOICES,
} from './api-token-model.js';

/** Creates an API token for the signed-in user, then shows its secret once. */
export function CreateApiTokenModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const create = useCreateApiToken();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<ApiTokenScope>('read');
  const [expiry, setExpiry] = useState(DEFAULT_TOKEN_EXPIRY);
  const [touched, setTouched] = useState(false);
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const nameError = name.trim() === '' ? 'Give it a name that says where it is used' : null;

  const close = () => {
    onClose();
    setCreated(null);
    setName('');
    setScope('read');
    setExpiry(DEFAULT_TOKEN_EXPIRY);
    setTouched(false);
    create.reset();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (nameError) return;
    create.mutate(
      { name: name.trim(), scope, expiresInSec: expiresInSec(expiry) },
      {
        onSuccess: (token) => {
          setCreated(token);
          notifySuccess(`API token “${token.name}” created. Copy it now: it is shown only once.`);
        },
        onError: (error) => notifyError(error, 'Could not create the token'),
      },
    );
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? `API token “${created.name}”` : 'New API token'}
      size={created ? 'lg' : 'md'}
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack gap="md">
          <SecretReveal
            ifLost="revoke it and create another"
            secret={created.token}
            copyLabel="Copy API token"
            testId="api-token-secret"
          >
            {' '}
            Send it as a Bearer token; it acts as you,{' '}
            {created.scope === 'read' ? 'for reading only' : 'with everything your role allows'}.
          </SecretReveal>
          <CommandField
            title="Try it"
            value={exampleCall(window.location.origin, created.token)}
            copyLabel="Copy example command"
          />
          <DoneAction onDone={close} />
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <TextInput
              label="Name"
              description="Where it is used, e.g. “Grafana” or “inventory script”."
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={touched ? nameError : undefined}
              maxLength={100}
              required
              data-autofocus
              autoComplete="off"
            />
            <Radio.Group
              label="Scope"
              value={scope}
              onChange={(value) => setScope(value === 'write' ? 'write' : 'read')}
            >
              <Stack gap="xs" mt={6}>
                {(['read', 'write'] as const).map((s) => (
                  <Radio
                    key={s}
                    value={s}
                    label={SCOPE_META[s].label}
                    description={SCOPE_META[s].description}
                  />
                ))}
              </Stack>
            </Radio.Group>
            <Select
              label="Expires after"
              data={TOKEN_EXPIRY_CHOICES}
              value={expiry}
              onChange={(value) => value !== null && setExpiry(value)}
              allowDeselect={false}
            />
            <FormActions submitLabel="Create token" loading={create.isPending} onCancel={close} />
          </Stack>
        </form>
      )}
    </Modal>
  );
}
