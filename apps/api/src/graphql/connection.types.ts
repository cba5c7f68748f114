import type { Type } from '@nestjs/common';
import { Field, ObjectType } from '@nestjs/graphql';
import { PageInfoType } from './common.types.js';

/** One row of a page: the row and the cursor to pass as `after` to continue after it. */
export interface Edge<Node> {
  cursor: string;
  node: Node;
}

/** What a list query returns: a page of rows and whether there is more. */
export interface Paginated<Node> {
  edges: Edge<Node>[];
  pageInfo: PageInfoType;
}

const connections = new Map<string, { nodeType: Type<unknown>; connectionType: Type<Paginated<unknown>> }>();

/**
 * The GraphQL types of a keyset-paginated list of `nodeType`: `${name}Edge { cursor: String!, node: Node! }` and
 * `${name}Connection { edges: [${name}Edge!]!, pageInfo: PageInfo! }`. Made once per name (a second call returns the
 * same class, a second node type under a name already taken throws), so call it at module level, next to the node
 * type, not inside a `@Query(() => ...)` type function, which runs only once the schema is being built.
 */
export function Connection<Node>(nodeType: Type<Node>, name: string): Type<Paginated<Node>> {
  const made = connections.get(name);
  if (made) {
    if (made.nodeType !== nodeType) throw new Error(`GraphQL connection ${name} is already made for ${made.nodeType.name}, not ${nodeType.name}`);
    return made.connectionType as Type<Paginated<Node>>;
  }

  @ObjectType(`${name}Edge`)
  class EdgeType implements Edge<Node> {
    @Field(() => String) cursor!: string;
    @Field(() => nodeType) node!: Node;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType implements Paginated<Node> {
    @Field(() => [EdgeType]) edges!: EdgeType[];
    @Field(() => PageInfoType) pageInfo!: PageInfoType;
  }

  // Class names for stack traces and Nest's messages; the GraphQL names are the ones given to @ObjectType above.
  Object.defineProperty(EdgeType, 'name', { value: `${name}EdgeType` });
  Object.defineProperty(ConnectionType, 'name', { value: `${name}ConnectionType` });
  connections.set(name, { nodeType, connectionType: ConnectionType });
  return ConnectionType;
}
