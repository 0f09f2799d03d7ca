// The request context every edge of the access graph is decided with: the MFA state the path
// carries, the stack's region, TLS, and what the caller adds of its own (a program's ExternalId).
import type { GraphNode } from "../graph";

/** The MFA context of a request: fresh or stale MFA, MFA explicitly false, or no MFA key at all. */
export type MfaState = "fresh" | "stale" | "false" | "absent";

/**
 * The context keys of each MFA state: fresh is five minutes old, stale a day. Long-term access
 * keys carry neither key; a session obtained without MFA may carry aws:MultiFactorAuthPresent
 * "false".
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
 */
export const MFA_CONTEXT: Readonly<Record<MfaState, Readonly<Record<string, string>>>> = {
    fresh: { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "300" },
    stale: { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "86400" },
    false: { "aws:MultiFactorAuthPresent": "false" },
    absent: {},
};

/** The context of a request by `node` in `state`, sent to `region`. */
export function requestContext(
    node: GraphNode,
    state: MfaState,
    region: string,
): Record<string, string> {
    return {
        ...MFA_CONTEXT[state],
        "aws:RequestedRegion": region,
        "aws:SecureTransport": "true",
        ...(node.context ?? {}),
    };
}
