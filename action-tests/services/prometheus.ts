// A private Prometheus 2.42 on 127.0.0.1 for tests: its own configuration and TSDB under
// os.tmpdir(), scraping the given targets every second at /metrics/ (the example app's mount).
// Always call stop() (afterAll or finally).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './ports.ts';
import {
  httpRequest,
  makeTempDir,
  removeDir,
  sleep,
  startProcess,
  waitForHttp,
  type ManagedProcess
} from './process.ts';

export const PROMETHEUS = '/usr/bin/prometheus';

export interface PrometheusService {
  /** e.g. http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  /** One instant query; the `data.result` of the answer. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Polls a query until it returns at least one series (the first scrapes take a few seconds). */
  waitForSeries(promql: string, timeoutMs?: number): Promise<void>;
  logTail(lines?: number): string;
  /** Stops Prometheus (SIGTERM, then SIGKILL) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** `host:port` of each target, scraped at /metrics/. */
  targets: string[];
  /** Default 1 s. */
  scrapeIntervalSeconds?: number;
}

export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusService> {
  const dir = makeTempDir('prometheus');
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  const configFile = path.join(dir, 'prometheus.yml');
  writeFileSync(
    configFile,
    [
      'global:',
      `  scrape_interval: ${interval}`,
      `  evaluation_interval: ${interval}`,
      'scrape_configs:',
      '  - job_name: apps',
      '    metrics_path: /metrics/',
      '    static_configs:',
      `      - targets: [${options.targets.map((t) => `'${t}'`).join(', ')}]`,
      ''
    ].join('\n')
  );
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    let child: ManagedProcess | undefined;
    try {
      child = await startProcess(
        PROMETHEUS,
        [
          `--config.file=${configFile}`,
          `--storage.tsdb.path=${path.join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--storage.tsdb.retention.time=1h',
          '--log.level=warn'
        ],
        { name: 'prometheus', cwd: dir, logFile: path.join(dir, 'prometheus.log') }
      );
      await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 30_000, {
        process: child,
        accept: (s) => s === 200
      });
      return makeService(child, port, dir);
    } catch (error) {
      lastError = error;
      await child?.stop();
    }
  }
  removeDir(dir);
  throw lastError;
}

function makeService(child: ManagedProcess, port: number, dir: string): PrometheusService {
  const url = `http://127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  const service: PrometheusService = {
    url,
    port,
    pid: child.pid,
    dir,
    async query(promql) {
      const answer = await httpRequest(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`, {
        timeoutMs: 5000
      });
      const body = answer.json<{
        status: string;
        data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
      }>();
      if (body.status !== 'success' || !body.data) throw new Error(`query ${promql} failed: ${answer.body}`);
      return body.data.result;
    },
    async waitForSeries(promql, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if ((await service.query(promql).catch(() => [])).length > 0) return;
        if (Date.now() > deadline)
          throw new Error(`no series for ${promql} after ${timeoutMs} ms\n${child.logTail(20)}`);
        await sleep(250);
      }
    },
    logTail: (lines) => child.logTail(lines),
    stop() {
      stopping ??= child.stop().finally(() => removeDir(dir));
      return stopping;
    }
  };
  return service;
}
