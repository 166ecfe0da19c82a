// Faults the proxy answers itself, in the registry's place: a status of its choosing, a redirect,
// or a refusal of some requests by their body.
import type { Exchange } from './exchange.js';

export type AnswerFault =
  | {
      kind: 'status';
      status: number;
      headers?: Record<string, string>;
      body?: string;
      /** Answer only once this settles: orders answers after other requests' arrival. */
      after?: Promise<unknown>;
    }
  /** Answer a redirect (307 unless `status` says otherwise) to `location`. */
  | { kind: 'redirect'; location: string; status?: number }
  /**
   * Read the whole request body (it must be small: a manifest), then answer `status` when `when`
   * says so, else forward it: a registry that refuses some manifests by their content, as
   * Amazon ECR refuses OCI 1.1 manifests that carry `artifactType`.
   */
  | {
      kind: 'refuse-body';
      when: (body: Buffer) => boolean;
      status: number;
      headers?: Record<string, string>;
      body?: string;
    };

export function answerStatus(
  fault: Extract<AnswerFault, { kind: 'status' }>,
  exchange: Exchange,
): void {
  exchange.afterBody(() => {
    const answer = (): void => exchange.answer(fault.status, { ...fault.headers }, fault.body);
    if (fault.after === undefined) answer();
    else fault.after.then(answer, answer);
  });
}

export function answerRedirect(
  fault: Extract<AnswerFault, { kind: 'redirect' }>,
  exchange: Exchange,
): void {
  exchange.afterBody(() =>
    exchange.answer(fault.status ?? 307, { location: fault.location, 'content-length': '0' }),
  );
}

export function refuseBody(
  fault: Extract<AnswerFault, { kind: 'refuse-body' }>,
  exchange: Exchange,
): void {
  const { req } = exchange;
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('error', () => req.socket.destroy());
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (fault.when(body)) exchange.answer(fault.status, { ...fault.headers }, fault.body);
    else exchange.forward({ body });
  });
}
