import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './styles.css';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { loadConfig } from './api/config.ts';

const root = createRoot(document.getElementById('root') as HTMLElement);

loadConfig()
  .then((config) => root.render(<App config={config} />))
  .catch((error: unknown) => {
    root.render(
      <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
        <h1>The console cannot start</h1>
        <p>{error instanceof Error ? error.message : String(error)}</p>
      </main>,
    );
  });
