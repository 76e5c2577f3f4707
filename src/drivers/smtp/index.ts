/**
 * The SMTP driver: delivers Astakos feedback to the operators through a mail relay
 * (`shims.astakos.feedback.smtp`), as the original Astakos did with Django's mailer. The users
 * subgraph stores the feedback first and calls this notifier; a throw here becomes
 * FEEDBACK_NOT_DELIVERED (the shim's 502) while the record stays stored.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { SmtpRelaySettings } from '../../config/astakos.js';
import type { FeedbackNotifier, FeedbackRecord, UserRecord } from '../../subgraphs/users/index.js';

export interface SmtpFeedbackNotifier extends FeedbackNotifier {
  /** Closes pooled connections. */
  close(): void;
}

/** The mail the operators receive: the message, the attached data and who sent it. */
export function feedbackMail(
  settings: Pick<SmtpRelaySettings, 'from' | 'to' | 'subject'>,
  feedback: FeedbackRecord,
  user: UserRecord,
): { from: string; to: string[]; subject: string; text: string } {
  const lines = [
    `Feedback #${feedback.id} received ${feedback.createdAt.toISOString()}`,
    '',
    `User: ${user.realName || user.username} <${user.emails[0] ?? user.username}>`,
    `UUID: ${user.id}`,
    `Id: ${user.numericId}`,
    '',
    'Message:',
    feedback.message,
  ];
  if (feedback.data !== null && feedback.data !== '') lines.push('', 'Data:', feedback.data);
  return {
    from: settings.from,
    to: [...settings.to],
    // One line: a CR/LF in a user-chosen name must not start a new header.
    subject: `${settings.subject} ${user.username}`.replace(/[\r\n]+/g, ' '),
    text: `${lines.join('\n')}\n`,
  };
}

export function createSmtpFeedbackNotifier(settings: SmtpRelaySettings): SmtpFeedbackNotifier {
  const transport: Transporter = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: settings.requireTls,
    ...(settings.auth ? { auth: { user: settings.auth.user, pass: settings.auth.pass } } : {}),
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
    // No transcript logging: it would contain credentials and user messages.
    logger: false,
    debug: false,
  });
  return {
    async notify(feedback, user) {
      const info = await transport.sendMail(feedbackMail(settings, feedback, user));
      // nodemailer throws when the relay refuses everything; a partial refusal still delivered.
      if ((info.accepted ?? []).length === 0) throw new Error('The relay accepted no recipient');
    },
    close: () => transport.close(),
  };
}
