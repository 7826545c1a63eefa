import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';

/** Copies text to the clipboard and says so (a visible toast and a polite live region). */
export function CopyTextButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      notifications.show({ message: 'Copied to the clipboard', color: 'green' });
    } catch {
      notifications.show({
        message: 'The browser refused the clipboard; select the text and copy it',
        color: 'red',
      });
    }
  };
  return (
    <Button variant="light" size="xs" onClick={copy}>
      {label}
    </Button>
  );
}
