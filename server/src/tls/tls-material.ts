import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { TryggError } from '../errors';
import type { TlsFiles } from '../environment';

/** PEM text read from TRYGG_TLS_CERT / TRYGG_TLS_KEY / TRYGG_TLS_CA. */
export interface TlsMaterial {
  cert: string;
  key: string;
  /** Client certificates (gateways) must chain to this; absent: none are asked for. */
  ca?: string;
}

function readPem(file: string, variable: string, kind: RegExp): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TryggError('TRYGG_SRV_TLS_FILES', [`cannot read ${variable} (${file}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`], { cause: err });
  }
  if (!kind.test(text)) throw new TryggError('TRYGG_SRV_TLS_FILES', [`${variable} (${file}) holds no PEM ${kind.source.includes('KEY') ? 'private key' : 'certificate'}`]);
  return text;
}

/**
 * Reads and checks the files at start, so a wrong path or a key of another certificate stops the
 * server with one line instead of failing the first TLS handshake.
 */
export function loadTlsMaterial(files: TlsFiles): TlsMaterial {
  const cert = readPem(files.certFile, 'TRYGG_TLS_CERT', /-----BEGIN CERTIFICATE-----/);
  const key = readPem(files.keyFile, 'TRYGG_TLS_KEY', /-----BEGIN [A-Z ]*PRIVATE KEY-----/);
  const ca = files.caFile ? readPem(files.caFile, 'TRYGG_TLS_CA', /-----BEGIN CERTIFICATE-----/) : undefined;
  try {
    createSecureContext({ cert, key, ...(ca && { ca }) });
  } catch (err) {
    throw new TryggError('TRYGG_SRV_TLS_FILES', [`TRYGG_TLS_CERT and TRYGG_TLS_KEY do not make a usable pair: ${(err as Error).message}`], { cause: err });
  }
  return { cert, key, ...(ca && { ca }) };
}
