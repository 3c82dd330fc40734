/**
 * Notifications of a job's end (webhooks). A client that submits a job may give an address and a
 * secret of its own choosing; when the job ends (termine or echec) the service POSTs a JSON event to
 * that address, signed with HMAC-SHA256 over `${timestamp}.${body}`. A failed attempt (an answer
 * other than 2xx, no answer in time, a network error, a refused address) is retried with growing
 * delays, then the notification is given up. Its state lives in the store, so that a restart
 * neither loses nor repeats it; the WebhookDispatcher (started with the JobRunner) sends what is due.
 */
import Joi from 'joi';
import { InvalidInputError, type FieldError } from '../core/errors.js';
import { frenchMessage } from '../core/validation.js';
import { jobView } from '../jobs/view.js';
import type { DueNotification, Store } from '../store/types.js';
import { deliver, type DeliveryOutcome } from './deliver.js';
import { shownUrl, systemResolver, targetProblem, type Resolver } from './target.js';

export { signature, USER_AGENT } from './deliver.js';
export { forbiddenRange, shownUrl, systemResolver, targetProblem, type Resolver } from './target.js';

export const WEBHOOK_EVENT = 'lot.termine';
export const URL_LABEL = 'Adresse de notification';
export const SECRET_LABEL = 'Secret de signature';
const WEBHOOK_LABEL = 'Notification de fin de traitement';
const VISIBLE = /^[\x21-\x7E]+$/;

const urlField = Joi.string().max(2000).label(URL_LABEL);
const secretField = Joi.string()
  .min(16)
  .max(200)
  .pattern(VISIBLE, 'caractères visibles, sans espace')
  .label(SECRET_LABEL)
  .description('Choisi par le client et connu de lui seul avec le service\u00a0: il signe chaque notification (en-tête X-Webhook-Signature). Il n’est jamais renvoyé.')
  .required();

/** The `webhook` field of a job's submission, as documented (OpenAPI). */
export const webhookSchema = Joi.object({
  url: urlField
    .uri({ scheme: ['https', 'http'] })
    .description('Adresse https (ou http) appelée en POST à la fin du traitement\u00a0; sans identifiant ni mot de passe, ni adresse locale, privée ou réservée.')
    .required(),
  secret: secretField,
})
  .label(WEBHOOK_LABEL)
  .description('Facultatif\u00a0: une notification signée est envoyée à cette adresse quand le traitement se termine.');

/** The same field as checked: the address is judged by targetProblem(), with its own messages. */
const webhookInput = Joi.object({ url: urlField.required(), secret: secretField }).label(WEBHOOK_LABEL);

export interface WebhookRequest {
  url: string;
  secret: string;
}

/**
 * The `webhook` field of a submission, checked: undefined when absent (or null), else the address
 * and the secret; throws InvalidInputError (400) naming each field by its French label. The secret
 * is never quoted in a message.
 */
export function readWebhook(input: unknown, options: { allowPrivateTargets: boolean }): WebhookRequest | undefined {
  if (input === undefined || input === null) return undefined;
  const { error, value } = webhookInput.validate(input, { abortEarly: false, convert: false, errors: { wrap: { label: false } } });
  const errors: FieldError[] = (error?.details ?? []).map((d) => ({ path: ['webhook', ...d.path].join('.'), type: d.type, message: frenchMessage(d) }));
  if (typeof value?.url === 'string' && !errors.some((e) => e.path === 'webhook.url')) {
    const problem = targetProblem(value.url, { allowPrivateTargets: options.allowPrivateTargets, label: URL_LABEL });
    if (problem) errors.push({ path: 'webhook.url', type: 'webhook.adresse', message: problem });
  }
  if (errors.length > 0) throw new InvalidInputError('La notification de fin de traitement est invalide.', errors);
  return { url: value.url as string, secret: value.secret as string };
}

export interface WebhookOptions {
  /** Lifts the address check (a receiver on this machine or the local network). Default false. */
  allowPrivateTargets?: boolean;
  /** Attempts in all, the first included. Default 6. */
  attempts?: number;
  /** Delay before the 2nd, 3rd… attempt, in ms (the last one repeats). Default 10 s, 30 s, 2 min, 10 min, 1 h. */
  delaysMs?: readonly number[];
  /** Time allowed to one attempt (resolution, connection, answer), in ms. Default 10 s. */
  timeoutMs?: number;
  /** Most bytes of an answer's body read (and ignored). Default 64 KiB. */
  maxResponseBytes?: number;
  /** Longest wait of the dispatcher's timer, in ms. Default 1 min. */
  pollMs?: number;
  /** Name resolution (default dns.lookup, every address): tests give their own. */
  resolve?: Resolver;
  /** The clock, in ms (tests move it). */
  now?: () => number;
}

