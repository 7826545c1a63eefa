import type { aws_cloudwatch as cloudwatch, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export const DATABASE_NAME = 'aiops';
export const POSTGRES_PORT = 5432;
export const MASTER_USERNAME = 'aiops_admin';

/** A chart of the dashboard's database row. */
export interface DatabaseChart {
  readonly title: string;
  readonly metrics: cloudwatch.IMetric[];
}

/**
 * What the rest of the stack needs from a database, whichever kind the stage has (an RDS instance behind a
 * proxy, or Aurora Serverless v2 reached directly).
 */
export interface DatabaseTarget {
  /** The host functions connect to: the proxy endpoint, or the cluster's writer endpoint. */
  readonly endpoint: string;
  /** An RDS Proxy pins sessions that prepare statements: functions turn prepared statements off behind one. */
  readonly viaProxy: boolean;
  /** The RDS-generated master credentials (username/password/host/port/dbname JSON). */
  readonly secret: secretsmanager.ISecret;
  /** What must exist before the migrator runs. */
  readonly ready: readonly IConstruct[];
  /** A client connection idle this long is gone (proxy idle timeout, or `idle_session_timeout`). */
  readonly idleSessionSeconds: number;
  /** The longest a connection attempt may wait on the database itself: a paused instance resumes first. */
  readonly resumeSeconds: number;
  readonly cpu: (period: cloudwatch.MetricOptions) => cloudwatch.Metric;
  readonly connections: (period: cloudwatch.MetricOptions) => cloudwatch.Metric;
  /** The dashboard's database charts besides CPU (connections, memory, storage or capacity). */
  readonly charts: () => DatabaseChart[];
}
