import { Button, Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { navItemsFor } from '../components/Layout.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ROLE_WORDS } from '../session/roles.ts';
import { useSession } from '../session/SessionProvider.tsx';

export default function HomePage() {
  const session = useSession();
  if (!session) return null;
  const items = navItemsFor(session.user.role).filter((item) => item.to !== '/');
  return (
    <Stack>
      <PageHeader
        title="Overview"
        description={`Signed in as ${session.user.email} (${ROLE_WORDS[session.user.role]}). Here is what you can do.`}
      />
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {items.map((item) => (
          <Card withBorder key={item.to} padding="md">
            <Title order={2} size="h4">
              {item.label}
            </Title>
            <Text size="sm" c="dimmed" mt={4} mb="sm">
              {item.description}
            </Text>
            <Button component={Link} to={item.to} variant="light" mt="auto" aria-label={`Open ${item.label}`}>
              Open
            </Button>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
