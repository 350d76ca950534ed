import { Suspense } from 'react';
import { Route, Switch } from 'wouter';
import { LiveProvider } from './api/LiveProvider.js';
import { useMe } from './api/queries.js';
import { NotFoundPage } from './app/NotFoundPage.js';
import { patterns } from './app/paths.js';
import { RouteLoader } from './app/RouteLoader.js';
import { pageRoutes } from './app/routes/index.js';
import { AppLayout } from './components/AppLayout.js';
import { StartupError, StartupLoader } from './components/StartupScreen.js';
import { FleetPage } from './pages/fleet/FleetPage.js';
import { LoginPage } from './pages/login/LoginPage.js';

/**
 * Who is signed in decides what shows: nobody → the login page (whatever the
 * address; it stays in the address bar, so signing in lands on it); somebody
 * → the app frame with its live connection and the page the URL names.
 */
export function App() {
  const me = useMe();

  if (me.data === undefined) {
    if (me.isError) {
      return (
        <StartupError message={me.error.message} retrying={me.isFetching} onRetry={() => void me.refetch()} />
      );
    }
    return <StartupLoader />;
  }
  if (me.data === null) return <LoginPage />;

  return (
    <LiveProvider>
      <AppLayout user={me.data.user}>
        <Suspense fallback={<RouteLoader />}>
          <Switch>
            <Route path={patterns.fleet} component={FleetPage} />
            {pageRoutes.map((route) => (
              <Route key={route.pattern} path={route.pattern} component={route.component} />
            ))}
            <Route component={NotFoundPage} />
          </Switch>
        </Suspense>
      </AppLayout>
    </LiveProvider>
  );
}
