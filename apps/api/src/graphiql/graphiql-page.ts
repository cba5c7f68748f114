/**
 * The GraphiQL page. Every URL in it is relative and resolves to /graphiql/assets/... from both /graphql and
 * /graphiql (and under any path prefix a proxy adds). The Content-Security-Policy lets the page load and connect
 * to its own origin only: scripts, styles, fonts, workers, the GraphQL endpoint and its WebSocket.
 */
export const GRAPHIQL_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  // Monaco and React set inline styles and add <style> elements at run time.
  "style-src 'self' 'unsafe-inline'",
  // The GraphiQL stylesheet embeds its fonts as data: URLs.
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function graphiqlPageHtml(): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta http-equiv="Content-Security-Policy" content="${GRAPHIQL_CONTENT_SECURITY_POLICY}">
    <meta name="referrer" content="no-referrer">
    <title>Billing ledger: GraphiQL</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="graphiql/assets/graphiql.css">
    <script defer src="graphiql/assets/graphiql.js"></script>
  </head>
  <body>
    <div id="ledger-graphiql"><p style="font-family: system-ui, sans-serif; padding: 1rem">Loading GraphiQL…</p></div>
  </body>
</html>
`;
}

/** What /graphiql says when the bundle was never built (the sources were compiled some other way than npm run build). */
export function graphiqlMissingBundleText(directory: string): string {
  return `The GraphiQL bundle is not built: ${directory} is missing or incomplete. Run \`npm run build\` (it bundles GraphiQL with esbuild), then restart.\n`;
}
