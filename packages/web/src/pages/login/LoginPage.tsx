import { Alert, Button, Card, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client.js';
import { useLogin } from '../../api/queries.js';
import { ColorSchemeToggle } from '../../components/ColorSchemeToggle.js';
import { LogoMark } from '../../components/LogoMark.js';
import classes from './LoginPage.module.css';

interface FieldErrors {
  username?: string;
  password?: string;
}

/** Heading and text of a failed sign-in; the server's own message wins when it sent one. */
function describeError(error: Error): { title: string; message: string } {
  if (error instanceof ApiError) {
    if (error.status === 401) return { title: 'Sign-in failed', message: error.message };
    if (error.status === 429) return { title: 'Too many attempts', message: error.message };
    if (error.status === 0) return { title: 'Server unreachable', message: error.message };
  }
  return { title: 'Sign-in failed', message: error.message };
}

/** The sign-in form: the whole app for anyone not signed in. */
export function LoginPage() {
  const login = useLogin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const errors: FieldErrors = {};
    if (username.trim() === '') errors.username = 'Enter your username';
    if (password === '') errors.password = 'Enter your password';
    setFieldErrors(errors);
    if (errors.username || errors.password) {
      login.reset();
      return;
    }
    login.mutate({ username: username.trim(), password });
  };

  const failure = login.error ? describeError(login.error) : null;

  return (
    <main className={classes.page}>
      <div className={classes.toggle}>
        <ColorSchemeToggle />
      </div>
      <Stack className={classes.panel} gap="xl">
        <Stack gap={10} align="center">
          <LogoMark size={48} />
          <Text component="h1" className={classes.brand} m={0}>
            Lab Manager
          </Text>
          <Text c="dimmed" ta="center" size="sm">
            Every computer in your labs, live, on one page.
          </Text>
        </Stack>

        <Card className={classes.card} padding="xl">
          <form onSubmit={submit} noValidate aria-label="Sign in to Lab Manager">
            <Stack gap="md">
              {failure && (
                <Alert
                  variant="light"
                  color="red"
                  title={failure.title}
                  icon={<IconAlertCircle size={18} />}
                  role="alert"
                >
                  {failure.message}
                </Alert>
              )}
              <TextInput
                label="Username"
                name="username"
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                autoFocus
                value={username}
                onChange={(e) => {
                  setUsername(e.currentTarget.value);
                  setFieldErrors((f) => ({ ...f, username: undefined }));
                }}
                error={fieldErrors.username}
                size="md"
              />
              <PasswordInput
                label="Password"
                name="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => {
                  setPassword(e.currentTarget.value);
                  setFieldErrors((f) => ({ ...f, password: undefined }));
                }}
                error={fieldErrors.password}
                size="md"
                // Named without the word "password" so the field keeps the only label that says it.
                visibilityToggleButtonProps={{ 'aria-label': 'Show characters' }}
              />
              <Button type="submit" size="md" fullWidth loading={login.isPending} mt="xs">
                Sign in
              </Button>
            </Stack>
          </form>
        </Card>

        <Text c="dimmed" size="xs" ta="center">
          No account or forgot your password? Ask your Lab Manager administrator.
        </Text>
      </Stack>
    </main>
  );
}
