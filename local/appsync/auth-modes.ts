import type { GraphQLField, GraphQLObjectType } from 'graphql';

export type AuthMode = 'API_KEY' | 'AWS_LAMBDA';

const DIRECTIVE_MODES: Record<string, AuthMode> = { aws_api_key: 'API_KEY', aws_lambda: 'AWS_LAMBDA' };

function modesOf(directives: readonly { name: { value: string } }[] | undefined): AuthMode[] {
  const names = (directives ?? []).map((d) => d.name.value);
  const authDirectives = names.filter((n) => n.startsWith('aws_') && n !== 'aws_subscribe');
  // Other AWS modes (IAM, Cognito, OIDC) are not configured on this API: they allow nothing here.
  return authDirectives.flatMap((n) => (DIRECTIVE_MODES[n] ? [DIRECTIVE_MODES[n]] : []));
}

function hasAuthDirective(directives: readonly { name: { value: string } }[] | undefined): boolean {
  return (directives ?? []).some((d) => d.name.value.startsWith('aws_') && d.name.value !== 'aws_subscribe');
}

/**
 * AppSync's rule: directives on the field win; otherwise directives on the type; otherwise only the API's
 * default mode.
 */
export function allowedModes(
  parentType: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  defaultMode: AuthMode,
): AuthMode[] {
  const fieldDirectives = field.astNode?.directives;
  if (hasAuthDirective(fieldDirectives)) return modesOf(fieldDirectives);
  const typeDirectives = parentType.astNode?.directives;
  if (hasAuthDirective(typeDirectives)) return modesOf(typeDirectives);
  return [defaultMode];
}
