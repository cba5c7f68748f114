export * from './matching-rules.criteria.js';
export * from './matching-rules.commands.js';
export * from './matching-rules.events.js';
export {
  activeMatchingRules,
  decideMatchingRules,
  evolveMatchingRules,
  initialMatchingRulesState,
  matchingRulesDecider,
  type MatchingRule,
  type MatchingRulesState,
} from './matching-rules.decider.js';
