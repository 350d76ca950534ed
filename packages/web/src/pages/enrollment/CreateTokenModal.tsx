import type { EnrollmentTokenCreated } from '@labmgr/protocol';
import { Modal, NumberInput, Select, Stack } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useCreateEnrollmentToken } from '../../api/enrollment.js';
import { useLabList } from '../../api/queries.js';
import { notifyError, notifySuccess } from '../../components/notify.js';
import { DoneAction, FormActions } from '../admin/shared/ModalActions.js';
import { DEFAULT_EXPIRY, EXPIRY_CHOICES } from './enrollment-model.js';
import { InstallInstructions } from './InstallInstructions.js';

const MAX_USES = 100_000;

/** Creates an enrollment token, then shows it once with the install commands. */
export function CreateTokenModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const create = useCreateEnrollmentToken();
  const labs = useLabList();
  const [expiry, setExpiry] = useState(DEFAULT_EXPIRY);
  const [uses, setUses] = useState<number | string>(1);
  const [labId, setLabId] = useState<string | null>(null);
  const [created, setCreated] = useState<EnrollmentTokenCreated | null>(null);

  const validUses = typeof uses === 'number' && Number.isInteger(uses) && uses >= 1 && uses <= MAX_USES;

  const close = () => {
    onClose();
    // Forget the secret once the dialog is gone; the next token starts from the defaults.
    setCreated(null);
    setExpiry(DEFAULT_EXPIRY);
    setUses(1);
    setLabId(null);
    create.reset();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!validUses) return;
    create.mutate(
      { expiresInSec: Number(expiry), uses, labId },
      {
        onSuccess: (token) => {
          setCreated(token);
          notifySuccess('Enrollment token created. Copy it now: it is shown only once.');
        },
        onError: (error) => notifyError(error, 'Could not create the token'),
      },
    );
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? 'Enroll computers with this token' : 'New enrollment token'}
      size={created ? 'xl' : 'md'}
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack gap="lg">
          <InstallInstructions
            created={created}
            labName={labs.data?.items.find((lab) => lab.id === labId)?.name ?? null}
          />
          <DoneAction onDone={close} />
        </Stack>
      ) : (
        <form onSubmit={submit}>
          <Stack gap="md">
            <Select
              label="Expires after"
              description="It cannot enroll computers after that, even with uses left."
              data={EXPIRY_CHOICES}
              value={expiry}
              onChange={(value) => value && setExpiry(value)}
              allowDeselect={false}
            />
            <NumberInput
              label="Number of uses"
              description="One per computer: a lab of 30 computers needs 30."
              min={1}
              max={MAX_USES}
              allowDecimal={false}
              allowNegative={false}
              value={uses}
              onChange={setUses}
              error={validUses ? undefined : `A whole number from 1 to ${MAX_USES.toLocaleString()}`}
            />
            <Select
              label="Target lab"
              description="Computers enrolled with it join this lab."
              placeholder={labs.isPending ? 'Loading labs…' : 'No lab'}
              data={(labs.data?.items ?? []).map((lab) => ({ value: lab.id, label: lab.name }))}
              value={labId}
              onChange={setLabId}
              clearable
              searchable
              nothingFoundMessage="No lab by that name"
              error={labs.isError ? `Labs could not be loaded: ${labs.error.message}` : undefined}
            />
            <FormActions
              submitLabel="Create token"
              loading={create.isPending}
              disabled={!validUses}
              onCancel={close}
            />
          </Stack>
        </form>
      )}
    </Modal>
  );
}
