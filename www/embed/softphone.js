// The softphone SDK for the page that embeds the phone (a CRM). A plain ES module: copy it
// beside your page, or import it from the phone's deployment (/embed/softphone.js).
// Types: softphone.d.ts beside this file (generated from the phone's Rust types).
//
//   import { Softphone } from './softphone.js';
//   const phone = Softphone.embed({ url: 'https://phone.example.com/', container: el });
//   phone.on('incoming_call', (e) => openRecord(e.caller.number));
//   await phone.ready;
//   await phone.command({ type: 'dial', number: '+34911234567' });

/** @typedef {import('./softphone.d.ts').Command} Command */
/** @typedef {import('./softphone.d.ts').Event} SoftphoneEvent */
/** @typedef {import('./softphone.d.ts').ErrorReason} ErrorReason */

/** The protocol version this SDK speaks. */
export const VERSION = 1;

/** What the phone's iframe needs: without `microphone` no call can work. */
export const ALLOW = 'microphone; autoplay; speaker-selection';

/**
 * A command the phone refused (`reason`: an ErrorReason) or never answered (`'timeout'`);
 * `detail` (a SignInProblem) says what was wrong with a refused `sign_in`.
 */
export class SoftphoneError extends Error {
  constructor(reason, command, detail) {
    const why = detail ? `${reason} (${detail})` : reason;
    super(`softphone: ${command?.type ?? 'command'} failed: ${why}`);
    this.name = 'SoftphoneError';
    this.reason = reason;
    this.detail = detail;
  }
}

export class Softphone {
  /**
   * Creates the phone's iframe in `container` and starts listening to it.
   * @param {{ url: string, container: Element, allow?: string, timeoutMs?: number,
   *           title?: string }} options
   */
  static embed({ url, container, allow = ALLOW, timeoutMs = 10_000, title = 'Softphone' }) {
    const frame = document.createElement('iframe');
    frame.src = url;
    frame.allow = allow;
    frame.title = title;
    frame.style.cssText = 'border:0;width:100%;height:100%';
    container.append(frame);
    return new Softphone(frame, { timeoutMs });
  }

  /** Drives an iframe the page made itself (it must have `allow="microphone"`). */
  constructor(frame, { timeoutMs = 10_000 } = {}) {
    this.frame = frame;
    this.origin = new URL(frame.src, location.href).origin;
    this.timeoutMs = timeoutMs;
    this.pending = new Map();
    this.handlers = new Map();
    this.nextId = 1;
    /** Resolves to the ready event's body once the phone listens to this page. */
    this.ready = new Promise((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyTimer = setTimeout(
        () => reject(new SoftphoneError('timeout: no ready (is this origin in the phone\'s embed.json?)')),
        timeoutMs,
      );
    });
    this.ready.catch(() => {}); // reported to whoever awaits it, not as unhandled
    this.listener = (e) => this.receive(e);
    window.addEventListener('message', this.listener);
  }

  /**
   * Calls `callback(event)` for every event of `type` (`'*'`: all of them).
   * Returns a function that stops it.
   * @param {SoftphoneEvent['type'] | '*'} type
   * @param {(event: SoftphoneEvent) => void} callback
   */
  on(type, callback) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(callback);
    return () => this.handlers.get(type)?.delete(callback);
  }

  /**
   * Sends a command once the phone is ready; resolves when the phone has carried it out,
   * rejects with a SoftphoneError (its `reason` says why) or on timeout.
   * @param {Command} command
   * @returns {Promise<void>}
   */
  async command(command) {
    await this.ready;
    const id = String(this.nextId++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SoftphoneError('timeout', command));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer, command });
      this.frame.contentWindow.postMessage({ softphone: VERSION, id, command }, this.origin);
    });
  }

  dial(number, { singleStep = false } = {}) {
    return this.command({ type: 'dial', number, single_step: singleStep });
  }
  answer(call) {
    return this.command({ type: 'answer', call });
  }
  decline() {
    return this.command({ type: 'decline' });
  }
  hangUp(call) {
    return this.command({ type: 'hang_up', call });
  }

  /** Stops listening and removes the iframe. */
  destroy() {
    window.removeEventListener('message', this.listener);
    clearTimeout(this.readyTimer);
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.frame.remove();
  }

  receive(e) {
    // Only the phone's own frame, from the phone's origin: other frames may post too.
    if (e.source !== this.frame.contentWindow || e.origin !== this.origin) return;
    const msg = e.data;
    if (!msg || msg.softphone !== VERSION) return;
    if (msg.result) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.result.status === 'done') p.resolve();
      else p.reject(new SoftphoneError(msg.result.reason, p.command, msg.result.detail));
    } else if (msg.event) {
      if (msg.event.type === 'ready') {
        clearTimeout(this.readyTimer);
        this.readyResolve(msg.event);
      }
      for (const type of [msg.event.type, '*']) {
        for (const callback of this.handlers.get(type) ?? []) {
          try {
            callback(msg.event);
          } catch (err) {
            console.error('softphone: event handler failed', err);
          }
        }
      }
    }
  }
}
