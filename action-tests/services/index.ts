// Real services for action tests, each on 127.0.0.1 with its files under os.tmpdir().
// Every start has a stop: call it in afterAll or finally, or the process outlives the tests.
export { freePort } from './ports.ts';
export {
  httpRequest,
  isAlive,
  makeTempDir,
  readLogTail,
  removeDir,
  runChecked,
  runCommand,
  sleep,
  startProcess,
  stopProcess,
  waitForHttp,
  waitForPort,
  withLog,
  type CommandResult,
  type ExitInfo,
  type HttpResult,
  type ManagedProcess,
  type StartProcessOptions,
  type StopOptions,
  type WaitOptions
} from './process.ts';
export { POSTGRES_BIN, startPostgres, type PostgresService, type StartPostgresOptions } from './postgres.ts';
export { REDIS_SERVER, startRedis, type RedisService } from './redis.ts';
export {
  EXAMPLE_BACKEND_DIR,
  EXAMPLE_FRONTEND_DIR,
  EXAMPLES_DIR,
  PYTHON,
  migrateDatabase,
  runAlembic,
  startExampleApp,
  type ExampleApp,
  type ExampleAppOptions
} from './example-app.ts';
