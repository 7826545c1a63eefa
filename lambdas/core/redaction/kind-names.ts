/**
 * How each redaction kind is named to a person. The kinds are machine keys (the summary JSON's
 * `redactions.byKind`, the stored entries' and tickets' counts), in camelCase, and stay so; what a person reads
 * (the summary text of the CLI and the API, the console's summary page) uses these words, from this one table,
 * so that every place says the same. Plural, as each is read beside a count (`home directories 35`).
 * No imports but a type: the console bundles this file.
 */
import type { RedactionKind } from './redact.ts';

export const REDACTION_KIND_NAMES: Readonly<Record<RedactionKind, string>> = {
  email: 'e-mail addresses',
  ipv4: 'IPv4 addresses',
  ipv6: 'IPv6 addresses',
  hostname: 'host names',
  jwt: 'JWTs',
  bearerToken: 'bearer tokens',
  awsAccessKey: 'AWS access keys',
  apiKey: 'API keys',
  secret: 'secrets',
  cardNumber: 'card numbers',
  urlPassword: 'passwords in URLs',
  privateKey: 'private keys',
  nationalId: 'national ID numbers',
  phone: 'phone numbers',
  iban: 'IBANs',
  mac: 'MAC addresses',
  homeDirectory: 'home directories',
  birthDate: 'dates of birth',
  postalAddress: 'postal addresses',
  postcode: 'postcodes',
};

/** A kind's name for a person; a key this table does not know (a summary stored by a later build) as written. */
export function redactionKindName(kind: string): string {
  return Object.hasOwn(REDACTION_KIND_NAMES, kind) ? REDACTION_KIND_NAMES[kind as RedactionKind] : kind;
}
