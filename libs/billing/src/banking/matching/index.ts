/**
 * The matching engine (docs/matching.md): pure, deterministic proposals of which statement lines settle which payments.
 * The worked data set of issue 15 is in ./worked-example.ts (a test fixture: import it by path, it is not exported here).
 */
export { compileWildcard, normaliseReference, wildcardPatternLengthMax, type WildcardMatcher } from './matching.text.js';
export type { MatchableLine, MatchablePayment, MatchProposal, ProposedPayment, ProposeMatchesInput, RuleVersion } from './matching.types.js';
export { proposeMatches } from './propose-matches.js';
export { subsetCandidatesMax, subsetSizeMax, subsetSizeMin } from './subset-search.js';
