import { Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { Forbidden } from '../../../app/Forbidden.js';
import { isAdmin, useRole } from '../../../app/use-role.js';
import { PageHeader } from '../../../components/PageHeader.js';

export interface AdminOnlyProps {
  title: string;
  description: string;
  /** What is refused, as the start of a sentence ("Managing users"). */
  what: string;
  /** The page itself: only mounted for an admin, so its queries never run for other roles. */
  children: ReactNode;
}

/** An admin page: other roles see its header and why they cannot use it. */
export function AdminOnly({ title, description, what, children }: AdminOnlyProps) {
  const role = useRole();
  if (!isAdmin(role)) {
    return (
      <Stack gap="lg">
        <PageHeader title={title} description={description} />
        <Forbidden what={what} />
      </Stack>
    );
  }
  return children;
}
