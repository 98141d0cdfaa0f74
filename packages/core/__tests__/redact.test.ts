import { describe, expect, it } from '@jest/globals';
import {
  Redactor,
  displayUrl,
  outboundRedaction,
  redactCredentials,
  redactStrings,
  urlCredentials
} from '../src/redact.ts';

function redactorWith(...secrets: string[]): Redactor {
  const redactor = new Redactor();
  for (const secret of secrets) redactor.add(secret);
  return redactor;
}

describe('Redactor', () => {
  it.each([
    [['hunter22'], 'password=hunter22; again hunter22', 'password=***; again ***'],
    [['  padded-secret  '], 'x padded-secret y', 'x *** y'],
    [['abcd', 'abcdefgh'], 'abcdefgh and abcd', '*** and ***'],
    [['abcdefgh', 'abcd'], 'abcdefgh and abcd', '*** and ***'],
    [
      ['Bearer tok-1234', 'tok-1234'],
      'Authorization: Bearer tok-1234 / tok-1234',
      'Authorization: *** / ***'
    ],
    [['p@ss word/1'], 'https://u:p%40ss%20word%2F1@host', 'https://u:***@host'],
    [['say "hi"\\now'], '{"token":"say \\"hi\\"\\\\now"}', '{"token":"***"}'],
    [['line1\nline2'], '{"v":"line1\\nline2"}', '{"v":"***"}'],
    [['abc', '', '   '], 'abc stays', 'abc stays'],
    [['abcd'], 'nothing secret here', 'nothing secret here']
  ])('with %j turns %j into %j', (secrets, text, expected) => {
    expect(redactorWith(...secrets).redact(text)).toBe(expected);
  });

  it('masks a secret of exactly 4 characters and ignores one of 3', () => {
    expect(redactorWith('wxyz', 'abc').redact('wxyz abc')).toBe('*** abc');
  });

  it('masks the longest secret first, so a secret containing another is masked whole', () => {
    // Were the shorter one masked first, `***efgh` would reveal the tail of the longer one.
    const text = redactorWith('abcd', 'abcdefgh').redact('token abcdefgh');
    expect(text).toBe('token ***');
    expect(text).not.toContain('efgh');
  });

  it('masks a multi-line secret whole and each of its lines printed alone', () => {
    const key = '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\nAQEFAASCBKcwggSjAgEAAoIB\n-----END KEY-----';
    const redactor = redactorWith(key);
    expect(redactor.redact(`key: ${key}`)).toBe('key: ***');
    expect(redactor.redact('line: AQEFAASCBKcwggSjAgEAAoIB')).toBe('line: ***');
    expect(redactor.redact(key.replace(/\n/g, '\r\n'))).not.toContain('MIIEvQIBADANBgkqhkiG9w0B');
  });

  it('leaves text alone with no secrets', () => {
    expect(new Redactor().redact('a | b')).toBe('a | b');
  });
});

describe('urlCredentials', () => {
  it.each([
    ['https://deploy:s3cret@api.example.com/x', ['s3cret']],
    ['https://deploy:p%40ss%2Fw0rd@api.example.com', ['p@ss/w0rd']],
    // A user name beside a password is no secret: masking `weights` or `db` rewrites the log.
    ['http://weights:pw-1234@127.0.0.1:9090', ['pw-1234']],
    ['postgresql://db:pw-1234@127.0.0.1/app', ['pw-1234']],
    ['https://token-only@api.example.com', ['token-only']],
    ['https://:only-password@api.example.com', ['only-password']],
    ['https://api.example.com/path?user=x', []],
    ['not a url', []],
    ['', []]
  ])('of %j is %j', (raw, expected) => {
    expect(urlCredentials(raw)).toEqual(expected);
  });
});

describe('displayUrl', () => {
  it.each([
    ['https://deploy:s3cret@api.example.com/base', 'https://***@api.example.com/base'],
    ['https://token@api.example.com', 'https://***@api.example.com'],
    ['https://api.example.com/', 'https://api.example.com'],
    ['http://127.0.0.1:8080/health?x=1', 'http://127.0.0.1:8080/health?x=1'],
    ['not a url', 'not a url']
  ])('shows %j as %j', (raw, expected) => {
    expect(displayUrl(raw)).toBe(expected);
  });

  it('never shows the password', () => {
    expect(displayUrl('https://user:hunter22@host.example')).not.toContain('hunter22');
  });
});

