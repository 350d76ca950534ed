import type { Role, UserDetail } from '@labmgr/protocol';
import { Modal, Select, Stack, Switch, TextInput } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useUpdateUser } from '../../../api/admin.js';
import { notifyError, notifySuccess } from '../../../components/notify.js';
import { FormActions } from '../shared/ModalActions.js';
import { isRole, ROLE_CHOICES, ROLE_META, SELF_REASONS, userChanges } from './user-model.js';

export interface EditUserModalProps {
  user: UserDetail | null;
  /** The signed-in admin is editing themselves: role and "disabled" stay as they are. */
  isSelf: boolean;
  onClose: () => void;
}

/** Changes a user's display name, role and whether they may sign in. */
export function EditUserModal({ user, isSelf, onClose }: EditUserModalProps) {
  const update = useUpdateUser();
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [disabled, setDisabled] = useState(false);

  useEffect(() => {
    if (!user) return;
    setDisplayName(user.displayName ?? '');
    setRole(user.role);
    setDisabled(user.disabled);
  }, [user]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!user) return;
    const changes = userChanges(user, { displayName, role, disabled });
    if (!changes) {
      onClose();
      return;
    }
    update.mutate(
      { id: user.id, body: changes },
      {
        onSuccess: (saved) => {
          notifySuccess(`Saved the changes to ${saved.username}.`);
          onClose();
        },
        onError: (error) => notifyError(error, `Could not change ${user.username}`),
      },
    );
  };

  return (
    <Modal opened={user !== null} onClose={onClose} title={user ? `Edit ${user.username}` : 'Edit user'}>
      <form onSubmit={submit}>
        <Stack gap="md">
          <TextInput
            label="Display name"
            description="Leave empty to show the username."
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
            maxLength={128}
            data-autofocus
            autoComplete="off"
          />
          <Select
            label="Role"
            description={isSelf ? SELF_REASONS.role : ROLE_META[role].description}
            data={ROLE_CHOICES}
            value={role}
            onChange={(value) => isRole(value) && setRole(value)}
            allowDeselect={false}
            disabled={isSelf}
          />
          <Switch
            label="Disabled"
            description={
              isSelf
                ? SELF_REASONS.disable
                : 'A disabled user cannot sign in; their sessions end and their API tokens stop working.'
            }
            checked={disabled}
            onChange={(e) => setDisabled(e.currentTarget.checked)}
            disabled={isSelf}
          />
          <FormActions submitLabel="Save changes" loading={update.isPending} onCancel={onClose} />
        </Stack>
      </form>
    </Modal>
  );
}
