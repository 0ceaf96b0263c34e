import { Badge, Group, Table, Text } from '@mantine/core';
import type { ImportResult } from '../../api/provider-keys';

const COLOR = { added: 'green', skipped: 'yellow', rejected: 'red' } as const;
const LABEL = { added: 'added', skipped: 'duplicate', rejected: 'rejected' } as const;

/** The import's answer line by line: what was added, what was already there, what was refused and why. */
export function ImportReport({ result }: { result: ImportResult }) {
  return (
    <>
      <Group gap="xs" mb="xs" aria-live="polite">
        <Badge color="green" variant="light">
          {result.added} added
        </Badge>
        <Badge color="yellow" variant="light">
          {result.skipped} duplicate
        </Badge>
        <Badge color="red" variant="light">
          {result.rejected} rejected
        </Badge>
        {result.dry_run ? (
          <Text size="sm" c="dimmed">
            (dry run: nothing was stored)
          </Text>
        ) : null}
      </Group>
      <Table.ScrollContainer type="native" tabIndex={0} pos="relative" minWidth={420} mah={260}>
        <Table fz="sm" verticalSpacing={4} aria-label="Import report">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Line</Table.Th>
              <Table.Th>Result</Table.Th>
              <Table.Th>Provider</Table.Th>
              <Table.Th>Key</Table.Th>
              <Table.Th>Why</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.lines.map((line) => (
              <Table.Tr key={line.line} data-result={line.status}>
                <Table.Td>{line.line}</Table.Td>
                <Table.Td>
                  <Badge color={COLOR[line.status]} variant="light" size="sm">
                    {LABEL[line.status]}
                  </Badge>
                </Table.Td>
                <Table.Td>{line.provider ?? '—'}</Table.Td>
                <Table.Td>{line.key_hint ?? '—'}</Table.Td>
                <Table.Td>{line.reason ?? ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
