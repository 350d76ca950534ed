import type { Role } from '@labmgr/protocol';
import { Modal, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useCreateUser } from '../../../api/admin.js';
import { notifyError, notifySuccess } from '../../../components/notify.js';
import { passwordProblem, usernameProblem } from '../../account/password-rules.js';
import { FormActions } from '../shared/ModalActions.js';
import { isRole, ROLE_CHOICES, ROLE_META } from './user-model.js';

/** Creates a user with an initial password the admin passes on. */
export function CreateUserModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const create = useCreateUser();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);

  const usernameError = usernameProblem(username.trim());
  const passwordError = passwordProblem(password);

  const close = () => {
    onClose();
    setUsername('');
    setDisplayName('');
    setRole('viewer');
    setPassword('');
    setTouched(false);
    create.reset();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (usernameError || passwordError) return;
    const name = username.trim();
    create.mutate(
      { username: name, displayName: displayName.trim() || null, role, password },
      {
        onSuccess: () => {
          notifySuccess(`User ${name} created as ${ROLE_META[role].label.toLowerCase()}.`);
          close();
        },
        onError: (error) => notifyError(error, 'Could not create the user'),
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title="New user">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label="Username"
            description="Used to sign in: letters, digits and . _ @ -"
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            error={touched ? usernameError : undefined}
            required
            data-autofocus
            autoComplete="off"
            spellCheck={false}
          />
          <TextInput
            label="Display name"
            description="Optional; shown instead of the username."
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
            maxLength={128}
            autoComplete="off"
          />
          <Select
            label="Role"
            description={ROLE_META[role].description}
            data={ROLE_CHOICES}
            value={role}
            onChange={(value) => isRole(value) && setRole(value)}
            allowDeselect={false}
          />
          <PasswordInput
            label="Initial password"
            description="At least 12 characters. Give it to the user; they can change it on their account page."
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={touched ? passwordError : undefined}
            required
            autoComplete="new-password"
          />
          <FormActions submitLabel="Create user" loading={create.isPending} onCancel={close} />
        </Stack>
      </form>
    </Modal>
  );
}
