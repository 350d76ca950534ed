import { ActionIcon, Tooltip } from '@mantine/core';
import type { Icon } from '@tabler/icons-react';

export interface DangerRowActionProps {
  /** The tooltip ("Revoke token"). */
  tooltip: string;
  /** Names the row too ("Revoke build-server"), for screen readers and tests. */
  label: string;
  icon: Icon;
  onClick: () => void;
}

/** A row's destructive action (revoke, delete): a red icon button that asks before acting. */
export function DangerRowAction({ tooltip, label, icon: IconComponent, onClick }: DangerRowActionProps) {
  return (
    <Tooltip label={tooltip}>
      <ActionIcon size="md" color="red" variant="subtle" aria-label={label} onClick={onClick}>
        <IconComponent size={16} />
      </ActionIcon>
    </Tooltip>
  );
}
