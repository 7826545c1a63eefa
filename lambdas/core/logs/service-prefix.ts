/**
 * Logs of several services in one stream, each line prefixed by the container that wrote it, as the two
 * commonest tools print them: `docker compose logs` (`web-1  | …`; `web_1  | …` before Compose v2) and
 * `kubectl logs --prefix` (`[pod/web-7d9c8b7f5-x2k4p/app] …`). Each service writes its own layout, so a layout
 * learned from the mixed lines fits none of them (a compose log of four services read as one layout had no
 * time, no level and the prefix in every template). Here the prefix is read off, and each service's lines are
 * parsed by a layout learned from that service's own lines in the sample; the container, as printed, is the
 * line's component.
 */
import type { HeaderInfo, HeaderParser, ParsedLine } from './header.ts';
import type { ZoneTally } from './timestamp.ts';

/** `name  | text`: Compose pads the name to the longest one and always writes ` | `. */
const COMPOSE = /^([A-Za-z0-9][\w.-]{0,127}?)\s+\|(?: |$)/;
/** `[pod/<pod>/<container>] text`. */
const KUBECTL = /^\[pod\/([^\s/\]]{1,253})\/([^\s\]]{1,63})\](?: |$)/;

/** Share of the sample that must carry a prefix, and the most services a stream is taken to hold. */
const PREFIXED_SHARE = 0.8;
const MAX_SERVICES = 64;
/** Services named in the layout description. */
const DESCRIBED = 4;

interface Prefixed {
  service: string;
  body: string;
}

function readPrefix(line: string): Prefixed | undefined {
  const compose = COMPOSE.exec(line);
  if (compose) return { service: compose[1] as string, body: line.slice(compose[0].length) };
  const pod = KUBECTL.exec(line);
  if (pod) return { service: `${pod[1]}/${pod[2]}`, body: line.slice(pod[0].length) };
  return undefined;
}

class ServicePrefixParser implements HeaderParser {
  readonly info: HeaderInfo;
  constructor(
    private readonly byService: ReadonlyMap<string, HeaderParser>,
    /** Services first met after the sample, and lines without a prefix (`Attaching to web-1, db-1`). */
    private readonly mixed: HeaderParser,
    sample: readonly string[],
  ) {
    let fit = 0;
    for (const line of sample) {
      const p = readPrefix(line);
      if (p && this.parse(line).content.length < p.body.trim().length) fit++;
    }
    const layouts = [...byService]
      .slice(0, DESCRIBED)
      .map(([s, parser]) => `${s}: ${parser.info.description}`);
    const more = byService.size > DESCRIBED ? `; ${byService.size - DESCRIBED} more` : '';
    this.info = {
      kind: 'columns',
      description: `<service> | <line> (one layout per service; ${layouts.join('; ')}${more})`,
      coverage: sample.length > 0 ? fit / sample.length : 1,
    };
  }

  /** The last line read and its prefix: the analyzer asks `parse` and `unwrap` of each line in turn. */
  private lastLine = '';
  private lastPrefix: Prefixed | undefined;

  private prefixOf(line: string): Prefixed | undefined {
    if (line !== this.lastLine) {
      this.lastLine = line;
      this.lastPrefix = readPrefix(line);
    }
    return this.lastPrefix;
  }

  unwrap(line: string): string {
    return this.prefixOf(line)?.body ?? line;
  }

  structuredKind(line: string): 'json' | 'logfmt' | undefined {
    const p = this.prefixOf(line);
    const kind = ((p && this.byService.get(p.service)) || this.mixed).info.kind;
    return kind === 'json' || kind === 'logfmt' ? kind : undefined;
  }

  parse(line: string): ParsedLine {
    const p = this.prefixOf(line);
    if (!p) return this.mixed.parse(line);
    const parsed = (this.byService.get(p.service) ?? this.mixed).parse(p.body);
    parsed.component = p.service;
    return parsed;
  }

  countZones(into: ZoneTally): void {
    for (const parser of this.byService.values()) parser.countZones?.(into);
    this.mixed.countZones?.(into);
  }
}

/**
 * A parser for a stream of prefixed service lines, or undefined when the sample is not one. `learn` builds the
 * layout of one service's lines (the ordinary detection).
 */
export function servicePrefixParser(
  sample: readonly string[],
  learn: (lines: string[]) => HeaderParser,
): HeaderParser | undefined {
  const bodies = new Map<string, string[]>();
  const all: string[] = [];
  for (const line of sample) {
    const p = readPrefix(line);
    if (!p) continue;
    all.push(p.body);
    if (p.body.trim().length === 0) continue;
    const list = bodies.get(p.service);
    if (list) list.push(p.body);
    else bodies.set(p.service, [p.body]);
  }
  if (all.length < PREFIXED_SHARE * sample.length || bodies.size === 0 || bodies.size > MAX_SERVICES)
    return undefined;
  const byService = new Map<string, HeaderParser>();
  for (const [service, lines] of bodies) byService.set(service, learn(lines));
  return new ServicePrefixParser(byService, learn(all), sample);
}
