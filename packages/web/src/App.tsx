import { LiveProvider } from './api/LiveProvider.js';
import { useMe } from './api/queries.js';
import { AppLayout } from './components/AppLayout.js';
import { StartupError, StartupLoader } from './components/StartupScreen.js';
import { FleetPage } from './pages/fleet/FleetPage.js';
import { LoginPage } from './pages/login/LoginPage.js';

/**
 * Who is signed in decides what shows: nobody → the login page; somebody →
 * the app frame with its live connection. The fleet dashboard is the only
 * page so far; when more arrive, pick the page here from the URL.
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
        <FleetPage />
      </AppLayout>
    </LiveProvider>
  );
}
