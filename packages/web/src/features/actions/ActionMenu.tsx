import { Button, type ButtonProps, Menu } from '@mantine/core';
import {
  IconBolt,
  IconChevronDown,
  IconFileCode,
  IconLock,
  IconLogout,
  IconMessage,
  IconPower,
  IconRefresh,
  IconSunrise,
  IconTerminal2,
} from '@tabler/icons-react';
import type { ActionTarget } from './types.js';
import { useActions } from './useActions.js';

export interface ActionMenuProps {
  target: ActionTarget;
  /** @default 'Actions' */
  label?: string;
  /** Passed to the menu's button. @default { variant: 'default' } */
  buttonProps?: ButtonProps;
}

const ICON = { size: 16, stroke: 1.8 } as const;

/**
 * A button with every action for `target` (command, script, power, message,
 * wake), and the dialog they open. Renders nothing for viewers.
 */
export function ActionMenu({ target, label = 'Actions', buttonProps }: ActionMenuProps) {
  const actions = useActions();
  if (!actions.canRun) return null;
  return (
    <>
      <Menu position="bottom-end" withinPortal shadow="md" width={220}>
        <Menu.Target>
          <Button
            variant="default"
            leftSection={<IconBolt {...ICON} />}
            rightSection={<IconChevronDown {...ICON} />}
            {...buttonProps}
          >
            {label}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item
            leftSection={<IconTerminal2 {...ICON} />}
            onClick={() => actions.open({ kind: 'shell', target })}
          >
            Run command…
          </Menu.Item>
          <Menu.Item
            leftSection={<IconFileCode {...ICON} />}
            onClick={() => actions.open({ kind: 'script', target })}
          >
            Run script…
          </Menu.Item>
          <Menu.Item
            leftSection={<IconMessage {...ICON} />}
            onClick={() => actions.open({ kind: 'message', target })}
          >
            Send message…
          </Menu.Item>
          <Menu.Divider />
          <Menu.Label>Power</Menu.Label>
          {target.type !== 'allOnline' && (
            <Menu.Item
              leftSection={<IconSunrise {...ICON} />}
              onClick={() => actions.open({ kind: 'wake', target })}
            >
              Wake up…
            </Menu.Item>
          )}
          <Menu.Item
            leftSection={<IconLock {...ICON} />}
            onClick={() => actions.open({ kind: 'power', power: 'lock', target })}
          >
            Lock…
          </Menu.Item>
          <Menu.Item
            leftSection={<IconLogout {...ICON} />}
            onClick={() => actions.open({ kind: 'power', power: 'logoff', target })}
          >
            Log off…
          </Menu.Item>
          <Menu.Item
            leftSection={<IconRefresh {...ICON} />}
            color="orange"
            onClick={() => actions.open({ kind: 'power', power: 'reboot', target })}
          >
            Reboot…
          </Menu.Item>
          <Menu.Item
            leftSection={<IconPower {...ICON} />}
            color="red"
            onClick={() => actions.open({ kind: 'power', power: 'shutdown', target })}
          >
            Shut down…
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {actions.dialog}
    </>
  );
}
