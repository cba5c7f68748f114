import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';

/**
 * The API contract as files at the repository root (README, "The API contract"): `schema.graphql` is the schema the
 * code serves now, `schema.released.graphql` the one of the last release. Both are written by this one printer, so
 * that a difference between them or with the live schema is a difference of the API, never of formatting.
 */
export const SCHEMA_FILE = 'schema.graphql';
export const RELEASED_SCHEMA_FILE = 'schema.released.graphql';

/** graphql's printSchema, types, fields, arguments and enum values in lexicographic order (as Nest's sortSchema). */
export function printApiSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
