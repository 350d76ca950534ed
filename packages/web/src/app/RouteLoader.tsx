import { Center, Loader } from '@mantine/core';

/** Shown while a page's code is fetched (every page but the fleet is its own chunk). */
export function RouteLoader() {
  return (
    <Center h={240} aria-busy="true" aria-label="Loading page">
      <Loader size="sm" type="dots" />
    </Center>
  );
}
