import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * X.509 certificates for tests, made at test time with the machine's openssl (node:crypto cannot
 * issue certificates): a CA, a server certificate for localhost / 127.0.0.1, and client
 * certificates named after gateway accounts. EC P-256 keys: quick to make.
 */
export interface TestCertificate {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeCa(dir: string, name: string): TestCertificate {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return read(dir, name);
}

/** A certificate issued by `ca`: `server` for localhost and 127.0.0.1, `client` for an account name. */
export function issue(dir: string, ca: TestCertificate, name: string, kind: 'server' | 'client', opts: { san?: string } = {}): TestCertificate {
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, kind === 'server'
    ? 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'
    : `extendedKeyUsage=clientAuth\n${opts.san ? `subjectAltName=${opts.san}\n` : ''}`);
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${kind === 'server' ? 'localhost' : name}`,
    '-keyout', `${name}.key`, '-out', `${name}.csr`]);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial', '-days', '2',
    '-extfile', ext, '-out', `${name}.pem`]);
  return read(dir, name);
}

function read(dir: string, name: string): TestCertificate {
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  return { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}
