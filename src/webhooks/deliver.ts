/**
 * One attempt at a notification: a signed JSON POST to the client's address, connected to the
 * vetted address only, no redirect followed, a deadline for the whole exchange, the answer's body
 * read up to a cap and ignored. The outcome is a French reason, never the secret nor the address.
 */
import { createHmac } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { bareHost, TargetRefusedError, vetTarget, type Resolver } from './target.js';

export const USER_AGENT = 'clauses-sociales-documents-webhooks/1';

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`): what X-Webhook-Signature carries. */
export function signature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface Delivery {
  url: string;
  /** The notification's id, the same for every attempt (X-Webhook-Id). */
  id: string;
  secret: string;
  body: string;
  /** Unix time in seconds (X-Webhook-Timestamp), also signed. */
  timestamp: number;
}

export interface DeliveryOptions {
  allowPrivateTargets: boolean;
  resolve: Resolver;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Aborts the attempt (the dispatcher stops): the outcome is then `interrupted`. */
  signal?: AbortSignal;
}

export type DeliveryOutcome = { ok: true; status: number } | { ok: false; error: string; interrupted?: boolean };

/** The connection goes to these addresses whatever the name resolves to by then. */
function pinnedLookup(addresses: LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = typeof options.family === 'number' && options.family !== 0 ? options.family : undefined;
    const usable = family ? addresses.filter((a) => a.family === family) : addresses;
    if (usable.length === 0) {
      callback(Object.assign(new Error('no vetted address of this family'), { code: 'ENOTFOUND' }), '', 0);
      return;
    }
    if (options.all) callback(null, usable);
    else callback(null, usable[0]!.address, usable[0]!.family);
  };
}

const NETWORK_ERRORS: Record<string, string> = {
  ENOTFOUND: 'nom de domaine introuvable',
  EAI_AGAIN: 'nom de domaine momentanément introuvable',
  ECONNREFUSED: 'connexion refusée',
  ECONNRESET: 'connexion interrompue',
  EHOSTUNREACH: 'hôte injoignable',
  ENETUNREACH: 'réseau injoignable',
  EPIPE: 'connexion interrompue',
};

/** A network or TLS error in French, from its code only (messages may quote addresses). */
function networkReason(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') {
    if (NETWORK_ERRORS[code]) return `Erreur réseau : ${NETWORK_ERRORS[code]} (${code}).`;
    if (/CERT|SSL|TLS|SELF_SIGNED|HOSTNAME/i.test(code)) return `Certificat TLS refusé (${code}).`;
    if (/^[A-Z0-9_]{2,40}$/.test(code)) return `Erreur réseau (${code}).`;
  }
  return 'Erreur réseau.';
}

const INTERRUPTED: DeliveryOutcome = { ok: false, error: 'Envoi interrompu par l’arrêt du service.', interrupted: true };

export async function deliver(delivery: Delivery, options: DeliveryOptions): Promise<DeliveryOutcome> {
  if (options.signal?.aborted) return INTERRUPTED;
  const started = Date.now();
  const timeoutReason = `Pas de réponse complète dans le délai de ${Math.round(options.timeoutMs / 100) / 10} s.`;
  const url = new URL(delivery.url);
  let addresses: LookupAddress[];
  let resolveTimer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    // The resolution counts in the attempt's time, and a stop interrupts it: a resolver that hangs holds nothing.
    addresses = await Promise.race([
      vetTarget(url, options),
      new Promise<never>((_, reject) => {
        resolveTimer = setTimeout(() => reject(Object.assign(new Error('resolution timed out'), { code: 'ETIMEOUT' })), options.timeoutMs);
        resolveTimer.unref();
        onAbort = () => reject(Object.assign(new Error('stopped'), { code: 'EINTERRUPTED' }));
        options.signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (error instanceof TargetRefusedError) return { ok: false, error: error.reason };
    if (code === 'EINTERRUPTED') return INTERRUPTED;
    if (code === 'ETIMEOUT') return { ok: false, error: timeoutReason };
    return { ok: false, error: networkReason(error) };
  } finally {
    clearTimeout(resolveTimer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
  if (options.signal?.aborted) return INTERRUPTED;

  const body = Buffer.from(delivery.body, 'utf8');
  const secure = url.protocol === 'https:';
  return new Promise<DeliveryOutcome>((resolve) => {
    let settled = false;
    let deadline: NodeJS.Timeout | undefined;
    let request: http.ClientRequest | undefined;
    const onAbort = () => finish(INTERRUPTED);
    const finish = (outcome: DeliveryOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', onAbort);
      request?.destroy();
      resolve(outcome);
    };
    try {
      request = (secure ? https : http).request({
        protocol: url.protocol,
        hostname: bareHost(url),
        port: url.port || (secure ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        // No pooling: every attempt resolves, vets and connects afresh.
        agent: false,
        lookup: pinnedLookup(addresses),
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': String(body.length),
          'User-Agent': USER_AGENT,
          'X-Webhook-Id': delivery.id,
          'X-Webhook-Timestamp': String(delivery.timestamp),
          'X-Webhook-Signature': signature(delivery.secret, delivery.timestamp, delivery.body),
        },
      });
    } catch (error) {
      finish({ ok: false, error: networkReason(error) });
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    deadline = setTimeout(() => finish({ ok: false, error: timeoutReason }), Math.max(0, options.timeoutMs - (Date.now() - started)));
    deadline.unref();

    request.on('error', (error) => finish({ ok: false, error: networkReason(error) }));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const outcome: DeliveryOutcome =
        status >= 200 && status < 300
          ? { ok: true, status }
          : { ok: false, error: status >= 300 && status < 400 ? `Redirection non suivie (HTTP ${status}).` : `Réponse HTTP ${status}.` };
      // The answer's body is read (so the exchange ends cleanly) up to the cap, and ignored.
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > options.maxResponseBytes) finish(outcome);
      });
      response.on('end', () => finish(outcome));
      response.on('error', () => finish(outcome));
      response.on('close', () => finish(outcome));
    });
    request.end(body);
  });
}
