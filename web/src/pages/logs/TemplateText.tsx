import { templateParts } from './summary-model.ts';

/** A template with its wildcards marked, so a reader sees at once what varies. */
export function TemplateText({ text }: { text: string }) {
  return (
    <span className="mono">
      {templateParts(text).map((part, i) =>
        part.wild ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts are positional and never reordered
          <mark key={i} className="wild">
            {part.text}
          </mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts are positional and never reordered
          <span key={i}>{part.text}</span>
        ),
      )}
    </span>
  );
}
