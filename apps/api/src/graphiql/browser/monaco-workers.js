/* global document, Worker */
// Monaco (the editors of GraphiQL) runs its language services in web workers. They are bundled beside this file
// by scripts/build-graphiql.mjs and loaded from the same server, never from a CDN. This module is imported before
// GraphiQL so that the environment exists when the first editor starts.
const workerFiles = { json: 'json.worker.js', graphql: 'graphql.worker.js' };

globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    const file = workerFiles[label] ?? 'editor.worker.js';
    return new Worker(new URL(`graphiql/assets/${file}`, document.baseURI), { name: `graphiql-${label}` });
  },
};
