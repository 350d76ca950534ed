import { Center, EmptyState } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';

/** A page the signed-in role may not use (the server refuses its calls anyway). */
export function Forbidden({ what }: { what: string }) {
  return (
    <Center mih={320}>
      <EmptyState
        variant="light"
        color="orange"
        icon={<IconLock size={26} stroke={1.7} />}
        title="Not available to your role"
        description={`${what} is for administrators. Ask one if you need access.`}
      />
    </Center>
  );
}
