import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi, renderWith } from '../../test-utils.tsx';
import { LogUploadForm } from './LogUploadForm.tsx';

function choose(content: string, name: string) {
  const input = screen.getByLabelText('Log file');
  // jsdom's File has no text(); the browser's does.
  const file = Object.assign(new File([content], name, { type: 'text/plain' }), {
    text: async () => content,
  });
  fireEvent.change(input, { target: { files: [file] } });
}

describe('LogUploadForm', () => {
  it('says at once that a chosen file is binary or empty, instead of loading it', async () => {
    const { client, calls } = fakeApi(() => ({ data: {} }));
    renderWith(<LogUploadForm />, client);
    choose('\u007fELF\u0002\u0001\u0001\u0000\u0000\u0000garbage', 'ls.log');
    expect(await screen.findByText(/ls\.log is not a text file \(it contains NUL bytes\)/)).toBeTruthy();
    expect((screen.getByLabelText('Or paste log lines') as HTMLTextAreaElement).value).toBe('');
    choose('  \n\n', 'empty.log');
    expect(await screen.findByText(/empty\.log is empty/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Summarize' }) as HTMLButtonElement).disabled).toBe(true);
    expect(calls).toHaveLength(0);
  });
});
