import type { UserDetail } from '@labmgr/protocol';
import { Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useUpdateUser } from '../../../api/admin.js';
import { notifyError, notifySuccess } from '../../../components/notify.js';
import { passwordProblem } from '../../account/password-rules.js';
import { FormActions } from '../shared/ModalActions.js';

/** An administrator sets a new password for a user (who is signed out everywhere). */
export function ResetPasswordModal({ user, onClose }: { user: UserDetail | null; onClose: () => void }) {
  const update = useUpdateUser();
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const problem = passwordProblem(password);

  useEffect(() => {
    if (!user) return;
    setPassword('');
    setTouched(false);
  }, [user]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!user || problem) return;
    update.mutate(
      { id: user.id, body: { password } },
      {
        onSuccess: () => {
          notifySuccess(`New password set for ${user.username}; their sessions have ended.`);
          onClose();
        },
        onError: (error) => notifyError(error, 'Could not reset the password'),
      },
    );
  };

  return (
    <Modal opened={user !== null} onClose={onClose} title={user ? `Reset password of ${user.username}` : ''}>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            They are signed out everywhere and sign in again with the new password. Their API tokens keep
            working.
          </Text>
          <PasswordInput
            label="New password"
            description="At least 12 characters."
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={touched ? problem : undefined}
            autoComplete="new-password"
            data-autofocus
          />
          <FormActions submitLabel="Set password" loading={update.isPending} onCancel={onClose} />
        </Stack>
      </form>
    </Modal>
  );
}
