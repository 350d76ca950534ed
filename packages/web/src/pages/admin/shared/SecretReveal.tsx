import { Alert, Stack } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { CopyField } from './CopyField.js';

export interface SecretRevealProps {
  secret: string;
  copyLabel: string;
  /** What to do if it is lost ("revoke it and create another"). */
  ifLost: string;
  /** What the secret is for and where to put it. */
  children?: ReactNode;
  testId?: string;
}

/** A secret the server shows once: a warning to copy it now, the value and a copy button. */
export function SecretReveal({ secret, copyLabel, ifLost, children, testId }: SecretRevealProps) {
  return (
    <Stack gap="sm">
      <Alert
        variant="light"
        color="yellow"
        icon={<IconAlertTriangle size={18} />}
        title="Copy it now: it is shown only once"
      >
        The server keeps only a hash of it. If it is lost, {ifLost}.{children}
      </Alert>
      <CopyField value={secret} copyLabel={copyLabel} testId={testId} />
    </Stack>
  );
}
