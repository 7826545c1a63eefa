/**
 * Multi-line events: which lines continue the event above them instead of starting one. A stack trace, a
 * Python traceback or any indented text written under a log line belongs to that line's event: its
 * template comes from the first line and the trace is kept with the sample.
 *
 * A line continues the event when it does not fit the header layout of the log (or the log has none) and
 * it reads as a continuation: indented (unless most lines of the log are), a Java frame (`at a.b.C(…)`), a
 * numbered frame (PHP's `#0 /app/db.php(12): …` under its `Stack trace:`, gdb's `#0  0x… in f ()`),
 * `Caused by:` / `Suppressed:`, `... 12 more`, `Traceback (most recent call last):`, the chaining notes of
 * Python (`During handling of …`, `The above exception …`), or an exception line (`java.io.IOException: …`,
 * `ValueError: …`) or a Go frame's function line (`main.main()`, whose file line under it is indented) right
 * under a log line or inside a trace.
 */

const FRAME = /^\s*at\s+[\w$.<>/-]+[.(]/;
/** A numbered frame: PHP's `#0 /var/www/db.php(12): PDO->__construct()`, `#1 {main}`; gdb's `#0  0x… in f ()`. */
const NUMBERED_FRAME = /^#\d{1,4} +(?:[/{\\]|0x[\da-f]+ in |[A-Za-z]:\\|\[internal function\])/;
/** The line that opens PHP's trace (`Stack trace:`), and the `thrown in` line that ends it. */
const PHP_TRACE = /^(?:Stack trace:$|\s+thrown in \S)/;
const CAUSE = /^\s*(?:Caused by|Suppressed|Wrapped by): /;
const MORE = /^\s*\.\.\.\s*\d+\s+(?:more|common frames omitted)/;
const PYTHON =
  /^(?:Traceback \(most recent call last\):|During handling of the above exception|The above exception was the direct cause)/;
/**
 * A Go stack frame's function line, alone on its line and not indented (its file line under it is):
 * `main.main()`, `github.com/acme/orders/store.(*PG).Query`, `net/http.(*conn).serve(0xc000123)`.
 */
const GO_FRAME = /^(?:[\w.-]+\/)*\w[\w-]*\.(?:\(\*?\w+\)\.)?\w+(?:\.\w+)*(?:\([^()\s]*\))?$/;
/** `java.lang.IllegalStateException: …`, `ValueError: …`, `org.x.FooError` alone on its line. */
const EXCEPTION =
  /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*(?:Exception|Error|Throwable|Fault|Panic)(?::\s|$)/;

/**
 * Whether a line reads like the continuation of an event by itself (indented, a frame, a cause, a
 * traceback line or an exception line): such lines carry no header to learn a layout from.
 */
export function looksLikeContinuation(line: string): boolean {
  return (
    isIndented(line) ||
    FRAME.test(line) ||
    NUMBERED_FRAME.test(line) ||
    PHP_TRACE.test(line) ||
    CAUSE.test(line) ||
    MORE.test(line) ||
    PYTHON.test(line) ||
    EXCEPTION.test(line)
  );
}

const isIndented = (line: string): boolean => {
  const c = line.charCodeAt(0);
  return c === 32 || c === 9;
};

export interface ContinuationOptions {
  /** Whether most lines of the log are indented: then indentation says nothing. */
  indentedLog: boolean;
  /** Whether the log has a header layout: an exception line under a log line is then part of its event. */
  headed: boolean;
}

/** Tells continuation lines from event lines, line after line (it remembers whether a trace is open). */
export class ContinuationDetector {
  /** True after a continuation line: an exception line may follow inside the trace. */
  private inTrace = false;

  constructor(private readonly options: ContinuationOptions) {}

  /**
   * Whether `line` continues the event above. `fitsHeader` says whether it fitted the header layout (a line
   * that did is always an event); `afterEvent` whether there is an event above to continue.
   */
  continues(line: string, fitsHeader: boolean, afterEvent: boolean): boolean {
    if (fitsHeader || !afterEvent) {
      this.inTrace = false;
      return false;
    }
    const yes =
      (!this.options.indentedLog && isIndented(line)) ||
      FRAME.test(line) ||
      NUMBERED_FRAME.test(line) ||
      PHP_TRACE.test(line) ||
      CAUSE.test(line) ||
      MORE.test(line) ||
      PYTHON.test(line) ||
      ((EXCEPTION.test(line) || GO_FRAME.test(line)) && (this.inTrace || this.options.headed));
    this.inTrace = yes;
    return yes;
  }
}

/** Whether most of the sample lines are indented (then indentation does not mark continuations). */
export function mostlyIndented(sample: readonly string[]): boolean {
  let lines = 0;
  let indented = 0;
  for (const line of sample) {
    if (line.trim().length === 0) continue;
    lines++;
    if (isIndented(line)) indented++;
  }
  return lines > 0 && indented / lines >= 0.5;
}
