/** The SDK in softphone.js: the page that embeds the phone. */

/** What the phone's iframe needs: without `microphone` no call can work. */
export declare const ALLOW: string;

/** The protocol version this SDK speaks. */
export declare const VERSION: number;

/** A command the phone refused, or never answered (`reason` is then `'timeout'`). */
export declare class SoftphoneError extends Error {
  readonly reason: ErrorReason | 'timeout' | string;
  /** For a refused `sign_in`: what was wrong. */
  readonly detail?: SignInProblem;
}

export interface EmbedOptions {
  /** The phone's address. */
  url: string;
  /** Where the iframe goes. */
  container: Element;
  /** The iframe's `allow` attribute; default {@link ALLOW}. */
  allow?: string;
  /** How long a command may go unanswered, in ms; default 10 000. */
  timeoutMs?: number;
  /** The iframe's accessible title. */
  title?: string;
}

/** Every event body of one `type`. */
export type EventOf<T extends Event['type']> = Extract<Event, { type: T }>;

export declare class Softphone {
  /** Creates the phone's iframe in `container` and starts listening to it. */
  static embed(options: EmbedOptions): Softphone;
  /** Drives an iframe the page made itself (it must have `allow="microphone"`). */
  constructor(frame: HTMLIFrameElement, options?: { timeoutMs?: number });
  /** Resolves to the ready event once the phone listens to this page. */
  readonly ready: Promise<EventOf<'ready'>>;
  /** Calls `callback` for every event of `type` (`'*'`: all); returns a function that stops it. */
  on<T extends Event['type']>(type: T, callback: (event: EventOf<T>) => void): () => void;
  on(type: '*', callback: (event: Event) => void): () => void;
  /** Resolves when the phone has carried `command` out; rejects with a SoftphoneError. */
  command(command: Command): Promise<void>;
  dial(number: string, options?: { singleStep?: boolean }): Promise<void>;
  answer(call?: number): Promise<void>;
  decline(): Promise<void>;
  hangUp(call?: number): Promise<void>;
  /** Stops listening and removes the iframe. */
  destroy(): void;
}
