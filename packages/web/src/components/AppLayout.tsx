import type { User } from '@labmgr/protocol';
import { AppShell, Burger, Divider, Group } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { paths } from '../app/paths.js';
import classes from './AppLayout.module.css';
import { ColorSchemeToggle } from './ColorSchemeToggle.js';
import { LiveIndicator } from './LiveIndicator.js';
import { LogoMark } from './LogoMark.js';
import { NavMenu } from './NavMenu.js';
import { UserControls } from './UserControls.js';

/**
 * The signed-in frame around every page: header with brand, live state,
 * theme switch and user; the side navigation, folded behind a burger on
 * narrow screens (a tablet held upright).
 */
export function AppLayout({ user, children }: { user: User; children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure(false);
  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 220, breakpoint: 'md', collapsed: { mobile: !opened } }}
      padding={{ base: 'md', lg: 'lg' }}
    >
      <AppShell.Header className={classes.header}>
        <Group h="100%" px="lg" justify="space-between" wrap="nowrap">
          <Group gap={10} wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="md"
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
            />
            <Link href={paths.fleet} className={classes.home} aria-label="Lab Manager home">
              <LogoMark size={30} />
              <span className={classes.brand}>Lab Manager</span>
            </Link>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <LiveIndicator />
            <ColorSchemeToggle />
            <Divider orientation="vertical" my={14} />
            <UserControls user={user} />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar className={classes.navbar}>
        <NavMenu role={user.role} onNavigate={close} />
      </AppShell.Navbar>
      <AppShell.Main className={classes.main}>{children}</AppShell.Main>
    </AppShell>
  );
}
