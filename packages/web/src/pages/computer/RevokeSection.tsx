import type { ComputerDetail } from '@labmgr/protocol';
import { Button, Card, Group, List, Modal, Stack, Text } from '@mantine/core';
import { IconBan } from '@tabler/icons-react';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { useRevokeComputer } from '../../api/computer.js';
import { paths } from '../../app/paths.js';
import { notifyError, notifySuccess } from '../../components/notify.js';
import { shownName } from '../fleet/fleet-model.js';

const DISCONNECT_NOTE = {
  disconnected: 'Its agent was disconnected.',
  offline: 'It was not connected.',
  'unknown-agent': 'It was not connected.',
  'relay-unreachable': 'Its relay did not answer; the agent is refused at its next connection.',
} as const;

/** Retiring a computer for good (administrators), behind a confirmation that says what it does. */
export function RevokeSection({ computer }: { computer: ComputerDetail }) {
  const [open, setOpen] = useState(false);
  const revoke = useRevokeComputer(computer.id);
  const [, navigate] = useLocation();
  const name = shownName(computer);

  const confirm = () =>
    revoke.mutate(undefined, {
      onSuccess: (result) => {
        notifySuccess(`${name} was retired. ${DISCONNECT_NOTE[result.disconnect]}`, 'Computer retired');
        navigate(paths.fleet);
      },
      onError: (error) => notifyError(error, `Could not retire ${name}`),
    });

  return (
    <Card padding="md" style={{ borderColor: 'var(--mantine-color-red-outline)' }}>
      <Group justify="space-between" gap="md">
        <div>
          <Text fw={600} size="sm">
            Retire and revoke
          </Text>
          <Text size="sm" c="dimmed">
            For a computer that left the lab or was replaced. Its agent can no longer connect.
          </Text>
        </div>
        <Button color="red" variant="light" leftSection={<IconBan size={16} />} onClick={() => setOpen(true)}>
          Retire computer…
        </Button>
      </Group>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Retire ${name}?`} centered>
        <Stack gap="md">
          <List size="sm" spacing={6}>
            <List.Item>
              Its agent's credential stops working now, and a connected agent is disconnected.
            </List.Item>
            <List.Item>
              It leaves the fleet, its lab and every list; commands can no longer reach it.
            </List.Item>
            <List.Item>To manage it again, enroll its agent anew with an enrollment token.</List.Item>
          </List>
          <Text size="sm" fw={500}>
            This cannot be undone from this page.
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setOpen(false)} disabled={revoke.isPending}>
              Cancel
            </Button>
            <Button color="red" onClick={confirm} loading={revoke.isPending}>
              Retire {name}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