describe('redactCredentials', () => {
  it.each([
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc', 'Authorization: ***'],
    ['authorization=Basic dXNlcjpwYXNz', 'authorization=***'],
    ['Proxy-Authorization: s3cr3t-value', 'Proxy-Authorization: ***'],
    ['curl -H "Authorization: token ghp_abcdef123456" x', 'curl -H "Authorization: ***" x'],
    ['using bearer tok_123.abc/def= now', 'using bearer *** now'],
    ['{"auth": "Bearer zz9-plural-z-alpha"}', '{"auth": "Bearer ***"}'],
    ['postgresql://app:S3cretDbPw@127.0.0.1/db', 'postgresql://***@127.0.0.1/db'],
    ['postgresql+psycopg2://app:p@ss@db:5432/app', 'postgresql+psycopg2://***@db:5432/app'],
    ['redis://:hunter22@cache:6379/0', 'redis://***@cache:6379/0'],
    ['clone https://x-access-token:ghs_abc@github.com/o/r.git', 'clone https://***@github.com/o/r.git'],
    ['amqp://guest:guest@mq and ftp://u:p@files', 'amqp://***@mq and ftp://***@files'],
    ['GET /hook?token=abc123&x=1', 'GET /hook?token=***&x=1'],
    ['DEPLOY_TOKEN=ghp_secret123 ./deploy.sh', 'DEPLOY_TOKEN=*** ./deploy.sh'],
    ['--password=hunter22 --user=app', '--password=*** --user=app'],
    ['secret=s3cr3t-value, next', 'secret=***, next'],
    ["DB_PASSWORD='two words'", 'DB_PASSWORD=***'],
    ['client_secret="a b c"; next', 'client_secret=***; next'],
    ['api_key=AKIA1234 and x-api-key=zzz', 'api_key=*** and x-api-key=***'],
    ['apikey=k-1 ACCESS_KEY=k-2', 'apikey=*** ACCESS_KEY=***'],
    ['{"password": "S3cret\\"quoted", "user": "app"}', '{"password": "***", "user": "app"}'],
    ['{"api_key":"k-123","client_secret":"s-456"}', '{"api_key":"***","client_secret":"***"}'],
    ['{"detail":"{\\"password\\": \\"pw-in-json\\"}"}', '{"detail":"{\\"password\\": \\"***\\"}"}']
  ])('%j becomes %j', (text, expected) => {
    expect(redactCredentials(text)).toBe(expected);
  });

  it.each([
    'rollback of production failed at redeploy: `./deploy.sh` exited with status 3',
    'Input `github-token`: got nothing; expected a token (needed for the incident issue)',
    'the token was rotated; the password policy says 12 characters; Authorization failed',
    'https://github.com/octo-org/shop/actions/runs/9876543210 and http://127.0.0.1:8080/health?x=1',
    'email ops@example.com, ssh git@github.com:octo/shop.git, `a = b`, tokens: 5',
    '{"version":"1.4.0","token_type":"bearer","rollback":true}',
    'PWD=/home/runner/work USER=runner'
  ])('leaves %j as it is', (text) => {
    expect(redactCredentials(text)).toBe(text);
  });
});

describe('outboundRedaction', () => {
  it('masks the registered secrets, then the credential shapes', () => {
    const redactor = redactorWith('wh-secret-path', 'line one\nline two');
    const redact = outboundRedaction((text) => redactor.redact(text));
    expect(redact('hook /services/wh-secret-path failed; Bearer abc.def; line two')).toBe(
      'hook /services/*** failed; Bearer ***; ***'
    );
  });
});

describe('redactStrings', () => {
  it('redacts every string in a nested value and keeps the rest', () => {
    const value = {
      text: 'token=abc',
      blocks: [{ text: 'postgresql://a:b@h/db', n: 3 }],
      ok: true,
      none: null
    };
    expect(redactStrings(value, redactCredentials)).toEqual({
      text: 'token=***',
      blocks: [{ text: 'postgresql://***@h/db', n: 3 }],
      ok: true,
      none: null
    });
  });
});
