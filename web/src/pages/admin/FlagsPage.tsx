import {
  Badge,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { LISTS } from '../../api/typenames.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatDateTime } from '../../components/format.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import type { Role } from '../../gql/graphql.ts';
import { graphql } from '../../gql/index.ts';
import { ROLE_WORDS } from '../../session/roles.ts';

const FeatureFlagsDocument = graphql(`
  query FeatureFlags {
    featureFlags { name enabled rolloutPercent roles updatedAt updatedBy description defaultEnabled isSet known }
  }
`);

const SetFeatureFlagDocument = graphql(`
  mutation SetFeatureFlag($name: String!, $enabled: Boolean!, $rolloutPercent: Int, $roles: [Role!]) {
    setFeatureFlag(name: $name, enabled: $enabled, rolloutPercent: $rolloutPercent, roles: $roles) {
      name enabled rolloutPercent roles updatedAt updatedBy description defaultEnabled isSet known
    }
  }
`);

const ROLES: Role[] = ['ADMIN', 'OPS', 'HR', 'USER'];
interface FlagValue {
  name: string;
  enabled: boolean;
  rolloutPercent: number;
  roles: Role[];
  updatedAt?: string | null;
  description?: string | null;
  defaultEnabled: boolean;
  isSet: boolean;
}

/**
 * Who a flag is on for, in a few words: "on for 25% of Ops", "on for everyone". The badge read "on for 25%" for a
 * flag limited to Ops, as if a quarter of every role had it (QA pass, 7 December).
 */
function flagState(flag: FlagValue): string {
  if (!flag.enabled) return 'off';
  const who = flag.roles.length === 0 ? 'users' : flag.roles.map((r) => ROLE_WORDS[r]).join(' and ');
  if (flag.rolloutPercent >= 100) return flag.roles.length === 0 ? 'on for everyone' : `on for ${who}`;
  return `on for ${flag.rolloutPercent}% of ${who}`;
}

function FlagEditor({ flag }: { flag: FlagValue }) {
  const [enabled, setEnabled] = useState(flag.enabled);
  const [rollout, setRollout] = useState<number>(flag.rolloutPercent);
  const [roles, setRoles] = useState<Role[]>(flag.roles);
  const [result, save] = useMutation(SetFeatureFlagDocument);
  const changed =
    enabled !== flag.enabled ||
    rollout !== flag.rolloutPercent ||
    roles.slice().sort().join() !== flag.roles.slice().sort().join();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save({ name: flag.name, enabled, rolloutPercent: rollout, roles });
  };
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-label={`Flag ${flag.name}`}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2} size="h5" className="mono">
            {flag.name}
          </Title>
          <Badge color={flag.enabled ? 'green' : 'gray'} variant="light">
            {flagState(flag)}
          </Badge>
        </Group>
        {flag.description && (
          <Text size="sm" c="dimmed">
            {flag.description}
          </Text>
        )}
        {!flag.isSet && (
          <Text size="xs" c="dimmed">
            Not set: its default ({flag.defaultEnabled ? 'on' : 'off'}) applies.
          </Text>
        )}
        <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
        <NumberInput
          label="Rollout (% of users, stable per user)"
          min={0}
          max={100}
          clampBehavior="strict"
          allowDecimal={false}
          value={rollout}
          onChange={(v) => setRollout(typeof v === 'number' ? v : 0)}
          w={260}
        />
        <Checkbox.Group
          label="Roles (none ticked: every role)"
          value={roles}
          onChange={(v) => setRoles(v as Role[])}
        >
          <Group mt={4}>
            {ROLES.map((r) => (
              <Checkbox key={r} value={r} label={ROLE_WORDS[r]} />
            ))}
          </Group>
        </Checkbox.Group>
        <ErrorNotice error={result.error} action="Could not save the flag" />
        <Group>
          <Button type="submit" size="xs" disabled={!changed} loading={result.fetching}>
            Save {flag.name}
          </Button>
          {flag.updatedAt && (
            <Text size="xs" c="dimmed">
              Last changed {formatDateTime(flag.updatedAt)}
            </Text>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}

export default function FlagsPage() {
  const [{ data, error }] = useQuery({
    query: FeatureFlagsDocument,
    context: LISTS.featureFlags,
  });
  // The API lists every flag the code reads, set or not, with its description and default.
  const flags: FlagValue[] = data?.featureFlags ?? [];
  return (
    <Stack>
      <PageHeader
        title="Feature flags"
        description="Turn features on for a share of users or for some roles. Every change is recorded with who and when."
      />
      <ErrorNotice error={error} action="Could not load the flags" />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {flags.map((flag) => (
          <FlagEditor key={`${flag.name}-${flag.updatedAt ?? 'new'}`} flag={flag} />
        ))}
      </SimpleGrid>
    </Stack>
  );
}
