/* global document, sessionStorage, window */
// The GraphiQL page of the ledger: GraphiQL with a field for the API key. The key stays in this tab's
// sessionStorage; it becomes the Authorization header of every HTTP request and the connection_init payload of
// the graphql-ws connection that carries subscriptions. Bundled by scripts/build-graphiql.mjs (no JSX, so that the
// file needs no compile step of its own).
import './monaco-workers.js';
import 'graphiql/style.css';
import './graphiql-page.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createClient } from 'graphql-ws';
import { createElement as h, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';

const KEY_STORAGE = 'ledger.graphiql.apiKey';

const DEFAULT_QUERY = `# The billing ledger's GraphQL API. Put an API key in the field above (it stays in this tab only),
# then run this query with the play button or Ctrl-Enter. Subscriptions (billingEvents) work too.

query Invoices {
  invoices(first: 10) {
    edges {
      node {
        id
        number
        status
        customerId
        total { amount currency }
        balanceDue { amount currency }
      }
    }
  }
}
`;

function readStoredKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE) ?? '';
  } catch {
    return '';
  }
}

function storeKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // Storage refused (a private window, say): the key still works until the page is closed.
  }
}

/** The endpoint beside this page: /graphql when the page is /graphql or /graphiql, under any prefix a proxy adds. */
function endpoints() {
  const http = new URL('graphql', document.baseURI);
  const ws = new URL(http);
  ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
  return { http: http.href, ws: ws.href };
}

/** One fetcher per key; the WebSocket client sends the key in connection_init and is closed when the key changes. */
function useLedgerFetcher(apiKey) {
  const { fetcher, wsClient } = useMemo(() => {
    const { http, ws } = endpoints();
    const authorization = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
    const client = createClient({ url: ws, lazy: true, retryAttempts: 0, connectionParams: () => authorization });
    return {
      wsClient: client,
      fetcher: createGraphiQLFetcher({ url: http, wsClient: client, headers: authorization, enableIncrementalDelivery: false }),
    };
  }, [apiKey]);
  useEffect(() => () => void wsClient.dispose(), [wsClient]);
  return fetcher;
}

function ApiKeyBar({ apiKey, onChange }) {
  const [draft, setDraft] = useState(apiKey);
  const submit = (event) => {
    event.preventDefault();
    onChange(draft.trim());
  };
  const forget = () => {
    setDraft('');
    onChange('');
  };
  return h(
    'form',
    { className: 'ledger-key-bar', onSubmit: submit, autoComplete: 'off' },
    h('strong', { className: 'ledger-title' }, 'Billing ledger'),
    h('label', { htmlFor: 'ledger-api-key' }, 'API key'),
    h('input', {
      id: 'ledger-api-key',
      name: 'ledger-api-key',
      type: 'password',
      value: draft,
      spellCheck: false,
      autoComplete: 'off',
      placeholder: 'paste an API key',
      onChange: (event) => setDraft(event.target.value),
    }),
    h('button', { type: 'submit' }, 'Use key'),
    h('button', { type: 'button', onClick: forget, disabled: !apiKey && !draft }, 'Forget key'),
    h(
      'span',
      { className: 'ledger-key-status', role: 'status' },
      apiKey ? 'Key in use, kept in this tab only.' : 'No key: requests answer UNAUTHENTICATED.',
    ),
  );
}

function LedgerGraphiQL() {
  const [apiKey, setApiKey] = useState(readStoredKey);
  const fetcher = useLedgerFetcher(apiKey);
  const changeKey = (key) => {
    storeKey(key);
    setApiKey(key);
  };
  return h(
    'div',
    { className: 'ledger-graphiql' },
    h(ApiKeyBar, { apiKey, onChange: changeKey }),
    h('div', { className: 'ledger-graphiql-ide' }, h(GraphiQL, { fetcher, defaultQuery: DEFAULT_QUERY, shouldPersistHeaders: false })),
  );
}

const container = document.getElementById('ledger-graphiql');
if (container) createRoot(container).render(h(LedgerGraphiQL));
else window.console.error('ledger GraphiQL: no #ledger-graphiql element on the page');
