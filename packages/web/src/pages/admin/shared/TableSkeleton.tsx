import { Paper, Skeleton, Stack } from '@mantine/core';

/** The shape of a table while its first page loads. */
export function TableSkeleton({ rows = 6, label }: { rows?: number; label: string }) {
  return (
    <Paper withBorder p="md" aria-busy="true" aria-label={label}>
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
