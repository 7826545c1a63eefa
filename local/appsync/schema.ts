import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLSchema, Kind, parse } from 'graphql';
import { AWS_DIRECTIVES, AWS_PRELUDE, AWS_SCALARS, installAwsScalars } from './aws-scalars.ts';

/** Names the schema file may not declare, because AppSync has them built in. */
export function findAwsDeclarations(sdl: string): string[] {
  const builtIn = new Set<string>([...AWS_SCALARS, ...AWS_DIRECTIVES]);
  return parse(sdl)
    .definitions.filter((d) => d.kind === Kind.SCALAR_TYPE_DEFINITION || d.kind === Kind.DIRECTIVE_DEFINITION)
    .map((d) => d.name.value)
    .filter((name) => builtIn.has(name));
}

/** Builds an executable schema from an AppSync schema file, adding what AppSync has built in. */
export function loadAppSyncSchema(sdl: string): GraphQLSchema {
  const declared = findAwsDeclarations(sdl);
  if (declared.length > 0) {
    throw new Error(`The schema must not declare AppSync built-ins: ${declared.join(', ')}`);
  }
  const schema = buildSchema(`${AWS_PRELUDE}\n${sdl}`);
  installAwsScalars((name) => schema.getType(name));
  return schema;
}

export const readSchemaFile = (path: string): string => readFileSync(path, 'utf8');
