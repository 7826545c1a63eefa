/** Fixtures of pasted logs for the redaction tests. */

/**
 * A syslog-style log whose redaction carries state from line to line: the same addresses and host names
 * again and again (pseudonym numbers), a header host column, and a private key block over several lines.
 */
export function statefulLog(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const second = String(i % 60).padStart(2, '0');
    const head = `Dec  4 10:00:${second} web-${i % 7} sshd[${100 + (i % 13)}]:`;
    if (i === 40) {
      out.push(
        `${head} loaded -----BEGIN RSA PRIVATE KEY-----`,
        'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo',
        '-----END RSA PRIVATE KEY----- done',
      );
      continue;
    }
    out.push(
      `${head} Failed password for user${i % 11} from 10.0.${i % 5}.${i % 9} port ${2000 + i} ssh2 ` +
        `via db-${i % 3}.corp.example.com mail ops${i % 4}@example.org token=tok${i}x9f2`,
    );
  }
  return `${out.join('\n')}\n`;
}
