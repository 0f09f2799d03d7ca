// The request context every edge of the access graph is decided with: the MFA state the path
// carries, the stack's region, TLS, and what the caller adds of its own (a program's ExternalId).
import type { GraphNode } from "../graph";
import {
    Authorization,
    findAllowWitness,
    PolicyDocument,
    principalContextKeys,
} from "../../../policypack/iam";
import type { ContextValue, RequestPrincipal } from "../../../policypack/iam/context";
import type { Candidate } from "../../../policypack/iam/search";

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
        ...principalTagContext(node),
        ...(node.context ?? {}),
    };
}

/**
 * A user's planned tags as aws:PrincipalTag/<key>: AWS derives them from the user, so the caller
 * does not choose them (session tags the user passes to AssumeRole are aws:RequestTag/<key> in
 * that request, and aws:PrincipalTag only in the role session it gets). Changing them is an IAM
 * write (iam:TagUser, iam:UntagUser), an escalation edge of its own (edges/iam.ts). A role
 * session's tags stay the caller's choice (session tags), as before.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltag
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_adding-assume-role
 */
export function principalTagContext(node: GraphNode): Record<string, string> {
    if (!node.tags) return {};
    return Object.fromEntries(
        Object.entries(node.tags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v]),
    );
}

/**
 * The keys `node`'s request does not let the caller choose beyond MFA: a user's aws:PrincipalTag
 * keys that `doc` mentions (its value, or absent), and, when given, aws:ResourceOrgID (the
 * target's organization, or absent outside every organization).
 */
export function fixedKeys(
    node: GraphNode,
    doc: PolicyDocument | undefined,
    resourceOrgId?: string | null,
): Record<string, string | undefined> {
    const out: Record<string, string | undefined> = {};
    if (node.tags) {
        const tags = new Map(Object.entries(node.tags).map(([k, v]) => [k.toLowerCase(), v]));
        for (const s of doc?.statements ?? [])
            for (const c of s.conditions) {
                const key = c.key.toLowerCase();
                if (key.startsWith("aws:principaltag/"))
                    out[key] = tags.get(key.slice("aws:principaltag/".length));
            }
    }
    if (resourceOrgId !== undefined) out["aws:resourceorgid"] = resourceOrgId ?? undefined;
    return out;
}

/**
 * The values the caller cannot choose in `state`: the MFA keys (a session without MFA cannot send
 * aws:MultiFactorAuthPresent "true"). Every other key of a request (sts:ExternalId, aws:SourceIp,
 * aws:RequestedRegion, aws:SecureTransport, tags...) is the caller's to choose, so the witness
 * search (policypack/iam/search.ts) tries them all.
 */
export function mfaDomains(
    state: MfaState,
    fixed: Readonly<Record<string, ContextValue | undefined>> = {},
): ReadonlyMap<string, readonly Candidate[]> {
    const mfa = MFA_CONTEXT[state];
    return new Map([
        ...[MFA_PRESENT, MFA_AGE].map((k): [string, Candidate[]] => [
            k.toLowerCase(),
            [Object.entries(mfa).find(([f]) => f.toLowerCase() === k.toLowerCase())?.[1]],
        ]),
        ...Object.entries(fixed).map(([k, v]): [string, Candidate[]] => [k.toLowerCase(), [v]]),
    ]);
}

const MFA_PRESENT = "aws:MultiFactorAuthPresent";
const MFA_AGE = "aws:MultiFactorAuthAge";

/**
 * Decides a request first on the edge's own context and, when that is refused, on the context of
 * a witness the search finds in `searched` (the caller choosing every key the MFA state does not
 * fix); `decide` (authorize()) confirms the witness and names the deciding statements. Returns
 * the allowed decision with the context that got it, or undefined.
 */
export function decideWithChoice(
    principal: RequestPrincipal,
    action: string,
    resource: string | undefined,
    state: MfaState,
    base: Record<string, ContextValue>,
    searched: PolicyDocument | undefined,
    decide: (context: Record<string, ContextValue>) => Authorization,
    /** Keys besides MFA the caller cannot choose (lower-cased): their one value, or absent. */
    fixed: Readonly<Record<string, ContextValue | undefined>> = {},
): { result: Authorization; context: Record<string, ContextValue> } | undefined {
    const first = decide(base);
    if (first.decision === "Allow") return { result: first, context: base };
    if (!searched) return undefined;
    const witness = findAllowWitness(searched, {
        principals: [principal],
        action,
        resource,
        domains: mfaDomains(state, fixed),
    });
    if (!witness) return undefined;
    // AWS derives the principal's own keys; the witness's value of those is not the caller's.
    const own = principalContextKeys(principal);
    const context: Record<string, ContextValue> = Object.fromEntries(
        Object.entries(base).filter(([k]) => !(k.toLowerCase() in witness.context)),
    );
    for (const [k, v] of Object.entries(witness.context)) if (!(k in own)) context[k] = v;
    const confirmed = decide(context);
    return confirmed.decision === "Allow" ? { result: confirmed, context } : undefined;
}
