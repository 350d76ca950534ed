import type { ComputerSummary, Lab } from '@labmgr/protocol';
import { ActionIcon, Card, Group, Menu, Text } from '@mantine/core';
import { IconDots, IconMapPin, IconPencil, IconTrash } from '@tabler/icons-react';
import { memo, useMemo } from 'react';
import { Link } from 'wouter';
import { paths } from '../../app/paths.js';
import { StatusDot } from '../../components/StatusDot.js';
import { UsageBar } from '../../components/UsageBar.js';
import { formatPercent } from '../../format/percent.js';
import classes from './LabCard.module.css';
import { labPlace, labStats } from './lab-model.js';
import { RoomMiniature } from './RoomMiniature.js';

export interface LabCardProps {
  lab: Lab;
  /** This lab's computers from the live fleet. */
  computers: readonly ComputerSummary[];
  canEdit: boolean;
  onEdit: (lab: Lab) => void;
  onDelete: (lab: Lab) => void;
}

/** One lab on the labs page: where it is, its seat plan in miniature and its live figures; opens the room. */
export const LabCard = memo(function LabCard({ lab, computers, canEdit, onEdit, onDelete }: LabCardProps) {
  const stats = useMemo(() => labStats(computers), [computers]);
  const place = labPlace(lab);
  return (
    <Card className={classes.card} padding="md" data-lab-id={lab.id} data-testid="lab-card">
      <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
        <div className={classes.heading}>
          <Link href={paths.lab(lab.id)} className={classes.title}>
            {lab.name}
          </Link>
          <Text size="xs" c="dimmed" className={classes.place}>
            <IconMapPin size={13} stroke={1.7} aria-hidden="true" />
            <span>{place ?? 'No building or room given'}</span>
          </Text>
        </div>
        {canEdit && (
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon
                variant="subtle"
                color="gray"
                size="md"
                aria-label={`Actions for ${lab.name}`}
                className={classes.menu}
              >
                <IconDots size={16} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconPencil size={15} />} onClick={() => onEdit(lab)}>
                Edit lab
              </Menu.Item>
              <Menu.Item color="red" leftSection={<IconTrash size={15} />} onClick={() => onDelete(lab)}>
                Delete lab
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        )}
      </Group>

      <div className={classes.miniature}>
        <RoomMiniature lab={lab} computers={computers} height={96} />
      </div>

      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="sm" fw={600}>
          {stats.total} {stats.total === 1 ? 'computer' : 'computers'}
        </Text>
        <Text size="xs" c="dimmed">
          {lab.rows * lab.cols} seats ({lab.rows} × {lab.cols})
        </Text>
      </Group>
      <Group gap="xs" className={classes.counts}>
        <span className={classes.count} data-testid="lab-online">
          <StatusDot color="var(--mantine-color-green-6)" />
          {stats.online} online
        </span>
        <span className={classes.count} data-testid="lab-offline">
          <StatusDot color="var(--mantine-color-gray-5)" />
          {stats.offline} offline
        </span>
        {stats.needingLook > 0 && (
          <span className={classes.count}>
            <StatusDot color="var(--mantine-color-orange-6)" />
            {stats.needingLook} need a look
          </span>
        )}
      </Group>
      <div className={classes.cpu}>
        <Text size="xs" c="dimmed" className={classes.cpuLabel}>
          Average CPU
        </Text>
        {stats.averageCpu === null ? (
          <Text size="xs" c="dimmed">
            {stats.online === 0 ? 'No computer online' : 'No samples yet'}
          </Text>
        ) : (
          <UsageBar percent={stats.averageCpu}>{formatPercent(stats.averageCpu)}</UsageBar>
        )}
      </div>
    </Card>
  );
});
