/**
 * Where a notification may go (SSRF guard). A client chooses the address, so the service must not
 * become its way into the service's own network: an address whose host is, or resolves to, a
 * loopback, private, link-local, unique-local, multicast, unspecified, carrier-grade NAT or
 * reserved address is refused. At submission only a literal address (or "localhost") can be
 * judged; at delivery the host is resolved (every address), judged, and the connection goes to the
 * very address that was judged, so that a second DNS answer cannot swap it (DNS rebinding).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import ipaddr from 'ipaddr.js';

/** Resolves a host name to all its addresses (dns.lookup with `all`, by default). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Ranges that ipaddr.js 1.x reports as "unicast" but that are no destination for a notification:
 * IPv4 benchmarking, and in IPv6 anything outside the global unicast block 2000::/3 (which also
 * catches the deprecated IPv4-compatible ::a.b.c.d) and the IETF special-purpose block 2001::/23.
 */
const EXTRA_V4: [ipaddr.IPv4, number][] = [ipaddr.IPv4.parseCIDR('198.18.0.0/15')];
const GLOBAL_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
const EXTRA_V6: [ipaddr.IPv6, number][] = [ipaddr.IPv6.parseCIDR('2001::/23')];

/** Host names that always mean this machine (RFC 6761). */
const LOCAL_NAMES = /^(localhost|localhost\.localdomain|ip6-localhost|ip6-loopback)$|\.localhost$/;

/** A URL's host without the brackets of an IPv6 literal and without a final dot. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

/**
 * Why an IP address is no acceptable destination (its range, as ipaddr.js names it), or undefined
 * when it is a public unicast address. An IPv4-mapped IPv6 address is judged as its IPv4 address.
 */
export function forbiddenRange(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'invalid';
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  if (range !== 'unicast') return range;
  if (ip.kind() === 'ipv4') return EXTRA_V4.some((cidr) => (ip as ipaddr.IPv4).match(cidr)) ? 'reserved' : undefined;
  const v6 = ip as ipaddr.IPv6;
  if (!v6.match(GLOBAL_V6) || EXTRA_V6.some((cidr) => v6.match(cidr))) return 'reserved';
  return undefined;
}

/** The host is an IP address written as such (after the URL parser's normalisation: 2130706433 is 127.0.0.1). */
export const isIpLiteral = (host: string) => ipaddr.isValid(host) && (ipaddr.IPv4.isValidFourPartDecimal(host) || host.includes(':'));

/** The address as it may be shown (audit, job view, logs): no credentials, no query, no fragment. */
export function shownUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '';
  }
}

/**
 * What is wrong with a notification address given at submission, in French, or undefined when
 * it is acceptable. `label` names the field. A host name is judged at delivery, once resolved.
 */
export function targetProblem(raw: string, options: { allowPrivateTargets: boolean; label: string }): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `« ${options.label} » doit être une adresse complète, commençant par https:// ou http://.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `« ${options.label} » doit commencer par https:// ou http://.`;
  if (url.username !== '' || url.password !== '') return `« ${options.label} » ne doit contenir ni identifiant ni mot de passe : authentifiez les notifications par leur signature.`;
  const host = bareHost(url);
  if (host === '') return `« ${options.label} » doit indiquer un nom de domaine ou une adresse IP.`;
  if (options.allowPrivateTargets) return undefined;
  if (LOCAL_NAMES.test(host) || (isIpLiteral(host) && forbiddenRange(host) !== undefined)) {
    return `« ${options.label} » désigne une adresse locale, privée ou réservée : indiquez une adresse joignable depuis Internet.`;
  }
  return undefined;
}

/** A delivery refused before any connection: the address is not acceptable. */
export class TargetRefusedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TargetRefusedError';
  }
}

/**
 * The addresses to connect to for `url`, every one of them acceptable (unless private targets are
 * allowed): a literal address as such, a name resolved with `resolve`. Throws TargetRefusedError
 * (with a French reason that never repeats the resolved addresses) or the resolver's error.
 */
export async function vetTarget(url: URL, options: { allowPrivateTargets: boolean; resolve: Resolver }): Promise<LookupAddress[]> {
  const host = bareHost(url);
  if (!options.allowPrivateTargets && LOCAL_NAMES.test(host)) throw new TargetRefusedError('Adresse refusée : le nom désigne la machine du service.');
  if (isIpLiteral(host)) {
    if (!options.allowPrivateTargets && forbiddenRange(host) !== undefined) throw new TargetRefusedError('Adresse refusée : adresse IP locale, privée ou réservée.');
    return [{ address: host, family: host.includes(':') ? 6 : 4 }];
  }
  const addresses = await options.resolve(host);
  if (addresses.length === 0) throw new TargetRefusedError('Adresse refusée : le nom ne résout vers aucune adresse.');
  if (!options.allowPrivateTargets && addresses.some((a) => forbiddenRange(a.address) !== undefined)) {
    throw new TargetRefusedError('Adresse refusée : le nom résout vers une adresse locale, privée ou réservée.');
  }
  return addresses;
}
