import { z } from 'zod';

/** An SMTP relay for Astakos feedback (the original e-mailed feedback to the operators). */
const SmtpRelay = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(25),
  /** Implicit TLS (port 465 style); STARTTLS is used when the server offers it either way. */
  secure: z.boolean().default(false),
  /** Refuse to send without TLS (STARTTLS required). */
  requireTls: z.boolean().default(false),
  /** SMTP AUTH; omit for an open relay on a trusted network. */
  auth: z.strictObject({ user: z.string().min(1), pass: z.string().min(1) }).optional(),
  /** Envelope and header sender. */
  from: z.string().min(3).default('cloudfed@localhost'),
  /** The operators who receive feedback. */
  to: z.array(z.string().min(3)).min(1),
  /** Subject line; the sender's display name is appended. */
  subject: z.string().min(1).default('Feedback from'),
  /** Connection, greeting and socket timeout in milliseconds: a dead relay answers 502 quickly. */
  timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
});

/** `shims.astakos`: the Synnefo Astakos 0.14 API shim (see compat/astakos.md). */
export const AstakosShimConfig = z
  .strictObject({
    /** Serve the API on the main server. */
    enabled: z.boolean().default(true),
    /** Path prefix of every route (`/astakos`); empty when Astakos has a host of its own. */
    basePath: z
      .string()
      .regex(/^(\/[A-Za-z0-9._~-]+)*$/, 'empty, or "/segment" parts without a trailing slash')
      .default('/astakos'),
    /** The Astakos cookie the cloud bar menu reads (`<uuid>|<token>`, URL-encoded). */
    cookieName: z
      .string()
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'a cookie name token')
      .default('_pithos2_a'),
    /** `Domain=` of the cookie deletion that get_menu sends for an invalid cookie. */
    cookieDomain: z
      .string()
      .regex(/^[A-Za-z0-9.-]+$/, 'a domain name')
      .optional(),
    /** Largest request body the shim reads, in bytes. */
    bodyLimit: z.number().int().min(1024).default(1_048_576),
    feedback: z
      .strictObject({
        /** When set, feedback is also mailed through this relay; failure answers 502. */
        smtp: SmtpRelay.optional(),
      })
      .prefault({}),
  })
  .prefault({});

export type AstakosShimSettings = z.infer<typeof AstakosShimConfig>;
export type SmtpRelaySettings = z.infer<typeof SmtpRelay>;
