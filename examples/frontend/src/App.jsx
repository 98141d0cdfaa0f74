import { useEffect, useState } from 'react';
import { fetchHealth, fetchItems } from './api.js';

/** Loads data once; returns { data, error, loading }. */
function useLoad(load) {
  const [state, setState] = useState({ data: undefined, error: undefined, loading: true });
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal)
      .then((data) => setState({ data, error: undefined, loading: false }))
      .catch((error) => {
        if (!controller.signal.aborted) setState({ data: undefined, error, loading: false });
      });
    return () => controller.abort();
  }, [load]);
  return state;
}

function BackendVersion() {
  const { data, error, loading } = useLoad(fetchHealth);
  if (loading) return <span className="muted">checking backend…</span>;
  if (error) return <span className="error">backend unavailable ({error.message})</span>;
  return (
    <span>
      backend {data.version} <code>{data.git_sha.slice(0, 7)}</code> on the {data.track} track
    </span>
  );
}

function ItemList() {
  const { data, error, loading } = useLoad(fetchItems);
  if (loading) return <p className="muted">Loading items…</p>;
  if (error) return <p className="error">Could not load items: {error.message}</p>;
  if (data.length === 0) return <p className="muted">No items yet.</p>;
  return (
    <ul className="items">
      {data.map((item) => (
        <li key={item.id}>
          <strong>{item.name}</strong>
          {item.category && <span className="tag">{item.category}</span>}
          {item.description && <p>{item.description}</p>}
        </li>
      ))}
    </ul>
  );
}

export function App() {
  return (
    <main>
      <header>
        <h1>Items</h1>
        <BackendVersion />
      </header>
      <ItemList />
    </main>
  );
}
