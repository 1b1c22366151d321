// The gateway's offline GraphiQL (development only): bundled by build.mjs into dist/graphiql, so
// the page loads nothing from another host. Monaco's workers come from the same folder.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createElement, useState } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';

const base = new URL('.', document.currentScript?.src ?? window.location.href);
globalThis.MonacoEnvironment = {
  getWorker(_id, label) {
    const name = label === 'json' ? 'json' : label === 'graphql' ? 'graphql' : 'editor';
    return new Worker(new URL(`${name}.worker.js`, base));
  },
};

const config = JSON.parse(document.getElementById('civgrid-ide-config')?.textContent ?? '{}');
const tokens = config.tokens ?? {};
const endpoint = new URL(config.endpoint ?? '/graphql', window.location.href).toString();
const fetcher = createGraphiQLFetcher({ url: endpoint });
const headersFor = (token) => (token ? JSON.stringify({ authorization: `Bearer ${token}` }, null, 2) : '{}');

function TokenPicker({ onPick }) {
  return createElement(
    'label',
    { className: 'civgrid-token-picker' },
    'Demo token: ',
    createElement(
      'select',
      { defaultValue: '', onChange: (e) => onPick(e.target.value), 'aria-label': 'demo token' },
      createElement('option', { value: '' }, Object.keys(tokens).length ? '— pick a role —' : '(none: npm start prints them)'),
      ...Object.entries(tokens).map(([role, token]) => createElement('option', { key: role, value: token }, role)),
    ),
  );
}

function App() {
  const first = Object.values(tokens)[0];
  const [headers, setHeaders] = useState(headersFor(first));
  const [key, setKey] = useState(0);
  return createElement(
    'div',
    { style: { height: '100vh', display: 'flex', flexDirection: 'column' } },
    createElement(TokenPicker, {
      onPick: (token) => {
        setHeaders(headersFor(token));
        setKey((k) => k + 1);
      },
    }),
    createElement(
      'div',
      { style: { flex: 1, minHeight: 0 } },
      createElement(GraphiQL, {
        key,
        fetcher,
        initialHeaders: headers,
        shouldPersistHeaders: false,
        defaultEditorToolsVisibility: 'headers',
      }),
    ),
  );
}

createRoot(document.getElementById('graphiql')).render(createElement(App));
