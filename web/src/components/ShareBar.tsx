import { Group, Progress, Text } from '@mantine/core';

interface Props {
  /** 0..1 */
  value: number;
  /** What the bar measures, read by screen readers ("Share of lines"). */
  label: string;
  color?: string;
  width?: number | string;
}

/** A labelled bar with its percentage written beside it (the bar alone is not enough for everyone). */
export function ShareBar({ value, label, color = 'blue', width = 120 }: Props) {
  const percent = Math.max(0, Math.min(100, value * 100));
  const text = `${percent < 10 ? percent.toFixed(1) : percent.toFixed(0)}%`;
  return (
    <Group gap={6} wrap="nowrap">
      <Progress
        value={percent}
        color={color}
        w={width}
        size="md"
        aria-label={`${label}: ${text}`}
        style={{ flexShrink: 0 }}
      />
      <Text size="xs" c="dimmed" w={40} ta="right">
        {text}
      </Text>
    </Group>
  );
}
