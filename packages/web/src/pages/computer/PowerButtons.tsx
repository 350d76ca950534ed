import type { ComputerDetail, PowerAction } from '@labmgr/protocol';
import { Button, Group, Menu } from '@mantine/core';
import {
  IconChevronDown,
  IconFileCode,
  IconLock,
  IconLogout,
  IconMessage,
  IconPower,
  IconRefresh,
  IconSunrise,
} from '@tabler/icons-react';
import { type ActionTarget, useActions } from '../../features/actions/index.js';
import { shownName } from '../fleet/fleet-model.js';

const ICON = { size: 16, stroke: 1.8 } as const;

/**
 * Power and session actions for this computer, through the shared actions
 * dialog (which confirms each one by name). Wake when it is offline; nothing
 * for viewers.
 */
export function PowerButtons({ computer }: { computer: ComputerDetail }) {
  const actions = useActions();
  if (!actions.canRun) return null;
  const target: ActionTarget = {
    type: 'computers',
    computers: [{ id: computer.id, name: shownName(computer) }],
  };
  const power = (action: PowerAction) => actions.open({ kind: 'power', power: action, target });

  return (
    <Group gap="xs" wrap="nowrap">
      {computer.status === 'online' ? (
        <>
          <Button variant="default" leftSection={<IconRefresh {...ICON} />} onClick={() => power('reboot')}>
            Reboot
          </Button>
          <Button variant="default" leftSection={<IconPower {...ICON} />} onClick={() => power('shutdown')}>
            Shut down
          </Button>
        </>
      ) : (
        <Button
          variant="light"
          leftSection={<IconSunrise {...ICON} />}
          onClick={() => actions.open({ kind: 'wake', target })}
        >
          Wake up
        </Button>
      )}
      <Menu position="bottom-end" withinPortal shadow="md" width={200}>
        <Menu.Target>
          <Button variant="default" rightSection={<IconChevronDown {...ICON} />}>
            More
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item leftSection={<IconLogout {...ICON} />} onClick={() => power('logoff')}>
            Log off user…
          </Menu.Item>
          <Menu.Item leftSection={<IconLock {...ICON} />} onClick={() => power('lock')}>
            Lock screen…
          </Menu.Item>
          <Menu.Divider />
          <Menu.Item
            leftSection={<IconMessage {...ICON} />}
            onClick={() => actions.open({ kind: 'message', target })}
          >
            Send a message…
          </Menu.Item>
          <Menu.Item
            leftSection={<IconFileCode {...ICON} />}
            onClick={() => actions.open({ kind: 'script', target })}
          >
            Run a script…
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {actions.dialog}
    </Group>
  );
}
