import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidRequestError } from '../errors/index.js';
import { embeddedIpv4, isPublicAddress } from './ip-ranges.js';
import { OUTBOUND_POLICY_CODE, OutboundPolicy, parseAllowEntry } from './outbound-policy.js';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.0.0.2',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.254',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '198.18.0.1',
    '::1',
    '::',
    'fd00::1',
    'fc12:3456::1',
    'fe80::1',
    'fe80::1%eth0',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '::ffff:10.0.0.1',
    '::127.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '2002:a9fe:a9fe::1',
    '2001:db8::1',
    '2001::1',
    '[::1]',
    'not an ip',
    'example.com',
  ])('%s is not public', (a) => expect(isPublicAddress(a)).toBe(false));

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    '%s is public',
    (a) => expect(isPublicAddress(a)).toBe(true),
  );

  it('reads the IPv4 address an IPv6 form carries', () => {
    expect(embeddedIpv4('::ffff:a9fe:a9fe')).toBe('169.254.169.254');
    expect(embeddedIpv4('2002:0a00:0001::')).toBe('10.0.0.1');
    expect(embeddedIpv4('2606:4700::1')).toBeUndefined();
  });
});

describe('parseAllowEntry', () => {
  it('takes origins, host names, wildcards and ranges', () => {
    expect(parseAllowEntry('http://10.0.0.5:11434')).toEqual({
      kind: 'origin',
      origin: 'http://10.0.0.5:11434',
    });
    expect(parseAllowEntry('HTTPS://LLM.Internal/')).toEqual({
      kind: 'origin',
      origin: 'https://llm.internal',
    });
    expect(parseAllowEntry('llm.internal')).toEqual({ kind: 'host', host: 'llm.internal' });
    expect(parseAllowEntry('*.corp.example')).toEqual({ kind: 'suffix', suffix: '.corp.example' });
    expect(parseAllowEntry('10.0.0.0/8')).toMatchObject({ kind: 'cidr', prefix: 8, family: 'ipv4' });
    expect(parseAllowEntry('fd00::/8')).toMatchObject({ kind: 'cidr', prefix: 8, family: 'ipv6' });
    expect(parseAllowEntry('127.0.0.1')).toMatchObject({ kind: 'cidr', prefix: 32 });
  });
  it.each(['http://x/path', '10.0.0.0/33', 'a b', 'http://', '*.'])('refuses %s', (entry) =>
    expect(typeof parseAllowEntry(entry)).toBe('string'),
  );
  it('fails construction on a bad entry', () => {
    expect(() => new OutboundPolicy(['10.0.0.0/99'])).toThrow(/OUTBOUND_ALLOWLIST/);
  });
});

describe('OutboundPolicy.problem (static rules)', () => {
  const sut = new OutboundPolicy();
  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'https://169.254.169.254/latest/meta-data/',
    'https://10.1.2.3/v1',
    'https://172.16.0.1/v1',
    'https://192.168.0.10/v1',
    'https://100.64.0.1/v1',
    'https://127.0.0.2/v1',
    'https://[fd00::1]/v1',
    'https://[fe80::1]/v1',
    'https://[::ffff:169.254.169.254]/',
    'https://[::ffff:a9fe:a9fe]/',
    'https://2852039166/', // 169.254.169.254 in decimal
    'https://0xa9fea9fe/', // in hex
    'https://0251.0376.0251.0376/', // in octal
    'https://0x7f.1/',
    'https://127.1/',
    'http://api.example.com/v1', // plain http to a public name
    'ftp://example.com/',
    'file:///etc/passwd',
    'https://user:pass@api.example.com/',
    'not a url',
  ])('refuses %s', (url) => expect(sut.problem(url)).toBeDefined());

  it.each(['https://api.openai.com/v1', 'https://8.8.8.8/v1', 'https://[2606:4700:4700::1111]/'])(
    'admits %s',
    (url) => expect(sut.problem(url)).toBeUndefined(),
  );

  it('trusts configured upstreams and allow-listed origins, hosts and ranges', () => {
    const policy = new OutboundPolicy([
      'http://10.0.0.5:11434',
      'llm.internal',
      '*.corp.example',
      '192.168.0.0/16',
    ]);
    policy.trust('http://127.0.0.1:8090/v1');
    expect(policy.problem('http://127.0.0.1:8090/v1/chat')).toBeUndefined();
    expect(policy.problem('http://127.0.0.1:8091/v1')).toBeDefined(); // another port is another origin
    expect(policy.problem('http://127.0.0.2:8090/v1')).toBeDefined();
    expect(policy.problem('http://10.0.0.5:11434/api')).toBeUndefined();
    expect(policy.problem('https://10.0.0.5/api')).toBeDefined();
    expect(policy.problem('http://llm.internal:8000/v1')).toBeUndefined();
    expect(policy.problem('https://a.corp.example/v1')).toBeUndefined();
    expect(policy.problem('https://evilcorp.example/v1')).toBeUndefined(); // public name: checked at connect
    // Plain http to a name: only if it resolves into an allow-listed range (checked at connect).
    expect(policy.problem('http://evilcorp.example/v1')).toBeUndefined();
    expect(new OutboundPolicy().problem('http://evilcorp.example/v1')).toBeDefined();
    expect(policy.problem('http://192.168.3.4:8000/v1')).toBeUndefined();
    expect(policy.problem('http://[::ffff:c0a8:304]:8000/v1')).toBeUndefined();
    expect(policy.problem('http://10.0.0.6:11434/v1')).toBeDefined();
  });
});

