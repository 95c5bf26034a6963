// Generated from crates/embed by `cargo xtask embed-types`; do not edit.
// The softphone's postMessage API, version 1.

export type Request = { 
/**
 * The protocol version: [`crate::VERSION`].
 */
softphone: number, 
/**
 * Chosen by the CRM (at most [`crate::MAX_ID_CHARS`] characters); echoed in the reply.
 */
id: string, 
/**
 * What to do.
 */
command: Command, };

export type Command = { "type": "sign_in", 
/**
 * `sip:user@domain`.
 */
sip_uri: string, 
/**
 * The SIP password.
 */
password: string, 
/**
 * The edge proxies' WebSocket URLs, separated by spaces or commas.
 */
servers: string, } | { "type": "dial", 
/**
 * A number or SIP address.
 */
number: string, 
/**
 * Dial into the call in progress instead of consulting.
 */
single_step?: boolean | null, } | { "type": "answer", 
/**
 * Which one, when several ring.
 */
call?: number | null, } | { "type": "decline" } | { "type": "hang_up", 
/**
 * Which one.
 */
call?: number | null, } | { "type": "hold", 
/**
 * Which one.
 */
call?: number | null, } | { "type": "retrieve", 
/**
 * Which one.
 */
call: number, } | { "type": "mute", 
/**
 * `true` to mute.
 */
on: boolean, } | { "type": "dtmf", 
/**
 * The digits.
 */
digits: string, } | { "type": "blind_transfer", 
/**
 * Which call.
 */
call?: number | null, 
/**
 * Where to.
 */
number: string, } | { "type": "attended_transfer", 
/**
 * The call whose party is transferred.
 */
call: number, 
/**
 * The consultation call.
 */
to: number, } | { "type": "merge" } | { "type": "set_directory", 
/**
 * The entries, at most a few thousand.
 */
entries: Array<DirectoryEntry>, } | { "type": "set_language", 
/**
 * The language.
 */
language: Language, };

export type DirectoryEntry = { 
/**
 * Shown to the agent.
 */
name: string, 
/**
 * Dialled.
 */
number: string, };

export type Language = "en" | "es";

export type Reply = { 
/**
 * The protocol version: [`crate::VERSION`].
 */
softphone: number, 
/**
 * The command's id; `null` when the message was unreadable.
 */
id: string | null, 
/**
 * What came of it.
 */
result: CommandResult, };

export type CommandResult = { "status": "done" } | { "status": "error", 
/**
 * Why.
 */
reason: ErrorReason, 
/**
 * For [`ErrorReason::SignInFailed`]: what the agent's own form would have said.
 */
detail?: SignInProblem, };

export type ErrorReason = "too_large" | "malformed" | "unsupported_version" | "unknown_command" | "bad_arguments" | "not_signed_in" | "already_signed_in" | "sign_in_disabled" | "sign_in_failed" | "no_such_call" | "not_allowed";

export type SignInProblem = "bad_address" | "no_user" | "no_server" | "bad_server" | "insecure_server" | "no_password" | "microphone_blocked_by_frame" | "audio_failed";

export type Notice = { 
/**
 * The protocol version: [`crate::VERSION`].
 */
softphone: number, 
/**
 * What happened.
 */
event: Event, };

export type Event = { "type": "ready", 
/**
 * The deployment lets [`crate::Command::SignIn`] through.
 */
credentials_sign_in: boolean, } | { "type": "registration", 
/**
 * Where it stands.
 */
state: Registration, } | { "type": "incoming_call", 
/**
 * The call.
 */
call: number, 
/**
 * Who calls.
 */
caller: Person, } | { "type": "call_state", 
/**
 * The call.
 */
call: number, 
/**
 * Where it stands.
 */
phase: CallPhase, 
/**
 * Who placed it.
 */
direction: Direction, 
/**
 * The other party.
 */
party: Person, 
/**
 * The agent holds it.
 */
held: boolean, 
/**
 * The other party holds the agent.
 */
remote_held: boolean, 
/**
 * It is part of the conference.
 */
conference: boolean, } | { "type": "participants", 
/**
 * The agent hosts it.
 */
host: boolean, 
/**
 * Everybody in it but the agent.
 */
participants: Array<Party>, } | { "type": "call_ended", 
/**
 * The call.
 */
call: number, 
/**
 * Who placed it.
 */
direction: Direction, 
/**
 * The other party.
 */
party: Person, 
/**
 * Talking time in milliseconds (0: it never connected).
 */
duration_ms: number, 
/**
 * How it ended.
 */
outcome: CallEnd, } | { "type": "error", 
/**
 * What.
 */
problem: Problem, };

export type Registration = "signed_out" | "registering" | "registered" | "failed" | "signing_out";

export type Person = { 
/**
 * What to dial to reach them (the number on the agent's domain, else `user@host`).
 */
number: string, 
/**
 * Display name, else the number; plain text, never markup.
 */
name: string, };

export type CallPhase = "dialing" | "ringing" | "incoming" | "answering" | "connected" | "ended";

export type Direction = "outgoing" | "incoming";

export type CallEnd = "hung_up" | "declined" | "busy" | "not_found" | "no_answer" | "missed" | "failed";

export type Party = { 
/**
 * Name or number; plain text.
 */
name: string, 
/**
 * Where they stand.
 */
state: PartyState, 
/**
 * Another agent (on the agent's own SIP domain), not an outside number.
 */
internal: boolean, };

export type PartyState = "dialing_out" | "alerting" | "connected" | "on_hold" | "disconnected" | "other";

export type Problem = "microphone_blocked_by_frame" | "microphone_denied" | "audio_failed";

/** Anything the phone posts to the CRM. */
export type FromPhone = Reply | Notice;

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
