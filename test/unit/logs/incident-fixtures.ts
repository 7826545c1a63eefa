import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Hand-written incident logs in test/fixtures/logs/incidents (see the README there). */
export const INCIDENT_LOGS = ['nginx-5xx-spike', 'java-cascade', 'k8s-syslog-oom'] as const;
export type IncidentLog = (typeof INCIDENT_LOGS)[number];

export const incidentPath = (name: IncidentLog): string =>
  join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/logs/incidents', `${name}.log`);

export const incidentText = (name: IncidentLog): string => readFileSync(incidentPath(name), 'utf8');
