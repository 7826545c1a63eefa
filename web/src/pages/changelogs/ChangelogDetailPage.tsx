import { Anchor, Stack } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { releaseLabel } from '../../../../lambdas/core/changelog/types.ts';
import { formatDateTime } from '../../components/format.ts';
import { MissingRecord } from '../../components/MissingRecord.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ChangelogView } from './ChangelogView.tsx';
import { ChangelogDocument } from './changelog-documents.ts';

export default function ChangelogDetailPage() {
  const { id = '' } = useParams();
  const [{ data, error, fetching }] = useQuery({ query: ChangelogDocument, variables: { id } });
  const changelog = data?.changelog;
  if (!changelog) {
    return <MissingRecord title="Changelog" fetching={fetching} error={error} listPath="/changelogs" />;
  }
  return (
    <Stack>
      <PageHeader
        title={`Changelog ${releaseLabel(changelog)}`}
        description={`Generated ${formatDateTime(changelog.createdAt)}`}
        actions={
          <Anchor component={Link} to="/changelogs" size="sm">
            All changelogs
          </Anchor>
        }
      />
      <ChangelogView changelog={changelog} />
    </Stack>
  );
}
