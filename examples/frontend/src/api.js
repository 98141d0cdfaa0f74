// Calls to the backend. Relative URLs: the app is served from the backend's origin (or through
// the dev server's proxy).

async function getJson(path, signal) {
  const response = await fetch(path, { signal, headers: { accept: 'application/json' } });
  if (!response.ok) {
    throw new Error(`${path} answered ${response.status}`);
  }
  return response.json();
}

export function fetchHealth(signal) {
  return getJson('/health', signal);
}

export function fetchItems(signal) {
  return getJson('/api/items', signal);
}
