import { Group, Text } from '@mantine/core';
import { StatusDot } from '../../../components/StatusDot.js';

/** A state word with its coloured dot ("● Active"): narrower than a badge, so tables fit a tablet. */
export function StateLabel({
  label,
  color,
  pulse = false,
}: {
  label: string;
  color: string;
  pulse?: boolean;
}) {
  return (
    <Group gap={6} wrap="nowrap">
      <StatusDot color={`var(--mantine-color-${color}-6)`} pulse={pulse} />
      <Text size="sm" span>
        {label}
      </Text>
    </Group>
  );
}
