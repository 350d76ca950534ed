import type { User } from '@labmgr/protocol';
import { AppShell, Divider, Group } from '@mantine/core';
import type { ReactNode } from 'react';
import classes from './AppLayout.module.css';
import { ColorSchemeToggle } from './ColorSchemeToggle.js';
import { LiveIndicator } from './LiveIndicator.js';
import { LogoMark } from './LogoMark.js';
import { UserControls } from './UserControls.js';

/** The signed-in frame around every page: header with brand, live state, theme switch and user. */
export function AppLayout({ user, children }: { user: User; children: ReactNode }) {
  return (
    <AppShell header={{ height: 60 }} padding={{ base: 'md', lg: 'lg' }}>
      <AppShell.Header className={classes.header}>
        <Group h="100%" px="lg" justify="space-between" wrap="nowrap">
          <Group gap={10} wrap="nowrap">
            <LogoMark size={30} />
            <span className={classes.brand}>Lab Manager</span>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <LiveIndicator />
            <ColorSchemeToggle />
            <Divider orientation="vertical" my={14} />
            <UserControls user={user} />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main className={classes.main}>{children}</AppShell.Main>
    </AppShell>
  );
}
