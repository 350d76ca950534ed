import { Paper, Skeleton, Stack } from '@mantine/core';

/**
 * The shape of a table while its first page loads. With a `label` it announces
 * itself as busy; without, it sits inside a larger skeleton that already does.
 */
export function TableSkeleton({ rows = 6, label }: { rows?: number; label?: string }) {
  return (
    <Paper withBorder p="md" aria-busy={label ? 'true' : undefined} aria-label={label}>
      <Stack gap={14}>
        <Skeleton height={14} width="100%" radius="sm" />
        {Array.from({ length: rows }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: static placeholder rows
          <Skeleton key={i} height={26} radius="sm" />
        ))}
      </Stack>
    </Paper>
  );
}
