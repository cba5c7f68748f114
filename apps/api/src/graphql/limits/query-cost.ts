import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  typeFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** Every connection of the API refuses `first` above 100, so a page never holds more. */
export const PAGE_SIZE_CAP = 100;

export interface OperationCost {
  /** What running it may cost: every field 1 (`__typename` nothing), a page's selection once per row. */
  readonly cost: number;
  /** How many fields it selects, `__typename` included, fragments expanded at every spread. */
  readonly fields: number;
}

/**
 * The cost of running an operation: every field costs 1 (`__typename` nothing), and the selection of a field with
 * a `first` argument (a connection page) is counted once per row it may return: `first` as sent (a literal or a
 * variable), else the argument's default, at most PAGE_SIZE_CAP. So `invoices(first: 100) { edges { node { id } } }`
 * costs 1 + 100 x 3 = 301, and pages nested in pages multiply. The number of fields, without the pages, is counted
 * too: graphql-js's validation compares the fields of one name pairwise, so a few hundred copies of one field
 * already cost it a second, whatever their cost.
 *
 * Linear in the size of the document: a fragment is computed once and reused at every spread, so fragments spread
 * into each other many times over cannot make the analysis itself slow (its result is then simply huge). Skipped
 * fields (`@skip`, `@include`) are counted: both figures are upper bounds.
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>> | undefined): OperationCost {
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return { cost: 0, fields: 0 };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 1 });
  const variableValues = coerced.coerced ?? {};
  const fragmentCosts = new Map<string, OperationCost>();
  const computing = new Set<string>();
  const nothing: OperationCost = { cost: 0, fields: 0 };

  const selectionSetCost = (selectionSet: SelectionSetNode, parentType: GraphQLCompositeType): OperationCost => {
    let cost = 0;
    let fields = 0;
    for (const selection of selectionSet.selections) {
      let part: OperationCost;
      if (selection.kind === Kind.FIELD) part = fieldCost(selection, parentType);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) part = fragmentCost(selection.name.value);
      else {
        const type = selection.typeCondition ? typeFromAST(schema, selection.typeCondition) : parentType;
        part = selectionSetCost(selection.selectionSet, isCompositeType(type) ? type : parentType);
      }
      cost += part.cost;
      fields += part.fields;
    }
    return { cost, fields };
  };

  const fragmentCost = (name: string): OperationCost => {
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    // An unknown fragment or a cycle is refused by validation; here it only must not loop.
    if (!fragment || computing.has(name)) return nothing;
    computing.add(name);
    const type = typeFromAST(schema, fragment.typeCondition);
    const result = isCompositeType(type) ? selectionSetCost(fragment.selectionSet, type) : nothing;
    computing.delete(name);
    fragmentCosts.set(name, result);
    return result;
  };

  const fieldCost = (node: FieldNode, parentType: GraphQLCompositeType): OperationCost => {
    if (node.name.value === '__typename') return { cost: 0, fields: 1 };
    const field = fieldDefinition(schema, parentType, node.name.value);
    const childType = field && node.selectionSet ? getNamedType(field.type) : undefined;
    if (!field || !node.selectionSet || !isCompositeType(childType)) return { cost: 1, fields: 1 + (node.selectionSet ? selectionSetCost(node.selectionSet, parentType).fields : 0) };
    const children = selectionSetCost(node.selectionSet, childType);
    return { cost: 1 + pageSize(field, node, variableValues) * children.cost, fields: 1 + children.fields };
  };

  return selectionSetCost(operation.selectionSet, rootType);
}

function fieldDefinition(schema: GraphQLSchema, parentType: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (parentType === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[name] : undefined;
}

function pageSize(field: GraphQLField<unknown, unknown>, node: FieldNode, variableValues: Record<string, unknown>): number {
  if (!field.args.some((argument) => argument.name === 'first')) return 1;
  let first: unknown;
  try {
    first = getArgumentValues(field, node, variableValues).first;
  } catch {
    first = undefined; // a bad value is refused when the operation runs; until then assume the largest page
  }
  if (typeof first !== 'number' || !Number.isFinite(first)) return PAGE_SIZE_CAP;
  return Math.min(PAGE_SIZE_CAP, Math.max(1, Math.trunc(first)));
}
