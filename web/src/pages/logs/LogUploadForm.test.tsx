import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readDraft } from '../../components/drafts.ts';
import { fakeApi, renderWith } from '../../test-utils.tsx';
import { LOG_DRAFT, LOG_DRAFT_MAX_BYTES, LogUploadForm } from './LogUploadForm.tsx';

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

  describe('draft', () => {
    beforeEach(() => sessionStorage.clear());
    afterEach(() => vi.restoreAllMocks());
    const pasted = () => screen.getByLabelText('Or paste log lines') as HTMLTextAreaElement;
    const paste = (text: string) => fireEvent.change(pasted(), { target: { value: text } });
    const LINES = '2026-12-07 10:00:00 ERROR db timeout\n2026-12-07 10:00:01 INFO retry ok\n';

    it('keeps pasted text and its source over a reload, and forgets them once the log is submitted', async () => {
      const { client, calls } = fakeApi(() => ({
        data: { summarizeLog: { id: 'log-1', status: 'QUEUED' } },
      }));
      const first = renderWith(<LogUploadForm userId="u1" />, client);
      paste(LINES);
      fireEvent.change(screen.getByLabelText(/^Source/), { target: { value: 'checkout-api' } });
      first.unmount();

      renderWith(<LogUploadForm userId="u1" />, client);
      expect(pasted().value).toBe(LINES);
      expect((screen.getByLabelText(/^Source/) as HTMLInputElement).value).toBe('checkout-api');
      expect(screen.queryByText(/A reload will lose this text/)).toBeNull();
      fireEvent.click(screen.getByRole('button', { name: 'Summarize' }));
      await waitFor(() => expect(calls).toHaveLength(1));
      await waitFor(() => expect(readDraft(LOG_DRAFT, 'u1')).toBeUndefined());
    });

    it('says a reload will lose text over the cap, and keeps none of it', () => {
      const { client } = fakeApi(() => ({ data: {} }));
      const first = renderWith(<LogUploadForm userId="u1" />, client);
      paste('x'.repeat(LOG_DRAFT_MAX_BYTES + 1));
      expect(screen.getByText(/A reload will lose this text: only up to 1\.0 MB is kept/)).toBeTruthy();
      first.unmount();
      renderWith(<LogUploadForm userId="u1" />, client);
      expect(pasted().value).toBe('');
    });

    it('says a reload will lose the text when the storage refuses it, and the form goes on working', () => {
      vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      });
      const { client } = fakeApi(() => ({ data: {} }));
      renderWith(<LogUploadForm userId="u1" />, client);
      paste(LINES);
      expect(pasted().value).toBe(LINES);
      expect(screen.getByText(/A reload will lose this text/)).toBeTruthy();
      expect((screen.getByRole('button', { name: 'Summarize' }) as HTMLButtonElement).disabled).toBe(false);
    });
  });
});