describe('OutboundPolicy.assertAllowed', () => {
  it('throws 400 naming the field, without echoing a resolved address', async () => {
    const sut = new OutboundPolicy();
    const error = await sut.assertAllowed('https://localhost/v1', 'base_url').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ status: 400, param: 'base_url', code: 'outbound_policy' });
    expect((error as Error).message).not.toMatch(/127\.0\.0\.1|::1/);
    await expect(sut.assertAllowed('http://169.254.169.254/', 'base_url')).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    await expect(sut.assertAllowed('https://api.example.invalid/v1', 'base_url')).resolves.toBeUndefined();
  });
});

describe('OutboundPolicy at connect time', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/hop') res.writeHead(302, { location: `http://127.0.0.2:${port}/ok` }).end();
      else if (req.url === '/echo') req.pipe(res);
      else res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const codeOf = async (promise: Promise<unknown>) => {
    const error = (await promise.catch((e: unknown) => e)) as { cause?: { code?: string } };
    return error.cause?.code;
  };

  it('connects to an admitted address and refuses a name that resolves to a private one', async () => {
    const sut = new OutboundPolicy(['127.0.0.2/32']);
    try {
      expect(await (await sut.fetch(`http://127.0.0.2:${port}/ok`)).text()).toBe('ok');
      // `localhost` resolves to 127.0.0.1, which is not admitted: the socket's own lookup refuses.
      expect(await codeOf(sut.fetch(`http://localhost:${port}/ok`))).toBe(OUTBOUND_POLICY_CODE);
      expect(await codeOf(sut.fetch(`http://127.0.0.1:${port}/ok`))).toBe(OUTBOUND_POLICY_CODE);
    } finally {
      await sut.close();
    }
  });

  it('checks every redirect hop', async () => {
    const sut = new OutboundPolicy(['127.0.0.1/32']);
    try {
      expect(await codeOf(sut.fetch(`http://127.0.0.1:${port}/hop`))).toBe(OUTBOUND_POLICY_CODE);
    } finally {
      await sut.close();
    }
  });

  it('sends the global FormData as multipart, as SDK uploads need', async () => {
    const sut = new OutboundPolicy(['127.0.0.2/32']);
    const form = new FormData();
    form.append('model', 'whisper-1');
    form.append('file', new File([Buffer.from('RIFF')], 'a.wav'));
    try {
      // The openai SDK refuses to upload through a fetch whose Response cannot read a FormData.
      const probe = (sut.fetch as unknown as { Response: typeof Response }).Response;
      expect(await new probe(form).text()).toContain('name="model"');
      const sent = await (
        await sut.fetch(`http://127.0.0.2:${port}/echo`, { method: 'POST', body: form })
      ).text();
      expect(sent).toContain('name="model"\r\n\r\nwhisper-1');
      expect(sent).toContain('filename="a.wav"');
      expect(sent).toContain('RIFF');
    } finally {
      await sut.close();
    }
  });

  it('a trusted origin connects without an address check', async () => {
    const sut = new OutboundPolicy();
    sut.trust(`http://localhost:${port}`);
    try {
      expect(await (await sut.fetch(`http://localhost:${port}/ok`)).text()).toBe('ok');
      expect(await codeOf(sut.fetch(`http://127.0.0.1:${port}/ok`))).toBe(OUTBOUND_POLICY_CODE);
    } finally {
      await sut.close();
    }
  });
});
