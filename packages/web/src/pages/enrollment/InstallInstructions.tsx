import type { EnrollmentTokenCreated } from '@labmgr/protocol';
import { Badge, Group, Stack, Tabs, Text, TextInput } from '@mantine/core';
import { IconBrandApple, IconBrandUbuntu, IconBrandWindows } from '@tabler/icons-react';
import { useState } from 'react';
import { formatDateTime } from '../../format/time.js';
import { CopyField } from '../admin/shared/CopyField.js';
import { SecretReveal } from '../admin/shared/SecretReveal.js';
import { type InstallOs, installRecipes } from './install-commands.js';

const OS_ICON: Record<InstallOs, typeof IconBrandUbuntu> = {
  linux: IconBrandUbuntu,
  macos: IconBrandApple,
  windows: IconBrandWindows,
};

/** A new token, shown once, with the commands that enroll a computer with it on each system. */
export function InstallInstructions({
  created,
  labName,
}: {
  created: EnrollmentTokenCreated;
  /** The lab computers enrolled with it join, if any. */
  labName: string | null;
}) {
  const server = window.location.origin;
  const https = server.startsWith('https:');
  const [fingerprint, setFingerprint] = useState('');
  const recipes = installRecipes({ server, token: created.token, fingerprint });
  const uses = created.usesLeft === 1 ? 'one computer' : `${created.usesLeft} computers`;

  return (
    <Stack gap="md">
      <SecretReveal
        ifLost="revoke it and create another"
        secret={created.token}
        copyLabel="Copy token"
        testId="enrollment-token-secret"
      >
        {' '}
        It enrolls {uses}
        {labName ? ` into ${labName}` : ''} until {formatDateTime(created.expiresAt)}.
      </SecretReveal>
      {https && (
        <TextInput
          label="Server certificate fingerprint"
          description="Only for a server with its own self-signed certificate: the SHA-256 fingerprint it logs at start. Agents pin it."
          placeholder="AB:CD:…"
          value={fingerprint}
          onChange={(e) => setFingerprint(e.currentTarget.value)}
          spellCheck={false}
          autoComplete="off"
        />
      )}
      <div>
        <Text fw={600} size="sm" mb={4}>
          Install on each lab computer
        </Text>
        <Tabs defaultValue="linux" keepMounted={false}>
          <Tabs.List>
            {recipes.map((recipe) => {
              const Icon = OS_ICON[recipe.os];
              return (
                <Tabs.Tab key={recipe.os} value={recipe.os} leftSection={<Icon size={16} stroke={1.7} />}>
                  {recipe.label}
                </Tabs.Tab>
              );
            })}
          </Tabs.List>
          {recipes.map((recipe) => (
            <Tabs.Panel key={recipe.os} value={recipe.os} pt="sm">
              <Stack gap="xs">
                <Group gap="xs" wrap="nowrap" align="flex-start">
                  <Badge variant="light" color={recipe.tested ? 'teal' : 'yellow'} style={{ flexShrink: 0 }}>
                    {recipe.tested ? 'Tested' : 'Untested'}
                  </Badge>
                  <Text size="xs" c="dimmed">
                    {recipe.note}
                  </Text>
                </Group>
                <CopyField
                  value={recipe.script}
                  copyLabel={`Copy ${recipe.label} commands`}
                  block
                  testId={`install-${recipe.os}`}
                />
              </Stack>
            </Tabs.Panel>
          ))}
        </Tabs>
      </div>
    </Stack>
  );
}