export const DEFAULT_WEBHOOK_OPTIONS = {
  allowPrivateTargets: false,
  attempts: 6,
  delaysMs: [10_000, 30_000, 120_000, 600_000, 3_600_000] as readonly number[],
  timeoutMs: 10_000,
  maxResponseBytes: 64 * 1024,
  pollMs: 60_000,
};

/** Notifications claimed at once (and sent side by side). */
const BATCH = 10;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Sends the due notifications: `kick` when a job ends (and at start), `idle` to wait for the
 * attempts under way, `stop` before closing the store. Between attempts, a timer (which never keeps
 * the process alive) wakes it when the next retry is due. Nothing is sent once stopped.
 */
export class WebhookDispatcher {
  readonly allowPrivateTargets: boolean;
  private readonly options: Required<Omit<WebhookOptions, 'resolve' | 'now'>> & { resolve: Resolver; now: () => number };
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly inflight = new Set<AbortController>();

  constructor(
    private readonly store: Store,
    options: WebhookOptions = {},
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as WebhookOptions;
    this.options = { ...DEFAULT_WEBHOOK_OPTIONS, resolve: systemResolver, now: Date.now, ...defined };
    if (this.options.attempts < 1 || this.options.delaysMs.length === 0) throw new Error('Webhook options need at least one attempt and one delay');
    this.allowPrivateTargets = this.options.allowPrivateTargets;
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.clearTimer();
    this.running = this.drain()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when no attempt is under way and none is due now (later retries wait on the timer). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Interrupts the attempts under way (they will be made again at the next start) and sends nothing more. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    for (const controller of this.inflight) controller.abort();
    await this.idle();
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        if (this.stopped) return;
        const now = this.options.now();
        // A claim outlives an attempt: a process that dies during one leaves it due again after that.
        const due = await this.store.claimNotifications(iso(now), iso(now + this.options.timeoutMs + 60_000), BATCH);
        if (due.length === 0) return;
        // Side by side, and every one finished before going on (a failed write leaves the others to end).
        const failed = (await Promise.allSettled(due.map((n) => this.attempt(n)))).find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
      }
    } finally {
      await this.arm();
    }
  }

  /** The timer for the next retry, if any is pending (never longer than pollMs, never holding the process). */
  private async arm(): Promise<void> {
    if (this.stopped) return;
    const next = await this.store.nextNotificationDue();
    if (this.stopped || next === undefined) return;
    const wait = Math.min(this.options.pollMs, Math.max(0, Date.parse(next) - this.options.now()));
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, wait);
    this.timer.unref();
  }

  private delayAfter(attempt: number): number {
    const delays = this.options.delaysMs;
    return delays[Math.min(attempt - 1, delays.length - 1)]!;
  }

  private async attempt(n: DueNotification): Promise<void> {
    if (this.stopped) {
      // Claimed but not tried: due again at once for the next start.
      await this.store.updateNotification(n.id, { prochaineLe: iso(this.options.now()) });
      return;
    }
    const job = await this.store.getJob(n.jobId);
    const attempt = n.tentatives + 1;
    let outcome: DeliveryOutcome;
    if (!job) {
      outcome = { ok: false, error: 'Traitement introuvable.' };
    } else {
      const body = JSON.stringify({ evenement: WEBHOOK_EVENT, lot: jobView(job), date: job.modifieLe });
      const controller = new AbortController();
      this.inflight.add(controller);
      try {
        outcome = await deliver(
          { url: n.url, id: n.id, secret: n.secret, body, timestamp: Math.floor(this.options.now() / 1000) },
          { ...this.options, signal: controller.signal },
        );
      } finally {
        this.inflight.delete(controller);
      }
    }
    if (!outcome.ok && outcome.interrupted) {
      await this.store.updateNotification(n.id, { prochaineLe: iso(this.options.now()) });
      return;
    }
    const audit = (action: string, details: Record<string, unknown>) =>
      job ? this.store.audit({ organisationId: job.organisationId, cleId: job.cleId, action, cible: job.id, details: { notification: n.id, url: shownUrl(n.url), tentatives: attempt, ...details } }) : Promise.resolve();
    if (outcome.ok) {
      await this.store.updateNotification(n.id, { statut: 'livree', tentatives: attempt, prochaineLe: null, derniereErreur: null });
      await audit('lot.notification.livree', { statutHttp: outcome.status });
    } else if (attempt >= this.options.attempts) {
      await this.store.updateNotification(n.id, { statut: 'echec', tentatives: attempt, prochaineLe: null, derniereErreur: outcome.error });
      await audit('lot.notification.echec', { erreur: outcome.error });
    } else {
      await this.store.updateNotification(n.id, { tentatives: attempt, prochaineLe: iso(this.options.now() + this.delayAfter(attempt)), derniereErreur: outcome.error });
    }
  }
}
