import { describe, expect, it } from '@jest/globals';
import { Kind, parse, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type OperationDefinitionNode } from 'graphql';
import { selectsField } from './selection.js';

/** The parts of the resolve info selectsField reads, for the query's first root field. */
function infoOf(document: string): GraphQLResolveInfo {
  const parsed = parse(document);
  const operation = parsed.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const root = operation?.selectionSet.selections[0] as FieldNode;
  const fragments = Object.fromEntries(
    parsed.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
  );
  return { fieldNodes: [root], fragments } as unknown as GraphQLResolveInfo;
}

describe('selectsField', () => {
  it.each([
    ['directly', '{ subscription(id: "s") { id charges { sequence } } }', true],
    ['in a list, below edges and node', '{ subscriptions { edges { node { id charges { sequence } } } } }', true],
    ['through a named fragment', '{ subscription(id: "s") { ...S } } fragment S on CustomerSubscription { charges { sequence } }', true],
    ['through a fragment inside a fragment', '{ subscription(id: "s") { ...A } } fragment A on CustomerSubscription { ...B } fragment B on CustomerSubscription { charges { sequence } }', true],
    ['through an inline fragment', '{ subscription(id: "s") { ... on CustomerSubscription { charges { sequence } } } }', true],
    ['under an alias (the field is still charges)', '{ subscription(id: "s") { billed: charges { sequence } } }', true],
    ['not at all', '{ subscription(id: "s") { id items { planId } } }', false],
    ['only as an alias of another field', '{ subscription(id: "s") { charges: items { planId } } }', false],
    ['not, with a fragment that spreads itself (no loop)', '{ subscription(id: "s") { ...A } } fragment A on CustomerSubscription { id ...A }', false],
    ['only in another root field', '{ subscription(id: "s") { id } other: subscription(id: "t") { charges { sequence } } }', false],
  ])('finds charges selected %s: %s', (_case, document, expected) => {
    expect(selectsField(infoOf(document), 'charges')).toBe(expected);
  });
});
