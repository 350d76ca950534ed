import { Button, Center, EmptyState } from '@mantine/core';
import { IconMapQuestion } from '@tabler/icons-react';
import { Link } from 'wouter';
import { paths } from './paths.js';

/** An address that names no page (a mistyped link, or a page from a newer version). */
export function NotFoundPage() {
  return (
    <Center mih={320}>
      <EmptyState
        variant="light"
        icon={<IconMapQuestion size={26} stroke={1.7} />}
        title="No such page"
        description="This address does not name a page of Lab Manager."
      >
        <EmptyState.Actions>
          <Button component={Link} href={paths.fleet}>
            Go to the fleet
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    </Center>
  );
}
