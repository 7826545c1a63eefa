import { PasswordInput, type PasswordInputProps } from '@mantine/core';

/**
 * Mantine's PasswordInput with its show-password button in the Tab order: Mantine leaves it out
 * (`tabIndex=-1`), so a keyboard user could not reveal what they typed. The name stays "Show password" and
 * `aria-pressed` (Mantine's) says whether it is shown, as a toggle button's name should not change.
 */
export function PasswordField(props: PasswordInputProps) {
  return (
    <PasswordInput
      visibilityToggleFocusable
      visibilityToggleButtonProps={{ 'aria-label': 'Show password' }}
      {...props}
    />
  );
}
