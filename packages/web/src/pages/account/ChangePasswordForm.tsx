import { Alert, Button, Group, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useChangePassword } from '../../api/admin.js';
import { notifySuccess } from '../../components/notify.js';
import { passwordChangeError } from './password-errors.js';
import { passwordProblem } from './password-rules.js';

/** The signed-in user changes their own password (their other sessions end). */
export function ChangePasswordForm() {
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [touched, setTouched] = useState(false);

  const newProblem = passwordProblem(next);
  const confirmProblem = confirm !== next ? 'The two new passwords differ' : null;
  const currentProblem = current === '' ? 'Enter your current password' : null;
  const serverError = change.error ? passwordChangeError(change.error) : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (currentProblem || newProblem || confirmProblem) return;
    change.mutate(
      { currentPassword: current, newPassword: next },
      {
        onSuccess: () => {
          notifySuccess('Password changed. Your other sessions have been signed out.');
          setCurrent('');
          setNext('');
          setConfirm('');
          setTouched(false);
        },
      },
    );
  };

  return (
    <Paper withBorder p="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="md" maw={440}>
          <div>
            <Title order={3} fz="lg">
              Change password
            </Title>
            <Text size="sm" c="dimmed">
              You stay signed in here; every other session of yours is signed out.
            </Text>
          </div>
          {serverError && serverError.field === null && (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
              {serverError.message}
            </Alert>
          )}
          <PasswordInput
            label="Current password"
            value={current}
            onChange={(e) => {
              setCurrent(e.currentTarget.value);
              change.reset();
            }}
            error={
              serverError?.field === 'currentPassword'
                ? serverError.message
                : touched
                  ? currentProblem
                  : undefined
            }
            autoComplete="current-password"
            required
          />
          <PasswordInput
            label="New password"
            description="At least 12 characters. A short sentence is easy to remember and hard to guess."
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            error={
              serverError?.field === 'newPassword' ? serverError.message : touched ? newProblem : undefined
            }
            autoComplete="new-password"
            required
          />
          <PasswordInput
            label="Confirm new password"
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={touched ? confirmProblem : undefined}
            autoComplete="new-password"
            required
          />
          <Group>
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
