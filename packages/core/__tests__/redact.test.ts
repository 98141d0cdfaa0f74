import { describe, expect, it } from '@jest/globals';
import { Redactor, displayUrl, urlCredentials } from '../src/redact.ts';

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
