import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { loadGraphiQLAssets, type GraphiQLAssets } from './graphiql-assets.js';
import { graphiqlMissingBundleText, graphiqlPageHtml, GRAPHIQL_CONTENT_SECURITY_POLICY } from './graphiql-page.js';

/**
 * GET /graphiql: the GraphiQL page (a browser that opens /graphql gets the same page), and GET
 * /graphiql/assets/<file>: its bundle, built into dist/graphiql/assets by npm run build. Registered only while
 * LEDGER_GRAPHIQL is on; otherwise both paths answer 404 like any unknown path. The page and its files are public
 * (they hold no data); every GraphQL request the page makes carries the API key typed into it.
 */
@Controller('graphiql')
export class GraphiQLController {
  private readonly assets: GraphiQLAssets = loadGraphiQLAssets();

  @Get()
  page(@Res() response: Response): void {
    if (!this.assets.complete) {
      response.status(503).type('text/plain').send(graphiqlMissingBundleText(this.assets.directory));
      return;
    }
    response
      .status(200)
      .set({ 'content-type': 'text/html; charset=utf-8', 'content-security-policy': GRAPHIQL_CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' })
      .send(graphiqlPageHtml());
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() response: Response): void {
    const contentType = this.assets.files.get(file);
    if (!contentType) {
      response.status(404).json({ message: `Cannot GET /graphiql/assets/${file.slice(0, 100)}`, error: 'Not Found', statusCode: 404 });
      return;
    }
    response.setHeader('content-type', contentType);
    response.setHeader('x-content-type-options', 'nosniff');
    response.sendFile(file, { root: this.assets.directory, cacheControl: false, headers: { 'cache-control': 'no-cache' } }, (error) => {
      if (error && !response.headersSent) response.status(404).json({ message: `Cannot GET /graphiql/assets/${file}`, error: 'Not Found', statusCode: 404 });
    });
  }
}
