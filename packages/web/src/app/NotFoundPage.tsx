import { Button } from '@mantine/core';
import { Link } from 'wouter';
import { NotFound } from '../components/NotFound.js';
import { paths } from './paths.js';

/** An address that names no page (a mistyped link, or a page from a newer version). */
export function NotFoundPage() {
  return (
    <NotFound
      title="No such page"
      description="This address does not name a page of Lab Manager."
      action={
        <Button component={Link} href={paths.fleet}>
          Go to the fleet
        </Button>
      }
    />
  );
}
