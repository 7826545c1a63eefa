/** AppSync's validation for the AWS scalars (declared in schema/aws-prelude.ts). */
import { GraphQLError, type GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { AWS_DIRECTIVES, AWS_PRELUDE, AWS_SCALARS } from '../../schema/aws-prelude.ts';

export { AWS_DIRECTIVES, AWS_PRELUDE, AWS_SCALARS };

const OFFSET = '(?:Z|[+-]\\d{2}(?::?\\d{2}(?::\\d{2})?)?)';
const DATE = '\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])';
const TIME = '(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,9})?)?';
const DATE_RE = new RegExp(`^${DATE}${OFFSET}?$`);
const TIME_RE = new RegExp(`^${TIME}${OFFSET}?$`);
// AppSync requires the time zone offset on AWSDateTime.
const DATETIME_RE = new RegExp(`^${DATE}T${TIME}${OFFSET}$`);
const EMAIL_RE =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const PHONE_RE = /^\+?[0-9][0-9 ().-]{3,30}$/;
const IPV4_RE =
  /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\/(?:3[0-2]|[12]?\d))?$/;
const IPV6_RE = /^[0-9A-Fa-f:.]{2,45}(?:\/(?:12[0-8]|1[01]\d|\d?\d))?$/;

function invalid(scalar: string, value: unknown): GraphQLError {
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 100)) : String(value);
  return new GraphQLError(`${shown} is not a valid ${scalar}`);
}

interface ScalarRules {
  parse: (value: unknown) => unknown;
  serialize: (value: unknown) => unknown;
}

const stringMatching = (scalar: string, test: (text: string) => boolean): ScalarRules => ({
  parse: (value) => {
    if (typeof value !== 'string' || !test(value)) throw invalid(scalar, value);
    return value;
  },
  serialize: (value) => {
    if (value instanceof Date) return value.toISOString();
    if (typeof value !== 'string' || !test(value)) throw invalid(scalar, value);
    return value;
  },
});

const isValidDateTime = (text: string) => DATETIME_RE.test(text) && !Number.isNaN(Date.parse(text));
const isUrl = (text: string) => {
  try {
    return new URL(text).protocol.length > 1 && text.length <= 2048;
  } catch {
    return false;
  }
};

const RULES: Record<(typeof AWS_SCALARS)[number], ScalarRules> = {
  AWSDate: stringMatching('AWSDate', (t) => DATE_RE.test(t)),
  AWSTime: stringMatching('AWSTime', (t) => TIME_RE.test(t)),
  AWSDateTime: stringMatching('AWSDateTime', isValidDateTime),
  AWSEmail: stringMatching('AWSEmail', (t) => t.length <= 254 && EMAIL_RE.test(t)),
  AWSURL: stringMatching('AWSURL', isUrl),
  AWSPhone: stringMatching('AWSPhone', (t) => PHONE_RE.test(t)),
  AWSIPAddress: stringMatching(
    'AWSIPAddress',
    (t) => IPV4_RE.test(t) || (t.includes(':') && IPV6_RE.test(t)),
  ),
  AWSTimestamp: {
    parse: (value) => {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid('AWSTimestamp', value);
      return value;
    },
    serialize: (value) => {
      if (value instanceof Date) return Math.floor(value.getTime() / 1000);
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid('AWSTimestamp', value);
      return value;
    },
  },
  AWSJSON: {
    // AppSync hands resolvers the parsed value of an AWSJSON argument and serializes results back to a string.
    parse: (value) => {
      if (typeof value !== 'string') throw invalid('AWSJSON', value);
      try {
        return JSON.parse(value);
      } catch {
        throw invalid('AWSJSON', value);
      }
    },
    serialize: (value) => (typeof value === 'string' ? value : JSON.stringify(value)),
  },
};

function literalValue(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
      return node.value;
    case Kind.INT:
      return Number.parseInt(node.value, 10);
    default:
      return undefined;
  }
}

/** Gives the built schema's AWS scalar types AppSync's parsing, literal parsing and serialization. */
export function installAwsScalars(getType: (name: string) => unknown): void {
  for (const name of AWS_SCALARS) {
    const type = getType(name) as GraphQLScalarType | undefined;
    if (!type) continue;
    const rules = RULES[name];
    type.parseValue = rules.parse;
    type.parseLiteral = (node) => {
      try {
        return rules.parse(literalValue(node));
      } catch (error: unknown) {
        // With the node attached, the endpoint can say which argument the bad literal was given for.
        if (error instanceof GraphQLError) throw new GraphQLError(error.message, { nodes: node });
        throw error;
      }
    };
    type.serialize = rules.serialize;
  }
}
