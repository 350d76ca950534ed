import type { ComputerSummary } from '@labmgr/protocol';
import { ActionBar, Button, Text } from '@mantine/core';
import { IconLock, IconMessage, IconPower, IconRefresh, IconSunrise } from '@tabler/icons-react';
import { ActionMenu, type ActionTarget, useActions } from '../../features/actions/index.js';
import { shownName } from './lab-model.js';

const ICON = { size: 16, stroke: 1.8 } as const;

/**
 * Floats at the bottom while tiles are selected: how many, the common
 * actions on them, and every other action under "More". The action dialogs
 * confirm with the count before anything runs.
 */
export function SelectionBar({
  selected,
  onClear,
}: {
  selected: readonly ComputerSummary[];
  onClear: () => void;
}) {
  const actions = useActions();
  const target: ActionTarget = {
    type: 'computers',
    computers: selected.map((c) => ({ id: c.id, name: shownName(c) })),
  };
  const n = selected.length;
  return (
    <>
      <ActionBar
        opened={n > 0}
        onClose={onClear}
        closeOnEscape
        zIndex={150}
        aria-label="Actions on the selected computers"
      >
        <Text size="sm" fw={600} px="xs" data-testid="selection-count" style={{ whiteSpace: 'nowrap' }}>
          {n} selected
        </Text>
        {actions.canRun && (
          <>
            <ActionBar.Divider />
            <Button
              variant="subtle"
              size="compact-sm"
              leftSection={<IconMessage {...ICON} />}
              onClick={() => actions.open({ kind: 'message', target })}
            >
              Message
            </Button>
            <Button
              variant="subtle"
              size="compact-sm"
              leftSection={<IconLock {...ICON} />}
              onClick={() => actions.open({ kind: 'power', power: 'lock', target })}
            >
              Lock
            </Button>
            <Button
              variant="subtle"
              size="compact-sm"
              color="orange"
              leftSection={<IconRefresh {...ICON} />}
              onClick={() => actions.open({ kind: 'power', power: 'reboot', target })}
            >
              Reboot
            </Button>
            <Button
              variant="subtle"
              size="compact-sm"
              color="red"
              leftSection={<IconPower {...ICON} />}
              onClick={() => actions.open({ kind: 'power', power: 'shutdown', target })}
            >
              Shut down
            </Button>
            <Button
              variant="subtle"
              size="compact-sm"
              leftSection={<IconSunrise {...ICON} />}
              onClick={() => actions.open({ kind: 'wake', target })}
            >
              Wake
            </Button>
            <ActionMenu
              target={target}
              label="More"
              buttonProps={{ variant: 'subtle', size: 'compact-sm' }}
            />
          </>
        )}
        <ActionBar.Divider />
        <ActionBar.CloseButton aria-label="Clear the selection" />
      </ActionBar>
      {actions.dialog}
    </>
  );
}
