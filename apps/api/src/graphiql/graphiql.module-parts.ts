import type { ApolloServerPlugin } from '@apollo/server';
import type { Type } from '@nestjs/common';
import type { LedgerConfig } from '../../../../libs/runtime/src/index.js';
import { loadGraphiQLAssets } from './graphiql-assets.js';
import { GraphiQLController } from './graphiql.controller.js';
import { graphiqlMissingBundleText, graphiqlPageHtml } from './graphiql-page.js';

/**
 * Apollo's landing page: what /graphql answers a GET that prefers text/html (a browser opening the URL). Any other
 * request (a POST, or a GET that accepts JSON) goes to GraphQL exactly as before, CSRF prevention included.
 */
function graphiqlLandingPage(html: string): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** What AppModule adds for LEDGER_GRAPHIQL: the /graphiql controller and the landing page on /graphql, or nothing. */
export function graphiqlModuleParts(config: LedgerConfig, log: (message: string) => void): { controllers: Type[]; plugins: ApolloServerPlugin[] } {
  if (config.graphiql === 'off') return { controllers: [], plugins: [] };
  const assets = loadGraphiQLAssets();
  if (!assets.complete) log(`LEDGER_GRAPHIQL=on but the GraphiQL bundle is missing in ${assets.directory}: run npm run build`);
  const html = assets.complete ? graphiqlPageHtml() : `<!doctype html><meta charset="utf-8"><pre>${escapeHtml(graphiqlMissingBundleText(assets.directory))}</pre>\n`;
  return { controllers: [GraphiQLController], plugins: [graphiqlLandingPage(html)] };
}
