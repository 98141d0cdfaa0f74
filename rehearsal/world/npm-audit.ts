/**
 * `npm audit --json` in the rehearsal. npm audit posts the lock file to the registry's advisory
 * endpoint, which the registry this machine reaches does not serve (405). Like the pip-audit and
 * trivy stand-ins, this writes npm's report (auditReportVersion 2) for the package-lock.json of the
 * working directory: its dependencies counted, no advisories, and says so on stderr.
 */
import { existsSync, readFileSync } from 'node:fs';

interface LockPackage {
  dev?: boolean;
  optional?: boolean;
  peer?: boolean;
}

const args = process.argv.slice(2);
if (!args.includes('--json')) {
  process.stderr.write('npm audit stand-in: only `npm audit --json` is supported in the rehearsal\n');
  process.exit(2);
}
if (!existsSync('package-lock.json')) {
  process.stderr.write('npm audit stand-in: no package-lock.json here (npm audit needs one)\n');
  process.exit(1);
}
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages?: Record<string, LockPackage>;
};
const installed = Object.entries(lock.packages ?? {}).filter(([name]) => name !== '');
const count = (test: (entry: LockPackage) => boolean) => installed.filter(([, entry]) => test(entry)).length;
const report = {
  auditReportVersion: 2,
  vulnerabilities: {},
  metadata: {
    vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0 },
    dependencies: {
      prod: count((entry) => !entry.dev && !entry.optional && !entry.peer) + 1,
      dev: count((entry) => entry.dev === true),
      optional: count((entry) => entry.optional === true),
      peer: count((entry) => entry.peer === true),
      peerOptional: 0,
      total: installed.length
    }
  }
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.stderr.write(
  `npm audit stand-in: ${installed.length} packages reported with no advisories (the rehearsal's registry has no audit endpoint)\n`
);
